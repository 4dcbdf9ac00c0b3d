/**
 * The sale state machine: pure decisions over plain data, no I/O. Given a sale's state and an event
 * (an answer from the switch, the cashier leaving it pending, a manager cancelling), it returns the
 * next state and the effects the caller must carry out (queue an advice, print a slip, schedule a retry).
 *
 *   purchasing ─successful→ succeeded  (+confirmation advice, sale slip)
 *              ─failed────→ failed     (nothing charged)
 *              ─unknown───→ retrying   (same purchase id, backoff)
 *   retrying   ─successful→ succeeded · ─failed→ failed · ─unknown→ retrying · ─leave→ pending (pending slip)
 *   purchasing/retrying ─unknown after 1 + foregroundRetries sends→ pending (pending slip): the cashier
 *              does not wait for ever; the till keeps retrying in the background
 *   pending    ─successful→ succeeded (late) · ─failed→ failed · ─unknown→ pending · ─cancel→ cancelled (+reversal)
 *   retrying   ─cancel────→ cancelled (+reversal)
 * An answer marked late (the sale was open when the till started: the cashier who waited has moved on)
 * makes the sale late when it succeeds or is left pending by itself, so no drawer opens for it.
 * Final states ignore answers that arrive late: a cancelled sale's reversal covers a token issued after it.
 * An event that changes nothing answers the very sale object it was given (callers then write nothing).
 */
import { backoffMs } from '../../common/backoff';
import { rands } from '../../common/money';
import { isValidMeterNumber } from '../../switch-core/protocol';
import { isFinalSaleState, isOpenSaleState, type SaleState } from '../api/contract';

export type Outcome = 'successful' | 'failed' | 'unknown';

export interface MachineSale {
  state: SaleState;
  attempts: number;
  late: boolean;
  nextAttemptAt: number | null;
  lastError: string | null;
}

export type SaleEvent =
  | { type: 'send' } // an attempt is about to go out (persisted before sending)
  /**
   * `late`: the customer is known to be gone — the answer to a sale that was open when the till
   * started (a restart, a crash), or one the till took back from the switch after a restore.
   */
  | { type: 'answer'; outcome: Outcome; error?: string; late?: boolean }
  | { type: 'leave-pending' }
  | { type: 'cancel' }
  | { type: 'retry-now' };

export type Effect =
  | { type: 'queue-confirmation' }
  | { type: 'queue-reversal'; reason: 'CANCELLED' }
  | { type: 'print'; slip: 'sale' | 'pending' };

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Retries the cashier waits for before the sale is left pending by itself (Settings). */
  foregroundRetries: number;
}

export type Transition = { ok: true; sale: MachineSale; effects: Effect[] } | { ok: false; reason: string };



export function nextSale(sale: MachineSale, event: SaleEvent, now: number, policy: RetryPolicy): Transition {
  const s = sale.state;
  switch (event.type) {
    case 'send':
      if (!isOpenSaleState(s)) return { ok: false, reason: `a ${s} sale is not sent again` };
      return { ok: true, sale: { ...sale, attempts: sale.attempts + 1, nextAttemptAt: null }, effects: [] };

    case 'answer': {
      if (isFinalSaleState(s)) return { ok: true, sale, effects: [] }; // late answer after a final state: ignored
      if (event.outcome === 'successful') {
        return {
          ok: true,
          sale: { ...sale, state: 'succeeded', late: s === 'pending' || event.late === true, nextAttemptAt: null, lastError: null },
          effects: [{ type: 'queue-confirmation' }, { type: 'print', slip: 'sale' }],
        };
      }
      if (event.outcome === 'failed') {
        return { ok: true, sale: { ...sale, state: 'failed', nextAttemptAt: null, lastError: event.error ?? sale.lastError }, effects: [] };
      }
      // `attempts` counts sends: the first one plus the retries the cashier has waited through.
      const leave = s !== 'pending' && sale.attempts > policy.foregroundRetries;
      const next: SaleState = s === 'pending' || leave ? 'pending' : 'retrying';
      return {
        ok: true,
        // Left pending by itself with nobody waiting at the counter (`late`): no cash is taken then either.
        sale: { ...sale, state: next, late: sale.late || (leave && event.late === true), nextAttemptAt: now + backoffMs(Math.max(sale.attempts, 1), policy), lastError: event.error ?? 'no answer' },
        effects: leave ? [{ type: 'print', slip: 'pending' }] : [],
      };
    }

    case 'leave-pending':
      if (s === 'pending') return { ok: true, sale, effects: [] };
      if (s !== 'retrying' && s !== 'purchasing') return { ok: false, reason: `a ${s} sale cannot be left pending` };
      return { ok: true, sale: { ...sale, state: 'pending' }, effects: [{ type: 'print', slip: 'pending' }] };

    case 'cancel':
      if (s !== 'pending' && s !== 'retrying') return { ok: false, reason: `only a pending sale can be cancelled; this one is ${s}` };
      return {
        ok: true,
        sale: { ...sale, state: 'cancelled', nextAttemptAt: null },
        // Nothing retries a cancelled sale (it is final); a send still in flight is answered into the
        // void, and the reversal waits for it (advice-delivery) so it covers whatever that send bought.
        effects: [{ type: 'queue-reversal', reason: 'CANCELLED' }],
      };

    case 'retry-now':
      if (s !== 'pending' && s !== 'retrying') return { ok: false, reason: `a ${s} sale has nothing to retry` };
      return { ok: true, sale: { ...sale, nextAttemptAt: now }, effects: [] };
  }
}

/** Advice delivery (confirmation / reversal): head of queue repeated until a final status. */
export interface MachineAdvice {
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
}

export function nextAdvice(advice: MachineAdvice, outcome: Outcome, error: string | null, now: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>): MachineAdvice {
  if (advice.status !== 'queued') return advice;
  const attempts = advice.attempts + 1;
  if (outcome === 'successful') return { status: 'delivered', attempts, nextAttemptAt: null, lastError: null };
  if (outcome === 'failed') return { status: 'failed', attempts, nextAttemptAt: null, lastError: error };
  return { status: 'queued', attempts, nextAttemptAt: now + backoffMs(attempts, policy), lastError: error ?? 'no answer' };
}

/** Groups a token's digits in fours for the screen and the slip: "1234 5678 9012 3456 7890". */
export function groupToken(token: string): string {
  return token.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

export type MeterCheck = { ok: true; meterId: string } | { ok: false; message: string };

/** Validates a typed or scanned meter number before anything is sent. Track 2 (";…=…?") gives the PAN part. */
export function checkMeter(input: { meterId?: string; track2?: string }): MeterCheck {
  let raw = (input.meterId ?? '').replace(/[\s-]/g, '');
  if (!raw && input.track2) {
    const m = /^;?(\d{1,20})=/.exec(input.track2.trim());
    if (!m || !m[1]) return { ok: false, message: 'The card swipe could not be read. Swipe again or type the meter number.' };
    raw = m[1];
  }
  if (!raw) return { ok: false, message: 'Type or scan the meter number.' };
  if (!/^[a-zA-Z0-9]{1,20}$/.test(raw)) return { ok: false, message: 'A meter number has only letters and digits (at most 20). Check the number and try again.' };
  if (/^\d{11}$/.test(raw) && !isValidMeterNumber(raw)) return { ok: false, message: 'This meter number is not valid: the check digit does not match. Check each digit and type it again.' };
  return { ok: true, meterId: raw };
}

export type AmountCheck = { ok: true } | { ok: false; message: string };

export function checkAmount(amountCents: number, min: number | null, max: number | null): AmountCheck {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) return { ok: false, message: 'Enter the amount in rands and cents.' };
  if (min !== null && amountCents < min) return { ok: false, message: `The smallest amount for this meter is ${rands(min)}. Ask the customer for at least ${rands(min)}.` };
  if (max !== null && amountCents > max) return { ok: false, message: `The largest amount for this meter is ${rands(max)}. Sell ${rands(max)} or less.` };
  return { ok: true };
}
