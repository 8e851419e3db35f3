import { useEffect, useId, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { searchDirectory } from '../api/directory.ts';
import type { DirectoryCard } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';
import { kindLabel, placeOf, practiceOf } from '../lib/directory.ts';
import { looksLikeAddress, splitAddresses } from '../lib/people.ts';
import { Icon } from './Icon.tsx';

type Props = {
  id: string;
  values: string[];
  onChange(values: string[]): void;
  describedBy?: string;
  autoFocus?: boolean;
};

const SUGGESTIONS = 8;
// Short enough to follow typing, long enough not to ask for every keystroke of a fast typist.
const TYPING_PAUSE_MS = 120;

/**
 * Recipients as tokens: type, pick a suggestion from the directory (↑/↓, Enter), or confirm an
 * address with Enter, comma or semicolon; Backspace on an empty field takes the last one back.
 */
export function TokenInput({ id, values, onChange, describedBy, autoFocus }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<DirectoryCard[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const directoryAvailable = useRef(true);

  useEffect(() => {
    const query = text.trim();
    if (!query || !directoryAvailable.current) {
      setSuggestions([]);
      return;
    }
    // The next keystroke aborts this request: only the latest query's answer is shown.
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      searchDirectory({ q: query, limit: SUGGESTIONS }, controller.signal).then(
        (found) => {
          if (controller.signal.aborted) return;
          const chosen = new Set(values.map((value) => value.toLowerCase()));
          const fresh = found.entries.filter((entry) => !chosen.has(entry.address.toLowerCase()));
          setSuggestions(fresh);
          setActive(fresh.length > 0 ? 0 : -1);
          setOpen(fresh.length > 0);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if ((error as { status?: number }).status === 404) directoryAvailable.current = false;
          setSuggestions([]);
          setOpen(false);
        },
      );
    }, TYPING_PAUSE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [text, values]);

  const add = (addresses: string[]) => {
    const known = new Set(values.map((value) => value.toLowerCase()));
    const next = [...values];
    for (const address of addresses) {
      const clean = address.trim();
      if (clean && !known.has(clean.toLowerCase())) {
        known.add(clean.toLowerCase());
        next.push(clean);
      }
    }
    if (next.length !== values.length) onChange(next);
    setText('');
    setSuggestions([]);
    setOpen(false);
    setActive(-1);
  };

  const commitTyped = () => {
    if (open && active >= 0 && suggestions[active]) add([suggestions[active]!.address]);
    else if (text.trim()) add(splitAddresses(text));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((index) => (index + 1) % suggestions.length);
    } else if (event.key === 'ArrowUp' && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((index) => (index <= 0 ? suggestions.length - 1 : index - 1));
    } else if (event.key === 'Enter') {
      if (text.trim()) {
        event.preventDefault();
        commitTyped();
      }
    } else if (event.key === ',' || event.key === ';') {
      event.preventDefault();
      if (text.trim()) add(splitAddresses(text));
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    } else if (event.key === 'Backspace' && !text && values.length > 0) {
      event.preventDefault();
      const last = values[values.length - 1]!;
      onChange(values.slice(0, -1));
      setText(last);
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text');
    const parts = splitAddresses(pasted);
    if (parts.length > 1 || /[,;\n]/.test(pasted)) {
      event.preventDefault();
      add(parts);
    }
  };

  const activeId = open && active >= 0 ? `${listId}-${active}` : undefined;

  return (
    <div className="token-field" onClick={(event) => event.target === event.currentTarget && inputRef.current?.focus()}>
      {values.map((value) => {
        const valid = looksLikeAddress(value);
        return (
          <span key={value} className={valid ? 'token' : 'token token-invalid'}>
            <span className="token-text">{value}</span>
            {!valid ? <span className="sr-only"> ({t('compose.invalidShort')})</span> : null}
            <button type="button" className="token-remove" aria-label={t('compose.removeRecipient', { address: value })} onClick={() => onChange(values.filter((item) => item !== value))}>
              <Icon name="close" size={12} />
            </button>
          </span>
        );
      })}
      <input
        ref={inputRef}
        id={id}
        type="text"
        className="token-input"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        autoFocus={autoFocus}
        value={text}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={activeId}
        aria-describedby={describedBy}
        onChange={(event) => {
          const value = event.target.value;
          if (/[,;]/.test(value)) {
            const parts = value.split(/[,;]/);
            const rest = parts.pop() ?? '';
            add(parts.flatMap(splitAddresses));
            setText(rest.trimStart());
          } else {
            setText(value);
            if (!value.trim()) setOpen(false);
          }
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => {
          if (text.trim()) add(splitAddresses(text));
          setOpen(false);
        }}
      />
      {open && suggestions.length > 0 ? (
        <ul id={listId} role="listbox" className="suggestions" aria-label={t('compose.suggestions')}>
          {suggestions.map((entry, index) => (
            <li
              key={entry.address}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className="suggestion"
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => {
                add([entry.address]);
                inputRef.current?.focus();
              }}
              onMouseEnter={() => setActive(index)}
            >
              <Suggestion card={entry} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Name and kind, what they practise, where, and the address: enough to tell two namesakes apart. */
function Suggestion({ card }: { card: DirectoryCard }) {
  const { t } = useI18n();
  const practice = practiceOf(card);
  const where = [card.structure?.name ?? card.structure?.service, card.place?.city ?? placeOf(card)].filter(Boolean).join(', ');
  const kind = card.kind.toUpperCase();
  return (
    <>
      <span className="suggestion-name">
        <span className="suggestion-name-text">{card.name || card.address}</span>
        {kind !== 'PER' ? <span className={`badge dir-kind badge-${kind.toLowerCase()}`}>{kindLabel(t, kind)}</span> : null}
      </span>
      {practice || where ? <span className="suggestion-detail">{[practice, where].filter(Boolean).join(' — ')}</span> : null}
      <span className="suggestion-address">{card.address}</span>
    </>
  );
}
