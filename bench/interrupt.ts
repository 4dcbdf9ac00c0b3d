/**
 * What a bench started that outlives its process — a scratch PostgreSQL cluster (pg_ctl detaches it),
 * switch node processes — is stopped when the run is interrupted (Ctrl-C, SIGTERM), not only when a
 * bench ends normally: an interrupted run used to leave its cluster and nodes running.
 */
const cleanups = new Set<() => Promise<void>>();

/** Registers a cleanup for an interrupted run; call the returned function once it is done normally. */
export function stopOnInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** For the runner: on SIGINT or SIGTERM, every registered cleanup runs, then the process exits 130. */
export function handleInterrupts(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what the benches started (${cleanups.size})…`);
      void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
    });
  }
}
