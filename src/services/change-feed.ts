/**
 * What changed in which mailbox, for those who watch it live (the web client's event stream,
 * IMAP IDLE). In-process for one node; on PostgreSQL the nodes also tell each other through
 * LISTEN/NOTIFY (`sharedChangeFeed`). Published only after the change is committed.
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

/**
 * The feed of one node among several: what this node publishes reaches its own watchers at once
 * and the other nodes through `channel`; what the others publish arrives from it. Each message
 * names its node, so a node never hears itself twice.
 */
export function sharedChangeFeed(local: ChangeFeed, nodeId: string): { feed: ChangeFeed; receive(payload: string): void; attach(send: (payload: string) => void): void } {
  let send: ((payload: string) => void) | null = null;
  return {
    feed: {
      publish(change) {
        local.publish(change);
        send?.(JSON.stringify({ node: nodeId, change }));
      },
      subscribe: (listener) => local.subscribe(listener),
    },
    receive(payload) {
      const message = parseRemote(payload);
      if (message && message.node !== nodeId) local.publish(message.change);
    },
    attach(sender) {
      send = sender;
    },
  };
}

/** A message from another node, checked field by field: the channel is shared, not trusted blindly. */
function parseRemote(payload: string): { node: string; change: MailboxChange } | null {
  try {
    const value = JSON.parse(payload) as { node?: unknown; change?: Record<string, unknown> };
    const change = value.change;
    if (typeof value.node !== 'string' || !change || typeof change.mailboxId !== 'string') return null;
    if (change.kind !== 'arrived' && change.kind !== 'changed' && change.kind !== 'tracking') return null;
    if (change.folder !== undefined && typeof change.folder !== 'string') return null;
    if (change.messageId !== undefined && typeof change.messageId !== 'string') return null;
    return {
      node: value.node,
      change: { mailboxId: change.mailboxId, kind: change.kind, ...(change.folder === undefined ? {} : { folder: change.folder }), ...(change.messageId === undefined ? {} : { messageId: change.messageId }) },
    };
  } catch {
    return null;
  }
}
