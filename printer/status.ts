/**
 * Asking a printer how it is: DLE EOT answers, Epson automatic status back (ASB) blocks, and the
 * probe that tries one then the other over any byte stream a transport offers. Status bytes are
 * turned into a PrinterStatus in the cashier's words.
 */

export interface PrinterStatus {
  /** False when the printer gave no status answer in time. */
  answered: boolean;
  ready: boolean;
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
  /** Paper near-end sensor: a warning before paper-out (absent when the printer does not say). */
  paperLow?: boolean;
  /** The drawer-open sensor (drawer connector pin 3 high); absent when the printer does not say. */
  drawerOpen?: boolean;
  message: string;
}

/** Printers and transports that speak back: write a question, hear the bytes that come back. */
export interface PrinterLink {
  write(b: Buffer): void;
  onData(cb: (d: Buffer) => void): void;
}

export function statusFromBytes(answers: (number | undefined)[]): PrinterStatus {
  const [s1, s2, s4] = answers;
  if (s1 === undefined) {
    return {
      answered: false, ready: false, paperOut: false, coverOpen: false, offline: false,
      message: 'The printer did not answer the status query (DLE EOT or ASB): it may be off, unplugged, busy, or not support status.',
    };
  }
  const offline = (s1 & 0x08) !== 0;
  const coverOpen = s2 !== undefined && (s2 & 0x04) !== 0;
  const paperOut = (s2 !== undefined && (s2 & 0x20) !== 0) || (s4 !== undefined && (s4 & 0x60) === 0x60);
  return describe({ offline, coverOpen, paperOut, paperLow: s4 === undefined ? undefined : (s4 & 0x0c) !== 0, drawerOpen: (s1 & 0x04) !== 0 });
}

/** The status of a printer that could not be asked (it could not be opened or reached): why, in its words. */
export function unanswered(e: unknown): PrinterStatus {
  return { ...statusFromBytes([]), message: e instanceof Error ? e.message : String(e) };
}

interface Sensors {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperLow?: boolean;
  drawerOpen?: boolean;
}

function describe({ offline, coverOpen, paperOut, paperLow, drawerOpen }: Sensors): PrinterStatus {
  const problems = [paperOut && 'out of paper', coverOpen && 'cover open', offline && !paperOut && !coverOpen && 'offline'].filter(Boolean);
  const ready = !offline && !paperOut && !coverOpen;
  const notes = [ready && paperLow && 'paper low: load a new roll soon', drawerOpen && 'drawer open'].filter(Boolean);
  const head = problems.length ? `Printer ${problems.join(', ')}` : 'Printer ready';
  return {
    answered: true,
    ready,
    paperOut,
    coverOpen,
    offline,
    ...(paperLow === undefined ? {} : { paperLow: paperLow && !paperOut }),
    ...(drawerOpen === undefined ? {} : { drawerOpen }),
    message: notes.length ? `${head} (${notes.join('; ')})` : head,
  };
}

/** The bytes a printer sends back, read with a bound on each wait. */
export function byteReader(onData: (cb: (d: Buffer) => void) => void) {
  const queue: number[] = [];
  let waiter: (() => void) | undefined;
  onData((d) => {
    queue.push(...d);
    waiter?.();
  });
  return {
    /** Drops bytes that came before a question, so they are not read as its answer. */
    clear: () => void queue.splice(0),
    /** The next byte that satisfies `accept` (others are skipped), or undefined after timeoutMs. */
    next: (timeoutMs: number, accept: (b: number) => boolean = () => true) =>
      new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          resolve(undefined);
        }, timeoutMs);
        const check = () => {
          while (queue.length > 0) {
            const b = queue.shift() as number;
            if (!accept(b)) continue;
            clearTimeout(timer);
            waiter = undefined;
            resolve(b);
            return;
          }
        };
        waiter = check;
        check();
      }),
  };
}

/** An Epson ASB block's first byte: bits 0, 1 and 7 clear, bit 4 set. */
const isAsbHeader = (b: number) => (b & 0x93) === 0x10;

/** Epson ASB (4 bytes): offline and cover open in byte 1, paper end sensors in byte 3. */
export function statusFromAsb(bytes: readonly number[]): PrinterStatus {
  const [b1 = 0, , b3 = 0] = bytes;
  const paperOut = (b3 & 0x0c) !== 0;
  return describe({ offline: (b1 & 0x08) !== 0, coverOpen: (b1 & 0x20) !== 0, paperOut, paperLow: (b3 & 0x03) !== 0, drawerOpen: (b1 & 0x04) !== 0 });
}

/**
 * Asks DLE EOT 1, 2, 4 (one byte each). A printer set to report only by automatic status back
 * stays silent there, so then ASB is switched on (GS a), its first block read and ASB switched off.
 */
export async function probeStatus({ write, onData }: PrinterLink, timeoutMs: number): Promise<PrinterStatus> {
  const reader = byteReader(onData);
  const answers: (number | undefined)[] = [];
  for (const n of [1, 2, 4]) {
    reader.clear();
    write(Buffer.from([0x10, 0x04, n]));
    const got = await reader.next(timeoutMs);
    answers.push(got);
    if (got === undefined) break;
  }
  if (answers[0] !== undefined) return statusFromBytes(answers);
  reader.clear();
  write(Buffer.from([0x1d, 0x61, 0x0f]));
  // A printer that answers ASB does so at once; a short wait keeps a status-less printer from stalling each slip.
  const asbWait = Math.min(timeoutMs, 500);
  const first = await reader.next(asbWait, isAsbHeader);
  const rest: (number | undefined)[] = [];
  for (let k = 0; first !== undefined && k < 3; k++) rest.push(await reader.next(asbWait));
  write(Buffer.from([0x1d, 0x61, 0x00]));
  if (first === undefined || rest.includes(undefined)) return statusFromBytes([]);
  return statusFromAsb([first, ...(rest as number[])]);
}

