/**
 * The cashier screen: meter field (typed or scanned, Enter looks up), amount by keyboard or the
 * on-screen keypad with quick amounts, tender tiles, cash received, a Sell button that stands out,
 * and the outcome. The meter field takes focus back after every outcome, so a scan starts the next
 * sale at once. Keys: Enter look up, F2 sell, F3 cash received, F4 leave pending / new sale,
 * F5 cash, F6 debit card, F7 credit card, F8 reprint last (managers), Esc new sale.
 */
import { useEffect, useRef, useState } from 'react';
import { decimalAmount } from '../../../common/money';
import type { SaleApproval, TenderKind } from '../../../electron/api/contract';
import { MASKED_CARD } from '../../../electron/api/masked-card';
import { call } from '../api';
import { parseRand, rand } from '../format';
import { currentShift, useTill } from '../store';
import { OpenDrawer } from './Drawer';
import { TENDER_WORDS } from '../words';
import { SaleOutcome, SaleProgressLine } from './SaleOutcome';
import { SaleSplit } from './SaleSplit';

const QUICK = [2000, 5000, 10000, 20000];
const TENDERS: { type: TenderKind; key: string }[] = [
  { type: 'CASH', key: 'F5' },
  { type: 'DEBIT_CARD', key: 'F6' },
  { type: 'CREDIT_CARD', key: 'F7' },
];
const PAD = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '00', '0', '.'];

export function Cashier() {
  const { lookup, sale, busy, error, readyTick, doLookup, sell, newSale, leavePending, setError } = useTill();
  const manager = useTill((s) => s.session?.operator?.role === 'manager');
  const drawerOpen = useTill((s) => currentShift(s) !== null);
  const [meter, setMeter] = useState('');
  const [amount, setAmount] = useState('');
  const [tender, setTender] = useState<TenderKind>('CASH');
  const [maskedCard, setMaskedCard] = useState('');
  const [cash, setCash] = useState('');
  const [soldCash, setSoldCash] = useState<number | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const meterRef = useRef<HTMLInputElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const cashRef = useRef<HTMLInputElement>(null);

  useEffect(() => meterRef.current?.focus(), [drawerOpen]);
  useEffect(() => {
    if (lookup && !sale) amountRef.current?.focus();
  }, [lookup, sale]);
  // Scanner-ready: after any outcome the meter field has focus with its text selected, so a scan replaces it.
  useEffect(() => {
    if (readyTick === 0) return;
    meterRef.current?.focus();
    meterRef.current?.select();
  }, [readyTick]);

  const trySell = (approval?: SaleApproval) => {
    const cents = parseRand(amount);
    if (cents == null) {
      setError({ code: 'INVALID_INPUT', message: 'Type the amount in rand, e.g. 50 or 50.00.', field: 'amountCents' });
      amountRef.current?.focus();
      return;
    }
    if (tender === 'CASH') {
      const received = cash.trim() ? parseRand(cash) : null;
      if (cash.trim() && (received == null || received < cents)) {
        setError({ code: 'INVALID_INPUT', message: `Cash received must be at least ${rand(cents)}, or leave it empty.`, field: 'tender' });
        cashRef.current?.focus();
        return;
      }
      setSoldCash(received);
      return void sell(cents, { type: 'CASH' }, approval);
    }
    setSoldCash(null);
    const card = maskedCard.replace(/\s/g, '');
    if (card && !MASKED_CARD.test(card)) {
      setError({ code: 'INVALID_INPUT', message: 'Type the card number as the card terminal slip shows it: the first 6 digits, * for the hidden ones, the last 4 (e.g. 123456******7890). Never the full number.', field: 'tender' });
      return;
    }
    void sell(cents, card ? { type: tender, maskedCard: card } : { type: tender }, approval);
  };
  const reprintLast = async () => {
    const r = await call('lastSale', {});
    if (!r.ok || !r.value) return setNote(r.ok ? 'No sale to reprint yet.' : r.error.message);
    const p = await call('reprintLocal', { saleId: r.value.saleId });
    setNote(p.ok ? (p.value.printed ? 'Reprint printed (marked REPRINT).' : p.value.message) : p.error.message);
  };
  const reset = () => {
    newSale();
    setMeter('');
    setAmount('');
    setTender('CASH');
    setMaskedCard('');
    setCash('');
    setSoldCash(null);
    setNote(null);
    meterRef.current?.focus();
  };
  /** F4: a sale still waiting for an answer is left pending (the customer gets a pending slip); otherwise a new sale. */
  const cancelOrLeave = () => (sale?.state === 'retrying' || sale?.state === 'purchasing' ? void leavePending() : reset());
  const pickTender = (t: TenderKind) => {
    setTender(t);
    if (t !== 'CASH') setCash('');
  };
  /** The on-screen keypad types into the amount, or into cash received when that was the last field used. */
  const [padTarget, setPadTarget] = useState<'amount' | 'cash'>('amount');
  const press = (k: string) => {
    const [value, setValue, ref] = padTarget === 'cash' ? [cash, setCash, cashRef] : [amount, setAmount, amountRef];
    if (k === 'back') setValue(value.slice(0, -1));
    else if (k === 'clear') setValue('');
    else setValue(value + k);
    ref.current?.focus();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const keys: Record<string, () => void> = {
        F2: () => lookup && !sale && trySell(),
        F3: () => lookup && !sale && tender === 'CASH' && cashRef.current?.focus(),
        F4: cancelOrLeave,
        F5: () => lookup && !sale && pickTender('CASH'),
        F6: () => lookup && !sale && pickTender('DEBIT_CARD'),
        F7: () => lookup && !sale && pickTender('CREDIT_CARD'),
        F8: () => manager && void reprintLast(),
        Escape: reset,
      };
      const act = keys[e.key];
      if (!act) return;
      e.preventDefault();
      act();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // No drawer session: the cashier opens hers here (a sale still in progress stays on screen until it settles).
  if (!drawerOpen && !busy) {
    return (
      <section aria-labelledby="cashier-h" className="cashier">
        <h1 id="cashier-h" className="sr">Sell a token</h1>
        <OpenDrawer />
      </section>
    );
  }
  const cents = parseRand(amount);
  const selling = Boolean(busy) || Boolean(sale);
  return (
    <section aria-labelledby="cashier-h" className="cashier">
      <h1 id="cashier-h" className="sr">Sell a token</h1>
      <form
        className="row meter-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!meter.trim()) return;
          // A scan straight after an outcome starts the next sale: the last one's amounts are cleared.
          if (sale) {
            setAmount('');
            setCash('');
            setMaskedCard('');
            setSoldCash(null);
            setNote(null);
          }
          void doLookup(meter);
        }}
      >
        <label htmlFor="meter">Meter number</label>
        <input id="meter" ref={meterRef} className="big" inputMode="numeric" autoComplete="off" value={meter} onChange={(e) => setMeter(e.target.value)} aria-describedby="meter-help" />
        <button type="submit" className="btn">Look up <kbd>Enter</kbd></button>
        <span id="meter-help" className="hint">Type or scan the meter number, then Enter.</span>
      </form>

      {busy && busy !== 'sale' && (
        <div className="progress-box" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> <span className="progress">{busy}</span>
        </div>
      )}
      {sale && <SaleProgressLine sale={sale} />}
      {error && (
        <div role="alert" className="state failed">
          <strong>{error.code === 'DECLINED' && sale ? 'Sale failed — nothing was charged.' : error.code === 'NEEDS_APPROVAL' ? 'Manager approval needed.' : error.code === 'INVALID_INPUT' ? 'Check this:' : 'Cannot continue.'}</strong> {error.message}
        </div>
      )}
      {error?.pendingSaleId && lookup && !sale && <ApprovalForm pendingSaleId={error.pendingSaleId} onApprove={trySell} />}

      {lookup && !sale && (
        <div className="sale-panel">
          <div className="card customer" aria-label="Customer">
            <dl className="grid">
              <dt>Customer</dt><dd data-testid="customer">{lookup.customerName ?? '—'}</dd>
              <dt>Address</dt><dd>{lookup.address ?? '—'}</dd>
              <dt>Utility</dt><dd data-testid="utility">{lookup.utilityName ?? 'Unassigned'}</dd>
              <dt>Arrears</dt><dd>{lookup.arrearsCents ? rand(lookup.arrearsCents) : 'none'}</dd>
              <dt>Sale between</dt><dd>{rand(lookup.minCents)} and {rand(lookup.maxCents)}</dd>
              {lookup.freeUnitsDue && (<><dt>Free units</dt><dd>Due — given with this sale</dd></>)}
            </dl>
            {lookup.message && <p className="hint">{lookup.message}</p>}
          </div>
          <form className="card tender-panel" onSubmit={(e) => { e.preventDefault(); trySell(); }}>
            <div className="tender-controls">
            <div className="amount-row">
              <label htmlFor="amount">Amount (R)</label>
              <input id="amount" ref={amountRef} className="big amount" inputMode="decimal" autoComplete="off" value={amount} onFocus={() => setPadTarget('amount')} onChange={(e) => setAmount(e.target.value)} />
            </div>
            <div className="quick" role="group" aria-label="Quick amounts">
              {QUICK.map((c) => (
                <button type="button" key={c} className="btn quick-amount" onClick={() => { setAmount(decimalAmount(c)); amountRef.current?.focus(); }}>{rand(c)}</button>
              ))}
            </div>
            <fieldset className="tender">
              <legend>Paid by</legend>
              {TENDERS.map((t) => (
                <label key={t.type} className={`tile ${tender === t.type ? 'chosen' : ''}`}>
                  <input type="radio" name="tender" value={t.type} checked={tender === t.type} onChange={() => pickTender(t.type)} />
                  <span>{TENDER_WORDS[t.type]}</span> <kbd>{t.key}</kbd>
                </label>
              ))}
            </fieldset>
            {tender === 'CASH' ? (
              <div className="amount-row">
                <label htmlFor="cash">Cash received (R) <kbd>F3</kbd></label>
                <input id="cash" ref={cashRef} className="amount" inputMode="decimal" autoComplete="off" value={cash} onFocus={() => setPadTarget('cash')} onChange={(e) => setCash(e.target.value)} />
                <span data-testid="change-preview" className="change">
                  {cents != null && parseRand(cash) != null && parseRand(cash)! >= cents ? `Change ${rand(parseRand(cash)! - cents)}` : ''}
                </span>
              </div>
            ) : (
              <div className="amount-row">
                <label htmlFor="card">Card (masked, from the terminal slip)</label>
                <input id="card" autoComplete="off" placeholder="123456******7890" value={maskedCard} onChange={(e) => setMaskedCard(e.target.value)} />
              </div>
            )}
            <button type="submit" className="btn sell" disabled={selling}>
              Sell {cents != null ? rand(cents) : ''} ({TENDER_WORDS[tender].toLowerCase()}) <kbd>F2</kbd>
            </button>
            </div>
            <div className="keypad" role="group" aria-label={padTarget === 'cash' ? 'Keypad for cash received' : 'Keypad for the amount'}>
              {PAD.map((k) => (
                <button type="button" key={k} className="btn key" onClick={() => press(k)}>{k}</button>
              ))}
              <button type="button" className="btn key" aria-label="Delete last digit" onClick={() => press('back')}>⌫</button>
              <button type="button" className="btn key" aria-label="Clear" onClick={() => press('clear')}>C</button>
            </div>
          </form>
        </div>
      )}

      <SaleSplit amount={amount} onAmount={setAmount} />
      {sale && <SaleOutcome utilityType={lookup?.utilityType} cashCents={soldCash} />}
      {note && <p role="status" className="note">{note}</p>}

      <div className="shortcuts" aria-label="Shortcuts">
        <button type="button" className="btn" onClick={cancelOrLeave}>F4 {sale?.state === 'retrying' ? 'Leave pending' : 'New sale'}</button>
        {manager && <button type="button" className="btn" onClick={() => void reprintLast()}>F8 Reprint last</button>}
        <button type="button" className="btn" onClick={reset}>Esc New sale</button>
      </div>
    </section>
  );
}

/** A manager approves selling over the meter's pending sale, whose reference the screen shows. */
function ApprovalForm({ pendingSaleId, onApprove }: { pendingSaleId: string; onApprove: (a: SaleApproval) => void }) {
  const [managerId, setManagerId] = useState('');
  const [pin, setPin] = useState('');
  return (
    <form className="card row" aria-label="Manager approval" onSubmit={(e) => { e.preventDefault(); onApprove({ managerId: managerId.trim(), pin, pendingSaleId }); setPin(''); }}>
      <p>Pending sale reference <strong data-testid="pending-ref">{pendingSaleId}</strong></p>
      <label htmlFor="approve-id">Manager id</label>
      <input id="approve-id" autoComplete="off" value={managerId} onChange={(e) => setManagerId(e.target.value)} />
      <label htmlFor="approve-pin">Manager PIN</label>
      <input id="approve-pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} />
      <button type="submit" className="btn">Approve second sale</button>
    </form>
  );
}
