import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { directoryVocabulary, searchDirectory } from '../api/directory.ts';
import type { DirectoryCard, DirectoryFilters, DirectoryPage as Page } from '../api/types.ts';
import { Icon } from '../components/Icon.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useI18n } from '../i18n/index.tsx';
import { FILTER_NAMES, hasFilters, sendableFilters } from '../lib/directory.ts';
import { errorText } from '../lib/errors.ts';
import { useMail } from '../lib/mailContext.tsx';
import { renameCurrentEntry, type DirectoryView } from '../lib/router.ts';
import { useAsync } from '../lib/useAsync.ts';
import { Filters } from './directory/Filters.tsx';
import { Pager } from './directory/Pager.tsx';
import { ResultCard } from './directory/ResultCard.tsx';
import '../styles/pages.css';
import '../styles/directory.css';

const PAGE_SIZE = 20;
// The server refuses pages beyond the 10,000th result.
const MAX_PAGES = Math.floor(10_000 / PAGE_SIZE);
// Long enough to skip the keystrokes of a word, short enough to feel live.
const TYPING_PAUSE_MS = 200;

function filtersOf(view: DirectoryView): DirectoryFilters {
  const filters: DirectoryFilters = {};
  for (const name of FILTER_NAMES) if (view[name]) filters[name] = view[name];
  return filters;
}

/** What is worth asking the server: words or a usable filter; null shows the empty state. */
function requestOf(view: DirectoryView): (DirectoryFilters & { q?: string; page: number }) | null {
  const q = view.q?.trim() ?? '';
  const filters = sendableFilters(filtersOf(view));
  if (!q && !hasFilters(filters)) return null;
  return { ...(q ? { q } : {}), ...filters, page: view.page ?? 1 };
}

/**
 * The directory: search as you type (words in any order, accents ignored), filters, a page of
 * 20 correspondents at a time, and "Écrire" to start a message to one of them. The address bar
 * follows the search, so Back from compose comes back to the same results.
 */
export function DirectoryPage({ initial }: { initial: DirectoryView }) {
  const i18n = useI18n();
  const { t, tn } = i18n;
  const { openCompose } = useMail();
  const [view, setView] = useState<DirectoryView>(initial);
  // What the results show: `view` once typing pauses, at once for a list, a button or Enter.
  const [searched, setSearched] = useState<DirectoryView>(initial);
  const pause = useRef<number | undefined>(undefined);
  const inputRef = useRef<HTMLInputElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusResults = useRef(false);
  const id = useId();

  const request = useMemo(() => requestOf(searched), [searched]);
  const requestKey = JSON.stringify(request);
  // A newer search aborts the one in flight, whose answer is then ignored.
  const results = useAsync<Page | null>((signal) => (request ? searchDirectory({ ...request, limit: PAGE_SIZE }, signal) : Promise.resolve(null)), [requestKey]);
  const vocabulary = useAsync((signal) => directoryVocabulary(signal), []);

  const update = useCallback((next: DirectoryView, typing: boolean) => {
    setView(next);
    window.clearTimeout(pause.current);
    if (typing) pause.current = window.setTimeout(() => setSearched(next), TYPING_PAUSE_MS);
    else setSearched(next);
  }, []);

  useEffect(() => () => window.clearTimeout(pause.current), []);

  useEffect(() => {
    renameCurrentEntry({ name: 'directory', view: searched });
  }, [searched]);

  const page = results.data ?? null;
  const pages = page ? Math.min(Math.max(1, Math.ceil(page.total / PAGE_SIZE)), MAX_PAGES) : 1;

  // After "next" or "previous", the new page's heading takes focus as it appears (scrolled into
  // view): keyboard and screen reader resume at the top of the new results.
  useLayoutEffect(() => {
    if (!focusResults.current || results.loading || !page) return;
    focusResults.current = false;
    headingRef.current?.focus();
  }, [page, results.loading]);

  const goToPage = (number: number) => {
    focusResults.current = true;
    update({ q: view.q, ...filtersOf(view), page: number }, false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update(view, false);
  };

  const write = (card: DirectoryCard) => openCompose({ to: [card.address] });

  const clearFilters = () => {
    update({ q: view.q }, false);
    inputRef.current?.focus();
  };

  const q = searched.q?.trim() ?? '';
  const loadingFirst = results.loading && !page;

  return (
    <div className="page">
      <div className="page-inner page-wide">
        <header className="page-head">
          <h1 className="page-title">
            <Icon name="contacts" size={22} />
            {t('directory.title')}
          </h1>
          <p className="page-intro">{t('directory.intro')}</p>
        </header>

        <form role="search" className="dir-search" aria-label={t('directory.searchForm')} onSubmit={submit}>
          <div className="field dir-search-field">
            <label htmlFor={`${id}-q`}>{t('directory.search')}</label>
            <div className="dir-search-box">
              <Icon name="search" className="dir-search-icon" />
              <input
                ref={inputRef}
                id={`${id}-q`}
                // The page is for searching: arriving here is arriving in the field.
                autoFocus
                type="search"
                autoComplete="off"
                spellCheck={false}
                maxLength={200}
                placeholder={t('directory.searchPlaceholder')}
                aria-describedby={`${id}-hint`}
                value={view.q ?? ''}
                onChange={(event) => update({ ...filtersOf(view), q: event.target.value }, true)}
              />
            </div>
            <p id={`${id}-hint`} className="field-hint">
              {t('directory.searchHint')}
            </p>
          </div>
          <Filters filters={filtersOf(view)} vocabulary={vocabulary.data} onChange={(filters, typing) => update({ q: view.q, ...filters }, typing)} onClear={clearFilters} />
        </form>

        <p className="sr-only" role="status">
          {request && page && !results.loading ? tn('directory.count', page.total) : ''}
        </p>

        {request === null ? (
          <div className="dir-state">
            <Icon name="contacts" size={40} />
            <h2 className="dir-state-title">{t('directory.emptyTitle')}</h2>
            <p>{t('directory.emptyHint')}</p>
          </div>
        ) : results.error ? (
          <p className="notice notice-error" role="alert">
            <Icon name="alert" size={16} />
            {t('directory.error')} {errorText(i18n, results.error)}
          </p>
        ) : loadingFirst ? (
          <div className="dir-state">
            <Spinner label={t('directory.searching')} />
          </div>
        ) : page && page.total === 0 ? (
          <div className="dir-state">
            <Icon name="search" size={40} />
            <h2 className="dir-state-title">{t('directory.noResultTitle')}</h2>
            <p>{q ? t('directory.noResultFor', { q }) : t('directory.noResultFiltered')}</p>
            <p>{t('directory.noResultHint')}</p>
            {hasFilters(filtersOf(view)) ? (
              <button type="button" className="btn" onClick={clearFilters}>
                <Icon name="close" size={16} />
                {t('directory.clearFilters')}
              </button>
            ) : null}
          </div>
        ) : page ? (
          <section className="dir-results" aria-labelledby={`${id}-results`} aria-busy={results.loading}>
            <div className="dir-results-head">
              <h2 id={`${id}-results`} ref={headingRef} tabIndex={-1} className="dir-results-title">
                {tn('directory.count', page.total)}
                {pages > 1 ? <span className="dir-results-page"> · {t('directory.pageOf', { page: page.page, pages })}</span> : null}
              </h2>
              {results.loading ? <Spinner /> : null}
            </div>
            <ol className="dir-list" aria-label={t('directory.results')} start={(page.page - 1) * PAGE_SIZE + 1}>
              {page.entries.map((card, index) => (
                <li key={card.address} className="dir-item">
                  <ResultCard card={card} headingId={`${id}-card-${index}`} onWrite={write} />
                </li>
              ))}
            </ol>
            <Pager page={page.page} pages={pages} onPage={goToPage} />
            {Math.ceil(page.total / PAGE_SIZE) > MAX_PAGES && page.page === MAX_PAGES ? <p className="field-hint">{t('directory.capped', { n: MAX_PAGES })}</p> : null}
          </section>
        ) : null}
      </div>
    </div>
  );
}
