/**
 * The status bar and the printer tools: switch reachability, printer state, pending and advice
 * counts, who is signed in; serial ports; the virtual printer's jobs, files and simulated faults.
 * A slip carries its tokens, so a cashier sees only the slips of her own sales — the till's jobs keyed
 * to her sales, matched by the bytes the printer received — and never a report; a manager sees every job.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Operator, StatusView } from '../api/contract';
import { ApiFail, type Handlers, type TillContext, type VirtualJobsSource } from './backend-context';
import { slipOfKey } from './sale-slips';
import type { BackgroundErrors } from './background-errors';
import { printerKindOf } from './settings';
import { shiftOf } from './shift-report';
import type { SwitchLink } from './switch-link';
import { switchLabel } from './switch-list';

type VirtualJob = ReturnType<VirtualJobsSource['jobs']>[number];
type StatusMethod = 'status' | 'listSerialPorts' | 'virtualPrinterJobs' | 'setVirtualPrinterStatus' | 'virtualPrinterFile';

export function statusHandlers(ctx: TillContext, link: SwitchLink, storage: () => StatusView['storage'], errors: BackgroundErrors): Handlers<StatusMethod> {
  const { store, printer, deps } = ctx;
  /** A manager sees every job; a cashier only the slips of her own sales, never a report (docs/till.md). */
  const maySee = (op: Operator, job: VirtualJob): boolean => {
    if (op.role === 'manager') return true;
    if (job.refused !== null || !existsSync(job.files.bin)) return false;
    const slip = slipOfKey(printer.keyOfReceived(readFileSync(job.files.bin)));
    return slip !== null && store.getSale(slip.saleId)?.operatorId === op.id;
  };
  return {
    async status(_args, operator) {
      const last = await link.contact(); // first: a probe finding the switch gone fails over
      const t = link.target();
      const p = await printer.status().catch(() => ({ state: 'problem' as const, message: 'Printer status unknown' }));
      return {
        mode: deps.mode,
        till: { storeName: ctx.settings().merchantName, terminalId: ctx.settings().terminalId, terminalName: ctx.settings().terminalName },
        switch: {
          reachable: last?.reachable ?? false,
          url: t.root,
          embedded: t.embedded,
          checkedAt: last ? new Date(last.at).toISOString() : null,
          message: last ? last.message : 'Not contacted yet',
          inUse: t.root ? switchLabel(t.root) : '',
          position: t.root ? t.index + 1 : 0,
          count: t.roots.length,
          failedOverFrom: t.failedOverFrom,
        },
        printer: { ...p, kind: printerKindOf(ctx.settings().printer.address) },
        pendingCount: ctx.deps.damage ? null : store.countOpenSales(),
        adviceCount: ctx.deps.damage ? null : store.countQueuedAdvices(),
        storage: storage(),
        lastBackgroundError: errors.latest(),
        operator,
        shift: operator ? shiftOf(store.currentShift(operator.id)) : null,
      };
    },
    async listSerialPorts() {
      const ports = (await deps.listSerialPorts?.()) ?? [];
      return ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer ?? null }));
    },
    virtualPrinterJobs({ limit }, op) {
      const vp = deps.virtualPrinter;
      if (!vp) return { enabled: false, status: null, jobs: [] };
      const jobs = vp.jobs().filter((j) => maySee(op, j)).slice(-(limit ?? 50)).reverse();
      return {
        enabled: true,
        status: vp.status?.() ?? null,
        jobs: jobs.map((j) => ({
          id: String(j.n),
          at: j.receivedAt,
          bytes: j.bytes,
          text: j.text,
          refused: j.refused,
          commands: (j.commands as unknown[]).map((c) => (typeof c === 'string' ? c : JSON.stringify(c))),
          pngUrl: deps.fileUrls ? `/print-jobs/${j.n}.png` : null,
          binUrl: deps.fileUrls ? `/print-jobs/${j.n}.bin` : null,
        })),
      };
    },
    setVirtualPrinterStatus(s) {
      const set = deps.virtualPrinter?.setStatus;
      if (!set) throw new ApiFail('NOT_FOUND', 'The virtual printer is not in use (a real printer is configured).');
      return set(s);
    },
    virtualPrinterFile({ id, kind }, op) {
      const job = deps.virtualPrinter?.jobs().find((j) => String(j.n) === id);
      if (!job || !maySee(op, job)) throw new ApiFail('NOT_FOUND', 'No such print job.');
      const file = kind === 'png' ? job.files.png : job.files.bin;
      if (!existsSync(file)) {
        throw new ApiFail('NOT_FOUND', job.refused === null ? 'This print job\'s file is no longer on disk.' : `Job ${id} was refused (${job.refused}): the printer kept no ${kind === 'png' ? 'slip image' : 'bytes'} of it.`);
      }
      return { mime: kind === 'png' ? 'image/png' : 'application/octet-stream', base64: readFileSync(file).toString('base64') };
    },
  };
}
