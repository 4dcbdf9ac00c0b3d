/**
 * The split of a sale on the cashier screen: before the sale, what the amount typed pays first (debt,
 * appliance instalments, access and service charges) and what buys units — asked as a trial purchase
 * where the meter's provider offers one — with "Repay appliance only" setting the amount that clears
 * what is due and buys no token; after a sale that issued no token, that the slip is the receipt
 * (the sale outcome lists what the payment paid).
 */
import { useEffect, useState } from 'react';
import { decimalAmount } from '../../../common/money';
import { commodityOf } from '../../../common/tax-invoice';
import type { ApiError, ChargeView, SaleSplitView } from '../../../electron/api/contract';
import { call } from '../api';
import { parseRand, rand } from '../format';
import { useTill } from '../store';
import { unitsText } from '../words';

/** Wait this long after the last keystroke before asking the switch. */
const TYPING_PAUSE_MS = 350;

function Charges({ charges }: { charges: readonly ChargeView[] }) {
  return (
    <>
      {charges.map((c, i) => (
        <tr key={i} data-testid="split-row">
          <th scope="row">{c.description}</th>
          <td>{rand(c.amountCents)}</td>
          <td>{c.balanceCents !== null ? `still owed ${rand(c.balanceCents)}` : ''}</td>
        </tr>
      ))}
    </>
  );
}

export function SaleSplit({ amount, onAmount }: { amount: string; onAmount: (text: string) => void }) {
  const lookup = useTill((s) => s.lookup);
  const sale = useTill((s) => s.sale);
  const cents = parseRand(amount);
  const [split, setSplit] = useState<SaleSplitView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    setSplit(null);
    setError(null);
    if (!lookup || sale || !cents) return;
    let current = true;
    const timer = setTimeout(() => {
      void call('saleSplit', { meterId: lookup.meterId, amountCents: cents }).then((r) => {
        if (!current) return;
        if (r.ok) setSplit(r.value);
        else setError(r.error);
      });
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [lookup, sale, cents]);

  if (sale) {
    // The outcome lists what the payment paid; here only what a sale with no token means.
    if (sale.state !== 'succeeded' || sale.tokens.some((t) => t.type === 'STD')) return null;
    return <p className="note" data-testid="sale-no-token">No token: this payment repaid debt only. The slip is the customer’s receipt.</p>;
  }
  if (!lookup || !cents) return null;
  if (error) return <p className="hint" role="status" data-testid="sale-split-error">Split not available: {error.message}</p>;
  if (!split) return null;
  if (!split.supported) return <p className="hint" data-testid="sale-split-unsupported">This utility does not show the split before the sale; the slip shows it.</p>;
  const repayOnly = split.repayOnlyCents;
  return (
    <section className="split" aria-label="What this amount pays for" data-testid="sale-split">
      <table>
        <tbody>
          <Charges charges={split.charges} />
          <tr data-testid="split-credit">
            <th scope="row">Units</th>
            <td>{split.credit ? rand(split.credit.amountCents) : '—'}</td>
            <td>{split.credit?.units != null ? unitsText(split.credit.units, commodityOf(lookup.utilityType).unit) : ''}</td>
          </tr>
        </tbody>
      </table>
      {!split.credit && <p className="note" data-testid="split-no-token">No token: {rand(split.amountCents)} only repays what is owed. The customer gets a receipt.</p>}
      {repayOnly !== null && (
        <button type="button" className="btn" data-testid="repay-only" onClick={() => onAmount(decimalAmount(repayOnly))}>
          Repay appliance only ({rand(repayOnly)}, no token)
        </button>
      )}
    </section>
  );
}
