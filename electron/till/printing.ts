/**
 * The till's printing edge: turns a sale into a slip with the printer module (slip → layout → ESC/POS)
 * and hands the bytes to the printer module's durable print queue, which sends them through a sink.
 * The sink is injected so the composition root chooses TCP/serial/virtual/none and tests can use
 * the real virtual printer.
 */
import { encodeDrawerKick, encodeEscPos, layoutSlip, markReprint, pendingSlip, PrintJobStore, PrintQueue, slipFromPurchase, slipFromSlipData, testPageSlip, type CommandSet, type DrawerPulse, type PrinterIdentity, type PrintJob, type Slip, type SlipContext, type Transport } from '../../printer';
import type { PurchaseAnswer } from '../../switch-core/protocol';
import type { PrintResult } from '../api/contract';

export type SinkState = 'ready' | 'paper-out' | 'problem' | 'offline' | 'none';

export interface SinkStatus {
  state: SinkState;
  message: string;
  /** The printer's model, when it said (GS I) or its queue's name carries it. */
  name?: string;
  /** Paper near-end: still prints; a warning before paper-out. */
  paperLow?: boolean;
  /** Drawer-open sensor, when the printer reports it. */
  drawerOpen?: boolean;
}

export interface ByteSink {
  readonly description: string;
  send(bytes: Uint8Array): Promise<void>;
  status(): Promise<SinkStatus>;
  /** What the printer says it is, asked once when the sink is made (at connect); null when it does not say. */
  identify?(): Promise<PrinterIdentity | null>;
}

export const NO_PRINTER: ByteSink = {
  description: 'no printer',
  send: async () => {
    throw new Error('No printer is configured. Choose a printer in Settings, then reprint.');
  },
  status: async () => ({ state: 'none', message: 'No printer configured' }),
};

/** A printer module transport as the till's sink: its status in the words the status bar shows, named after the printer. */
export function sinkFromTransport(t: Transport): ByteSink {
  // Asked at connect, once: a printer that does not answer GS I (a Star in Star mode) costs one wait, not one per slip.
  const identity = t.identify ? t.identify().catch(() => null) : Promise.resolve(null);
  return {
    description: t.description,
    send: (b) => t.send(b),
    identify: () => identity,
    async status() {
      const [s, id] = await Promise.all([t.queryStatus(), identity]);
      const named = (message: string): SinkStatus => ({
        state: 'ready',
        message: id ? `${[id.maker, id.model].filter(Boolean).join(' ')}: ${message}` : message,
        ...(id ? { name: id.model } : {}),
        ...(s.paperLow === undefined ? {} : { paperLow: s.paperLow }),
        ...(s.drawerOpen === undefined ? {} : { drawerOpen: s.drawerOpen }),
      });
      if (s.ready) return named(s.message);
      if (s.paperOut) return { ...named('Printer out of paper — load paper'), state: 'paper-out' };
      if (!s.answered) return { ...named(s.message), state: 'offline' };
      return { ...named(s.message), state: 'problem' };
    },
  };
}

/** What the printer address says about the printer in use. */
export interface PrinterFormat {
  commandSet: CommandSet;
  /** Paper named in the printer address (?paper=): wins over the model and the setting. */
  addressPaper?: 58 | 80;
}

/** The address's paper, else 58 mm for a model known to take only 58 mm rolls, else the till's setting. */
export function paperFor(setting: 58 | 80, f: PrinterFormat, id: PrinterIdentity | null): 58 | 80 {
  return f.addressPaper ?? id?.paper ?? setting;
}

export interface SlipPrinter {
  /** A sale's slip; `key` makes it one job for good (asking again finds the stored job). */
  printSale(resp: PurchaseAnswer, ctx: SlipContext, o?: { key?: string; reprint?: { at: Date; operator: string } }): Promise<PrintResult>;
  printPending(info: { purchaseId: string; meterId: string; amountCents: number; utilityName?: string; at: Date }, ctx: SlipContext, key?: string, reprint?: { at: Date; operator: string }): Promise<PrintResult>;
  printTestPage(ctx: Partial<SlipContext>, at: Date): Promise<PrintResult>;
  printLines(lines: string[], ctx: SlipContext): Promise<PrintResult>;
  /**
   * Opens the cash drawer now or never: the kick goes straight to the printer, not into the print
   * queue, since a drawer springing open hours later when the printer is back is worse than a
   * drawer opened with its key.
   */
  kickDrawer(pulse: DrawerPulse): Promise<{ opened: boolean; message: string | null }>;
  /**
   * The job stored under `key`, sent again if it has not printed yet; null when there is none or it
   * had printed already — nothing is sent then, so the caller's answer cannot claim a print that did not happen.
   */
  resend(key: string): Promise<PrintResult | null>;
  /** Sends every job still owed (the printer may be back); answers the keys of the jobs printed now. */
  drain(): Promise<string[]>;
  /** The key of the till's job a printer received these bytes of (null: not a keyed job of this till — a report, a test page, a reprint). */
  keyOfReceived(bytes: Uint8Array): string | null;
  status(): Promise<SinkStatus>;
  close(): void;
}

/** The queue asks a printer's state the way the printer module does; a sink answers in the till's words. */
function asTransport(sink: ByteSink): Transport {
  return {
    description: sink.description,
    send: (bytes) => sink.send(bytes),
    async queryStatus() {
      const s = await sink.status();
      const answered = s.state === 'ready' || s.state === 'paper-out' || s.state === 'problem';
      return { answered, ready: s.state === 'ready', paperOut: s.state === 'paper-out', coverOpen: false, offline: s.state === 'offline', message: s.message };
    },
  };
}

function resultOf(job: PrintJob): PrintResult {
  if (job.state === 'printed') return { printed: true, message: null, jobId: job.id };
  // A job with no error is only waiting its turn: telling the cashier to fix a working printer sends her to the wrong place.
  if (job.lastError === undefined) return { printed: false, message: 'The slip is waiting for the printer: it prints by itself in a moment.', jobId: job.id };
  return { printed: false, message: `The slip did not print (${job.lastError}). Fix the printer: the slip then prints by itself, or a manager reprints it.`, jobId: job.id };
}

/**
 * Every slip becomes a durable print job (stored before it is sent, kept until printed, in
 * order) in `jobsFile`; the sink is asked for on each attempt so a changed printer setting
 * takes effect at once. Slips are laid out for the paper the printer takes (see paperFor) and
 * encoded in its command set.
 */
export function createSlipPrinter(sink: () => ByteSink, paper: () => 58 | 80, jobsFile: string, format: () => PrinterFormat = () => ({ commandSet: 'epson' })): SlipPrinter {
  const store = new PrintJobStore(jobsFile);
  // One conversation with the printer at a time: a USB printer device or a serial port opens once.
  let last: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = last.then(fn, fn);
    last = run.catch(() => undefined);
    return run;
  };
  const queue = new PrintQueue({
    store,
    transport: () => {
      const t = asTransport(sink());
      return { description: t.description, send: (b) => exclusive(() => t.send(b)), queryStatus: () => exclusive(() => t.queryStatus()) };
    },
  });
  const encode = async (slip: Slip) => {
    const f = format();
    const id = (await sink().identify?.()) ?? null;
    return encodeEscPos(layoutSlip(slip, { paper: paperFor(paper(), f, id) === 58 ? '58mm' : '80mm' }), { commandSet: f.commandSet });
  };
  const print = async (slip: Slip, label: string, key?: string) => resultOf(await queue.print(await encode(slip), label, key));
  return {
    printSale(resp, ctx, o = {}) {
      // The till lays the slip out itself, to its paper's full width, by the tax-invoice rules the switch's slipData
      // follows too; a provider's slipData is printed only when the answer has nothing else to print from.
      const nothingElse = resp.tokens.length === 0 && (resp.debtRecoveryCharges ?? []).length === 0 && (resp.serviceCharges ?? []).length === 0;
      let slip = nothingElse && resp.slipData?.messageLines?.length ? slipFromSlipData(resp.slipData, { ...ctx, reference: resp.id, at: resp.time ? new Date(resp.time) : new Date() }) : slipFromPurchase(resp, ctx);
      if (o.reprint) slip = markReprint(slip, o.reprint.at, o.reprint.operator);
      return print(slip, `${o.reprint ? 'reprint' : 'sale'} ${resp.id}`, o.key);
    },
    printPending: (info, ctx, key, reprint) => print(reprint ? markReprint(pendingSlip(info, ctx), reprint.at, reprint.operator) : pendingSlip(info, ctx), `${reprint ? 'reprint ' : ''}pending ${info.purchaseId}`, key),
    printTestPage: (ctx, at) => print(testPageSlip(at, ctx), 'test page'),
    printLines(lines, ctx) {
      return print(slipFromSlipData({ messageLines: [...lines.map((text) => ({ text })), { text: '', cut: true }] }, { ...ctx, at: ctx.at ?? new Date() }), 'report');
    },
    async kickDrawer(pulse) {
      try {
        await exclusive(() => sink().send(encodeDrawerKick(format().commandSet, pulse)));
        return { opened: true, message: null };
      } catch (e) {
        return { opened: false, message: `The cash drawer did not open (${e instanceof Error ? e.message : String(e)}). Open it with its key.` };
      }
    },
    async resend(key) {
      const job = queue.byKey(key);
      if (!job || job.state === 'printed') return null;
      if (job.state === 'failed') return resultOf(await queue.retry(job.id));
      await queue.drain();
      return resultOf(queue.get(job.id) ?? job);
    },
    async drain() {
      const { printed } = await queue.drain();
      return printed.map((id) => queue.get(id)?.key).filter((k): k is string => k !== undefined);
    },
    keyOfReceived: (bytes) => (bytes.length ? (store.startingWith(bytes)?.key ?? null) : null),
    status: () => sink().status(),
    close: () => store.close(),
  };
}
