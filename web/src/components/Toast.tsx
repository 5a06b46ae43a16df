// Short notices ("Workflow submitted", "Cancel failed: …") shown in a corner and announced
// by screen readers. Wrap the app in <ToastProvider>; call useToast()(message, kind).
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

export type ToastKind = 'info' | 'success' | 'error';
interface ToastItem { id: number; message: ReactNode; kind: ToastKind }
type Notify = (message: ReactNode, kind?: ToastKind) => void;

const ToastContext = createContext<Notify>(() => {});

export function ToastProvider({ children, timeoutMs = 6000 }: { children: ReactNode; timeoutMs?: number }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  const notify = useCallback<Notify>((message, kind = 'info') => {
    const id = next.current++;
    setItems((xs) => [...xs.slice(-4), { id, message, kind }]);
    setTimeout(() => dismiss(id), kind === 'error' ? timeoutMs * 2 : timeoutMs);
  }, [dismiss, timeoutMs]);
  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`}>
            <span>{t.message}</span>
            <button type="button" className="icon" aria-label="Dismiss notice" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  return useContext(ToastContext);
}

/** An inline notice box (info / warning) inside a page, e.g. "graph collapsed". */
export function Notice({ kind = 'info', children }: { kind?: 'info' | 'warning'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role="note">
      {children}
    </div>
  );
}
