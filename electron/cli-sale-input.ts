/**
 * What `ppu-till` takes from the command line for a sale, checked before anything is stored or sent:
 * amounts typed in rands, and the tender as the Sell screen takes it — cash with what the customer
 * handed over (optional, at least the amount: the slip prints it and the change), or a card only once
 * the card terminal has approved the amount (--card-approval with its approval code, or a question at
 * a terminal). Without the approval a card sale is refused and nothing reaches the switch.
 */
import { createInterface } from 'node:readline/promises';
import { centsFromRands, rands } from '../common/money';
import type { Result, TenderInput, TenderKind } from './api/contract';
import { CARD_APPROVAL_CODE, MASKED_CARD } from './api/masked-card';

const refuse = (field: string, message: string): Result<never> => ({ ok: false, error: { code: 'INVALID_INPUT', message, field } });
export const notAmount = (field: string, what: string): Result<never> => refuse(field, `${what} must be rands with up to 2 decimals, e.g. 50 or 50.00`);

/**
 * The fields of the command line's own checks: a refusal there is a wrong argument (exit 1), not a
 * refused sale. None is a field the back end names (its `amountCents`: an amount outside the meter's
 * limits is a refused sale, exit 2).
 */
export const CLI_FIELDS: ReadonlySet<string> = new Set(['amount', 'simulate', 'float', 'tenderType', 'cashReceived', 'cardApproval', 'card']);

const TENDERS: readonly TenderKind[] = ['CASH', 'DEBIT_CARD', 'CREDIT_CARD'];
export const TENDER_WORDS: Record<TenderKind, string> = { CASH: 'cash', DEBIT_CARD: 'debit card', CREDIT_CARD: 'credit card' };

export interface TenderOptions {
  tender: string;
  card?: string;
  cashReceived?: string;
  /** The card terminal's approval code; `true` when given without one (its slip shows none). */
  cardApproval?: string | true;
}

/** A checked tender; `ask`: a card sale whose approval the cashier is still to be asked for at the terminal. */
export interface CheckedTender {
  tender: TenderInput;
  ask: boolean;
}

/**
 * The tender a sale goes with. `canAsk`: standard input is a terminal, so a card sale without
 * --card-approval is asked about (askCardApproval) instead of refused.
 */
export function checkTender(o: TenderOptions, amountCents: number, canAsk: boolean): Result<CheckedTender> {
  const type = o.tender as TenderKind;
  if (!TENDERS.includes(type)) return refuse('tenderType', `--tender must be one of ${TENDERS.join(', ')}, not "${o.tender}"`);
  if (type === 'CASH') {
    if (o.cardApproval !== undefined || o.card !== undefined) return refuse('cardApproval', '--card-approval and --card go with a card sale only: leave them out, or give --tender DEBIT_CARD or CREDIT_CARD.');
    if (o.cashReceived === undefined) return { ok: true, value: { tender: { type }, ask: false } };
    const received = centsFromRands(o.cashReceived);
    if (received === null) return notAmount('cashReceived', '--cash-received');
    if (received < amountCents) return refuse('cashReceived', `Cash received (${rands(received)}) is less than the sale's ${rands(amountCents)}: give at least ${rands(amountCents)} with --cash-received, or leave it out. Nothing was sent.`);
    return { ok: true, value: { tender: { type, cashReceivedCents: received }, ask: false } };
  }
  if (o.cashReceived !== undefined) return refuse('cashReceived', '--cash-received goes with a cash sale only: leave it out, or give --tender CASH.');
  const card = o.card?.replace(/\s/g, '');
  if (card !== undefined && !MASKED_CARD.test(card)) return refuse('card', '--card must be the card number as the card terminal slip shows it: the first 6 digits, * for the hidden ones, the last 4 (e.g. 123456******7890). Never the full number.');
  const tender: TenderInput = { type, ...(card ? { maskedCard: card } : {}) };
  if (o.cardApproval === undefined) {
    if (canAsk) return { ok: true, value: { tender, ask: true } };
    return refuse('cardApproval', `A card sale is sent only once the card terminal has approved it: run ${rands(amountCents)} on the card terminal, then sell again with --card-approval CODE (the approval code on the terminal's slip; --card-approval alone if it shows none). Nothing was sent.`);
  }
  const code = approvalCodeOf(o.cardApproval);
  return code === null ? refuse('cardApproval', badCode) : { ok: true, value: { tender: { ...tender, ...(code ? { approvalCode: code } : {}) }, ask: false } };
}

const badCode = 'The approval code is letters and digits only (at most 12), as the card terminal slip shows it.';
/** '' when approved without a code; null when the code is not one. */
function approvalCodeOf(given: string | true): string | null {
  if (given === true) return '';
  const code = given.trim();
  return code === '' || CARD_APPROVAL_CODE.test(code) ? code : null;
}

/**
 * The screen's question at a terminal: "Card terminal approved R 50.00?" — only "y" sells (the
 * safe answer, no, is the default), then the approval code from the terminal's slip.
 */
export async function askCardApproval(tender: TenderInput, amountCents: number): Promise<Result<TenderInput>> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const yes = await rl.question(`Run ${rands(amountCents)} on the card terminal (${TENDER_WORDS[tender.type]}) first. Nothing is sent to the switch until you say it was approved.\nCard terminal approved ${rands(amountCents)}? [y/N] `);
    if (!/^y(es)?$/i.test(yes.trim())) return { ok: false, error: { code: 'DECLINED', message: `Not sold: the card terminal did not approve ${rands(amountCents)}. Nothing was sent — ask for another card or cash.` } };
    const code = approvalCodeOf(await rl.question('Approval code from the terminal slip (Enter if none): '));
    return code === null ? refuse('cardApproval', badCode) : { ok: true, value: { ...tender, ...(code ? { approvalCode: code } : {}) } };
  } finally {
    rl.close();
  }
}
