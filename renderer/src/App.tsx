/** App shell: sign-in, the counter header, problem banner and late-sale notices, navigation by role, the current screen. */
import { lazy, useEffect, type ComponentType } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Cashier } from './screens/Cashier';
import { CounterHeader, LateNotices, ProblemBanner } from './screens/Counter';
import { LoadScreen } from './screens/LoadScreen';
import { SignIn } from './screens/SignIn';
import type { SessionView } from '../../electron/api/contract';
import { useTill, type Screen } from './store';

// Only sign-in and the Sell screen are in the first bundle: the meter field is ready sooner; the rest load on first use.
const lazyScreen = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
const ChangePin = lazyScreen(() => import('./screens/ChangePin'), 'ChangePin');
const Drawer = lazyScreen(() => import('./screens/Drawer'), 'Drawer');
const Eod = lazyScreen(() => import('./screens/Eod'), 'Eod');
const Faults = lazyScreen(() => import('./screens/Faults'), 'Faults');
const Meters = lazyScreen(() => import('./screens/Meters'), 'Meters');
const PrinterView = lazyScreen(() => import('./screens/PrinterView'), 'PrinterView');
const Providers = lazyScreen(() => import('./screens/Providers'), 'Providers');
const Queue = lazyScreen(() => import('./screens/Queue'), 'Queue');
const Reprint = lazyScreen(() => import('./screens/Reprint'), 'Reprint');
const Routing = lazyScreen(() => import('./screens/Routing'), 'Routing');
const Settings = lazyScreen(() => import('./screens/Settings'), 'Settings');
const Transactions = lazyScreen(() => import('./screens/Transactions'), 'Transactions');
const Store = lazyScreen(() => import('./screens/Store'), 'Store');
const Certification = lazyScreen(() => import('./screens/Certification'), 'Certification');
const VirtualMeter = lazyScreen(() => import('./screens/VirtualMeter'), 'VirtualMeter');

/**
 * Screens in the order of the navigation and who sees them: everyone, managers, or the field-tech
 * screens (managers, and cashiers when Settings say so — the back end refuses them otherwise too).
 * Add a screen here and in SCREENS.
 */
const NAV: { id: Screen; label: string; who: 'all' | 'manager' | 'fieldTech' }[] = [
  { id: 'cashier', label: 'Sell', who: 'all' },
  { id: 'drawer', label: 'My drawer', who: 'all' },
  { id: 'reprint', label: 'Reprint', who: 'manager' },
  { id: 'queue', label: 'Pending queue', who: 'manager' },
  { id: 'transactions', label: 'Transactions', who: 'manager' },
  { id: 'eod', label: 'End of day', who: 'manager' },
  { id: 'store', label: 'Store', who: 'manager' },
  { id: 'settings', label: 'Settings', who: 'manager' },
  { id: 'meters', label: 'Meters', who: 'manager' },
  { id: 'routing', label: 'Routing', who: 'manager' },
  { id: 'providers', label: 'Providers', who: 'manager' },
  { id: 'printer', label: 'Virtual printer', who: 'fieldTech' },
  { id: 'faults', label: 'Provider faults', who: 'fieldTech' },
  { id: 'virtualMeter', label: 'Virtual meter', who: 'fieldTech' },
  { id: 'certification', label: 'Certification', who: 'manager' },
];
const SCREENS = { cashier: Cashier, drawer: Drawer, reprint: Reprint, queue: Queue, transactions: Transactions, eod: Eod, settings: Settings, meters: Meters, routing: Routing, providers: Providers, printer: PrinterView, faults: Faults, virtualMeter: VirtualMeter, store: Store, certification: Certification };

/** The screens this sign-in sees, in navigation order. */
function navFor(session: SessionView): typeof NAV {
  const manager = session.operator?.role === 'manager';
  return NAV.filter((n) => n.who === 'all' || manager || (n.who === 'fieldTech' && session.fieldTools));
}

const SCREEN_KEYS = '1234567890';

/** The screen Alt+`key` opens for this sign-in (only screens its role sees), or null. */
function screenForKey(key: string, session: SessionView | null): Screen | null {
  const i = SCREEN_KEYS.indexOf(key);
  if (i < 0 || !session?.operator || session.mustChangePin) return null;
  return navFor(session)[i]?.id ?? null;
}

export function App() {
  // Only what the shell reads: the status poll (every 2 s) and the cashier's sale do not redraw it.
  const { session, sessionProblem, screen, setScreen, refreshSession, refreshStatus } = useTill(
    useShallow((s) => ({ session: s.session, sessionProblem: s.sessionProblem, screen: s.screen, setScreen: s.setScreen, refreshSession: s.refreshSession, refreshStatus: s.refreshStatus })),
  );
  useEffect(() => {
    // The page may have brought the session with it (boot.ts): then the first render was already the right screen.
    const known = useTill.getState();
    if (!known.session && !known.sessionProblem) void refreshSession();
    void refreshStatus();
    const t = setInterval(() => void refreshStatus(), 2000);
    return () => clearInterval(t);
  }, [refreshSession, refreshStatus]);
  useEffect(() => {
    // Every screen has a key: Alt+1 … Alt+0 open the screens in the order the navigation shows them.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const target = screenForKey(e.key, useTill.getState().session);
      if (!target) return;
      e.preventDefault();
      setScreen(target);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setScreen]);
  if (!session) {
    return (
      <main className="signin" aria-busy={!sessionProblem}>
        {sessionProblem ? <p role="alert" data-testid="session-problem">{sessionProblem}</p> : <p role="status">Connecting to the till…</p>}
      </main>
    );
  }
  if (!session.operator) return <SignIn />;
  if (session.mustChangePin) {
    return (
      <LoadScreen>
        <ChangePin />
      </LoadScreen>
    );
  }
  const nav = navFor(session);
  // A screen this sign-in no longer sees (Settings changed, another operator signed in) falls back to Sell.
  const Current = SCREENS[nav.some((n) => n.id === screen) ? screen : 'cashier'];
  return (
    <div className="shell">
      <div className="top">
        <CounterHeader />
        <ProblemBanner />
        <LateNotices />
      </div>
      <nav aria-label="Screens">
        {nav.map((n, i) => (
          <button
            key={n.id}
            className={`nav ${screen === n.id ? 'active' : ''}`}
            aria-current={screen === n.id ? 'page' : undefined}
            aria-keyshortcuts={i < SCREEN_KEYS.length ? `Alt+${SCREEN_KEYS[i]}` : undefined}
            title={i < SCREEN_KEYS.length ? `Alt+${SCREEN_KEYS[i]}` : undefined}
            onClick={() => setScreen(n.id)}
          >
            {n.label}
          </button>
        ))}
      </nav>
      <main>
        <LoadScreen key={screen}>
          <Current />
        </LoadScreen>
      </main>
    </div>
  );
}
