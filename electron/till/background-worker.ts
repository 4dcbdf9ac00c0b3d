/**
 * The till's background worker: on every tick it retries the open sales that are due, prints the
 * slips owed after a crash (a sale's, a pending sale's), sends the print jobs that could not print
 * before, and delivers the due advices, after first writing answers kept in memory while the disk was
 * full. Every error is caught and reported (background-errors); one tick at a time; tests and the CLI
 * call `tick()` too.
 */
import type { TillContext } from './backend-context';
import type { AdviceDelivery } from './advice-delivery';
import type { SaleRunner } from './sale-runner';
import { owedSlipKind, type SaleSlips } from './sale-slips';
import type { BackgroundErrors } from './background-errors';
import type { UnsavedAnswers } from './unsaved-answers';

export interface BackgroundWorker {
  tick(): Promise<void>;
  /** Stops the timer; resolves when a tick it started has finished (its backup, say), so the database can close under nothing. */
  stop(): Promise<void>;
}

export function startBackgroundWorker(ctx: TillContext, runner: SaleRunner, slips: SaleSlips, advices: AdviceDelivery, unsaved: UnsavedAnswers, errors: BackgroundErrors, intervalMs: number): BackgroundWorker {
  const { store, printer, clock } = ctx;

  async function tick(): Promise<void> {
    if (ctx.closed()) return;
    // Answers kept in memory (disk full) are written first, the moment space returns.
    await errors.guard('saving kept answers', async () => unsaved.flush());
    const jobs: Promise<void>[] = [];
    await errors.guard('retrying open sales', async () => {
      for (const row of store.dueSales(clock())) if (!runner.busy(row.id)) jobs.push(runner.attempt(row.id));
      // Slips owed after a crash between the answer (or leaving the sale pending) and the print.
      for (const row of store.slipsOwed(50)) {
        if (!slips.isPrinting(row.id)) jobs.push(errors.guard('printing a slip', () => slips.printFor(row, owedSlipKind(row))));
      }
    });
    // Slips that could not print before go out when the printer is back, in order.
    await errors.guard('sending queued print jobs', async () => {
      if (!ctx.closed()) slips.markPrinted(await printer.drain());
    });
    await errors.guard('delivering advices', () => advices.deliverDue(20));
    const backups = ctx.deps.backups;
    if (backups && !ctx.deps.damage) await errors.guard('scheduled backup', () => backups.backupIfDue(clock(), (at) => store.findSales({ from: at, limit: 1 }).length > 0));
    await Promise.all(jobs);
  }

  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  if (intervalMs > 0) {
    timer = setInterval(() => {
      if (ticking) return;
      ticking = tick().finally(() => {
        ticking = null;
      });
    }, intervalMs);
    timer.unref?.();
  }
  return {
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      await ticking;
    },
  };
}
