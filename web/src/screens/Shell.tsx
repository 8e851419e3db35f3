import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { logout as logoutRequest } from '../api/auth.ts';
import { listFolders, listMailboxes } from '../api/mail.ts';
import type { Folder, Mailbox, MailboxEvent, Me } from '../api/types.ts';
import { Spinner } from '../components/Spinner.tsx';
import { useToaster } from '../components/Toaster.tsx';
import { useI18n } from '../i18n/index.tsx';
import { errorText } from '../lib/errors.ts';
import { MailContextValue, type ComposePrefill, type MailContext } from '../lib/mailContext.tsx';
import { navigate, useRoute, type Route } from '../lib/router.ts';
import { useLiveEvents } from '../lib/useLiveEvents.ts';
import { Compose } from './Compose.tsx';
import { DirectoryPage } from './Directory.tsx';
import { Header } from './Header.tsx';
import { MailView } from './MailView.tsx';
import { Preferences } from './Preferences.tsx';
import { Security } from './Security.tsx';
import { Sidebar } from './Sidebar.tsx';
import { TrackingPage } from './Tracking.tsx';
import '../styles/shell.css';

type Props = { me: Me; onMeChange(me: Me): void; onLoggedOut(): void };

/** The logged-in application: header, sidebar, and the screen the address names. */
export function Shell({ me, onMeChange, onLoggedOut }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const { notify } = useToaster();
  const route = useRoute();
  const [mailboxes, setMailboxes] = useState<Mailbox[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [folders, setFolders] = useState<Record<string, Folder[] | undefined>>({});
  const [drawerOpen, setDrawerOpen] = useState(false);
  const listeners = useRef(new Set<(event: MailboxEvent) => void>());
  const pendingRefresh = useRef(new Map<string, number>());
  const mailboxesRef = useRef<Mailbox[]>([]);

  const fetchFolders = useCallback((mailboxId: string) => {
    listFolders(mailboxId).then(
      (list) => setFolders((current) => ({ ...current, [mailboxId]: list })),
      () => {},
    );
  }, []);

  const loadMailboxes = useCallback(() => {
    setLoadError(null);
    listMailboxes().then(
      (list) => {
        mailboxesRef.current = list;
        setMailboxes(list);
        for (const mailbox of list) fetchFolders(mailbox.id);
      },
      (error: unknown) => setLoadError(error),
    );
  }, [fetchFolders]);

  useEffect(loadMailboxes, [loadMailboxes]);

  // Bursts of events (a message to several of my mailboxes) cost one request per mailbox.
  const refreshFolders = useCallback(
    (mailboxId?: string) => {
      const ids = mailboxId ? [mailboxId] : mailboxesRef.current.map((mailbox) => mailbox.id);
      for (const id of ids) {
        if (pendingRefresh.current.has(id)) continue;
        pendingRefresh.current.set(
          id,
          window.setTimeout(() => {
            pendingRefresh.current.delete(id);
            fetchFolders(id);
          }, 250),
        );
      }
    },
    [fetchFolders],
  );

  useLiveEvents(
    (event) => {
      if (!mailboxesRef.current.some((mailbox) => mailbox.id === event.mailboxId)) return;
      if (event.kind !== 'tracking') refreshFolders(event.mailboxId);
      // Only what reaches an inbox is news (the sending side gets an arrival in Sent too).
      if (event.kind === 'arrived' && event.folder === 'INBOX') notify(t('toast.newMessage'));
      for (const listener of listeners.current) listener(event);
    },
    () => {
      refreshFolders();
      for (const listener of listeners.current) listener({ mailboxId: '*', kind: 'changed' });
    },
  );

  const defaultMailboxId = useMemo(() => (mailboxes ? (mailboxes.find((mailbox) => mailbox.kind === 'PER') ?? mailboxes[0])?.id ?? null : null), [mailboxes]);

  // The mailbox in view, remembered while on screens that do not name one (compose, settings).
  const lastMailboxId = useRef<string | null>(null);
  const routeMailboxId = route.name === 'mail' || route.name === 'tracking' ? route.mailboxId : undefined;
  if (routeMailboxId && mailboxes?.some((mailbox) => mailbox.id === routeMailboxId)) lastMailboxId.current = routeMailboxId;
  const currentMailboxId = lastMailboxId.current ?? defaultMailboxId;

  useEffect(() => {
    if (!mailboxes || !defaultMailboxId) return;
    const known = (id: string | undefined) => id !== undefined && mailboxes.some((mailbox) => mailbox.id === id);
    if (route.name === 'mail' && !known(route.mailboxId)) navigate({ name: 'mail', mailboxId: currentMailboxId ?? defaultMailboxId, folder: 'INBOX' }, { replace: true });
    if (route.name === 'tracking' && !known(route.mailboxId)) navigate({ name: 'tracking', mailboxId: currentMailboxId ?? defaultMailboxId }, { replace: true });
  }, [route, mailboxes, defaultMailboxId, currentMailboxId]);

  // "(3) Missive": unread messages waiting in my inboxes.
  const unread = useMemo(
    () => Object.values(folders).reduce((sum, list) => sum + (list?.find((folder) => folder.name === 'INBOX')?.unread ?? 0), 0),
    [folders],
  );
  // The shell owns the title: "(3) Missive" over the mail, "(3) Préférences · Missive" elsewhere.
  const screenTitle =
    route.name === 'compose' ? t('compose.title') : route.name === 'tracking' ? t('tracking.title') : route.name === 'directory' ? t('directory.title') : route.name === 'preferences' ? t('prefs.title') : route.name === 'security' ? t('security.title') : '';
  useEffect(() => {
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${screenTitle ? `${screenTitle} · ` : ''}${t('app.name')}`;
  }, [unread, screenTitle, t]);

  useEffect(() => setDrawerOpen(false), [route.version]);

  // A new screen takes keyboard and screen-reader focus to its title (a message opened from the
  // list keeps focus in the list; compose and the directory put it in their first field themselves).
  const screenKey =
    route.name === 'mail' ? `mail:${route.mailboxId}:${route.folder}:${route.q ?? ''}` : route.name === 'compose' || route.name === 'directory' ? null : `${route.name}:${route.name === 'tracking' ? route.mailboxId : ''}`;
  const firstScreen = useRef(true);
  useEffect(() => {
    if (firstScreen.current || screenKey === null) {
      firstScreen.current = false;
      return;
    }
    const timer = window.setTimeout(() => {
      const heading = document.querySelector<HTMLElement>('#main h1');
      if (!heading) return;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }, 0);
    return () => window.clearTimeout(timer);
  }, [screenKey]);

  // The drawer (smaller screens): focus goes in when it opens, Escape closes it.
  const sidebarFocus = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (!drawerOpen) return;
    sidebarFocus.current = document.activeElement as HTMLElement | null;
    document.querySelector<HTMLElement>('#sidebar .btn-compose')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setDrawerOpen(false);
        sidebarFocus.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  const logout = useCallback(() => {
    logoutRequest()
      .catch(() => {})
      .finally(() => {
        // Whoever signs in next on this workstation starts from the inbox, not from here.
        history.replaceState(null, '', '/');
        onLoggedOut();
      });
  }, [onLoggedOut]);

  // Stable, so that watchers do not resubscribe (and drop a pending refresh) whenever counts change.
  const subscribe = useCallback((listener: (event: MailboxEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const openCompose = useCallback((prefill: ComposePrefill = {}) => {
    const returnTo = location.pathname.startsWith('/compose') ? undefined : location.pathname + location.search;
    const nonce = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    navigate({ name: 'compose' }, { state: { nonce, prefill: { mailboxId: lastMailboxId.current ?? undefined, returnTo, ...prefill } } });
  }, []);

  const context = useMemo<MailContext | null>(
    () =>
      mailboxes
        ? {
            me,
            mailboxes,
            folders,
            defaultMailboxId,
            refreshFolders,
            subscribe,
            openCompose,
            updateMe: onMeChange,
            logout,
          }
        : null,
    [me, mailboxes, folders, defaultMailboxId, refreshFolders, subscribe, openCompose, onMeChange, logout],
  );

  if (!context) {
    return (
      <div className="splash">
        {loadError ? (
          <>
            <p role="alert">{errorText(i18n, loadError)}</p>
            <button type="button" className="btn btn-primary" onClick={loadMailboxes}>
              {t('common.retry')}
            </button>
          </>
        ) : (
          <Spinner label={t('common.loading')} />
        )}
      </div>
    );
  }

  return (
    <MailContextValue.Provider value={context}>
      <div className="app" data-drawer={drawerOpen ? 'open' : 'closed'}>
        <a className="skip-link" href="#main">
          {t('common.skip')}
        </a>
        <Header currentMailboxId={currentMailboxId} drawerOpen={drawerOpen} onToggleDrawer={() => setDrawerOpen((open) => !open)} />
        <div className="app-body">
          <Sidebar route={route} currentMailboxId={currentMailboxId} onNavigate={() => setDrawerOpen(false)} />
          {drawerOpen ? <button type="button" className="drawer-backdrop" aria-label={t('header.closeMenu')} onClick={() => setDrawerOpen(false)} /> : null}
          <main className="app-main" id="main" tabIndex={-1}>
            <Screen route={route} currentMailboxId={currentMailboxId} />
          </main>
        </div>
      </div>
    </MailContextValue.Provider>
  );
}

/** One compose screen per "new message" (its nonce in the history entry), or per draft opened from a list. */
function composeKey(draftId: string | undefined): string {
  const nonce = (history.state as { nonce?: unknown } | null)?.nonce;
  return typeof nonce === 'string' ? nonce : `draft:${draftId ?? ''}`;
}

function Screen({ route, currentMailboxId }: { route: Route & { version: number }; currentMailboxId: string | null }) {
  switch (route.name) {
    case 'directory':
      // A navigation (a link, Back, the return from compose) starts again from the address; typing only renames it.
      return <DirectoryPage key={route.version} initial={route.view} />;
    case 'compose':
      return <Compose key={composeKey(route.draftId)} draftId={route.draftId} />;
    case 'preferences':
      return <Preferences />;
    case 'security':
      return <Security />;
    case 'tracking':
      return route.mailboxId ? <TrackingPage mailboxId={route.mailboxId} /> : null;
    case 'mail':
      return route.mailboxId && currentMailboxId ? <MailView mailboxId={route.mailboxId} folder={route.folder ?? 'INBOX'} uid={route.uid} q={route.q} openIn={route.in} /> : null;
  }
}
