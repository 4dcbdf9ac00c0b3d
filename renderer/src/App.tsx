/** App shell: sign-in, the counter header, problem banner and late-sale notices, navigation by role, the current screen. */
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { Cashier } from './screens/Cashier';
import { CounterHeader, LateNotices, ProblemBanner } from './screens/Counter';
import { SignIn } from './screens/SignIn';
import { ChangePin } from './screens/ChangePin';
import type { SessionView } from '../../electron/api/contract';
import { useTill, type Screen } from './store';

// Only the cashier's screen is in the first bundle: the meter field is ready sooner; the rest load on first use.
const lazyScreen = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
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

/** Screens in the order of the navigation; `manager` ones are for managers and field techs only. Add a screen here and in SCREENS. */
const NAV: { id: Screen; label: string; manager: boolean }[] = [
  { id: 'cashier', label: 'Sell', manager: false },
  { id: 'reprint', label: 'Reprint', manager: true },
  { id: 'queue', label: 'Pending queue', manager: true },
  { id: 'transactions', label: 'Transactions', manager: true },
  { id: 'eod', label: 'End of day', manager: true },
  { id: 'store', label: 'Store', manager: true },
  { id: 'settings', label: 'Settings', manager: true },
  { id: 'meters', label: 'Meters', manager: true },
  { id: 'routing', label: 'Routing', manager: true },
  { id: 'providers', label: 'Providers', manager: true },
  { id: 'printer', label: 'Virtual printer', manager: false },
  { id: 'faults', label: 'Provider faults', manager: true },
  { id: 'virtualMeter', label: 'Virtual meter', manager: false },
  { id: 'certification', label: 'Certification', manager: true },
];
const SCREENS = { cashier: Cashier, reprint: Reprint, queue: Queue, transactions: Transactions, eod: Eod, settings: Settings, meters: Meters, routing: Routing, providers: Providers, printer: PrinterView, faults: Faults, virtualMeter: VirtualMeter, store: Store, certification: Certification };

const SCREEN_KEYS = '1234567890';

/** The screen Alt+`key` opens for this sign-in (only screens its role sees), or null. */
function screenForKey(key: string, session: SessionView | null): Screen | null {
  const i = SCREEN_KEYS.indexOf(key);
  if (i < 0 || !session?.operator || session.mustChangePin) return null;
  const role = session.operator.role;
  return NAV.filter((n) => role === 'manager' || !n.manager)[i]?.id ?? null;
}

export function App() {
  const { session, sessionProblem, screen, setScreen, refreshSession, refreshStatus } = useTill();
  useEffect(() => {
    void refreshSession();
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
  if (session.mustChangePin) return <ChangePin />;
  const manager = session.operator.role === 'manager';
  const Current = SCREENS[screen];
  return (
    <div className="shell">
      <div className="top">
        <CounterHeader />
        <ProblemBanner />
        <LateNotices />
      </div>
      <nav aria-label="Screens">
        {NAV.filter((n) => manager || !n.manager).map((n, i) => (
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
        <Suspense fallback={<p role="status">Opening…</p>}>
          <Current key={screen} />
        </Suspense>
      </main>
    </div>
  );
}
