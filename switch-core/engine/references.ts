/**
 * Transaction references (seeds 002/003): every value in a request or answer that a cashier or
 * support agent might search by, and finding a purchase again by one of them.
 */
import type { SwitchStore } from '../store/switch-store';
import type { TransactionSummary } from './model';

const REFERENCE_KEYS = new Set(['id', 'requestId', 'rrn', 'stan', 'basketRef', 'meterId', 'token', 'receiptNum', 'vatInvoiceNumber', 'reference', 'issuerReference', 'transactionIdentifier', 'originalRef']);
/** Parties, not references: every transaction with the same till or provider would share them. */
const PARTY_KEYS = new Set(['originator', 'client', 'receiver', 'settlementEntity']);

/**
 * Every reference a cashier or support agent might search by, except the transaction's own id and
 * meter number: the transactions table's own indexes answer those (see listTransactions), and
 * each row left out here is a random B-tree insert less on the hot path.
 */
export function referencesOf(txId: string, meterId: string | null, ...bodies: unknown[]): string[] {
  const out = new Set<string>();
  for (const b of bodies) visit(out, b, '', 0);
  out.delete(txId);
  if (meterId !== null) out.delete(meterId);
  return [...out];
}

/** Adds the references under one value; a function of the module, not a closure made per transaction. */
function visit(out: Set<string>, v: unknown, key: string, depth: number): void {
  if (depth > 6 || v === null || v === undefined) return;
  if (typeof v === 'string' || typeof v === 'number') {
    if (REFERENCE_KEYS.has(key)) out.add(String(v));
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) visit(out, x, key, depth + 1);
    return;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k in o) if (!PARTY_KEYS.has(k) && Object.hasOwn(o, k)) visit(out, o[k], k, depth + 1);
  }
}

/** The meter's last successful purchase through the switch: the one a reprint without a reference means. */
export async function lastPurchaseOf(store: SwitchStore, meterId: string): Promise<TransactionSummary | null> {
  return (await store.listTransactions({ meter: meterId, type: 'PURCHASE', status: 'SUCCESSFUL', limit: 1 }))[0] ?? null;
}

/** The purchase a reference (its id, token, receipt number, ...) belongs to, if a provider took it. */
export async function purchaseByReference(store: SwitchStore, ref: string): Promise<TransactionSummary | null> {
  return (await store.getTransaction(ref)) ?? (await store.listTransactions({ q: ref, limit: 10 })).find((t) => t.type === 'PURCHASE' && t.providerId) ?? null;
}
