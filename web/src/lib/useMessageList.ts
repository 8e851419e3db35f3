import { useCallback, useEffect, useRef, useState } from 'react';
import { isMissing } from '../api/client.ts';
import { listMessages, searchMessages } from '../api/mail.ts';
import type { ListEntry } from '../api/types.ts';
import { useMail } from './mailContext.tsx';

const PAGE = 50;

export type MessageListState = {
  entries: ListEntry[];
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  /** 'local' when the server cannot search yet and the loaded messages were filtered here. */
  searchMode: 'server' | 'local' | null;
};

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();

/** One folder's messages (or a search's), newest first, paged, kept fresh by live events. */
export function useMessageList(mailboxId: string, folder: string, q: string | undefined) {
  const { subscribe } = useMail();
  const [state, setState] = useState<MessageListState>({ entries: [], status: 'loading', error: null, hasMore: false, loadingMore: false, searchMode: null });
  const stateRef = useRef(state);
  stateRef.current = state;
  const generation = useRef(0);

  const fetchFirst = useCallback(
    async (limit: number): Promise<Pick<MessageListState, 'entries' | 'hasMore' | 'searchMode'>> => {
      if (q) {
        try {
          const found = await searchMessages(mailboxId, q);
          return { entries: found.entries, hasMore: false, searchMode: 'server' };
        } catch (error) {
          if (!isMissing(error)) throw error;
          const page = await listMessages(mailboxId, folder, { limit: 200 });
          const needle = fold(q);
          const entries = page.entries
            .filter((entry) => fold(`${entry.fromName ?? ''} ${entry.sender} ${entry.subject ?? ''}`).includes(needle))
            .map((entry) => ({ ...entry, folder }));
          return { entries, hasMore: false, searchMode: 'local' };
        }
      }
      const page = await listMessages(mailboxId, folder, { limit });
      return { entries: page.entries, hasMore: page.entries.length >= limit, searchMode: null };
    },
    [mailboxId, folder, q],
  );

  const load = useCallback(
    (quiet: boolean) => {
      const run = ++generation.current;
      const current = stateRef.current;
      // A refresh keeps as many messages as are on screen (within the server's page limit).
      const limit = quiet ? Math.min(200, Math.max(PAGE, current.entries.length)) : PAGE;
      if (!quiet) setState({ entries: [], status: 'loading', error: null, hasMore: false, loadingMore: false, searchMode: null });
      fetchFirst(limit).then(
        (result) => {
          if (run !== generation.current) return;
          setState((previous) => ({ ...previous, ...result, status: 'ready', error: null, loadingMore: false }));
        },
        (error: unknown) => {
          if (run !== generation.current) return;
          setState((previous) => (quiet && previous.status === 'ready' ? previous : { ...previous, status: 'error', error }));
        },
      );
    },
    [fetchFirst],
  );

  useEffect(() => load(false), [load]);

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (!current.hasMore || current.loadingMore || current.status !== 'ready' || q) return;
    const last = current.entries[current.entries.length - 1];
    if (!last) return;
    const run = generation.current;
    setState((previous) => ({ ...previous, loadingMore: true }));
    listMessages(mailboxId, folder, { limit: PAGE, before: last.uid }).then(
      (page) => {
        if (run !== generation.current) return;
        setState((previous) => {
          const known = new Set(previous.entries.map((entry) => entry.uid));
          return { ...previous, entries: [...previous.entries, ...page.entries.filter((entry) => !known.has(entry.uid))], hasMore: page.entries.length >= PAGE, loadingMore: false };
        });
      },
      () => {
        if (run !== generation.current) return;
        setState((previous) => ({ ...previous, loadingMore: false }));
      },
    );
  }, [mailboxId, folder, q]);

  // Live changes: reload quietly, once per burst.
  useEffect(() => {
    let timer: number | null = null;
    const unsubscribe = subscribe((event) => {
      if (event.kind === 'tracking') return;
      if (event.mailboxId !== '*' && event.mailboxId !== mailboxId) return;
      if (!q && event.folder !== undefined && event.folder !== folder) return;
      if (timer !== null) window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        timer = null;
        load(true);
      }, 300);
    });
    return () => {
      unsubscribe();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [subscribe, mailboxId, folder, q, load]);

  const updateEntry = useCallback((uid: number, entryFolder: string, patch: Partial<ListEntry>) => {
    setState((previous) => ({
      ...previous,
      entries: previous.entries.map((entry) => (entry.uid === uid && (entry.folder ?? folder) === entryFolder ? { ...entry, ...patch } : entry)),
    }));
  }, [folder]);

  const removeEntry = useCallback((uid: number, entryFolder: string) => {
    setState((previous) => ({ ...previous, entries: previous.entries.filter((entry) => !(entry.uid === uid && (entry.folder ?? folder) === entryFolder)) }));
  }, [folder]);

  return { ...state, loadMore, refresh: () => load(true), reload: () => load(false), updateEntry, removeEntry };
}

export const hasFlag = (entry: Pick<ListEntry, 'flags'>, flag: string) => entry.flags.split(/\s+/).includes(flag);

export function withFlag(flags: string, flag: string, on: boolean): string {
  const set = new Set(flags.split(/\s+/).filter(Boolean));
  if (on) set.add(flag);
  else set.delete(flag);
  return [...set].join(' ');
}
