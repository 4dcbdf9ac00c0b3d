/**
 * The cashier screen: meter field (typed or scanned, Enter looks up), amount with quick amounts,
 * sell, and the outcome in states a cashier cannot misread. Shortcuts: F2 sell, F4 leave pending /
 * cancel, F8 reprint last, Esc new sale.
 */
import { useEffect, useRef, useState } from 'react';
import type { TenderKind } from '../../../electron/api/contract';
import { MASKED_CARD } from '../../../electron/api/masked-card';
import { call } from '../api';
import { parseRand, rand } from '../format';
import { useTill } from '../store';
import { SaleSplit } from './SaleSplit';

const QUICK = [2000, 5000, 10000, 20000];
const TENDERS: { type: TenderKind; label: string }[] = [
  { type: 'CASH', label: 'Cash' },
  { type: 'DEBIT_CARD', label: 'Debit card' },
  { type: 'CREDIT_CARD', label: 'Credit card' },
];

export function Cashier() {
  const { lookup, sale, busy, error, doLookup, sell, newSale, leavePending, setError } = useTill();
  const [meter, setMeter] = useState('');
  const [amount, setAmount] = useState('');
  const [tender, setTender] = useState<TenderKind>('CASH');
  const [maskedCard, setMaskedCard] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const meterRef = useRef<HTMLInputElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);

  useEffect(() => meterRef.current?.focus(), []);
  useEffect(() => {
    if (lookup && !sale) amountRef.current?.focus();
  }, [lookup, sale]);

  const trySell = () => {
    const cents = parseRand(amount);
    if (cents == null) {
      setError({ code: 'INVALID_INPUT', message: 'Type the amount in rand, e.g. 50 or 50.00.', field: 'amountCents' });
      amountRef.current?.focus();
      return;
    }
    if (tender === 'CASH') return void sell(cents, { type: 'CASH' });
    const card = maskedCard.replace(/\s/g, '');
    if (card && !MASKED_CARD.test(card)) {
      setError({ code: 'INVALID_INPUT', message: 'Type the card number as the card terminal slip shows it: the first 6 digits, * for the hidden ones, the last 4 (e.g. 123456******7890). Never the full number.', field: 'tender' });
      return;
    }
    void sell(cents, card ? { type: tender, maskedCard: card } : { type: tender });
  };
  const reprintLast = async () => {
    const r = await call('lastSale', {});
    if (!r.ok || !r.value) return setNote(r.ok ? 'No sale to reprint yet.' : r.error.message);
    const p = await call('reprintLocal', { saleId: r.value.saleId });
    setNote(p.ok ? (p.value.printed ? 'Reprint printed (marked REPRINT).' : p.value.message) : p.error.message);
  };
  /** F4: a sale still waiting for an answer is left pending (the customer gets a pending slip); otherwise a new sale. */
  const cancelOrLeave = () => (sale?.state === 'retrying' || sale?.state === 'purchasing' ? void leavePending() : reset());
  const reset = () => {
    newSale();
    setMeter('');
    setAmount('');
    setTender('CASH');
    setMaskedCard('');
    setNote(null);
    meterRef.current?.focus();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        if (lookup && !sale) trySell();
      } else if (e.key === 'F4') {
        e.preventDefault();
        cancelOrLeave();
      } else if (e.key === 'F8') {
        e.preventDefault();
        void reprintLast();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        reset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section aria-labelledby="cashier-h" className="cashier">
      <h1 id="cashier-h">Sell a token</h1>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (meter.trim()) void doLookup(meter);
        }}
      >
        <label htmlFor="meter">Meter number</label>
        <input id="meter" ref={meterRef} className="big" inputMode="numeric" autoComplete="off" value={meter} onChange={(e) => setMeter(e.target.value)} aria-describedby="meter-help" />
        <button type="submit" className="btn">Look up <kbd>Enter</kbd></button>
        <span id="meter-help" className="hint">Type or scan the meter number, then Enter.</span>
      </form>

      {busy && (
        <div role="status" aria-live="polite" className="progress">
          <span className="spinner" aria-hidden="true" /> {busy}
        </div>
      )}
      {error && (
        <div role="alert" className="state failed">
          <strong>{error.code === 'DECLINED' ? 'Sale failed — nothing was charged.' : 'Cannot continue.'}</strong> {error.message}
        </div>
      )}

      {lookup && (
        <div className="card" aria-label="Customer">
          <dl className="grid">
            <dt>Customer</dt><dd data-testid="customer">{lookup.customerName ?? '—'}</dd>
            <dt>Address</dt><dd>{lookup.address ?? '—'}</dd>
            <dt>Utility</dt><dd data-testid="utility">{lookup.utilityName ?? 'Unassigned'}</dd>
            <dt>Arrears</dt><dd>{rand(lookup.arrearsCents)}</dd>
            <dt>Min / max</dt><dd>{rand(lookup.minCents)} / {rand(lookup.maxCents)}</dd>
            {lookup.freeUnitsDue && (<><dt>Free units</dt><dd>Due — given with this sale</dd></>)}
          </dl>
          {lookup.message && <p className="hint">{lookup.message}</p>}
          {!sale && (
            <form className="row" onSubmit={(e) => { e.preventDefault(); trySell(); }}>
              <label htmlFor="amount">Amount (R)</label>
              <input id="amount" ref={amountRef} className="big" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} />
              <div className="quick" role="group" aria-label="Quick amounts">
                {QUICK.map((c) => (
                  <button type="button" key={c} className="btn" onClick={() => { setAmount((c / 100).toFixed(2)); amountRef.current?.focus(); }}>{rand(c)}</button>
                ))}
              </div>
              <fieldset className="tender">
                <legend>Paid by</legend>
                {TENDERS.map((t) => (
                  <label key={t.type} className="choice">
                    <input type="radio" name="tender" value={t.type} checked={tender === t.type} onChange={() => setTender(t.type)} /> {t.label}
                  </label>
                ))}
                {tender !== 'CASH' && (
                  <>
                    <label htmlFor="card">Card (masked, from the terminal slip)</label>
                    <input id="card" autoComplete="off" placeholder="123456******7890" value={maskedCard} onChange={(e) => setMaskedCard(e.target.value)} />
                  </>
                )}
              </fieldset>
              <button type="submit" className="btn primary" disabled={Boolean(busy)}>Sell ({TENDERS.find((t) => t.type === tender)?.label.toLowerCase()}) <kbd>F2</kbd></button>
            </form>
          )}
        </div>
      )}

      <SaleSplit amount={amount} onAmount={setAmount} />
      {sale && <SaleOutcome />}
      {note && <p role="status" className="note">{note}</p>}

      <div className="shortcuts" aria-label="Shortcuts">
        <button type="button" className="btn" onClick={trySell} disabled={!lookup || Boolean(sale)}>F2 Sell</button>
        <button type="button" className="btn" onClick={cancelOrLeave}>F4 Cancel / leave pending</button>
        <button type="button" className="btn" onClick={() => void reprintLast()}>F8 Reprint last</button>
        <button type="button" className="btn" onClick={reset}>Esc New sale</button>
      </div>
    </section>
  );
}

function SaleOutcome() {
  const sale = useTill((s) => s.sale)!;
  const leavePending = useTill((s) => s.leavePending);
  if (sale.state === 'succeeded') {
    return (
      <div className="state success" role="region" aria-label="Sale succeeded" data-testid="outcome-success">
        <h2>Sold — give the customer these tokens</h2>
        {sale.tokens.map((t, i) => (
          <p key={i} className="token" data-testid="token">
            <span className="token-type">{t.type}</span> {t.grouped}
            {t.units && <span className="units"> {t.units}</span>}
          </p>
        ))}
        <p>{rand(sale.amountCents)} · {sale.utilityName}</p>
        {sale.slip.printed ? (
          <p className="ok" data-testid="slip-printed">Slip printed.</p>
        ) : (
          <p className="warn" role="alert" data-testid="printer-problem">
            Printer problem — the tokens above are safe; read them to the customer if they cannot wait. {sale.slip.printError ?? 'The slip did not print.'}
          </p>
        )}
      </div>
    );
  }
  if (sale.state === 'failed') {
    return (
      <div className="state failed" role="alert" data-testid="outcome-failed">
        <h2>Sale failed — nothing was charged</h2>
        <p>{sale.failure?.message ?? 'The sale did not go through.'}</p>
        <p>Give the customer their money back, or try again. Press Esc for a new sale.</p>
      </div>
    );
  }
  if (sale.state === 'pending' || sale.state === 'retrying') {
    return (
      <div className="state pending" role="alert" data-testid="outcome-pending">
        <h2>{sale.state === 'pending' ? 'PENDING — DO NOT RESELL' : `No answer yet — retrying (attempt ${sale.attempts})`}</h2>
        <p>Reference: <code data-testid="reference">{sale.saleId}</code></p>
        <p>{sale.state === 'pending' ? 'The till keeps retrying in the background. The customer keeps the pending slip; a manager can cancel it (reversal).' : sale.lastError ?? ''}</p>
        {sale.state === 'retrying' && <button type="button" className="btn" onClick={() => void leavePending()}>Leave pending <kbd>F4</kbd></button>}
      </div>
    );
  }
  if (sale.state === 'cancelled') return <div className="state failed" role="alert"><h2>Cancelled — reversal sent</h2></div>;
  return null;
}
