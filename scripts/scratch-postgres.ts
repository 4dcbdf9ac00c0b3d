/**
 * `npx tsx scripts/scratch-postgres.ts`: a throwaway PostgreSQL for a trial run of the switch on
 * PostgreSQL or a bench, without touching the machine's own server. Prints the URL to give the switch,
 * runs until Ctrl-C (or SIGTERM), then stops the server and deletes its files.
 */
import { startScratchPostgres } from '../test-support/postgres';

try {
  const cluster = await startScratchPostgres();
  process.stdout.write(
    `scratch PostgreSQL in ${cluster.dir}\n` +
      `PPU_SWITCH_STORE=${cluster.url}\n` +
      'Ctrl-C stops it and deletes its files.\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    cluster.stop().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`could not stop the scratch PostgreSQL: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Keep the process (and so the cluster's owner) alive until a signal says otherwise.
  setInterval(() => undefined, 1 << 30);
} catch (err) {
  process.stderr.write(`scratch PostgreSQL: ${(err as Error).message}\n`);
  process.exit(1);
}
