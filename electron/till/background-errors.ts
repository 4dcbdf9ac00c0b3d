/**
 * Errors of the till's background work (retry worker, slips, advices, print queue): each one is
 * caught, logged and kept so the status bar can show the latest; none is left uncaught.
 */
export interface BackgroundError {
  at: string;
  where: string;
  message: string;
}

export interface BackgroundErrors {
  /** Records an error from `where`; never throws. */
  report(where: string, err: unknown): void;
  /** Runs `work`, reporting (not rethrowing) its error. */
  guard(where: string, work: () => Promise<unknown>): Promise<void>;
  latest(): BackgroundError | null;
}

export function createBackgroundErrors(clock: () => number, log: (line: string) => void = (l) => console.error(l)): BackgroundErrors {
  let latest: BackgroundError | null = null;
  function report(where: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    latest = { at: new Date(clock()).toISOString(), where, message };
    try {
      log(`till background error (${where}): ${message}`);
    } catch {
      /* a broken log must not end the worker */
    }
  }
  return {
    report,
    guard: (where, work) => work().then(
      () => undefined,
      (err: unknown) => report(where, err),
    ),
    latest: () => latest,
  };
}
