import { useEffect, useState } from 'react';
import { isMissing } from '../api/client.ts';
import { tracking as fetchTracking } from '../api/messages.ts';
import type { Tracking } from '../api/types.ts';

export type TrackingResult = { status: 'loading' } | { status: 'ready'; tracking: Tracking } | { status: 'unavailable' } | { status: 'error' };

// Shared by the Sent list, the reader and the Suivi page; a few requests at a time.
const cache = new Map<string, TrackingResult>();
const waiting = new Map<string, Set<(result: TrackingResult) => void>>();
const queue: string[] = [];
let running = 0;
const CONCURRENCY = 4;

function settle(messageId: string, result: TrackingResult) {
  cache.set(messageId, result);
  for (const listener of waiting.get(messageId) ?? []) listener(result);
}

function pump() {
  while (running < CONCURRENCY && queue.length > 0) {
    const messageId = queue.shift()!;
    running++;
    fetchTracking(messageId)
      .then(
        (tracking) => settle(messageId, { status: 'ready', tracking }),
        (error: unknown) => settle(messageId, isMissing(error) ? { status: 'unavailable' } : { status: 'error' }),
      )
      .finally(() => {
        running--;
        pump();
      });
  }
}

function request(messageId: string) {
  if (queue.includes(messageId)) return;
  cache.set(messageId, { status: 'loading' });
  queue.push(messageId);
  pump();
}

/** Forgets what is known of a message's tracking (a recipient opened it): watchers reload it. */
export function invalidateTracking(messageId?: string) {
  const ids = messageId ? [messageId] : [...cache.keys()];
  for (const id of ids) {
    cache.delete(id);
    if (waiting.get(id)?.size) request(id);
  }
}

export function useTracking(messageId: string | null): TrackingResult | null {
  const [result, setResult] = useState<TrackingResult | null>(() => (messageId ? (cache.get(messageId) ?? null) : null));
  useEffect(() => {
    if (!messageId) {
      setResult(null);
      return;
    }
    const listeners = waiting.get(messageId) ?? new Set();
    waiting.set(messageId, listeners);
    listeners.add(setResult);
    const known = cache.get(messageId);
    if (known && known.status !== 'error') setResult(known);
    else request(messageId);
    return () => {
      listeners.delete(setResult);
    };
  }, [messageId]);
  return result;
}

export type TrackingSummary = { total: number; opened: number; delivered: number; queued: number; failed: number };

export function summarise(tracking: Tracking): TrackingSummary {
  const summary = { total: tracking.recipients.length, opened: 0, delivered: 0, queued: 0, failed: 0 };
  for (const recipient of tracking.recipients) {
    if (recipient.openedAt) summary.opened++;
    if (recipient.state === 'delivered') summary.delivered++;
    else if (recipient.state === 'queued') summary.queued++;
    else summary.failed++;
  }
  return summary;
}
