/**
 * The TillApi's store-level shapes (types only, no Node imports): a store's sales as the switch
 * recorded them for every till, the store's end of day, the reconciliation of this till's records with
 * the switch's, store reprints, and the field tech's certification run.
 */

/** What became of a purchase at the switch, read from its purchase, retry and reversal rows. */
export type StoreSaleState = 'sold' | 'pending' | 'failed' | 'reversed';

/** A sale of any till of the store, as the switch recorded it (docs/till.md, "A store of tills"). */
export interface StoreSale {
  purchaseId: string;
  /** The 8 characters the slip prints large. */
  shortRef: string;
  terminalId: string | null;
  operatorId: string | null;
  tenderType: string | null;
  meterId: string | null;
  amountCents: number;
  /** When the purchase first reached the switch. */
  at: string;
  state: StoreSaleState;
  /** Sold by a retry after the first send went unanswered (504, timeout, a crash). */
  late: boolean;
  /** Token numbers the switch answered (empty when none). */
  tokens: string[];
}

/** One line of a store report: a till, a cashier or a tender, with what it sold. */
export interface StoreEodRow {
  key: string;
  label: string;
  soldCount: number;
  soldCents: number;
  pendingCount: number;
  reversedCount: number;
  lateCount: number;
  failedCount: number;
}

export interface StoreEodReport {
  merchantId: string;
  storeName: string;
  from: string;
  to: string;
  generatedAt: string;
  /** The till the report was asked at. */
  terminalId: string;
  total: StoreEodRow;
  byTill: StoreEodRow[];
  byCashier: StoreEodRow[];
  byTender: StoreEodRow[];
  pending: StoreSale[];
  reversed: StoreSale[];
  late: StoreSale[];
  /** One row per sale of every till (RFC 4180). */
  csv: string;
  csvFileName: string;
  /** The report as a receipt, 32 columns. */
  lines: string[];
}

export type ReconcileVerdict = 'matched' | 'only-till' | 'only-switch' | 'amounts-differ';

/** One purchase as this till and the switch each recorded it: charged cents, or null for "not charged". */
export interface ReconcileRow {
  reference: string;
  shortRef: string;
  meterId: string;
  till: { state: string; chargedCents: number | null } | null;
  switch: { state: StoreSaleState; chargedCents: number | null } | null;
  verdict: ReconcileVerdict;
  /** In words, for the screen and the CLI: "till says sold R100.00, switch says pending". */
  why: string;
}

export interface ReconcileReport {
  date: string;
  terminalId: string;
  rows: ReconcileRow[];
  counts: Record<ReconcileVerdict, number>;
  /** True only when every row matched. */
  allMatch: boolean;
}

/** A reprint of a store's sale made at another till (or of another till's sale, made here). */
export interface StoreReprintEntry {
  /** The reprint's own id at the switch. */
  reprintId: string;
  purchaseId: string;
  /** The till that sold it, and the till that reprinted it. */
  soldAt: string | null;
  reprintedAt: string;
  operatorId: string | null;
  at: string;
}

/** One step of the certification run: passed, or why not in words. */
export interface CertifyStep {
  /** "TST004 purchase", "TST011 retry", "reversal", … */
  step: string;
  passed: boolean;
  /** Empty when passed; each a sentence like "TST004: tariff block rate 117.3 expected, 117 received". */
  reasons: string[];
  ms: number;
}

export interface CertifyReport {
  terminalId: string;
  switchUrl: string;
  at: string;
  /** Why the run did not start (the switch does not serve the scenario meters), else null. */
  refused: string | null;
  steps: CertifyStep[];
  passed: number;
  failed: number;
  /** The result slip, when printing was asked for. */
  printed: { printed: boolean; message: string | null } | null;
}
