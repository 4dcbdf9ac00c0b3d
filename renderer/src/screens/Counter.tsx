/**
 * What stays on every till screen: the header (store, till id, clock, open shift, switch state and
 * which listed switch is in use, printer state, who is signed in — or that the till's own back end
 * stopped answering), a banner for printer or switch problems the cashier cannot miss, and notices of
 * left sales' late outcomes until a cashier acknowledges them.
 */
import { useEffect, useState } from 'react';
import type { StatusView } from '../../../electron/api/contract';
import { exactTime, rand } from '../format';
import { currentShift, useTill } from '../store';
import { refundWords, shortRef, switchWords } from '../words';

const PRINTER_WORDS = { ready: 'ready', 'paper-out': 'PAPER OUT', problem: 'PROBLEM', offline: 'OFFLINE', none: 'none set up' } as const;

// The till's wall clock: plain arithmetic while the till's zone is the browser's (Intl's first use is slow, and the header renders before the meter field takes focus).
const hhmm = (d: Date) => exactTime(d.toISOString()).slice(11, 16);
/** "16:05" today, "2026-11-29 16:05" for a shift opened another day. */
const since = (iso: string) => {
  const at = exactTime(iso);
  return at.slice(0, 10) === exactTime(new Date().toISOString()).slice(0, 10) ? at.slice(11, 16) : at.slice(0, 16);
};

function Clock() {
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 10_000);
    return () => clearInterval(t);
  }, []);
  return <time className="clock" dateTime={now.toISOString()} data-testid="clock">{hhmm(now)}</time>;
}

export function CounterHeader() {
  const st = useTill((s) => s.status);
  const session = useTill((s) => s.session);
  const signOut = useTill((s) => s.signOut);
  const reachable = useTill((s) => s.backendReachable);
  const shift = useTill(currentShift);
  return (
    <header className="counter-header" aria-label="Till status">
      <span className="store" data-testid="store">{st?.till.storeName || 'PPU Till'}</span>
      <span className="till-id" data-testid="till-id">{st ? `${st.till.terminalName || 'Till'} ${st.till.terminalId}` : 'Till …'}</span>
      <Clock />
      <span data-testid="shift" className={shift ? 'ok' : 'warn'} title={shift ? exactTime(shift.openedAt) : undefined}>
        {shift ? `Drawer open since ${since(shift.openedAt)}` : 'Drawer not open'}
      </span>
      {!reachable && <span className="warn" data-testid="backend-status">Till back end unreachable</span>}
      {st && reachable && (
        <>
          <span className={st.switch.reachable && !st.switch.failedOverFrom ? 'ok' : 'warn'} title={`${st.switch.url} — ${st.switch.message}`} data-testid="switch-status">
            {switchWords(st.switch)}
          </span>
          <span className={st.printer.state === 'ready' && !st.printer.paperLow ? 'ok' : 'warn'} title={st.printer.message} data-testid="printer-status">
            Printer: {PRINTER_WORDS[st.printer.state]}
            {st.printer.state === 'ready' && st.printer.paperLow ? ', paper low' : ''}
            {st.printer.name ? ` (${st.printer.name})` : ''}
            {st.printer.drawerOpen ? ' · drawer open' : ''}
          </span>
          <span className={st.pendingCount === 0 ? 'ok' : 'warn'} data-testid="pending-count">Pending: {st.pendingCount ?? 'unknown'}</span>
          {st.lastBackgroundError && (
            <span className="warn" title={`${exactTime(st.lastBackgroundError.at)} — ${st.lastBackgroundError.where}`}>
              Last problem: {st.lastBackgroundError.message}
            </span>
          )}
        </>
      )}
      <span className="who" data-testid="operator">{session?.operator ? `${session.operator.name} (${session.operator.role})` : 'Not signed in'}</span>
      <button className="btn small" onClick={() => void signOut()}>Sign out</button>
    </header>
  );
}

/** What the last status says is wrong, in words with what to do. */
function statusProblems(st: StatusView): string[] {
  const problems: string[] = [];
  if (st.printer.state !== 'ready' && st.printer.state !== 'none') {
    const what = st.printer.state === 'paper-out' ? 'Printer is OUT OF PAPER — load a new roll.' : st.printer.state === 'offline' ? 'Printer is OFFLINE — check its power and cable.' : 'Printer has a PROBLEM — check its cover and paper.';
    problems.push(`${what} Sales still work: tokens show on screen and slips print when it is back.`);
  }
  if (!st.switch.reachable && st.switch.checkedAt) problems.push('The switch cannot be reached — sales cannot go through. Check the network; call support if it stays.');
  if (st.storage.state !== 'ok') problems.push(st.storage.message);
  return problems;
}

/** Printer, switch or back-end trouble, in a band across the top with what to do. */
export function ProblemBanner() {
  const st = useTill((s) => s.status);
  const reachable = useTill((s) => s.backendReachable);
  if (!st) return null;
  // The last status is stale once the back end is gone: only that problem stands then.
  const problems = reachable ? statusProblems(st) : ["The till's back end is not answering — nothing can be sold or printed. Check that the till program is running; this page reconnects by itself."];
  if (problems.length === 0) return null;
  return (
    <div className="banner" role="alert" data-testid="problem-banner">
      {problems.map((p) => <p key={p}>{p}</p>)}
    </div>
  );
}

export function LateNotices() {
  const notices = useTill((s) => s.lateNotices);
  const ack = useTill((s) => s.acknowledgeLate);
  if (notices.length === 0) return null;
  return (
    <div className="late-notices">
      {notices.map((n) => (
        <div key={n.saleId} className={`late-notice ${n.outcome === 'failed' ? 'failed' : ''}`} role="alert" data-testid="late-notice">
          {n.outcome === 'failed' ? (
            <p>
              <strong>Pending sale for meter {n.meterId} ({rand(n.amountCents)}, ref {shortRef(n.saleId)}) failed</strong> — nothing was charged. {refundWords({ amountCents: n.amountCents, refundFrom: n.refundFrom ?? null })}{' '}
              The customer brings the pending slip back for it.
            </p>
          ) : (
            <p>
              <strong>Pending sale for meter {n.meterId} ({rand(n.amountCents)}, ref {shortRef(n.saleId)}) succeeded</strong> —{' '}
              {n.printed ? 'slip printed, give the customer the token.' : 'the slip is printing; give the customer the token when they come back.'}
            </p>
          )}
          <button className="btn" onClick={() => ack(n.saleId)}>Got it</button>
        </div>
      ))}
    </div>
  );
}
