/**
 * Reconciliation of this till's records with the switch's, purchase by purchase (the reference is the
 * purchase id both keep): matched, only on the till, only on the switch, or amounts differ — what each
 * side says was charged (null while its outcome is open). A sale that failed on the till and never
 * reached the switch charged nothing on either side: it matches; one still open on either side does not.
 * Pure: the till's rows and the switch's sales in, the report out.
 */
import { isOpenSaleState, type ReconcileReport, type ReconcileRow, type ReconcileVerdict, type StoreSale } from '../api/contract';
import { shortReference } from '../../switch-core/protocol/ids';
import { rands } from '../../common/money';
import type { SaleRow } from './store/repository';

type Side = { state: string; chargedCents: number | null };

function tillSide(r: SaleRow): Side {
  if (r.state === 'succeeded') return { state: 'sold', chargedCents: r.amountCents };
  if (isOpenSaleState(r.state)) return { state: 'pending', chargedCents: null };
  return { state: r.state === 'cancelled' ? 'reversed' : r.state, chargedCents: 0 };
}

function switchSide(s: StoreSale): Side & { state: StoreSale['state'] } {
  return { state: s.state, chargedCents: s.state === 'sold' ? s.amountCents : s.state === 'pending' ? null : 0 };
}

const said = (who: string, s: Side) => `${who} says ${s.state}${s.chargedCents ? ` ${rands(s.chargedCents)}` : ''}`;

export function reconcile(date: string, terminalId: string, tillRows: readonly SaleRow[], switchSales: readonly StoreSale[]): ReconcileReport {
  const atSwitch = new Map(switchSales.map((s) => [s.purchaseId, s]));
  const rows: ReconcileRow[] = [];
  for (const r of tillRows) {
    const t = tillSide(r);
    const sw = atSwitch.get(r.id);
    atSwitch.delete(r.id);
    const s = sw ? switchSide(sw) : null;
    let verdict: ReconcileVerdict;
    let why: string;
    if (!s) {
      verdict = t.chargedCents === 0 ? 'matched' : 'only-till';
      why = t.chargedCents === 0 ? `not charged: ${r.state} on the till, never reached the switch` : `${said('till', t)}; the switch has no record`;
    } else {
      // An outcome still open on either side is not reconciled yet, even when both are open.
      verdict = t.chargedCents !== null && t.chargedCents === s.chargedCents ? 'matched' : 'amounts-differ';
      why = verdict === 'matched' ? said('till and switch', t).replace(' says ', ' say ') : `${said('till', t)}, ${said('switch', s)}`;
    }
    rows.push({ reference: r.id, shortRef: shortReference(r.id), meterId: r.meterId, till: t, switch: s, verdict, why });
  }
  for (const sw of atSwitch.values()) {
    const s = switchSide(sw);
    rows.push({ reference: sw.purchaseId, shortRef: sw.shortRef, meterId: sw.meterId ?? '', till: null, switch: s, verdict: 'only-switch', why: `${said('switch', s)}; this till has no record` });
  }
  const counts: Record<ReconcileVerdict, number> = { matched: 0, 'only-till': 0, 'only-switch': 0, 'amounts-differ': 0 };
  for (const r of rows) counts[r.verdict]++;
  return { date, terminalId, rows, counts, allMatch: rows.every((r) => r.verdict === 'matched') };
}
