/** App shell: sign-in, navigation by role, the current screen, and the status bar. */
import { useEffect, useState } from 'react';
import { Cashier } from './screens/Cashier';
import { Eod } from './screens/Eod';
import { Faults } from './screens/Faults';
import { Meters } from './screens/Meters';
import { PrinterView } from './screens/PrinterView';
import { Providers } from './screens/Providers';
import { Queue } from './screens/Queue';
import { Reprint } from './screens/Reprint';
import { Routing } from './screens/Routing';
import { Settings } from './screens/Settings';
import { Transactions } from './screens/Transactions';
import { useTill, type Screen } from './store';

const NAV: { id: Screen; label: string; manager: boolean }[] = [
  { id: 'cashier', label: 'Sell', manager: false },
  { id: 'reprint', label: 'Reprint', manager: false },
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

function SignIn() {
  const signIn = useTill((s) => s.signIn);
  const [id, setId] = useState('cashier');
  const [pin, setPin] = useState('');
  const [err, setErr] = useState<string | null>(null);
  return (
    <main className="signin">
      <h1>PPU Till — sign in</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await signIn(id.trim(), pin);
          setErr(r ? r.message : null);
          setPin('');
        }}
      >
        <label htmlFor="op">Operator</label>
        <input id="op" className="big" value={id} onChange={(e) => setId(e.target.value)} autoComplete="username" />
        <label htmlFor="pin">PIN</label>
        <input id="pin" className="big" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="current-password" autoFocus />
        <button className="btn primary" type="submit">Sign in</button>
        {err && <p role="alert" className="state failed">{err}</p>}
      </form>
    </main>
  );
}

const PRINTER_WORDS = { ready: 'ready', 'paper-out': 'PAPER OUT', problem: 'PROBLEM', offline: 'OFFLINE', none: 'none set up' } as const;

function StatusBar() {
  const st = useTill((s) => s.status);
  const signOut = useTill((s) => s.signOut);
  if (!st) return <footer className="statusbar">Connecting…</footer>;
  return (
    <footer className="statusbar" aria-label="Till status">
      <span className={st.switch.reachable ? 'ok' : 'warn'} title={st.switch.message}>Switch: {st.switch.reachable ? 'reachable' : 'NOT reachable'}</span>
      <span className={st.printer.state === 'ready' ? 'ok' : 'warn'} title={st.printer.message}>Printer: {PRINTER_WORDS[st.printer.state]}</span>
      <span className={st.pendingCount === 0 ? 'ok' : 'warn'} data-testid="pending-count">Pending: {st.pendingCount ?? 'unknown'}</span>
      <span>Advices queued: {st.adviceCount ?? 'unknown'}</span>
      {st.storage.state !== 'ok' && <span className="warn" role="alert" data-testid="storage">{st.storage.message}</span>}
      {st.lastBackgroundError && <span className="warn" title={`${st.lastBackgroundError.at} ${st.lastBackgroundError.where}`}>Last problem: {st.lastBackgroundError.message}</span>}
      <span data-testid="operator">{st.operator ? `${st.operator.name} (${st.operator.role})` : 'Not signed in'}</span>
      <button className="btn small" onClick={() => void signOut()}>Sign out</button>
    </footer>
  );
}

export function App() {
  const { session, screen, setScreen, refreshSession, refreshStatus } = useTill();
  useEffect(() => {
    void refreshSession();
    void refreshStatus();
    const t = setInterval(() => void refreshStatus(), 5000);
    return () => clearInterval(t);
  }, [refreshSession, refreshStatus]);
  if (!session) return <main className="signin" aria-busy="true"><p role="status">Connecting to the till…</p></main>;
  if (!session.operator) return <SignIn />;
  const manager = session.operator.role === 'manager';
  const Current = { cashier: Cashier, reprint: Reprint, queue: Queue, transactions: Transactions, eod: Eod, settings: Settings, meters: Meters, routing: Routing, providers: Providers, printer: PrinterView, faults: Faults }[screen];
  return (
    <div className="shell">
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
      <StatusBar />
    </div>
  );
}
