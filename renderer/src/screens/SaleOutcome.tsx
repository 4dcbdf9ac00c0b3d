/**
 * What a sale came to, in states a cashier cannot misread: sold (every token in words with its
 * units, the money split, change due), failed (nothing charged), waiting / no answer yet / pending
 * (from the first second: the meter, the amount, what to do with the cash, the short reference),
 * cancelled. Also the live progress line.
 */
import { Fragment, useEffect, useState } from 'react';
import type { SaleView } from '../../../electron/api/contract';
import { rand } from '../format';
import { useTill } from '../store';
import { creditTokenIndex, problemWords, shortRef, TENDER_WORDS, tokenNames, unitsText } from '../words';

/** A clock for countdowns, ticking each second while mounted. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** The sale's progress in words, from the first second: what the till does, which attempt, when the next try goes. */
export function SaleProgressLine({ sale }: { sale: SaleView }) {
  const now = useNow();
  const p = sale.progress;
  const waited = Math.max(0, Math.round((now - Date.parse(sale.createdAt)) / 1000));
  const nextIn = p.nextAttemptAt ? Math.max(0, Math.ceil((Date.parse(p.nextAttemptAt) - now) / 1000)) : null;
  // Past the attempts made while the cashier waits, the sale is pending and retried in the background: no "of m" then.
  const of = (n: number) => (n <= p.attemptsWhileWaiting ? `${n} of ${p.attemptsWhileWaiting}` : String(n));
  const text =
    p.stage === 'purchasing'
      ? 'Buying the token…'
      : p.stage === 'retrying'
        ? `Trying again — attempt ${of(p.attempt)}…`
        : p.stage === 'waiting-retry'
          ? `No answer yet: ${problemWords(sale.lastError)}. Attempt ${of(p.attempt + 1)} ${nextIn ? `in ${nextIn} s` : 'now'}.`
          : p.stage === 'printing'
            ? 'Printing slip…'
            : null;
  if (!text) return null;
  return (
    <div className="progress-box" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span className="progress">{text}</span>
      <span className="progress-time" aria-hidden="true">{waited} s</span>
    </div>
  );
}

/** The cash the customer handed over and the change due on it, when the cashier typed what was received. */
function cashOf(sale: SaleView): { received: number; change: number } | null {
  const received = sale.tender.type === 'CASH' ? sale.tender.cashReceivedCents : undefined;
  return received === undefined ? null : { received, change: received - sale.amountCents };
}

/** "Cash received R 100.00 · change due R 60.00": every outcome of a cash sale says what goes back to the customer. */
function CashLine({ sale }: { sale: SaleView }) {
  const cash = cashOf(sale);
  if (!cash) return null;
  return (
    <p className="change" data-testid="cash-line">
      Cash received {rand(cash.received)} · <strong>change due <span data-testid="change-due">{rand(cash.change)}</span></strong>
    </p>
  );
}

function Sold({ sale, utilityType }: { sale: SaleView; utilityType: Parameters<typeof tokenNames>[1] }) {
  const names = tokenNames(sale.tokens, utilityType);
  const credit = creditTokenIndex(sale.tokens);
  const tokenCents = sale.tokens.reduce((a, t) => a + (t.amountCents ?? 0), 0);
  const debt = sale.charges.filter((c) => c.kind === 'debt');
  const service = sale.charges.filter((c) => c.kind === 'service');
  const cash = cashOf(sale);
  const commodity = utilityType === 'WATER' ? 'water' : utilityType === 'GAS' ? 'gas' : 'electricity';
  const money: [string, string, string | undefined][] = [
    ['Paid', `${rand(sale.amountCents)} · ${TENDER_WORDS[sale.tender.type]}${sale.tender.maskedCard ? ` ${sale.tender.maskedCard}` : ''}${sale.tender.approvalCode ? ` · approval ${sale.tender.approvalCode}` : ''}`, 'paid'],
    ...(tokenCents > 0 ? [[`For ${commodity}`, rand(tokenCents), undefined] as [string, string, undefined]] : []),
    ...debt.map((c): [string, string, string] => ['Debt recovered', `${rand(c.amountCents)}${c.balanceCents != null ? ` (still owed ${rand(c.balanceCents)})` : ''}`, 'debt']),
    ...service.map((c): [string, string, undefined] => [c.description || 'Service charge', rand(c.amountCents), undefined]),
    ['Utility', sale.utilityName ?? '—', undefined],
    ...(cash ? [['Cash received', rand(cash.received), undefined] as [string, string, undefined], ['Change due', rand(cash.change), 'change-due'] as [string, string, string]] : []),
  ];
  return (
    <div className="state success sold" role="region" aria-label="Sale succeeded" data-testid="outcome-success">
      <div className="sold-tokens">
        <h2>{sale.tokens.length === 0 ? 'Paid — debt repaid, no token' : `Sold — give the customer ${sale.tokens.length === 1 ? 'this token' : `these ${sale.tokens.length} tokens`}`}</h2>
        <ol className="tokens">
          {sale.tokens.map((t, i) => (
            <li key={i} className={`token-row ${i === credit ? 'credit' : ''}`} data-testid="token-row">
              <span className="token-type" data-testid="token-type">{names[i]}{sale.tokens.length > 1 && i === credit ? ' — load this for credit' : ''}</span>
              {t.type !== 'KC' && unitsText(t.units, t.unit) && <span className="units" data-testid="token-units">{unitsText(t.units, t.unit)}</span>}
              <span className="token" data-testid="token">{t.grouped}</span>
            </li>
          ))}
        </ol>
        {!sale.saved && (
          <p className="warn" role="alert" data-testid="not-saved">
            The till&apos;s disk is full: this sale is not saved yet and the slip cannot print. Write the token down for the customer now; the till saves it
            by itself when space is freed. Reference {sale.saleId}.
          </p>
        )}
        {!sale.saved ? null : sale.slip.printed ? (
          <p className="ok" data-testid="slip-printed">Slip printed.</p>
        ) : sale.slip.printError ? (
          <p className="warn" role="alert" data-testid="printer-problem">
            Printer problem — the tokens above are safe; read them to the customer if they cannot wait. {sale.slip.printError}
          </p>
        ) : (
          <p className="hint">Printing slip…</p>
        )}
      </div>
      <dl className="grid money" aria-label="Money">
        {money.map(([label, value, id], i) => (
          <Fragment key={i}>
            <dt className={id === 'change-due' ? 'change' : undefined}>{label}</dt>
            <dd className={id === 'change-due' ? 'change' : undefined} data-testid={id}>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </div>
  );
}

function Pending({ sale }: { sale: SaleView }) {
  const leavePending = useTill((s) => s.leavePending);
  const [full, setFull] = useState(false);
  const left = sale.state === 'pending';
  const card = sale.tender.type !== 'CASH';
  return (
    <div className="state pending" role="alert" data-testid="outcome-pending">
      <h2>{left ? 'PENDING — DO NOT RESELL' : sale.state === 'purchasing' ? 'Buying the token — wait with the customer' : `No answer yet — retrying (attempt ${sale.attempts})`}</h2>
      <p className="wait-sale" data-testid="wait-sale">
        Meter <strong>{sale.meterId}</strong> · <strong>{rand(sale.amountCents)}</strong> · {TENDER_WORDS[sale.tender.type]}
      </p>
      {sale.lastError && <p className="why">Why: {problemWords(sale.lastError)}.</p>}
      <CashLine sale={sale} />
      {left ? (
        <ul className="todo" data-testid="pending-todo">
          <li><strong>Keep the {rand(sale.amountCents)} in the till</strong> — it pays for this purchase.{cashOf(sale) ? ` Give the customer the change: ${rand(cashOf(sale)?.change)}.` : ''}</li>
          <li>Give the customer the pending slip. Tell them: “Your payment is safe. The token comes by itself; bring this slip back for it.”</li>
          <li>If the customer cannot wait for it, a manager cancels it (Pending queue) and you refund {rand(sale.amountCents)}.</li>
          <li>Do not sell again to meter {sale.meterId} until this is settled.</li>
        </ul>
      ) : (
        <ul className="todo">
          <li>{card ? <strong>The card payment stands.</strong> : <strong>Keep the customer’s cash.</strong>} The till is still trying the same purchase; nothing is charged twice.</li>
          <li>If the customer cannot wait, press <kbd>F4</kbd>: they get a pending slip and the till keeps trying.</li>
        </ul>
      )}
      <p className="ref">
        Reference <strong className="short-ref" data-testid="short-ref" data-reference={sale.saleId}>{shortRef(sale.saleId)}</strong>
        {full && <code data-testid="reference" className="full-ref">{sale.saleId}</code>}
        <button type="button" className="btn small" aria-expanded={full} onClick={() => setFull(!full)}>{full ? 'Hide full reference' : 'Show full reference'}</button>
      </p>
      {!left && <button type="button" className="btn" onClick={() => void leavePending()}>Leave pending <kbd>F4</kbd></button>}
    </div>
  );
}

export function SaleOutcome({ utilityType }: { utilityType: Parameters<typeof tokenNames>[1] }) {
  const sale = useTill((s) => s.sale);
  if (!sale) return null;
  if (sale.state === 'succeeded') return <Sold sale={sale} utilityType={utilityType} />;
  if (sale.state === 'failed') {
    return (
      <div className="state failed" role="alert" data-testid="outcome-failed">
        <h2>Sale failed — nothing was charged</h2>
        <p>{sale.failure?.message ?? 'The sale did not go through.'}</p>
        <p>Give the customer their money back{sale.tender.type === 'CASH' && sale.tender.cashReceivedCents !== undefined ? ` (${rand(sale.tender.cashReceivedCents)} received)` : ''}, or try again. Scan or type the next meter number.</p>
      </div>
    );
  }
  if (sale.state === 'purchasing' || sale.state === 'pending' || sale.state === 'retrying') return <Pending sale={sale} />;
  if (sale.state === 'cancelled') {
    return (
      <div className="state failed" role="alert" data-testid="outcome-cancelled">
        <h2>Cancelled — refund {rand(sale.amountCents)} to the customer</h2>
        <p>{sale.refundFrom === 'drawer' ? 'The cash drawer opens for the refund. ' : sale.refundFrom === 'safe' ? 'Pay it from the safe: no drawer session is open at this till. ' : ''}The till sends a reversal to the switch; take back the pending slip.</p>
      </div>
    );
  }
  return null;
}
