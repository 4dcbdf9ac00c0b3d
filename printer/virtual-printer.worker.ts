/**
 * The virtual printer's own thread (started by virtual-thread.ts): runs the printer and reports
 * its port, its jobs and anything it logs to the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startVirtualPrinter } from './virtual';
import type { FromPrinterThread, PrinterThreadInit, ToPrinterThread } from './virtual-thread';

const port = parentPort;
if (!port) throw new Error('virtual-printer.worker.ts runs only as a worker thread');
const init = workerData as PrinterThreadInit;
const post = (m: FromPrinterThread) => port.postMessage(m);

const vp = await startVirtualPrinter({ ...init.options, log: (line) => post({ type: 'log', line }) });
vp.setStatus(init.status);
vp.onJob((job) => post({ type: 'job', job }));
vp.onDrawer((kick) => post({ type: 'drawer', kick }));
port.on('message', (m: ToPrinterThread) => {
  if (m.type === 'setStatus') vp.setStatus(m.status);
  else if (m.type === 'setPaper') vp.setPaper(m.paper);
  else void vp.close().then(() => port.close());
});
post({ type: 'ready', port: vp.port });
