/**
 * Questions for printers that talk back (TCP, serial, device file): status (DLE EOT / ASB) and
 * identity (GS I), each asked over a conversation of its own that the transport opens and closes.
 */
import { probeIdentity, type PrinterIdentity } from '../identify';
import { probeStatus, unanswered, type PrinterLink, type PrinterStatus } from '../status';

/** Opens the printer, lets `ask` talk over it, closes it. */
export type Converse = <T>(ask: (link: PrinterLink) => Promise<T>) => Promise<T>;

export function questionsOver(converse: Converse, timeoutMs: number): { queryStatus(): Promise<PrinterStatus>; identify(): Promise<PrinterIdentity | null> } {
  const wait = Math.min(timeoutMs, 1000);
  return {
    queryStatus: () => converse((link) => probeStatus(link, wait)).catch(unanswered),
    identify: () => converse((link) => probeIdentity(link, wait)).catch(() => null),
  };
}
