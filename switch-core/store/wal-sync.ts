/**
 * Group commit for the SQLite store: a write that must survive a power cut is committed normally
 * (a WAL append) and then waits for an fsync of the WAL file made on libuv's thread pool, never on
 * the event loop. Writers arriving while an fsync runs share the next one, so a burst of purchases
 * costs one or two fsyncs, not one each — what synchronous=FULL did, one stalled event loop at a time.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class WalSync {
  private handle: Promise<FileHandle> | null = null;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.syncOnce().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // The fsync under way may have begun before the caller's commit reached the file: wait for the
    // next one, shared by everyone who arrives meanwhile.
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private next(): Promise<void> {
    this.queued = null;
    return this.sync();
  }

  private async syncOnce(): Promise<void> {
    // A sync through any descriptor flushes the file's pages; the WAL stays the same file while the
    // store's connection is open (SQLite removes it only when the last connection closes).
    this.handle ??= open(this.walPath, 'r');
    try {
      // fdatasync: the WAL's frames and its length, not its timestamps — SQLite's own choice on
      // Linux. With fsync every commit also waited for an ext4 journal commit of the inode (bench:
      // fsync p99 4.4 ms, fdatasync 2.4 ms under the same load).
      await (await this.handle).datasync();
    } catch (err) {
      this.handle = null;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    const h = this.handle;
    this.handle = null;
    if (h) await (await h.catch(() => null))?.close();
  }
}
