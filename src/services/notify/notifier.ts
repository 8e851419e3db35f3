/**
 * Messages that leave the trust space (one-time codes, "you have a new message" alerts, vault
 * links): never health data. One notifier, several adapters: the development outbox here, an
 * SMTP relay and an SMS provider with their issues.
 */
export type Notification = { channel: 'email' | 'sms'; to: string; subject: string; text: string };

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/** Production without a relay (or SMS provider) configured: refuse clearly rather than drop a code silently. */
export const noRelayNotifier: Notifier = {
  async send(notification) {
    throw new Error(notification.channel === 'sms' ? 'no SMS provider is configured: codes cannot be sent by SMS' : 'no notification relay is configured: one-time codes cannot be sent');
  },
};
