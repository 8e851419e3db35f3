import type { Notifier } from './notifier.ts';

/**
 * SMS through a provider's HTTP interface: POST `{ "to": "+33…", "text": "…" }` as JSON with the
 * configured token as bearer. Providers differ; a small proxy of the operator's adapts this one
 * shape to theirs, so Missive carries no provider's SDK. A refusal is an error: a code that was
 * not sent must not look sent.
 */
export function smsHttpNotifier(options: { url: string; token: string; timeoutMs?: number }): Notifier {
  return {
    async send(notification) {
      if (notification.channel !== 'sms') throw new Error('the SMS adapter sends SMS only');
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify({ to: notification.to, text: notification.text }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      // The body may echo the message: only the status is reported.
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the SMS provider answered ${response.status}`);
    },
  };
}

/** E-mail to one adapter, SMS to another. */
export function byChannel(adapters: { email: Notifier; sms: Notifier }): Notifier {
  return { send: (notification) => adapters[notification.channel].send(notification) };
}
