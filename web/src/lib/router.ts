import { useMemo, useSyncExternalStore } from 'react';
import type { DirectoryFilters } from '../api/types.ts';

/** What the directory page shows: the words typed, the filters, the page. */
export type DirectoryView = DirectoryFilters & { q?: string; page?: number };

const DIRECTORY_PARAMS = ['q', 'profession', 'speciality', 'department', 'postcode', 'kind', 'structure'] as const;

/** The screens, as the address bar names them (the server answers the app's page for any of them). */
export type Route =
  /** `folder` is the list shown; `in` the folder of the open message when it differs (a search result). */
  | { name: 'mail'; mailboxId?: string; folder?: string; uid?: number; q?: string; in?: string }
  | { name: 'compose'; draftId?: string }
  | { name: 'tracking'; mailboxId?: string }
  | { name: 'directory'; view: DirectoryView }
  | { name: 'preferences' }
  | { name: 'security' };

const CHANGE = 'missive:navigate';

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  const params = new URLSearchParams(search);
  const q = params.get('q')?.trim() || undefined;
  switch (parts[0]) {
    case 'compose':
      return parts[1] ? { name: 'compose', draftId: parts[1] } : { name: 'compose' };
    case 'tracking':
      return parts[1] ? { name: 'tracking', mailboxId: parts[1] } : { name: 'tracking' };
    case 'settings':
      return parts[1] === 'security' ? { name: 'security' } : { name: 'preferences' };
    case 'directory': {
      const view: DirectoryView = {};
      for (const name of DIRECTORY_PARAMS) {
        const value = params.get(name)?.trim();
        if (value) view[name] = value;
      }
      const page = Number(params.get('page'));
      if (Number.isInteger(page) && page > 1) view.page = page;
      return { name: 'directory', view };
    }
    case 'mail': {
      const uid = Number(parts[3]);
      const route: Route = { name: 'mail' };
      if (parts[1]) route.mailboxId = parts[1];
      if (parts[2]) route.folder = parts[2];
      if (Number.isInteger(uid) && uid > 0) route.uid = uid;
      if (q) route.q = q;
      const openIn = params.get('in');
      if (openIn && route.uid) route.in = openIn;
      return route;
    }
    default:
      return { name: 'mail' };
  }
}

export function hrefOf(route: Route): string {
  const e = encodeURIComponent;
  switch (route.name) {
    case 'compose':
      return route.draftId ? `/compose/${e(route.draftId)}` : '/compose';
    case 'tracking':
      return route.mailboxId ? `/tracking/${e(route.mailboxId)}` : '/tracking';
    case 'preferences':
      return '/settings/preferences';
    case 'directory': {
      const params = new URLSearchParams();
      for (const name of DIRECTORY_PARAMS) {
        const value = route.view[name]?.trim();
        if (value) params.set(name, value);
      }
      if (route.view.page && route.view.page > 1) params.set('page', String(route.view.page));
      const search = params.toString();
      return search ? `/directory?${search}` : '/directory';
    }
    case 'security':
      return '/settings/security';
    case 'mail': {
      let path = '/mail';
      if (route.mailboxId) {
        path += `/${e(route.mailboxId)}/${e(route.folder ?? 'INBOX')}`;
        if (route.uid) path += `/${route.uid}`;
      }
      const params = [route.q ? `q=${e(route.q)}` : '', route.in && route.uid ? `in=${e(route.in)}` : ''].filter(Boolean);
      return params.length ? `${path}?${params.join('&')}` : path;
    }
  }
}

// Counts navigations, so that going to the same address again (a second "new message") is a change too.
let version = 0;

export function navigate(route: Route, options: { replace?: boolean; state?: unknown } = {}): void {
  const href = hrefOf(route);
  if (options.replace) history.replaceState(options.state ?? null, '', href);
  else history.pushState(options.state ?? null, '', href);
  version++;
  window.dispatchEvent(new Event(CHANGE));
}

/** Renames the current entry (keeping its state) without it counting as a navigation. */
export function renameCurrentEntry(route: Route): void {
  history.replaceState(history.state, '', hrefOf(route));
}

function subscribe(callback: () => void): () => void {
  const onPop = () => {
    version++;
    callback();
  };
  window.addEventListener('popstate', onPop);
  window.addEventListener(CHANGE, callback);
  return () => {
    window.removeEventListener('popstate', onPop);
    window.removeEventListener(CHANGE, callback);
  };
}

const snapshot = () => `${version}\n${location.pathname}${location.search}`;

/** The current route; re-renders on navigation (links, back and forward buttons). */
export function useRoute(): Route & { version: number } {
  const key = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const [count, rest = ''] = key.split('\n');
    const index = rest.indexOf('?');
    return { ...parseRoute(index < 0 ? rest : rest.slice(0, index), index < 0 ? '' : rest.slice(index)), version: Number(count) };
  }, [key]);
}

/** The state pushed with the current history entry (e.g. a reply's prefill). */
export function historyState<T>(): T | null {
  return (history.state as T | null) ?? null;
}

/** A plain left click on a link navigates in place; modified clicks keep the browser's behaviour. */
export function linkClick(route: Route, after?: () => void) {
  return (event: React.MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(route);
    after?.();
  };
}
