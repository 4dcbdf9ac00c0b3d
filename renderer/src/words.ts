/**
 * The till's codes in the cashier's and manager's words: why a send got no answer, token types,
 * tenders, units, sale states, the switch in use. Pure functions over plain values; one place so every screen says
 * the same thing.
 */
import type { SaleState, SaleView, SwitchStatus, TenderKind, TokenView } from '../../electron/api/contract';
import { rand } from './format';

type UtilityType = 'ELECTRICITY' | 'WATER' | 'GAS' | null | undefined;

const PROBLEMS: Record<string, string> = {
  OUTCOME_UNKNOWN: 'the provider did not answer in time',
  UPSTREAM_UNAVAILABLE: 'the utility’s system is unavailable',
  SYSTEM_MALFUNCTION: 'the switch had a fault',
  ROUTING_ERROR: 'no provider can sell for this meter right now',
  UNABLE_TO_LOCATE_RECORD: 'the switch has no record of this sale yet',
  timeout: 'the switch did not answer in time',
  'no answer': 'no answer from the switch',
};

/** Why the last send got no answer, as a cashier would say it ("the provider did not answer in time"). */
export function problemWords(code: string | null | undefined): string {
  if (!code) return 'no answer yet';
  const known = PROBLEMS[code];
  if (known) return known;
  if (code.startsWith('connection')) return 'the switch cannot be reached (network)';
  const http = /^HTTP (\d{3})/.exec(code);
  if (http) {
    const s = Number(http[1]);
    if (s === 504) return 'the provider did not answer in time';
    if (s === 503) return 'the provider is unavailable';
    if (s >= 500) return 'the switch had a fault';
    return `the switch refused the request (HTTP ${s})`;
  }
  if (code.startsWith('unreadable')) return 'the switch sent an answer the till cannot read';
  if (/^[A-Z_]+$/.test(code)) return code.toLowerCase().replace(/_/g, ' ');
  return code;
}

/**
 * Units with their unit name as the slip prints it ("20.7 kWh", "2.76 kL": the unit a token view
 * carries, or `commodityOf` in common/tax-invoice.ts); "units" for a unit the till does not know ('');
 * units that already carry a name are left as the provider wrote them.
 */
export function unitsText(units: string | number | null, unit: string): string | null {
  const text = units == null ? '' : String(units).trim();
  if (text === '') return null;
  if (!/^[\d.,\s]+$/.test(text)) return text;
  return `${text} ${unit || 'units'}`;
}

const COMMODITY: Record<string, string> = { ELECTRICITY: 'Electricity', WATER: 'Water', GAS: 'Gas' };

/** Each token's kind in words, key-change tokens counted ("Key change 1 of 2"). */
export function tokenNames(tokens: readonly Pick<TokenView, 'type'>[], utilityType: UtilityType): string[] {
  const kcTotal = tokens.filter((t) => t.type === 'KC').length;
  let kc = 0;
  const commodity = (utilityType && COMMODITY[utilityType]) || 'Credit';
  return tokens.map((t) => {
    switch (t.type) {
      case 'STD':
        return `${commodity} token`;
      case 'BSST':
        return `Free ${commodity.toLowerCase()} (basic support)`;
      case 'KC':
        kc += 1;
        return `Key change ${kc} of ${kcTotal}`;
      case 'REFUND':
        return 'Refund token';
      case 'PWRLMT':
        return 'Power limit token';
      default:
        return `${t.type} token`;
    }
  });
}

/** The token the customer loads for credit: the first standard one, else the first. */
export function creditTokenIndex(tokens: readonly Pick<TokenView, 'type'>[]): number {
  const i = tokens.findIndex((t) => t.type === 'STD');
  return i >= 0 ? i : 0;
}

export const TENDER_WORDS: Record<TenderKind, string> = { CASH: 'Cash', DEBIT_CARD: 'Debit card', CREDIT_CARD: 'Credit card' };

export function saleStateWords(state: SaleState, late: boolean): string {
  if (state === 'succeeded') return late ? 'succeeded late' : 'succeeded';
  if (state === 'retrying') return 'retrying';
  if (state === 'cancelled') return 'cancelled (reversed)';
  return state;
}

export { shortReference as shortRef } from '../../electron/api/short-reference';

/** A duration rounded for reading: "850 ms", "1.2 s", "30 s", "4 min". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * The status bar's switch: reachable or not, and — when several are listed — which one the till uses
 * (host:port, its place in the list) and the one it failed over from.
 */
export function switchWords(sw: Pick<SwitchStatus, 'reachable' | 'inUse' | 'position' | 'count' | 'failedOverFrom'>): string {
  const state = `Switch: ${sw.reachable ? 'reachable' : 'NOT reachable'}`;
  if (sw.count < 2) return state;
  if (!sw.reachable) return `${state} (none of the ${sw.count} listed answers)`;
  return `${state}, using ${sw.inUse} (${sw.position} of ${sw.count})${sw.failedOverFrom ? `, failed over from ${sw.failedOverFrom}` : ''}`;
}

/** A refund in words (a cancel, a pending sale that failed): for cash, where it is paid from as the till recorded it (this drawer, or the safe when no drawer session was open). */
export function refundWords(sale: Pick<SaleView, 'amountCents' | 'refundFrom'>): string {
  const from = sale.refundFrom;
  return `Refund ${rand(sale.amountCents)}${from === 'safe' ? ': pay from the safe' : from === 'drawer' ? ': pay from this drawer' : ' to the customer'}.`;
}
