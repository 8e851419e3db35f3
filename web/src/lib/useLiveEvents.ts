import { useEffect, useRef } from 'react';
import { API_BASE } from '../api/client.ts';
import type { MailboxEvent } from '../api/types.ts';

const POLL_MS = 60_000;

/**
 * The server's change stream (SSE, same-origin cookie). When the stream is refused for good
 * (no such route yet, or the session ended), falls back to a slow poll so counts stay fresh.
 */
export function useLiveEvents(onEvent: (event: MailboxEvent) => void, onPoll: () => void): void {
  const handlers = useRef({ onEvent, onPoll });
  handlers.current = { onEvent, onPoll };

  useEffect(() => {
    let source: EventSource | null = null;
    let poll: number | null = null;
    const startPolling = () => {
      if (poll === null) poll = window.setInterval(() => handlers.current.onPoll(), POLL_MS);
    };
    if (typeof EventSource === 'undefined') {
      startPolling();
    } else {
      source = new EventSource(`${API_BASE}/events`);
      source.addEventListener('mailbox', (message) => {
        try {
          const data = JSON.parse((message as MessageEvent<string>).data) as MailboxEvent;
          if (data && typeof data.mailboxId === 'string') handlers.current.onEvent(data);
        } catch {
          // A malformed event is dropped; the next one or the poll catches up.
        }
      });
      source.addEventListener('open', () => {
        // Reconnected after a drop: what happened meanwhile is unknown, so refresh once.
        handlers.current.onPoll();
      });
      source.addEventListener('error', () => {
        if (source?.readyState === EventSource.CLOSED) startPolling();
      });
    }
    return () => {
      source?.close();
      if (poll !== null) window.clearInterval(poll);
    };
  }, []);
}
