// The application shell: header (brand, nav links to every page, live-connection badge,
// theme toggle), keyboard shortcuts ("g" then a letter jumps to a page), and the routes.
// Pages are loaded lazily so the DAG libraries load only on the workflow detail page.
import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import { useConnectionState, useEvents } from './api/events';
import { Loading } from './components/Loading';
import { ToastProvider } from './components/Toast';
import { EmptyState } from './components/EmptyState';
import { Page } from './components/Page';

const Overview = lazy(() => import('./pages/Overview'));
const Workflows = lazy(() => import('./pages/Workflows'));
const WorkflowDetail = lazy(() => import('./pages/WorkflowDetail'));
const Lanes = lazy(() => import('./pages/Lanes'));
const Sessions = lazy(() => import('./pages/Sessions'));
const Sagas = lazy(() => import('./pages/Sagas'));
const Memory = lazy(() => import('./pages/Memory'));
const Workers = lazy(() => import('./pages/Workers'));

/** Nav entries: path (under /ui), label, and the key after "g". */
export const NAV: { to: string; label: string; key: string }[] = [
  { to: '/', label: 'Overview', key: 'o' },
  { to: '/workflows', label: 'Workflows', key: 'w' },
  { to: '/lanes', label: 'Lanes', key: 'l' },
  { to: '/sessions', label: 'Sessions', key: 's' },
  { to: '/sagas', label: 'Sagas', key: 'a' },
  { to: '/memory', label: 'Memory', key: 'm' },
  { to: '/workers', label: 'Workers', key: 'k' },
];

export type Theme = 'light' | 'dark';
const THEME_KEY = 'goclaw.theme';

export function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch { /* storage blocked */ }
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  const toggle = useCallback(() => {
    setTheme((t) => {
      const next = t === 'dark' ? 'light' : 'dark';
      try { localStorage.setItem(THEME_KEY, next); } catch { /* storage blocked */ }
      return next;
    });
  }, []);
  return [theme, toggle];
}

function ConnectionBadge() {
  // The header keeps one workflow.* subscription open so the badge always means something.
  useEvents({ kinds: ['workflow.*'] }, () => {});
  const state = useConnectionState();
  const text = state === 'open' ? 'Live' : state === 'connecting' ? 'Connecting…' : state === 'idle' ? 'Idle' : 'Offline — reconnecting';
  return (
    <span className={`conn ${state}`} role="status" aria-label={`Live updates: ${text}`} title="Event stream (/ws/events)">
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function useGoShortcuts() {
  const navigate = useNavigate();
  useEffect(() => {
    let armed = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      if (e.key === 'g') {
        armed = Date.now();
        return;
      }
      if (armed && Date.now() - armed < 1500) {
        const hit = NAV.find((n) => n.key === e.key);
        armed = 0;
        if (hit) {
          e.preventDefault();
          navigate(hit.to);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}

function NotFound() {
  return (
    <Page title="Not found">
      <EmptyState title="There is no page here.">
        <NavLink to="/">Go to the overview</NavLink>
      </EmptyState>
    </Page>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const [theme, toggleTheme] = useTheme();
  useGoShortcuts();
  return (
    <div className="app">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="app-header">
        <NavLink to="/" className="brand" aria-label="goclaw home">
          go<span>claw</span>
        </NavLink>
        <nav className="nav" aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.to === '/'} title={`g ${n.key}`}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="header-right">
          <ConnectionBadge />
          <button type="button" onClick={toggleTheme} aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}>
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </div>
  );
}

export function App() {
  return (
    <ToastProvider>
      <Shell>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Overview />} />
            <Route path="/workflows" element={<Workflows />} />
            <Route path="/workflows/:id" element={<WorkflowDetail />} />
            <Route path="/lanes" element={<Lanes />} />
            <Route path="/sessions" element={<Sessions />} />
            <Route path="/sagas" element={<Sagas />} />
            <Route path="/memory" element={<Memory />} />
            <Route path="/workers" element={<Workers />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Shell>
    </ToastProvider>
  );
}
