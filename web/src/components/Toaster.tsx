import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { Icon } from './Icon.tsx';

type Toast = { id: number; text: string; tone: 'info' | 'success' | 'error' };

type Toaster = {
  /** A short visible notice, also read by screen readers (polite). */
  notify(text: string, tone?: Toast['tone']): void;
};

const ToasterContext = createContext<Toaster>({ notify: () => {} });

export function ToasterProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);

  const notify = useCallback(
    (text: string, tone: Toast['tone'] = 'info') => {
      const id = next.current++;
      setToasts((list) => [...list.filter((toast) => toast.text !== text).slice(-2), { id, text, tone }]);
      window.setTimeout(() => dismiss(id), tone === 'error' ? 9000 : 5000);
    },
    [dismiss],
  );

  const value = useMemo(() => ({ notify }), [notify]);

  return (
    <ToasterContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite" aria-label={t('common.notifications')}>
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`}>
            <Icon name={toast.tone === 'error' ? 'alert' : toast.tone === 'success' ? 'check' : 'bell'} />
            <span className="toast-text">{toast.text}</span>
            <button type="button" className="icon-btn toast-close" aria-label={t('toast.dismiss')} onClick={() => dismiss(toast.id)}>
              <Icon name="close" size={16} />
            </button>
          </div>
        ))}
      </div>
    </ToasterContext.Provider>
  );
}

export function useToaster(): Toaster {
  return useContext(ToasterContext);
}
