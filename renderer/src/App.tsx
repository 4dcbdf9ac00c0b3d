/** App shell: sign-in, the counter header, problem banner and late-sale notices, navigation by role, the current screen. */
import { useEffect } from 'react';
import { Cashier } from './screens/Cashier';
import { CounterHeader, LateNotices, ProblemBanner } from './screens/Counter';
import { Eod } from './screens/Eod';
import { Faults } from './screens/Faults';
import { Meters } from './screens/Meters';
import { PrinterView } from './screens/PrinterView';
import { Providers } from './screens/Providers';
import { Queue } from './screens/Queue';
import { Reprint } from './screens/Reprint';
import { Routing } from './screens/Routing';
import { Settings } from './screens/Settings';
import { SignIn } from './screens/SignIn';
import { Transactions } from './screens/Transactions';
import { useTill, type Screen } from './store';

/** Screens in the order of the navigation; `manager` ones are for managers and field techs only. Add a screen here and in SCREENS. */
const NAV: { id: Screen; label: string; manager: boolean }[] = [
  { id: 'cashier', label: 'Sell', manager: false },
  { id: 'reprint', label: 'Reprint', manager: true },
  { id: 'queue', label: 'Pending queue', manager: true },
  { id: 'transactions', label: 'Transactions', manager: true },
  { id: 'eod', label: 'End of day', manager: true },
  { id: 'settings', label: 'Settings', manager: true },
  { id: 'meters', label: 'Meters', manager: true },
  { id: 'routing', label: 'Routing', manager: true },
  { id: 'providers', label: 'Providers', manager: true },
  { id: 'printer', label: 'Virtual printer', manager: false },
  { id: 'faults', label: 'Provider faults', manager: true },
];
const SCREENS = { cashier: Cashier, reprint: Reprint, queue: Queue, transactions: Transactions, eod: Eod, settings: Settings, meters: Meters, routing: Routing, providers: Providers, printer: PrinterView, faults: Faults };

export function App() {
  const { session, screen, setScreen, refreshSession, refreshStatus } = useTill();
  useEffect(() => {
    void refreshSession();
    void refreshStatus();
    const t = setInterval(() => void refreshStatus(), 2000);
    return () => clearInterval(t);
  }, [refreshSession, refreshStatus]);
  if (!session) return <main className="signin" aria-busy="true"><p role="status">Connecting to the till…</p></main>;
  if (!session.operator) return <SignIn />;
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
        {NAV.filter((n) => manager || !n.manager).map((n) => (
          <button key={n.id} className={`nav ${screen === n.id ? 'active' : ''}`} aria-current={screen === n.id ? 'page' : undefined} onClick={() => setScreen(n.id)}>
            {n.label}
          </button>
        ))}
      </nav>
      <main>
        <Current key={screen} />
      </main>
    </div>
  );
}
