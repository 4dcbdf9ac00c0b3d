/**
 * `ppu-till` — the till back end from a terminal, for field techs and scripts: lookup, sell, pending,
 * reprint, eod, backups, restore; certify (the field tech's first command on a new till); the store's
 * store-find, store-reprint, store-reprints, store-eod and reconcile. Same back end and store as the app (default data dir ~/.ppu-till; PPU_TILL_SWITCH_URL,
 * _USERNAME and _PASSWORD point it at any PPU server); `--json` prints the TillApi result as JSON.
 * Exit codes: 0 ok/sold, 1 error (sign-in, an argument the command line cannot take as it is, the
 * till itself), 2 sale refused or failed (nothing charged: a refused lookup — unknown or blocked meter
 * —, an amount outside the meter's limits, no drawer session, a declined sale), 3 sale pending.
 * `sell --simulate slow|down|no-answer` rehearses a provider fault on the embedded switch of this
 * run, so every exit code can be produced from a terminal. `sell` takes payment as the Sell screen
 * does (cli-sale-input.ts): --cash-received for the slip's change, and a card only with the card
 * terminal's approval (--card-approval, or the screen's question at a terminal).
 * The PIN comes from PPU_TILL_PIN or the first line of standard input (--pin-stdin) so it never shows
 * in `ps`; --pin still works for a quick test on a bench till.
 * Over 400 lines: one commander program, ~30 subcommands of a few lines each over one TillApi method,
 * sharing the sign-in, output and exit-code helpers above them; split by group it would scatter those.
 */
import { Command } from 'commander';
import { localTime } from '../common/local-time';
import { centsFromRands, rands } from '../common/money';
import { apiFromInvoke, isFinalSaleState, type ApiError, type CertifyReport, type ReconcileReport, type Result, type SaleView, type SessionView, type ShiftCount, type StoreReprintEntry, type StoreSale, type TillApi } from './api/contract';
import type { SecretStore } from './till/backend-context';
import { tillDataDir } from './till/data-dir';
import { startTillRuntime, type TillRuntime } from './till/runtime';
import { askCardApproval, checkTender, CLI_FIELDS, notAmount, TENDER_WORDS, type TenderOptions } from './cli-sale-input';

const program = new Command();
program
  .name('ppu-till')
  .description('Prepaid-utility till back end from the command line')
  .option('--data-dir <dir>', 'till data directory (default PPU_TILL_DATA, else ~/.ppu-till: the app\'s own)', tillDataDir())
  .option('--operator <id>', 'operator id', 'cashier')
  .option('--pin <pin>', 'operator PIN (visible in ps: prefer PPU_TILL_PIN or --pin-stdin)')
  .option('--pin-stdin', 'read the PIN from the first line of standard input (change-pin: the new PIN from the second)')
  .option('--json', 'print results as JSON')
  .option('--printer <address>', 'printer address for this run, e.g. device:/dev/usb/lp0 (default: PPU_TILL_PRINTER, else the settings)');

interface Global {
  dataDir: string;
  operator: string;
  pin?: string;
  pinStdin?: boolean;
  json?: boolean;
  printer?: string;
}

/** The secret store the host gives (the packaged app's keyring); else the data directory's file. */
let cliSecrets: SecretStore | undefined;

let stdinLines: Promise<string[]> | null = null;
/** Standard input's lines, read once (the PIN first, then a new PIN for change-pin). */
function stdinLine(n: number): Promise<string | undefined> {
  stdinLines ??= new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (text += d));
    process.stdin.on('end', () => resolve(text.split(/\r?\n/)));
  });
  return stdinLines.then((lines) => lines[n]?.trim() || undefined);
}

async function pinOf(g: Global): Promise<string | undefined> {
  return g.pinStdin ? stdinLine(0) : (g.pin ?? process.env.PPU_TILL_PIN);
}


/** From a terminal the drawer session opens with --float (the screens have a button for it). */
const CLI_NO_SESSION = 'No drawer session is open for this operator: give the float in the drawer with --float, e.g. --float 500 (once; later sales use the open session).';

async function withTill<T>(
  fn: (api: TillApi, rt: TillRuntime) => Promise<Result<T>>,
  /** `zone`: the till's time zone, for the times it prints. */
  show: (v: T, zone: string) => string,
  exitFor: (v: T) => number = () => 0,
  exitForError: (e: ApiError) => number = () => 1,
): Promise<void> {
  const g = program.opts<Global>();
  const rt = await startTillRuntime({ dataDir: g.dataDir, mode: 'cli', workerIntervalMs: 200, ...(g.printer ? { printerAddress: g.printer } : {}), ...(cliSecrets ? { secrets: cliSecrets } : {}) });
  const api = apiFromInvoke(rt.backend.invoke);
  let code = 1;
  try {
    const pin = await pinOf(g);
    const signed: Result<SessionView> = pin
      ? await api.signIn({ operatorId: g.operator, pin })
      : { ok: false, error: { code: 'INVALID_INPUT', field: 'pin', message: 'Give the PIN in PPU_TILL_PIN or on standard input with --pin-stdin.' } };
    const res = signed.ok ? await fn(api, rt) : signed;
    if (g.json) console.log(JSON.stringify(res, null, 2));
    if (res.ok) {
      if (!g.json) console.log(show(res.value, signed.ok ? signed.value.timeZone : 'UTC'));
      code = exitFor(res.value);
    } else {
      if (!g.json) console.error(`${res.error.code}: ${res.error.message}`);
      code = signed.ok ? exitForError(res.error) : 1;
    }
  } finally {
    // Give the advice outbox one chance to deliver before the process ends; what is left stays queued.
    await rt.backend.tick().catch(() => undefined);
    await rt.backend.idle();
    await rt.close();
  }
  process.exitCode = code;
}

/** How the sale was paid, as the screen's outcome shows it: cash received and change, or the card and its approval code. */
function tenderText({ amountCents, tender: t }: SaleView): string {
  const how = [TENDER_WORDS[t.type], t.maskedCard, t.approvalCode ? `approval ${t.approvalCode}` : undefined].filter(Boolean).join(' ');
  return `${rands(amountCents)} ${how}${t.cashReceivedCents !== undefined ? `: received ${rands(t.cashReceivedCents)}, change ${rands(t.cashReceivedCents - amountCents)}` : ''}`;
}

function saleText(s: SaleView, zone: string): string {
  const lines = [`Sale ${s.saleId}  ${s.state.toUpperCase()}${s.late ? ' (late)' : ''}  ${localTime(s.createdAt, zone)}  meter ${s.meterId}  ${rands(s.amountCents)}  attempts ${s.attempts}`];
  lines.push(`  Tender: ${tenderText(s)}`);
  // The unit as the slip prints it (kWh, kL, kg); "units" only for a utility type the till does not know.
  for (const t of s.tokens) lines.push(`  ${(t.type ?? 'TOKEN').padEnd(6)} ${t.grouped}${t.units ? `  ${t.units} ${t.unit || 'units'}` : ''}`);
  if (s.failure) lines.push(`  ${s.failure.message}`);
  if (s.state === 'pending') lines.push('  PENDING: do not sell again; the till keeps retrying. Reference: ' + s.saleId);
  if (s.slip.printError) lines.push(`  ${s.slip.printError}`);
  return lines.join('\n');
}

program
  .command('lookup <meter>')
  .description('look up a meter: customer, utility, min/max amount')
  .action((meter: string) =>
    withTill(
      (api) => api.lookupMeter({ meterId: meter }),
      (v) => `${v.meterId}  ${v.customerName ?? '-'}  ${v.utilityName ?? '-'} (${v.utilityType ?? '?'})\n  ${v.address ?? ''}\n  min ${v.minCents === null ? '-' : rands(v.minCents)}  max ${v.maxCents === null ? '-' : rands(v.maxCents)}  arrears ${v.arrearsCents === null ? '-' : rands(v.arrearsCents)}${v.freeUnitsDue ? '  free units due' : ''}`,
    ),
  );

/** Provider faults a field tech rehearses from a terminal, as patches for every simulated provider. */
const SIMULATE = {
  slow: { latencyMs: 3000 },
  down: { down: true },
  'no-answer': { timeoutRate: 1 },
} as const;
type Simulated = keyof typeof SIMULATE;

/** Applies a fault to every simulated provider of this run's embedded switch (its own admin API and credentials). */
async function simulate(rt: TillRuntime, fault: Simulated): Promise<Result<null>> {
  const sw = rt.embeddedSwitch;
  if (!sw) return { ok: false, error: { code: 'NOT_SUPPORTED', message: '--simulate needs the embedded switch (no switch URL set in Settings).' } };
  const headers = { authorization: 'Basic ' + Buffer.from(`${sw.username}:${sw.password}`).toString('base64'), 'content-type': 'application/json' };
  const list = (await (await fetch(`${sw.url}/admin/v1/providers`, { headers })).json()) as { providers: { id: string; behaviour: unknown }[] };
  for (const p of list.providers.filter((x) => x.behaviour !== null)) {
    await fetch(`${sw.url}/admin/v1/providers/${encodeURIComponent(p.id)}/behaviour`, { method: 'PATCH', headers, body: JSON.stringify(SIMULATE[fault]) });
  }
  return { ok: true, value: null };
}

/** A sale refused before or by the switch charged nothing: exit 2. Till-side problems stay 1. */
const SALE_FAILED: ReadonlySet<ApiError['code']> = new Set(['DECLINED', 'NOT_FOUND', 'INVALID_INPUT', 'SWITCH_UNREACHABLE', 'NO_SHIFT', 'CONFLICT']);

program
  .command('sell <meter> <amount>')
  .description('sell a token: amount in rands, e.g. 50 or 50.00')
  .option('--tender <type>', 'CASH | DEBIT_CARD | CREDIT_CARD', 'CASH')
  .option('--cash-received <rands>', 'cash: what the customer handed over (at least the amount); the slip shows it and the change')
  .option('--card-approval [code]', "card: the card terminal approved the amount — its approval code from the terminal's slip (alone: its slip shows none); without it a card sale is asked about at a terminal, else refused")
  .option('--card <masked>', 'masked card number, e.g. 123456******7890')
  .option('--wait <ms>', 'how long to wait for a final answer before leaving the sale pending', '60000')
  .option('--simulate <fault>', 'rehearse a provider fault on the embedded switch for this sale: slow (3 s), down (refuses: exit 2), no-answer (times out: pending, exit 3)')
  .option('--approve-over <saleId>', "sell although the meter has this pending sale; a manager approves (--approver, PIN in PPU_TILL_APPROVER_PIN)")
  .option('--approver <id>', 'the approving manager', 'manager')
  .option('--float <rands>', "open the operator's drawer session with this float first, when none is open")
  .action((meter: string, amount: string, o: TenderOptions & { wait: string; simulate?: string; approveOver?: string; approver: string; float?: string }) =>
    withTill<SaleView>(
      async (api, rt) => {
        const amountCents = centsFromRands(amount);
        if (amountCents === null) return notAmount('amount', 'Amount');
        const checked = checkTender(o, amountCents, Boolean(process.stdin.isTTY) && !program.opts<Global>().pinStdin);
        if (!checked.ok) return checked;
        if (o.float !== undefined) {
          const floatCents = centsFromRands(o.float);
          if (floatCents === null) return notAmount('float', '--float');
          const opened = await api.openShift({ floatCents });
          if (!opened.ok) return opened;
        }
        if (o.simulate !== undefined) {
          if (!(o.simulate in SIMULATE)) return { ok: false, error: { code: 'INVALID_INPUT', message: `--simulate must be one of ${Object.keys(SIMULATE).join(', ')}, not "${o.simulate}"`, field: 'simulate' } };
          const applied = await simulate(rt, o.simulate as Simulated);
          if (!applied.ok) return applied;
        }
        const lk = await api.lookupMeter({ meterId: meter });
        if (!lk.ok) return lk;
        // Asked once the meter is known to take the sale, as the screen asks at Sell: the card is run only then.
        const tender = checked.value.ask ? await askCardApproval(checked.value.tender, amountCents) : { ok: true as const, value: checked.value.tender };
        if (!tender.ok) return tender;
        const approval = o.approveOver ? { managerId: o.approver, pin: process.env.PPU_TILL_APPROVER_PIN ?? '', pendingSaleId: o.approveOver } : undefined;
        const p = await api.purchase({ lookupRef: lk.value.lookupRef, meterId: meter, amountCents, tender: tender.value, ...(approval ? { approval } : {}) });
        if (!p.ok) return p.error.code === 'NO_SHIFT' ? { ok: false, error: { ...p.error, message: CLI_NO_SESSION } } : p;
        const deadline = Date.now() + Number(o.wait);
        let s = p.value;
        for (let i = 0; i < 10_000 && !isFinalSaleState(s.state) && Date.now() < deadline; i++) {
          const n = await api.getSale({ saleId: s.saleId, sinceVersion: s.version, waitMs: 1000 });
          if (!n.ok) return n;
          s = n.value;
        }
        for (let i = 0; i < 50 && s.state === 'succeeded' && !s.slip.printed && !s.slip.printError; i++) {
          const n = await api.getSale({ saleId: s.saleId, sinceVersion: s.version, waitMs: 200 });
          if (n.ok) s = n.value;
        }
        if (s.state === 'retrying' || s.state === 'purchasing') {
          const left = await api.leavePending({ saleId: s.saleId });
          if (left.ok) s = left.value;
        }
        return { ok: true, value: s };
      },
      saleText,
      (s) => (s.state === 'succeeded' ? 0 : s.state === 'failed' ? 2 : 3),
      (e) => (SALE_FAILED.has(e.code) && !(e.field && CLI_FIELDS.has(e.field)) ? 2 : 1),
    ),
  );

program
  .command('pending')
  .description('pending sales and the advice queue, with age, attempts and last error')
  .option('--all', 'include delivered advices')
  .action((o: { all?: boolean }) =>
    withTill(
      (api) => api.listQueue({ includeDelivered: Boolean(o.all) }),
      (items) =>
        items.length === 0
          ? 'Nothing pending.'
          : items.map((q) => `${q.kind.padEnd(12)} ${q.status.padEnd(9)} ${q.saleId}  meter ${q.meterId}  ${rands(q.amountCents)}  age ${Math.round(q.ageMs / 1000)}s  attempts ${q.attempts}${q.lastError ? `  last error: ${q.lastError}` : ''}`).join('\n'),
    ),
  );

program
  .command('reprint <saleId>')
  .description('reprint a slip (manager): --from-switch asks the switch for the token again')
  .option('--from-switch', 'token reprint from the switch (where the provider supports it)')
  .action((saleId: string, o: { fromSwitch?: boolean }) =>
    withTill<{ printed: boolean; message: string | null }>(
      (api) => (o.fromSwitch ? api.reprintFromSwitch({ saleId }) : api.reprintLocal({ saleId })),
      (v) => (v.printed ? 'Reprinted (marked COPY, logged).' : `Not printed: ${v.message}`),
    ),
  );

program
  .command('eod')
  .description('end-of-day report (manager)')
  .option('--from <date>', 'YYYY-MM-DD or ISO time')
  .option('--to <date>', 'YYYY-MM-DD or ISO time')
  .option('--csv', 'print CSV')
  .action((o: { from?: string; to?: string; csv?: boolean }) =>
    withTill(
      (api) => api.eodReport({ from: o.from, to: o.to }),
      (r) => (o.csv ? r.csv : r.lines.join('\n')),
    ),
  );

const certifyText = (r: CertifyReport): string =>
  [
    `Certification run: till ${r.terminalId}, switch ${r.switchUrl}, ${r.at}`,
    ...r.steps.map((s) => `${s.passed ? 'PASS' : 'FAIL'}  ${s.step.padEnd(34)} ${s.ms} ms${s.reasons.map((w) => `\n      ${w}`).join('')}`),
    ...(r.refused ? [`REFUSED: ${r.refused}`] : []),
    `${r.passed} passed, ${r.failed} failed${r.printed ? (r.printed.printed ? '; result slip printed' : `; result slip not printed: ${r.printed.message}`) : ''}`,
  ].join('\n');

program
  .command('certify')
  .description("field tech's certification run (manager): the public test server's scenarios against the switch in use; exit 0 only when every step passes")
  .option('--print', 'print the result slip')
  .action((o: { print?: boolean }) =>
    withTill<CertifyReport>(
      (api) => api.certify({ print: Boolean(o.print) }),
      certifyText,
      (r) => (r.failed === 0 && !r.refused ? 0 : 1),
    ),
  );

program
  .command('reconcile')
  .description("this till's records against the switch's, sale by sale (manager); exit 0 only when everything matches")
  .option('--date <date>', 'YYYY-MM-DD (default today)')
  .action((o: { date?: string }) =>
    withTill<ReconcileReport>(
      (api) => api.reconcile({ date: o.date }),
      (r) =>
        [
          `Reconciliation ${r.date}, till ${r.terminalId}: ${r.counts.matched} matched, ${r.counts['only-till']} only on the till, ${r.counts['only-switch']} only on the switch, ${r.counts['amounts-differ']} amounts differ`,
          ...r.rows.map((x) => `${x.verdict.padEnd(14)} ${x.shortRef}  meter ${x.meterId.padEnd(12)} ${x.why}`),
        ].join('\n'),
      (r) => (r.allMatch ? 0 : 1),
    ),
  );

const storeSaleText = (s: StoreSale) => `${s.shortRef}  ${s.purchaseId}  till ${s.terminalId ?? '?'}  meter ${s.meterId ?? '?'}  ${rands(s.amountCents)}  ${s.state}${s.late ? ' (late)' : ''}  ${s.at}`;

program
  .command('store-find')
  .description("find a sale of any till of the store at the switch (manager), by --meter, --ref (short or full) or --token")
  .option('--meter <meter>')
  .option('--ref <reference>')
  .option('--token <token>')
  .option('--date <date>', 'YYYY-MM-DD')
  .action((o: { meter?: string; ref?: string; token?: string; date?: string }) =>
    withTill<StoreSale[]>(
      (api) => api.storeFindSales({ meterId: o.meter, reference: o.ref, token: o.token, date: o.date }),
      (list) => (list.length === 0 ? 'No sale of this store matches.' : list.map(storeSaleText).join('\n')),
    ),
  );

program
  .command('store-reprint <meter>')
  .description("print a COPY of a store sale from the switch (manager): --ref names the sale (full or short reference), else the meter's last token")
  .option('--ref <reference>')
  .action((meter: string, o: { ref?: string }) =>
    withTill(
      async (api) => {
        let purchaseId: string | undefined;
        if (o.ref) {
          const found = await api.storeFindSales({ reference: o.ref });
          if (!found.ok) return found;
          purchaseId = found.value[0]?.purchaseId;
          if (!purchaseId) return { ok: false, error: { code: 'NOT_FOUND', message: `No sale ${o.ref} of this store is known to the switch.` } };
        }
        return api.storeReprint({ meterId: meter, purchaseId });
      },
      (v) => `${v.printed ? 'COPY printed' : `Not printed: ${v.message}`}: sale ${v.purchaseId} of till ${v.soldAt ?? '?'} at ${v.originalAt}; tokens ${v.tokens.join(' ')}`,
    ),
  );

program
  .command('store-reprints')
  .description("reprints of this till's sales made at other tills, and of other tills' sales made here (manager)")
  .action(() =>
    withTill<StoreReprintEntry[]>(
      (api) => api.storeReprints({}),
      (list) => (list.length === 0 ? 'No store reprints.' : list.map((r) => `${r.at}  sale ${r.purchaseId} of till ${r.soldAt ?? '?'} reprinted at till ${r.reprintedAt} by ${r.operatorId ?? '?'}`).join('\n')),
    ),
  );

program
  .command('store-eod')
  .description("the store's end of day, every till (manager)")
  .option('--date <date>', 'YYYY-MM-DD (default today)')
  .option('--csv', 'print CSV')
  .option('--print', 'print the report')
  .action((o: { date?: string; csv?: boolean; print?: boolean }) =>
    withTill(
      async (api) => {
        const r = await api.storeEod({ date: o.date });
        if (r.ok && o.print) {
          const p = await api.printStoreEod({ date: o.date });
          if (!p.ok) return p;
        }
        return r;
      },
      (r) => (o.csv ? r.csv : r.lines.join('\n')),
    ),
  );

program
  .command('x-read')
  .description("the operator's open drawer session so far (sales, float, drops, pending cash held; no expected figures); --print prints it")
  .option('--print', 'print it on the till printer')
  .action((o: { print?: boolean }) =>
    withTill<{ lines: string[] } | { printed: boolean; message: string | null }>(
      (api) => (o.print ? api.printShiftReport({}) : api.shiftReport({ columns: 48 })),
      (v) => ('lines' in v ? v.lines.join('\n') : v.printed ? 'X-read printed.' : `Not printed: ${v.message}`),
    ),
  );

program
  .command('close-session')
  .description("close the operator's drawer session with a blind count: the counted figures are saved, then the report shows what was expected")
  .requiredOption('--cash <rands>', 'cash counted in the drawer')
  .option('--debit <rands>', "debit card total from the card terminal's slip")
  .option('--credit <rands>', "credit card total from the card terminal's slip")
  .action((o: { cash: string; debit?: string; credit?: string }) =>
    withTill<{ lines: string[] }>(
      async (api) => {
        const typed = [['CASH', '--cash', o.cash], ['DEBIT_CARD', '--debit', o.debit], ['CREDIT_CARD', '--credit', o.credit]] as const;
        const counted: Record<string, number> = {};
        for (const [tender, flag, rands] of typed) {
          if (rands === undefined) continue;
          const cents = centsFromRands(rands);
          if (cents === null) return notAmount(tender, flag);
          counted[tender] = cents;
        }
        return api.closeShift({ counted: counted as ShiftCount });
      },
      (v) => v.lines.join('\n'),
    ),
  );

program
  .command('z-read')
  .description('the till\'s day so far, every drawer session (manager); --close-day closes the day and prints it (refused while a session is open)')
  .option('--close-day', 'close the day')
  .action((o: { closeDay?: boolean }) =>
    withTill<{ lines: string[] }>(
      (api) => (o.closeDay ? api.closeDay({}) : api.zRead({ columns: 48 })),
      (v) => v.lines.join('\n'),
    ),
  );

program
  .command('change-pin')
  .description("choose a new PIN (a fresh till's default PINs must be changed first); the new PIN from PPU_TILL_NEW_PIN or the second line of standard input")
  .action(() =>
    withTill(
      async (api) => {
        const g = program.opts<Global>();
        const currentPin = (await pinOf(g)) ?? '';
        const newPin = g.pinStdin ? await stdinLine(1) : process.env.PPU_TILL_NEW_PIN;
        if (!newPin) return { ok: false, error: { code: 'INVALID_INPUT', field: 'newPin', message: 'Give the new PIN in PPU_TILL_NEW_PIN or as the second line of standard input with --pin-stdin.' } };
        return api.changePin({ currentPin, newPin });
      },
      () => 'PIN changed.',
    ),
  );

program
  .command('backups')
  .description('database backups (manager): why the database was refused, if it was, and the backups newest first')
  .action(() =>
    withTill(
      (api) => api.listBackups({}),
      (v) => [v.damaged ? `DATABASE DAMAGED: ${v.damaged}\nRestore the newest good backup with: ppu-till restore${v.newestGood ? ` (${v.newestGood})` : ''}` : 'Database OK.', ...v.backups.map((b) => `${b.name}  ${b.reason}  ${b.at}  ${b.bytes} bytes`)].join('\n'),
    ),
  );

program
  .command('restore [name]')
  .description('restore a damaged database from a backup (manager; default the newest good one); the damaged file is kept')
  .action((name: string | undefined) =>
    withTill(
      async (api) => {
        if (name) return api.restoreBackup({ name });
        const list = await api.listBackups({});
        if (!list.ok) return list;
        const newest = list.value.newestGood;
        if (!newest) return { ok: false, error: { code: 'NOT_FOUND', message: 'No good backup was found: call support.' } };
        return api.restoreBackup({ name: newest });
      },
      (v) => v.message,
    ),
  );

/**
 * Runs the command line over its arguments (those after the program name): from scripts/bin/ppu-till.js,
 * and from the packaged app for `--cli`, which passes its keyring-backed secret store.
 */
export async function runCli(args: readonly string[], secrets?: SecretStore): Promise<void> {
  cliSecrets = secrets;
  await program.parseAsync([...args], { from: 'user' }).catch((err: unknown) => {
    // Start-up refusals (e.g. a wrong PPU_TILL_SWITCH_URL) are reported in words, not as a stack trace.
    console.error(`ppu-till: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
