/**
 * Leader election for the jobs one node runs for all (re-broadcast, health samples, alerts): a
 * session-level advisory lock on a connection of its own, held until that session ends, so a node
 * that dies (or loses its connection) gives it up to the next caller.
 */
import pg from 'pg';

/** Advisory-lock key of the leader's jobs (connection.ts holds the migrations' key). */
const LEADER_LOCK = 0x70707532;

export class Leadership {
  /** The connection holding the leader lock (or trying to): its session ending gives the lock up. */
  private leader: { client: pg.Client; held: boolean; alive: boolean } | null = null;
  private leading: Promise<boolean> = Promise.resolve(false);
  private closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  /** True while this node holds the lock. */
  tryLead(): Promise<boolean> {
    // One attempt at a time: two overlapping calls must not open two sessions.
    this.leading = this.leading.then(
      () => this.leadOnce(),
      () => this.leadOnce(),
    );
    return this.leading;
  }

  async close(): Promise<void> {
    this.closed = true;
    const leader = this.leader;
    this.leader = null;
    await leader?.client.end().catch(() => undefined);
  }

  private async leadOnce(): Promise<boolean> {
    if (this.closed) return false;
    try {
      if (this.leader && !this.leader.alive) this.drop();
      if (!this.leader) {
        const client = new pg.Client(this.config);
        const leader = { client, held: false, alive: true };
        const lost = () => {
          leader.alive = false;
          leader.held = false;
        };
        client.on('error', lost);
        client.on('end', lost);
        this.leader = leader;
        await client.connect();
        // Closed meanwhile: close() has ended this client; the lock must not be taken on it.
        if (this.closed) return false;
      }
      const leader = this.leader;
      if (leader.held) {
        // Still our session? A dead connection means the lock went with it.
        await leader.client.query('SELECT 1');
        return leader.held;
      }
      const { rows } = await leader.client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [LEADER_LOCK]);
      leader.held = rows[0]!.got;
      return leader.held;
    } catch {
      this.drop();
      return false;
    }
  }

  private drop(): void {
    const leader = this.leader;
    this.leader = null;
    if (leader) {
      leader.alive = false;
      leader.held = false;
      leader.client.end().catch(() => undefined);
    }
  }
}
