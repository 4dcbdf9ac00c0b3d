/**
 * What one print job may ask of the virtual printer: the caps on its size, its images, its paper
 * length and its lines, and the error that says a job was refused. Every decoder (ESC/POS, Star)
 * and the renderer read them here, so a hostile or broken job is refused with a reason instead of
 * taking the memory or the time of the process that prints it.
 */
import type { DecodedCommand } from './decode';

export const PRINT_LIMITS = {
  /** Bytes in one job (up to its cut). A sale slip is 2–6 KB, a full-width logo about 30 KB. */
  maxJobBytes: 1024 * 1024,
  /** Decoded commands in one job (a slip has a few hundred). */
  maxCommands: 50_000,
  /** A raster image's width and height in dots, before GS v 0 scaling, and its area. */
  maxRasterWidth: 2048,
  maxRasterHeight: 4096,
  maxRasterDots: 576 * 4096,
  /** Paper one job may use, in dots at 203 dpi (40,000 dots is about 5 m). */
  maxPageDots: 40_000,
  /** Lines in the job's text view. */
  maxLines: 2_000,
} as const;

/** A job the printer will not print; `reason` is shown in the job list. */
export class JobRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'JobRefused';
  }
}

/** How a refused job appears in the job list instead of its decoded commands. */
export interface JobRefusal {
  op: 'refused';
  reason: string;
}

const size = (n: number) => (n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`);

export function jobTooLarge(bytes: number, max: number = PRINT_LIMITS.maxJobBytes): string {
  return `job of ${bytes.toLocaleString('en')} bytes or more is larger than the ${size(max)} a job may have`;
}

/** Why a decoded job may not be printed, checked before anything is drawn; null when it may. */
export function commandsRefusal(commands: readonly DecodedCommand[]): string | null {
  if (commands.length > PRINT_LIMITS.maxCommands) return `more than ${PRINT_LIMITS.maxCommands.toLocaleString('en')} commands in one job`;
  for (const c of commands) {
    if (c.op !== 'raster') continue;
    const reason = rasterRefusal(c.width, c.height);
    if (reason) return reason;
  }
  return null;
}

function rasterRefusal(width: number, height: number): string | null {
  const L = PRINT_LIMITS;
  if (width > L.maxRasterWidth || height > L.maxRasterHeight || width * height > L.maxRasterDots) {
    return `image of ${width}×${height} dots is larger than ${L.maxRasterWidth}×${L.maxRasterHeight} dots or ${L.maxRasterDots.toLocaleString('en')} dots in all`;
  }
  return null;
}

export function pageTooLong(): JobRefused {
  return new JobRefused(`job longer than ${PRINT_LIMITS.maxPageDots.toLocaleString('en')} dots of paper (${Math.round(PRINT_LIMITS.maxPageDots / 8 / 10) / 100} m)`);
}

export function tooManyLines(): JobRefused {
  return new JobRefused(`job longer than ${PRINT_LIMITS.maxLines.toLocaleString('en')} lines`);
}
