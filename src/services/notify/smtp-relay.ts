import nodemailer from 'nodemailer';
import type { Notifier } from './notifier.ts';

export type RelaySettings = {
  /** `smtps://host:465` or `smtp://host:587` (STARTTLS then required off loopback); credentials may ride in the URL. */
  url: string;
  /** The From of codes and alerts, e.g. `Missive <ne-pas-repondre@hopital.fr>`. */
  from: string;
};

/**
 * Codes and alerts by e-mail through the operator's ordinary mail relay. What goes this way
 * leaves the trust space, which is why callers only ever hand it codes and content-free
 * alerts. The relay's answer is awaited: a code the relay refused is an error the user sees.
 */
export function smtpRelayNotifier(settings: RelaySettings): Notifier {
  const url = new URL(settings.url);
  const loopback = url.hostname === 'localhost' || url.hostname === '::1' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    // A code in clear on the network is a code given away; only the loopback may skip TLS.
    requireTLS: url.protocol === 'smtp:' && !loopback,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(notification) {
      if (notification.channel !== 'email') throw new Error('no SMS provider is configured');
      await transport.sendMail({ from: settings.from, to: notification.to, subject: notification.subject, text: notification.text, headers: { 'Auto-Submitted': 'auto-generated' } });
    },
  };
}
