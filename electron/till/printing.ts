/**
 * The till's printing edge: turns a sale into a slip with the printer module (slip → layout → ESC/POS)
 * and hands the bytes to the printer module's durable print queue, which sends them through a sink.
 * The sink is injected so the composition root chooses TCP/serial/virtual/none and tests can use
 * the real virtual printer.
 */
import { encodeEscPos, layoutSlip, markReprint, pendingSlip, PrintJobStore, PrintQueue, slipFromPurchase, slipFromSlipData, testPageSlip, type PrintJob, type Slip, type SlipContext, type Transport } from '../../printer';
import type { PurchaseResponse } from '../../switch-core/protocol';
import type { PrintResult } from '../api/contract';

export interface ByteSink {
  readonly description: string;
  send(bytes: Uint8Array): Promise<void>;
  status(): Promise<{ state: 'ready' | 'paper-out' | 'problem' | 'offline' | 'none'; message: string }>;
}

export const NO_PRINTER: ByteSink = {
  description: 'no printer',
  send: async () => {
    throw new Error('No printer is configured. Choose a printer in Settings, then reprint.');
  },
  status: async () => ({ state: 'none', message: 'No printer configured' }),
};

/** A printer module transport as the till's sink: its status in the words the status bar shows. */
export function sinkFromTransport(t: Transport): ByteSink {
  return {
    description: t.description,
    send: (b) => t.send(b),
    async status() {
      const s = await t.queryStatus();
      if (s.ready) return { state: 'ready', message: 'Printer ready' };
      if (s.paperOut) return { state: 'paper-out', message: 'Printer out of paper — load paper' };
      if (!s.answered) return { state: 'offline', message: s.message };
      return { state: 'problem', message: s.message };
    },
  };
}

export interface SlipPrinter {
  /** A sale's slip; `key` makes it one job for good (asking again finds the stored job). */
  printSale(resp: PurchaseResponse, ctx: SlipContext, o?: { key?: string; reprint?: { at: Date; operator: string } }): Promise<PrintResult>;
  printPending(info: { purchaseId: string; meterId: string; amountCents: number; utilityName?: string; at: Date }, ctx: SlipContext, key?: string): Promise<PrintResult>;
  printTestPage(ctx: Partial<SlipContext>, at: Date): Promise<PrintResult>;
  printLines(lines: string[], ctx: SlipContext): Promise<PrintResult>;
  /** The job stored under `key`, sent again if it has not printed yet; null when there is none. */
  resend(key: string): Promise<PrintResult | null>;
  /** Sends every job still owed (the printer may be back); answers the keys of the jobs printed now. */
  drain(): Promise<string[]>;
  status(): ReturnType<ByteSink['status']>;
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
  const why = job.lastError ?? 'the printer has not taken it yet';
  return { printed: false, message: `The slip did not print (${why}). Fix the printer: the slip then prints by itself, or a manager reprints it.`, jobId: job.id };
}

/**
 * Every slip becomes a durable print job (stored before it is sent, kept until printed, in
 * order) in `jobsFile`; the sink is asked for on each attempt so a changed printer setting
 * takes effect at once.
 */
export function createSlipPrinter(sink: () => ByteSink, paper: () => 58 | 80, jobsFile: string): SlipPrinter {
  const store = new PrintJobStore(jobsFile);
  const queue = new PrintQueue({ store, transport: () => asTransport(sink()) });
  const encode = (slip: Slip) => encodeEscPos(layoutSlip(slip, { paper: paper() === 58 ? '58mm' : '80mm' }), { commandSet: 'epson' });
  const print = async (slip: Slip, label: string, key?: string) => resultOf(await queue.print(encode(slip), label, key));
  return {
    printSale(resp, ctx, o = {}) {
      let slip = resp.slipData?.messageLines?.length ? slipFromSlipData(resp.slipData, { ...ctx, reference: resp.id, at: new Date(resp.time) }) : slipFromPurchase(resp, ctx);
      if (o.reprint) slip = markReprint(slip, o.reprint.at, o.reprint.operator);
      return print(slip, `${o.reprint ? 'reprint' : 'sale'} ${resp.id}`, o.key);
    },
    printPending: (info, ctx, key) => print(pendingSlip(info, ctx), `pending ${info.purchaseId}`, key),
    printTestPage: (ctx, at) => print(testPageSlip(at, ctx), 'test page'),
    printLines(lines, ctx) {
      return print(slipFromSlipData({ messageLines: [...lines.map((text) => ({ text })), { text: '', cut: true }] }, { ...ctx, at: ctx.at ?? new Date() }), 'report');
    },
    async resend(key) {
      const job = queue.byKey(key);
      if (!job) return null;
      if (job.state === 'failed') return resultOf(await queue.retry(job.id));
      if (job.state !== 'printed') await queue.drain();
      return resultOf(queue.get(job.id) ?? job);
    },
    async drain() {
      const { printed } = await queue.drain();
      return printed.map((id) => queue.get(id)?.key).filter((k): k is string => k !== undefined);
    },
    status: () => sink().status(),
    close: () => store.close(),
  };
}
