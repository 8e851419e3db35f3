/**
 * What changed in which mailbox, for those who watch it live (the web client's event stream,
 * IMAP IDLE later). In-process for one node; several nodes will carry it over NATS behind the
 * same two functions. Published only after the change is committed.
 */
export type MailboxChange = {
  mailboxId: string;
  /** `arrived`: a message was filed; `changed`: flags or folders moved; `tracking`: a recipient state of a message sent from it. */
  kind: 'arrived' | 'changed' | 'tracking';
  folder?: string;
  messageId?: string;
};

export type ChangeFeed = {
  publish(change: MailboxChange): void;
  subscribe(listener: (change: MailboxChange) => void): () => void;
};

export function inProcessChangeFeed(onListenerError: (error: unknown) => void): ChangeFeed {
  const listeners = new Set<(change: MailboxChange) => void>();
  return {
    publish(change) {
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (error) {
          // One broken watcher must not stop the others, nor the writer that published.
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
