/**
 * The cashier screen: meter field (typed or scanned, Enter looks up), amount by keyboard or the
 * on-screen keypad with quick amounts, tender tiles, cash received, a Sell button that stands out,
 * and the outcome. A meter with a sale still open is flagged at lookup and a manager's approval is
 * asked first; a card sale is sent only once the cashier says the card terminal approved it. The
 * meter field takes focus back after every outcome, so a scan starts the next sale at once. Keys: Enter look up, F2 sell, F3 cash received, F4 leave pending / new sale,
 * F5 cash, F6 debit card, F7 credit card, F8 reprint last (managers), Esc new sale.
 */
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { decimalAmount } from '../../../common/money';
import type { OpenSaleFlag, SaleApproval, TenderKind } from '../../../electron/api/contract';
import { CARD_APPROVAL_CODE, MASKED_CARD } from '../../../electron/api/masked-card';
import { call } from '../api';
import { parseRand, rand } from '../format';
import { currentShift, useTill } from '../store';
import { shortRef, TENDER_WORDS } from '../words';
import { OpenDrawer } from './OpenDrawer';
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
  // Only what this screen reads: the status poll (every 2 s) and the late notices do not redraw it.
  const { lookup, sale, busy, error, readyTick, doLookup, sell, newSale, leavePending, setError } = useTill(
    useShallow((s) => ({ lookup: s.lookup, sale: s.sale, busy: s.busy, error: s.error, readyTick: s.readyTick, doLookup: s.doLookup, sell: s.sell, newSale: s.newSale, leavePending: s.leavePending, setError: s.setError })),
  );
  const manager = useTill((s) => s.session?.operator?.role === 'manager');
  const drawerOpen = useTill((s) => currentShift(s) !== null);
  const [meter, setMeter] = useState('');
  const [amount, setAmount] = useState('');
  const [tender, setTender] = useState<TenderKind>('CASH');
  const [maskedCard, setMaskedCard] = useState('');
  const [cash, setCash] = useState('');
  const [note, setNote] = useState<string | null>(null);
  /** A manager's approval to sell over the meter's open sale, given at lookup (sent with the sale). */
  const [approval, setApproval] = useState<SaleApproval | null>(null);
  /** A card sale waiting for the cashier to say whether the card terminal approved it. */
  const [cardAsk, setCardAsk] = useState<{ cents: number; type: TenderKind } | null>(null);
  const [cardCode, setCardCode] = useState('');
  const meterRef = useRef<HTMLInputElement>(null);
  const approveRef = useRef<HTMLInputElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const cashRef = useRef<HTMLInputElement>(null);

  // In the commit, before the first paint: a keystroke right after the screen shows lands in the field.
  useLayoutEffect(() => meterRef.current?.focus(), [drawerOpen]);
  // After a lookup the amount takes focus, unless the meter has a sale still open: then the manager's approval does.
  useEffect(() => {
    if (!lookup || sale) return;
    (lookup.openSale ? approveRef : amountRef).current?.focus();
  }, [lookup, sale]);
  // A refused approval is asked again.
  useEffect(() => {
    if (error?.code === 'WRONG_PIN' || error?.code === 'NEEDS_APPROVAL') setApproval(null);
  }, [error]);
  const pendingRef = lookup && !sale ? error?.pendingSaleId ?? lookup.openSale?.saleId ?? null : null;
  const approved = approval !== null && approval.pendingSaleId === pendingRef;
  // Scanner-ready: after any outcome the meter field has focus with its text selected, so a scan replaces it.
  useEffect(() => {
    if (readyTick === 0) return;
    meterRef.current?.focus();
    meterRef.current?.select();
  }, [readyTick]);

  const trySell = (given: SaleApproval | null = approval) => {
    const over = given && given.pendingSaleId === pendingRef ? given : undefined;
    if (pendingRef && !over) {
      setError({ code: 'INVALID_INPUT', message: `Meter ${lookup?.meterId ?? ''} has a sale waiting for its token (reference ${shortRef(pendingRef)}): a manager approves a second sale first.`, field: 'approval' });
      approveRef.current?.focus();
      return;
    }
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
      return void sell(cents, received === null ? { type: 'CASH' } : { type: 'CASH', cashReceivedCents: received }, over);
    }
    // A card sale is sent only once the card terminal has approved this very amount.
    setError(null);
    setCardCode('');
    setCardAsk({ cents, type: tender });
  };
  /** Yes: the terminal approved; its approval code and the masked card number go with the sale. */
  const cardApproved = () => {
    if (!cardAsk) return;
    const card = maskedCard.replace(/\s/g, '');
    if (card && !MASKED_CARD.test(card)) {
      setError({ code: 'INVALID_INPUT', message: 'Type the card number as the card terminal slip shows it: the first 6 digits, * for the hidden ones, the last 4 (e.g. 123456******7890). Never the full number.', field: 'tender' });
      return;
    }
    const approvalCode = cardCode.trim();
    if (approvalCode && !CARD_APPROVAL_CODE.test(approvalCode)) {
      setError({ code: 'INVALID_INPUT', message: 'Type the approval code as the card terminal slip shows it: letters and digits only (at most 12), or leave it empty.', field: 'tender.approvalCode' });
      return;
    }
    setCardAsk(null);
    void sell(cardAsk.cents, { type: cardAsk.type, ...(card ? { maskedCard: card } : {}), ...(approvalCode ? { approvalCode } : {}) }, approval?.pendingSaleId === pendingRef ? approval : undefined);
  };
  /** No: the terminal declined (or the cashier cancelled): nothing is sent. */
  const cardDeclined = () => {
    if (!cardAsk) return;
    setCardAsk(null);
    setNote(`Not sold: the card terminal did not approve ${rand(cardAsk.cents)}. Nothing was sent — ask for another card or cash.`);
    amountRef.current?.focus();
  };
  /** The manager approved at lookup: the amount comes next. After a refusal at Sell, the sale goes at once. */
  const approve = (a: SaleApproval) => {
    setApproval(a);
    if (error?.pendingSaleId) trySell(a);
    else amountRef.current?.focus();
  };
  const reprintLast = async () => {
    const r = await call('lastSale', {});
    if (!r.ok || !r.value) return setNote(r.ok ? 'No sale to reprint yet.' : r.error.message);
    const p = await call('reprintLocal', { saleId: r.value.saleId });
    setNote(p.ok ? (p.value.printed ? 'Reprint printed (marked COPY).' : p.value.message) : p.error.message);
  };
  const reset = () => {
    newSale();
    setMeter('');
    setAmount('');
    setTender('CASH');
    setMaskedCard('');
    setCash('');
    setNote(null);
    setApproval(null);
    setCardAsk(null);
    meterRef.current?.focus();
  };
  /** F4: a sale still waiting for an answer is left pending (the customer gets a pending slip); otherwise a new sale. */
  const waiting = sale?.state === 'retrying' || sale?.state === 'purchasing';
  const cancelOrLeave = () => (waiting ? void leavePending() : reset());
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
        F2: () => (cardAsk ? cardApproved() : lookup && !sale && trySell()),
        F3: () => lookup && !sale && tender === 'CASH' && cashRef.current?.focus(),
        F4: cancelOrLeave,
        F5: () => lookup && !sale && pickTender('CASH'),
        F6: () => lookup && !sale && pickTender('DEBIT_CARD'),
        F7: () => lookup && !sale && pickTender('CREDIT_CARD'),
        F8: () => manager && void reprintLast(),
        Escape: cardAsk ? cardDeclined : reset,
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
            setNote(null);
          }
          setApproval(null);
          setCardAsk(null);
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
      {pendingRef && lookup && (
        <ApprovalForm pendingSaleId={pendingRef} flag={error?.pendingSaleId ? null : lookup.openSale} meterId={lookup.meterId} approved={approved} inputRef={approveRef} onApprove={approve} />
      )}
      {cardAsk && (
        <CardApproval cents={cardAsk.cents} type={cardAsk.type} code={cardCode} onCode={setCardCode} maskedCard={maskedCard} onMaskedCard={setMaskedCard} onYes={cardApproved} onNo={cardDeclined} />
      )}

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
            {tender === 'CASH' && (
              <div className="amount-row">
                <label htmlFor="cash">Cash received (R) <kbd>F3</kbd></label>
                <input id="cash" ref={cashRef} className="amount" inputMode="decimal" autoComplete="off" value={cash} onFocus={() => setPadTarget('cash')} onChange={(e) => setCash(e.target.value)} />
                <span data-testid="change-preview" className="change">
                  {cents != null && parseRand(cash) != null && parseRand(cash)! >= cents ? `Change ${rand(parseRand(cash)! - cents)}` : ''}
                </span>
              </div>
            )}
            <button type="submit" className="btn sell" disabled={selling || cardAsk !== null}>
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
      {sale && <SaleOutcome utilityType={lookup?.utilityType} />}
      {note && <p role="status" className="note">{note}</p>}

      <div className="shortcuts" aria-label="Shortcuts">
        <button type="button" className="btn" onClick={cancelOrLeave}>F4 {waiting ? 'Leave pending' : 'New sale'}</button>
        {manager && <button type="button" className="btn" onClick={() => void reprintLast()}>F8 Reprint last</button>}
        <button type="button" className="btn" onClick={reset}>Esc New sale</button>
      </div>
    </section>
  );
}

/**
 * A manager approves selling over the meter's open sale: flagged at lookup (before any amount) with
 * the pending slip's short reference, or after the back end refused the sale. The approval names
 * that very sale; the manager's id field takes the focus.
 */
function ApprovalForm(props: {
  pendingSaleId: string;
  flag: OpenSaleFlag | null;
  meterId: string;
  approved: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  onApprove: (a: SaleApproval) => void;
}) {
  const { pendingSaleId, flag, meterId, approved, inputRef, onApprove } = props;
  const [managerId, setManagerId] = useState('');
  const [pin, setPin] = useState('');
  return (
    <form className="card approval" aria-label="Manager approval" onSubmit={(e) => { e.preventDefault(); onApprove({ managerId: managerId.trim(), pin, pendingSaleId }); setPin(''); }}>
      {flag ? (
        <p role="alert" className="warn" data-testid="open-sale-flag">
          <strong>Meter {meterId} already has a sale waiting for its token</strong> — reference {shortRef(flag.saleId)}, {rand(flag.amountCents)}. Selling again may charge
          the customer twice: the customer waits for that one, or a manager approves a second sale.
        </p>
      ) : (
        <p>Pending sale reference <strong>{shortRef(pendingSaleId)}</strong></p>
      )}
      {approved ? (
        <p className="ok" data-testid="approved">Second sale approved — type the amount and sell.</p>
      ) : (
        <div className="row">
          <label htmlFor="approve-id">Manager id</label>
          <input id="approve-id" ref={inputRef} autoComplete="off" value={managerId} onChange={(e) => setManagerId(e.target.value)} />
          <label htmlFor="approve-pin">Manager PIN</label>
          <input id="approve-pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} />
          <button type="submit" className="btn">Approve second sale</button>
        </div>
      )}
    </form>
  );
}

/**
 * "Card terminal approved R 200.00?" — Yes (F2) sends the sale with the terminal's approval code and
 * the masked card; No (Esc) sends nothing. The safe choice, No, has the focus: a stray Enter sells nothing.
 */
function CardApproval(props: {
  cents: number;
  type: TenderKind;
  code: string;
  onCode: (v: string) => void;
  maskedCard: string;
  onMaskedCard: (v: string) => void;
  onYes: () => void;
  onNo: () => void;
}) {
  const { cents, type, code, onCode, maskedCard, onMaskedCard, onYes, onNo } = props;
  return (
    <div role="alertdialog" aria-modal="false" aria-labelledby="card-ask-h" aria-describedby="card-ask-what" className="card card-approval" data-testid="card-approval">
      <h2 id="card-ask-h">Card terminal approved {rand(cents)}?</h2>
      <p id="card-ask-what" className="hint">Run {rand(cents)} on the card terminal ({TENDER_WORDS[type].toLowerCase()}) first. Nothing is sent to the switch until you say it was approved.</p>
      <div className="row">
        <label htmlFor="approval-code">Approval code (optional)</label>
        <input id="approval-code" autoComplete="off" value={code} onChange={(e) => onCode(e.target.value)} />
        <label htmlFor="card">Card number (masked, from the terminal slip)</label>
        <input id="card" autoComplete="off" placeholder="123456******7890" value={maskedCard} onChange={(e) => onMaskedCard(e.target.value)} />
      </div>
      <div className="row">
        <button type="button" className="btn sell" onClick={onYes}>Yes — approved, sell {rand(cents)} <kbd>F2</kbd></button>
        <button type="button" className="btn" autoFocus onClick={onNo}>No — not approved <kbd>Esc</kbd></button>
      </div>
    </div>
  );
}
