import { useState, type FormEvent } from 'react';
import { useToaster } from '../../components/Toaster.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../lib/errors.ts';
import { useAsync } from '../../lib/useAsync.ts';

type Item = { id: string; label: string };

/**
 * The state of a list of named, revocable secrets shown once (application passwords, access
 * tokens): the list, the one just made, its form's busy flag and error, making and revoking.
 * `insert` places a new item in the list; `revokedText` is the confirmation after a revocation.
 */
export function useRevocableSecrets<T extends Item, Made extends T>(options: {
  list: () => Promise<T[]>;
  make: () => Promise<Made>;
  revoke: (id: string) => Promise<void>;
  insert: (list: T[], made: Made) => T[];
  revokedText: (item: T) => string;
  onMade?: () => void;
}) {
  const i18n = useI18n();
  const { notify } = useToaster();
  const items = useAsync(() => options.list(), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [fresh, setFresh] = useState<Made | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const made = await options.make();
      setFresh(made);
      options.onMade?.();
      items.setData((list) => options.insert(list ?? [], made));
    } catch (reason) {
      setError(errorText(i18n, reason));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (item: T) => {
    try {
      await options.revoke(item.id);
      items.setData((list) => list?.filter((other) => other.id !== item.id));
      if (fresh?.id === item.id) setFresh(null);
      notify(options.revokedText(item), 'success');
    } catch (reason) {
      notify(errorText(i18n, reason), 'error');
    }
  };

  return { items, busy, error, fresh, hideFresh: () => setFresh(null), create, revoke };
}
