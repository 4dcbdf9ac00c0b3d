/**
 * The till's printing edge: turns a sale into a slip with the printer module (slip → layout → ESC/POS)
 * and hands the bytes to a transport. The transport is injected so the composition root chooses
 * TCP/serial/virtual/none and tests can use the real virtual printer.
 */
import { encodeEscPos, layoutSlip, markReprint, pendingSlip, slipFromPurchase, slipFromSlipData, testPageSlip, type Slip, type SlipContext } from '../../printer';
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

export interface SlipPrinter {
  printSale(resp: PurchaseResponse, ctx: SlipContext, reprint?: { at: Date; operator: string }): Promise<PrintResult>;
  printPending(info: { purchaseId: string; meterId: string; amountCents: number; utilityName?: string; at: Date }, ctx: SlipContext): Promise<PrintResult>;
  printTestPage(ctx: Partial<SlipContext>, at: Date): Promise<PrintResult>;
  printLines(lines: string[], ctx: SlipContext): Promise<PrintResult>;
  status(): ReturnType<ByteSink['status']>;
}

export function createSlipPrinter(sink: () => ByteSink, paper: () => 58 | 80): SlipPrinter {
  async function print(slip: Slip): Promise<PrintResult> {
    try {
      const bytes = encodeEscPos(layoutSlip(slip, { paper: paper() === 58 ? '58mm' : '80mm' }), { commandSet: 'epson' });
      await sink().send(bytes);
      return { printed: true, message: null, jobId: null };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { printed: false, message: `The slip did not print: ${why}. The token is safe; fix the printer and reprint.`, jobId: null };
    }
  }
  return {
    printSale(resp, ctx, reprint) {
      let slip = resp.slipData && resp.slipData.messageLines.length > 0 ? slipFromSlipData(resp.slipData, { ...ctx, reference: resp.id, at: new Date(resp.time) }) : slipFromPurchase(resp, ctx);
      if (reprint) slip = markReprint(slip, reprint.at, reprint.operator);
      return print(slip);
    },
    printPending: (info, ctx) => print(pendingSlip(info, ctx)),
    printTestPage: (ctx, at) => print(testPageSlip(at, ctx)),
    printLines(lines, ctx) {
      return print(slipFromSlipData({ messageLines: [...lines.map((text) => ({ text })), { text: '', cut: true }] }, { ...ctx, at: ctx.at ?? new Date() }));
    },
    status: () => sink().status(),
  };
}
