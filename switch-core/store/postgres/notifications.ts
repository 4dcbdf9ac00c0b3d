/**
 * Cross-node notifications of the PostgreSQL store: after a write a node tells the others what
 * changed (NOTIFY on one channel, inside the write's transaction), and listens on a connection of
 * its own for theirs, so their caches drop their copies. While the LISTEN connection is down a
 * node may miss news: it reconnects with bounded backoff and, meanwhile, caches nothing.
 */
import pg from 'pg';
import { backoffMs, type Backoff } from '../../../common/backoff';

/** The NOTIFY channel every node listens on. */
const CHANNEL = 'ppu_switch';
/** NOTIFY payloads must stay under 8000 bytes: meter ids are sent in chunks below that. */
const NOTIFY_PAYLOAD_BYTES = 7_000;
const LISTEN_BACKOFF: Backoff = { baseMs: 250, maxMs: 10_000 };

/** What a node tells the others after a write: its own id (so it skips its own news) and what changed. */
export interface Notice {
  node: string;
  meters?: readonly string[];
  utilities?: true;
  providers?: true;
}

/** Meter ids as JSON payloads under NOTIFY's size limit. */
function noticePayloads(node: string, meters: readonly string[]): string[] {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const id of meters) {
    const size = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (chunk.length > 0 && bytes + size > NOTIFY_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ node, meters: chunk } satisfies Notice));
      chunk = [];
      bytes = 0;
    }
    chunk.push(id);
    bytes += size;
  }
  if (chunk.length > 0) payloads.push(JSON.stringify({ node, meters: chunk } satisfies Notice));
  return payloads;
}

/** SQL that sends each payload of the text[] parameter `param` as a notice (delivered when its transaction commits). */
export const notifyEach = (param: string) => `SELECT pg_notify('${CHANNEL}', p) FROM unnest(${param}::text[]) AS p`;

export class Notifications {
  /** The LISTEN connection; while it is down nothing is cached (another node's news could be missed). */
  private listener: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** Reconnects of the LISTEN client that failed in a row (the backoff's n). */
  private failures = 0;
  private closed = false;

  /**
   * `onNews`: another node's notice. `onGap`: news may have been missed (the listener was down):
   * every cached row is suspect.
   */
  constructor(
    private readonly config: pg.ClientConfig,
    readonly nodeId: string,
    private readonly onNews: (notice: Partial<Notice>) => void,
    private readonly onGap: () => void,
  ) {}

  /** True while this node hears every other node's news. */
  get listening(): boolean {
    return this.listener !== null;
  }

  /** Tells the other nodes, inside the transaction that made the change. */
  async notify(c: pg.PoolClient, notice: Omit<Notice, 'node'>): Promise<void> {
    const payloads = this.payloads(notice);
    if (payloads.length > 0) await c.query(notifyEach('$1'), [payloads]);
  }

  /** A notice as the payloads a statement of notifyEach sends: for a write that tells the others in its own statement. */
  payloads(notice: Omit<Notice, 'node'>): string[] {
    return notice.meters ? noticePayloads(this.nodeId, notice.meters) : [JSON.stringify({ node: this.nodeId, ...notice } satisfies Notice)];
  }

  /** Connects the LISTEN client; on any loss it reconnects with bounded backoff. */
  async start(): Promise<void> {
    const client = new pg.Client(this.config);
    const lost = () => this.lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.receive(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    // Whatever was written while nobody listened may be missing from the cache's view.
    this.onGap();
    this.listener = client;
    this.failures = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  private lost(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = null;
    this.onGap();
    client.end().catch(() => undefined);
    this.scheduleStart();
  }

  private scheduleStart(): void {
    if (this.closed || this.retry) return;
    const wait = backoffMs(++this.failures, LISTEN_BACKOFF);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start().catch(() => this.scheduleStart());
    }, wait);
    this.retry.unref();
  }

  private receive(payload: string): void {
    let notice: Partial<Notice>;
    try {
      notice = JSON.parse(payload) as Partial<Notice>;
    } catch {
      return; // not ours: someone else's NOTIFY on the channel
    }
    if (typeof notice !== 'object' || notice === null || notice.node === this.nodeId) return;
    this.onNews(notice);
  }
}
