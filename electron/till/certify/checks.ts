/**
 * The certification run's checks: one answer against the public test server's facts (facts.ts), each
 * difference a sentence naming the scenario, what was expected and what was received
 * ("TST004: tariff block rate 117.3 expected, 117 received"). Pure: answers in, reasons out.
 */
import type { KeyChangeTokenAnswer, MeterLookupAnswer, PurchaseAnswer } from '../../../switch-core/protocol';
import { CERTIFICATION_FACTS } from './facts';

export type ScenarioId = keyof typeof CERTIFICATION_FACTS.scenarios;
export const SCENARIO_IDS = Object.keys(CERTIFICATION_FACTS.scenarios) as ScenarioId[];
export const factsOf = (id: ScenarioId) => CERTIFICATION_FACTS.scenarios[id];

type TokenFact = (typeof CERTIFICATION_FACTS.keyChangeTokens)[number] | (typeof CERTIFICATION_FACTS.scenarios)[ScenarioId]['tokens'][number];

const shown = (v: unknown) => (v === undefined || v === null ? 'nothing' : typeof v === 'string' ? `"${v}"` : String(v));

/** Collects "what: X expected, Y received" sentences for one scenario. */
function differences(id: string) {
  const out: string[] = [];
  const same = (what: string, expected: unknown, received: unknown) => {
    if (expected !== received) out.push(`${id}: ${what} ${shown(expected)} expected, ${shown(received)} received`);
  };
  return { out, same };
}

export function checkLookup(id: ScenarioId, body: MeterLookupAnswer): string[] {
  const f = factsOf(id).lookup;
  const { out, same } = differences(id);
  same('customer', f.customer, [body.customer?.firstName, body.customer?.lastName].filter(Boolean).join(' ') || undefined);
  same('customer address', f.address, body.customer?.address);
  same('utility', f.utility, body.utility?.name);
  same('utility address', f.utilityAddress, body.utility?.address);
  same('utility VAT number', f.vatRegNum, body.utility?.vatRegNum);
  same('supply group code', f.supplyGroupCode, body.meter?.supplyGroupCode);
  same('key revision number', f.keyRevisionNum, body.meter?.keyRevisionNum);
  same('tariff index', f.tariffIndex, body.meter?.tariffIndex);
  same('token technology code', f.tokenTechCode, body.meter?.tokenTechCode);
  return out;
}

function checkTokens(expected: readonly TokenFact[], received: PurchaseAnswer['tokens'] | undefined, same: (what: string, e: unknown, r: unknown) => void): void {
  const got = received ?? [];
  same('token count', expected.length, got.length);
  expected.forEach((e, i) => {
    const r = got[i];
    if (!r) return;
    const n = expected.length > 1 ? `token ${i + 1} ` : 'token ';
    same(`${n}type`, e.tokenType, r.tokenType);
    same(`${n}number`, e.token, r.token.replace(/\s+/g, ''));
    same(`${n}units`, e.units, r.units === undefined ? undefined : Number(r.units));
    same(`${n}amount (cents)`, e.amountCents, r.amount?.amount);
    if (e.taxCents !== null) same(`${n}VAT (cents)`, e.taxCents, r.amount?.tax);
    if (e.receiptNum !== null) same(`${n}receipt number`, e.receiptNum, r.receiptNum);
    const blocks = r.tariffCalc ?? [];
    if (e.tariffRates.length > 0) same(`${n}tariff block count`, e.tariffRates.length, blocks.length);
    e.tariffRates.forEach((b, j) => {
      same('tariff block units', b.units, blocks[j] ? Number(blocks[j].units) : undefined);
      same('tariff block rate', b.rate, blocks[j] ? Number(blocks[j].rate) : undefined);
    });
  });
}

export function checkPurchase(id: ScenarioId, body: PurchaseAnswer): string[] {
  const f = factsOf(id);
  const { out, same } = differences(id);
  checkTokens(f.tokens, body.tokens, same);
  const debts = body.debtRecoveryCharges ?? [];
  same('debt recovery charge count', f.debtRecoveryCharges.length, debts.length);
  f.debtRecoveryCharges.forEach((c, i) => {
    const r = debts[i];
    if (!r) return;
    same(`debt charge ${i + 1} amount (cents)`, c.amountCents, r.amount?.amount);
    same(`debt charge ${i + 1} balance (cents)`, c.balanceCents, r.balance?.amount);
    if (c.receiptNum !== null) same(`debt charge ${i + 1} receipt number`, c.receiptNum, r.receiptNum);
  });
  const services = body.serviceCharges ?? [];
  same('service charge count', f.serviceCharges.length, services.length);
  f.serviceCharges.forEach((c, i) => services[i] && same(`service charge ${i + 1} amount (cents)`, c.amountCents, services[i].amount?.amount));
  const lines = body.slipData?.messageLines ?? [];
  if (f.slipLines.length > 0) {
    same('slip line count', f.slipLines.length, lines.length);
    f.slipLines.forEach((t, i) => lines[i] && same(`slip line ${i + 1}`, t, lines[i].text));
  }
  return out;
}

export function checkKeyChange(id: ScenarioId, body: KeyChangeTokenAnswer): string[] {
  const { out, same } = differences(id);
  checkTokens(CERTIFICATION_FACTS.keyChangeTokens, body.tokens, same);
  return out;
}
