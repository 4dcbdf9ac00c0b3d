/**
 * The field tech's certification run (`ppu-till certify`, the Certification screen): the public test
 * server's scenarios sent to whatever switch or provider the till is configured for — a lookup of every
 * scenario meter, a purchase of each with its amount and its confirmation, TST011's 504 and its retry, a
 * reversal, a key change request and a fault report — each answer checked against the test server's
 * facts (checks.ts). Nothing is recorded as a sale. It refuses to sell anything unless the switch
 * answers every scenario meter's lookup, so it never sells on a live system.
 */
import { newId, type PpuResult, type PurchaseRequest } from '../../../switch-core/protocol';
import type { CertifyReport, CertifyStep } from '../../api/contract';
import type { Handlers, TillContext } from '../backend-context';
import { localTime } from '../../../common/local-time';
import { REPORT_COLUMNS } from '../end-of-day';
import { ppuErrorWords } from '../ppu-error-words';
import { slipContext, tillLabel } from '../sale-slips';
import type { SwitchLink } from '../switch-link';
import { CERTIFICATION_CHANNEL } from '../store-sales';
import { checkKeyChange, checkLookup, checkPurchase, factsOf, SCENARIO_IDS, type ScenarioId } from './checks';

/** An answer that is not the success the step wanted, in words. */
function refusal(id: string, res: PpuResult<unknown>): string {
  if (res.outcome === 'unknown') return `${id}: no final answer (${res.status === null ? 'no answer' : `HTTP ${res.status}`})`;
  if (res.outcome === 'failed') return `${id}: refused, HTTP ${res.status} ${res.error?.errorType ?? ''} (${ppuErrorWords(res.error, res.status)})`.replace(/\s+\)/, ')');
  return `${id}: answered HTTP ${res.status}`;
}

/** The result slip: till, switch, date, counts and every failure, 32 columns. */
export function certifySlipLines(r: CertifyReport, zone: string): string[] {
  /** Word-wrapped to the receipt width; a word longer than a line is cut. */
  const wrap = (text: string, indent = '') => {
    const out: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/)) {
      const width = REPORT_COLUMNS - (out.length ? indent.length : 0);
      if (line && line.length + 1 + word.length > width) {
        out.push((out.length ? indent : '') + line);
        line = '';
      }
      line = line ? `${line} ${word}` : word;
      while (line.length > REPORT_COLUMNS - indent.length) {
        out.push((out.length ? indent : '') + line.slice(0, REPORT_COLUMNS - indent.length));
        line = line.slice(REPORT_COLUMNS - indent.length);
      }
    }
    if (line) out.push((out.length ? indent : '') + line);
    return out;
  };
  const failures = r.steps.filter((s) => !s.passed);
  return [
    'CERTIFICATION RUN',
    ...wrap(`Till: ${r.terminalId}`),
    ...wrap(`Switch: ${r.switchUrl}`),
    `Date: ${localTime(r.at, zone)}`,
    '-'.repeat(REPORT_COLUMNS),
    `Passed: ${r.passed}`,
    `Failed: ${r.failed}`,
    ...(r.refused ? ['REFUSED:', ...wrap(r.refused)] : []),
    ...(failures.length ? ['-'.repeat(REPORT_COLUMNS), 'FAILURES'] : []),
    ...failures.flatMap((s) => [...wrap(`* ${s.step}`), ...s.reasons.flatMap((why) => wrap(`- ${why}`, '  '))]),
    '-'.repeat(REPORT_COLUMNS),
    r.failed === 0 && !r.refused ? 'RESULT: PASS' : 'RESULT: FAIL',
  ];
}

export function certifyHandlers(ctx: TillContext, link: SwitchLink): Handlers<'certify'> {
  return {
    async certify({ print }, op) {
      const steps: CertifyStep[] = [];
      const step = async (name: string, run: () => Promise<string[]>): Promise<boolean> => {
        const t0 = performance.now();
        const reasons = await run().catch((e: unknown) => [`${name}: ${e instanceof Error ? e.message : String(e)}`]);
        steps.push({ step: name, passed: reasons.length === 0, reasons, ms: Math.round(performance.now() - t0) });
        return reasons.length === 0;
      };
      const base = () => {
        const tx = link.baseTx(newId());
        tx.originator.channelId = CERTIFICATION_CHANNEL; // kept out of the store's sales and reconciliation
        return tx;
      };
      const purchaseOf = (id: ScenarioId): PurchaseRequest => {
        const amount = { amount: factsOf(id).amountCents, currency: '710' };
        return { ...base(), meter: { meterId: id }, purchaseAmount: amount, tenders: [{ tenderType: 'CASH', amount }] };
      };
      const advice = (purchaseId: string) => ({ id: newId(), requestId: purchaseId, time: new Date(ctx.clock()).toISOString(), thirdPartyIdentifiers: [] });
      const confirm = (id: string, req: PurchaseRequest) =>
        step(`${id} confirmation`, async () => {
          const res = await link.exchange((c) => c.confirm({ ...advice(req.id), tenders: req.tenders ?? [] }));
          return res.outcome === 'successful' ? [] : [refusal(id, res)];
        });
      const sell = async (id: ScenarioId): Promise<PurchaseRequest | null> => {
        const req = purchaseOf(id);
        const sold = await step(`${id} purchase`, async () => {
          const res = await link.exchange((c) => c.purchase(req));
          return res.outcome === 'successful' ? checkPurchase(id, res.body) : [refusal(id, res)];
        });
        return sold ? req : null;
      };

      let answered = 0;
      for (const id of SCENARIO_IDS) {
        await step(`${id} lookup`, async () => {
          const res = await link.exchange((c) => c.meterLookup({ ...base(), meter: { meterId: id } }));
          if (res.outcome !== 'successful') return [refusal(id, res)];
          answered++;
          return checkLookup(id, res.body);
        });
      }
      const refused =
        answered < SCENARIO_IDS.length
          ? `The switch does not answer the test server's scenario meters (${SCENARIO_IDS.length - answered} of ${SCENARIO_IDS.length} lookups refused): nothing was sold. Point the till at a certification switch or the provider's test system.`
          : null;
      if (!refused) {
        for (const id of SCENARIO_IDS.filter((s) => s !== 'TST011')) {
          const req = await sell(id);
          if (req) await confirm(id, req);
        }
        // TST011: the test server answers the first purchase 504; the till's retry of the same id sells.
        // A switch in between may retry it itself and answer the sale at once: that is the same outcome.
        const t11 = purchaseOf('TST011');
        let t11Sold = await step('TST011 purchase (504 expected)', async () => {
          const res = await link.exchange((c) => c.purchase(t11));
          if (res.outcome === 'successful') return checkPurchase('TST011', res.body);
          return res.outcome === 'unknown' && res.status === 504 ? [] : [`TST011: 504 expected, ${refusal('TST011', res)}`];
        });
        if (t11Sold) {
          t11Sold = await step('TST011 retry', async () => {
            const res = await link.exchange((c) => c.retryPurchase(t11));
            return res.outcome === 'successful' ? checkPurchase('TST011', res.body) : [refusal('TST011', res)];
          });
        }
        if (t11Sold) await confirm('TST011', t11);
        const toReverse = purchaseOf('TST001');
        await step('TST001 purchase, then its reversal', async () => {
          const sold = await link.exchange((c) => c.purchase(toReverse));
          if (sold.outcome !== 'successful') return [refusal('TST001', sold)];
          const res = await link.exchange((c) => c.reverse({ ...advice(toReverse.id), reversalReason: 'CANCELLED' }));
          return res.outcome === 'successful' ? [] : [refusal('TST001 reversal', res)];
        });
        await step('TST001 key change request', async () => {
          const res = await link.exchange((c) => c.keyChangeToken({ ...base(), meter: { meterId: 'TST001' } }));
          return res.outcome === 'successful' ? checkKeyChange('TST001', res.body) : [refusal('TST001', res)];
        });
        await step('TST001 fault report', async () => {
          const res = await link.exchange((c) => c.faultReport({ ...base(), meter: { meterId: 'TST001' }, contactNumber: '0210000000', faultType: 'KeepsTripping' }));
          return res.outcome === 'successful' ? [] : [refusal('TST001', res)];
        });
      }
      const failed = steps.filter((s) => !s.passed).length;
      const report: CertifyReport = {
        terminalId: tillLabel(ctx.settings()),
        switchUrl: link.target().root,
        at: new Date(ctx.clock()).toISOString(),
        refused,
        steps,
        passed: steps.length - failed,
        failed,
        printed: null,
      };
      if (print) report.printed = await ctx.printer.printLines(certifySlipLines(report, ctx.zone()), slipContext(ctx, op.name));
      return report;
    },
  };
}
