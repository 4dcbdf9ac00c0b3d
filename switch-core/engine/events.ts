/**
 * Events (interface v3.10+): `POST /events/tokenPurchases?purchaseId=` tells the switch that a token
 * purchase succeeded. The interface makes it informational only: the switch answers 202 and files
 * the notification under the purchase it names (a trace, and its tokens and receipt numbers as
 * references) without changing the purchase's outcome or sending anything on. 400 for a malformed
 * notification, 404 for a purchase the switch does not know.
 */
import { errorDetail, formatError, formatErrorsFromZod, PurchaseResponse } from '../protocol';
import { referencesOf } from './references';
import type { Reply } from './replies';
import type { SwitchState } from './switch-state';

export const NOTIFY_TOKEN_PURCHASE_ROUTE = '/events/tokenPurchases';
const REQUEST_TYPE = 'NOTIFY_TOKEN_PURCHASE';

export async function notifyTokenPurchase(s: SwitchState, purchaseId: unknown, body: unknown): Promise<Reply> {
  const parsed = PurchaseResponse.safeParse(body, { reportInput: true });
  const bodyId = parsed.success ? parsed.data.id : undefined;
  if (typeof purchaseId !== 'string' || purchaseId === '') {
    return { status: 400, body: formatError(REQUEST_TYPE, [{ field: 'purchaseId', msg: 'query parameter required: the id of the original purchase request', value: purchaseId }], bodyId) };
  }
  if (!parsed.success) return { status: 400, body: formatError(REQUEST_TYPE, formatErrorsFromZod(parsed.error), bodyId) };
  if (parsed.data.id !== purchaseId) {
    return { status: 400, body: formatError(REQUEST_TYPE, [{ field: 'id', msg: `must equal the purchaseId ${purchaseId}`, value: parsed.data.id }], bodyId) };
  }
  await s.traces.flush();
  const purchase = await s.store.getTransaction(purchaseId);
  if (!purchase || purchase.type !== 'PURCHASE') {
    return { status: 404, body: errorDetail('UNABLE_TO_LOCATE_RECORD', `No purchase ${purchaseId} is known to the switch`, { id: purchaseId, requestType: REQUEST_TYPE }) };
  }
  s.traces.add({
    txId: purchaseId,
    direction: 'till->switch',
    providerId: null,
    operation: 'notifyTokenPurchase',
    url: `${NOTIFY_TOKEN_PURCHASE_ROUTE}?purchaseId=${encodeURIComponent(purchaseId)}`,
    requestBody: parsed.data,
    status: 202,
    responseBody: null,
    startedAt: s.now(),
    ms: 0,
  });
  s.traces.addRefs(purchaseId, referencesOf(purchaseId, purchase.meterId, parsed.data));
  return { status: 202, body: null };
}
