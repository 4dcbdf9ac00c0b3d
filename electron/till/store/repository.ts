/**
 * The till's store: ALL of its SQL. SQLite (better-sqlite3) in WAL mode with synchronous=FULL, so a
 * row written before a purchase is sent survives a crash or power cut the moment the call returns.
 * A few writes commit without a flush of their own (commitWithoutFlush), each saying why: a power cut
 * may lose them, and losing them costs no money and nothing the till cannot rebuild.
 * Callers see functions over plain rows, never statements.
 *
 * Over 400 lines on purpose: "all of the till's SQL in one file" is the rule that lets a reader check
 * every statement against the migrations in one place; its row types sit beside the queries that
 * fill them.
 */
import type { Statement } from 'better-sqlite3';
import { commitWithoutFlush, openDatabase } from '../../../common/sqlite';
import { migrate } from './migrations';
import type { PinState } from '../pin-attempts';
import { OPEN_SALE_STATES, type StoreReprintEntry } from '../../api/contract';

const STORE_REPRINT_SELECT = 'SELECT reprint_id AS reprintId, purchase_id AS purchaseId, sold_at AS soldAt, reprinted_at AS reprintedAt, operator_id AS operatorId, at FROM store_reprints';
/** The open states as an SQL list (constants from the contract, never user input). */
const OPEN_IN = OPEN_SALE_STATES.map((s) => `'${s}'`).join(',');

export interface SaleRow {
  id: string;
  version: number;
  state: string;
  late: boolean;
  meterId: string;
  amountCents: number;
  currency: string;
  tenderType: string;
  maskedCard: string | null;
  /** The card terminal's approval code, when the cashier typed it. */
  cardApproval: string | null;
  /** Cash: what the customer handed over (null when not typed, and for cards). */
  cashReceivedCents: number | null;
  operatorId: string;
  shiftId: string | null;
  lookupRef: string | null;
  requestJson: string;
  responseJson: string | null;
  customerName: string | null;
  utilityName: string | null;
  provider: string | null;
  failureMessage: string | null;
  failureType: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  slipPrinted: boolean;
  slipKind: string | null;
  printError: string | null;
  tokenText: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
  /** The manager who approved selling over an open sale to the same meter, and that sale's id. */
  approvedBy: string | null;
  approvedOver: string | null;
  /** When the sale was taken back from the switch's record after the till had lost it; null for the till's own. */
  recoveredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AdviceRow {
  id: string;
  seq: number;
  kind: 'confirmation' | 'reversal';
  saleId: string;
  bodyJson: string;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface OperatorRow {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  pinHash: string;
  /** The PIN is a default or was set by a manager: the operator must choose their own at sign-in. */
  mustChangePin: boolean;
  pinState: PinState;
}
/** A drawer session: one operator's float, sales, drops and blind count, from opening to close. */
export interface ShiftRow {
  id: string;
  operatorId: string;
  openedAt: string;
  closedAt: string | null;
  floatCents: number;
  /** What was counted at the close, per tender (null while open). */
  counted: Partial<Record<'CASH' | 'DEBIT_CARD' | 'CREDIT_CARD', number>> | null;
  closedBy: string | null;
  /** The Z-read (day close) that took this session in; null until the day is closed. */
  dayCloseId: string | null;
  /** Ids of its sales still open when it was counted (null while open, and for sessions closed before this was kept). */
  heldAtClose: string[] | null;
}
export interface CashDropRow {
  id: string;
  shiftId: string;
  at: string;
  amountCents: number;
  operatorId: string;
}
/** A refund paid out for a cancelled pending cash sale whose own session was closed (or that had none). */
export interface RefundPayoutRow {
  id: string;
  saleId: string;
  /** The session whose drawer paid it; null: paid from the safe (no session was open at the till). */
  shiftId: string | null;
  /** The session that took the sale's cash; null for a sale that had none (recovered). */
  soldShiftId: string | null;
  amountCents: number;
  at: string;
  /** Who cancelled the sale (and so paid the refund). */
  operatorId: string;
}
export interface DayCloseRow {
  id: string;
  zNumber: number;
  fromAt: string;
  closedAt: string;
  closedBy: string;
}
export interface ReprintRow {
  saleId: string;
  operatorId: string;
  at: string;
  source: 'local' | 'switch';
  printed: boolean;
}
export type DrawerOpenKind = 'sale' | 'refund' | 'no-sale';
export interface DrawerOpenRow {
  id: string;
  at: string;
  operatorId: string | null;
  /** The cash sale that opened it; null for a manager's "no sale". */
  saleId: string | null;
  /** Why: a cash sale's own opening, the refund of a cancelled pending sale, or a manager's "no sale". */
  kind: DrawerOpenKind;
  reason: string | null;
  opened: boolean;
  error: string | null;
}
export interface TraceRow {
  saleId: string | null;
  at: string;
  operation: string;
  url: string;
  status: number | null;
  outcome: string;
  ms: number;
  requestJson: string | null;
  responseJson: string | null;
}

export interface SaleQuery {
  from?: string;
  to?: string;
  state?: string;
  meterId?: string;
  operatorId?: string;
  tender?: string;
  q?: string;
  limit?: number;
}

const SALE_COLS: Record<keyof SaleRow, string> = {
  id: 'id', version: 'version', state: 'state', late: 'late', meterId: 'meter_id', amountCents: 'amount_cents', currency: 'currency',
  tenderType: 'tender_type', maskedCard: 'masked_card', cardApproval: 'card_approval', cashReceivedCents: 'cash_received_cents', operatorId: 'operator_id', shiftId: 'shift_id', lookupRef: 'lookup_ref',
  requestJson: 'request_json', responseJson: 'response_json', customerName: 'customer_name', utilityName: 'utility_name', provider: 'provider',
  failureMessage: 'failure_message', failureType: 'failure_type', attempts: 'attempts', lastError: 'last_error', nextAttemptAt: 'next_attempt_at',
  slipPrinted: 'slip_printed', slipKind: 'slip_kind', printError: 'print_error', tokenText: 'token_text', cancelledBy: 'cancelled_by', cancelledAt: 'cancelled_at', approvedBy: 'approved_by', approvedOver: 'approved_over', recoveredAt: 'recovered_at', createdAt: 'created_at', updatedAt: 'updated_at',
};
const BOOL_COLS = new Set<keyof SaleRow>(['late', 'slipPrinted']);
const SALE_SELECT = `SELECT ${Object.entries(SALE_COLS).map(([k, c]) => `${c} AS ${k}`).join(', ')} FROM sales`;
const ADVICE_SELECT = `SELECT id, seq, kind, sale_id AS saleId, body_json AS bodyJson, status, attempts, last_error AS lastError,
  next_attempt_at AS nextAttemptAt, created_at AS createdAt, delivered_at AS deliveredAt FROM advices`;

type Raw = Record<string, unknown>;
function toSale(r: Raw | undefined): SaleRow | null {
  if (!r) return null;
  return { ...(r as unknown as SaleRow), late: Boolean(r.late), slipPrinted: Boolean(r.slipPrinted) };
}
function toDb(patch: Partial<SaleRow>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const key = k as keyof SaleRow;
    if (!(key in SALE_COLS)) continue;
    out[key] = BOOL_COLS.has(key) ? (v ? 1 : 0) : v;
  }
  return out;
}


export type TillStore = ReturnType<typeof openTillStore>;

/** Guessed operator ids whose wrong-PIN state is kept (each row about 100 bytes). */
export const UNKNOWN_PIN_IDS_KEPT = 10_000;

const SHIFT_SELECT = `SELECT id, operator_id AS operatorId, opened_at AS openedAt, closed_at AS closedAt, float_cents AS floatCents, counted_json AS counted,
  closed_by AS closedBy, day_close_id AS dayCloseId, held_json AS heldAtClose FROM shifts`;
const PAYOUT_SELECT = `SELECT id, sale_id AS saleId, shift_id AS shiftId, sold_shift_id AS soldShiftId, amount_cents AS amountCents, at, operator_id AS operatorId FROM refund_payouts`;
function toShift(r: Raw | undefined): ShiftRow | null {
  const json = <T>(v: unknown): T | null => (v ? (JSON.parse(v as string) as T) : null);
  return r ? { ...(r as unknown as ShiftRow), counted: json<ShiftRow['counted']>(r.counted), heldAtClose: json<string[]>(r.heldAtClose) } : null;
}

const OPERATOR_SELECT = `SELECT id, name, role, pin_hash AS pinHash, must_change_pin AS must, failed_pins AS failedPins, lockouts, locked_until AS lockedUntil FROM operators`;
interface OperatorRaw {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  pinHash: string;
  must: number;
  failedPins: number;
  lockouts: number;
  lockedUntil: string | null;
}
function operatorRow(r: OperatorRaw): OperatorRow {
  return { id: r.id, name: r.name, role: r.role, pinHash: r.pinHash, mustChangePin: r.must === 1, pinState: { failedPins: r.failedPins, lockouts: r.lockouts, lockedUntil: r.lockedUntil } };
}

export function openTillStore(path: string) {
  // FULL: a sale stored before it is sent must survive a power cut, not only a crash.
  const db = openDatabase(path, { synchronous: 'FULL', foreignKeys: true });
  migrate(db);
  /** Each statement is compiled once and kept: a sale runs a dozen of them, and compiling costs more than running. */
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let st = statements.get(sql);
    if (!st) statements.set(sql, (st = db.prepare(sql)));
    return st;
  };

  const insertSaleStmt = prepare(
    `INSERT INTO sales (${Object.values(SALE_COLS).join(', ')}) VALUES (${Object.keys(SALE_COLS).map((k) => '@' + k).join(', ')})`,
  );
  const getSaleStmt = prepare(`${SALE_SELECT} WHERE id = ?`);
  // By the partial index made for it (migrations 16, 17): without table statistics SQLite would walk every succeeded sale.
  const slipsOwedStmt = prepare(
    `${SALE_SELECT} INDEXED BY sales_slips_owed WHERE (slip_kind IS NULL AND slip_printed = 0 AND print_error IS NULL AND (state = 'succeeded' OR (state = 'pending' AND recovered_at IS NULL))) OR (state = 'succeeded' AND slip_kind = 'pending') ORDER BY created_at LIMIT ?`,
  );
  const insertAdviceStmt = prepare(
    `INSERT INTO advices (id, seq, kind, sale_id, body_json, status, attempts, created_at)
     VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM advices), @kind, @saleId, @bodyJson, 'queued', 0, @createdAt)`,
  );

  /**
   * Records no money depends on — switch traces, whether a drawer kick worked — are written in the
   * next commit the till makes anyway (the answer after a purchase's trace, the slip's print after the
   * drawer's kick, an advice's status after its trace), else at the end of the tick in a commit of
   * their own without a flush (diagnostics a power cut may take): a sale pays no flush for them.
   */
  const deferred: (() => void)[] = [];
  let deferredFlush: NodeJS.Immediate | null = null;
  /** Inside a transaction: the deferred writes. One that fails is dropped: it never fails what it rides with. */
  function writeDeferred(): void {
    for (const write of deferred.splice(0)) {
      try {
        write();
      } catch {
        /* diagnostics only */
      }
    }
  }
  function flushDeferred(): void {
    if (deferredFlush) clearImmediate(deferredFlush);
    deferredFlush = null;
    if (deferred.length > 0 && db.open) commitWithoutFlush(db, writeDeferred);
  }
  function later(write: () => void): void {
    deferred.push(write);
    deferredFlush ??= setImmediate(() => {
      try {
        flushDeferred();
      } catch {
        deferredFlush = null; // a full disk: they wait for the next commit
      }
    });
  }

  function updateSaleRaw(id: string, patch: Partial<SaleRow>): SaleRow | null {
    const p = toDb({ ...patch });
    delete p.id;
    delete p.version;
    const sets = Object.keys(p).map((k) => `${SALE_COLS[k as keyof SaleRow]} = @${k}`);
    sets.push('version = version + 1');
    prepare(`UPDATE sales SET ${sets.join(', ')} WHERE id = @id`).run({ ...p, id });
    return toSale(getSaleStmt.get(id) as Raw | undefined);
  }

  const store = {
    db,
    close: () => {
      try {
        flushDeferred();
      } finally {
        db.close();
      }
    },

    // ── sales ──
    insertSale(row: SaleRow): void {
      insertSaleStmt.run(toDb(row));
    },
    getSale(id: string): SaleRow | null {
      return toSale(getSaleStmt.get(id) as Raw | undefined);
    },
    /**
     * Updates a sale and (optionally) queues an advice in ONE transaction: a confirmation is never
     * lost between the two. `within` writes what goes with the change (the drawer opening a cash
     * sale owes) in that same commit: one synchronous=FULL flush per answer, not two.
     */
    transitionSale(
      id: string,
      patch: Partial<SaleRow>,
      advice?: { id: string; kind: 'confirmation' | 'reversal'; bodyJson: string; createdAt: string },
      within?: (row: SaleRow) => void,
    ): SaleRow | null {
      return db.transaction(() => {
        const row = updateSaleRaw(id, patch);
        if (advice) insertAdviceStmt.run({ ...advice, saleId: id });
        if (row && within) within(row);
        writeDeferred();
        return row;
      })();
    },
    /**
     * How a sale's slip went (printed, which slip, the print error): no flush of its own. The print
     * job store's record that the keyed job printed is the durable one: after a power cut that lost
     * this, the worker finds the slip owed again (slipsOwed), the keyed job answers that it printed,
     * and nothing prints twice; a failed job is tried again.
     */
    noteSlip(id: string, patch: Pick<SaleRow, 'slipPrinted' | 'slipKind' | 'printError' | 'updatedAt'>): SaleRow | null {
      return commitWithoutFlush(db, () => {
        const row = updateSaleRaw(id, patch);
        writeDeferred();
        return row;
      });
    },
    /** Sales still waiting for a final answer whose next attempt is due (or all open ones with due = Infinity). */
    dueSales(now: number): SaleRow[] {
      return (prepare(`${SALE_SELECT} WHERE state IN (${OPEN_IN}) AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY created_at`).all(now) as Raw[]).map(
        (r) => toSale(r)!,
      );
    },
    /**
     * Sales whose slip was never tried or whose first print a power cut took with it — a succeeded
     * sale's slip (also one whose note still names the pending slip it printed before it succeeded), a
     * pending sale's pending slip (not a recovered one's: the till lost it with its customer long
     * gone) —, oldest first. The worker asks on every tick: the filter runs in SQL, so a tick reads the
     * few owed, not a page of sales.
     */
    slipsOwed(limit: number): SaleRow[] {
      return (slipsOwedStmt.all(limit) as Raw[]).map((r) => toSale(r)!);
    },
    saleByLookupRef(lookupRef: string): SaleRow | null {
      return toSale(prepare(`${SALE_SELECT} WHERE lookup_ref = ? LIMIT 1`).get(lookupRef) as Raw | undefined);
    },
    /** The oldest sale to this meter still waiting for its answer (purchasing, retrying or pending). */
    openSaleForMeter(meterId: string): SaleRow | null {
      return toSale(prepare(`${SALE_SELECT} WHERE meter_id = ? AND state IN (${OPEN_IN}) ORDER BY created_at LIMIT 1`).get(meterId) as Raw | undefined);
    },
    openSales(): SaleRow[] {
      return (prepare(`${SALE_SELECT} WHERE state IN (${OPEN_IN}) ORDER BY created_at`).all() as Raw[]).map((r) => toSale(r)!);
    },
    lastSale(operatorId?: string): SaleRow | null {
      const r = operatorId
        ? prepare(`${SALE_SELECT} WHERE operator_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(operatorId)
        : prepare(`${SALE_SELECT} ORDER BY created_at DESC, rowid DESC LIMIT 1`).get();
      return toSale(r as Raw | undefined);
    },
    findSales(q: SaleQuery): SaleRow[] {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (q.from) (where.push('created_at >= @from'), (params.from = q.from));
      if (q.to) (where.push('created_at < @to'), (params.to = q.to));
      if (q.state) (where.push('state = @state'), (params.state = q.state));
      if (q.meterId) (where.push('meter_id LIKE @meter'), (params.meter = q.meterId + '%'));
      if (q.operatorId) (where.push('operator_id = @op'), (params.op = q.operatorId));
      if (q.tender) (where.push('tender_type = @tender'), (params.tender = q.tender));
      if (q.q) {
        where.push(`(id LIKE @q OR meter_id LIKE @q OR token_text LIKE @q OR response_json LIKE @q)`);
        params.q = `%${q.q.replace(/\s+/g, '')}%`;
      }
      const sql = `${SALE_SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC LIMIT @limit`;
      return (prepare(sql).all({ ...params, limit: Math.min(q.limit ?? 200, 5000) }) as Raw[]).map((r) => toSale(r)!);
    },
    countOpenSales(): number {
      return Number((prepare(`SELECT COUNT(*) AS n FROM sales WHERE state IN (${OPEN_IN})`).get() as { n: number }).n);
    },

    // ── advices (must-deliver outbox) ──
    /** The head of the queue: the oldest advice without a final status. */
    headAdvice(): AdviceRow | null {
      return (prepare(`${ADVICE_SELECT} WHERE status = 'queued' ORDER BY seq LIMIT 1`).get() as AdviceRow | undefined) ?? null;
    },
    /**
     * An advice's delivery status: no flush of its own. A status a power cut takes leaves the advice
     * queued, and it is delivered again: an advice is idempotent by its id (a switch answers the
     * repeat of one it has as it did the first), so a repeat costs one request, never money.
     */
    updateAdvice(id: string, patch: Pick<AdviceRow, 'status' | 'attempts' | 'lastError' | 'nextAttemptAt'> & { deliveredAt?: string | null }): void {
      commitWithoutFlush(db, () => {
        prepare(
          `UPDATE advices SET status=@status, attempts=@attempts, last_error=@lastError, next_attempt_at=@nextAttemptAt, delivered_at=@deliveredAt WHERE id=@id`,
        ).run({ ...patch, deliveredAt: patch.deliveredAt ?? null, id });
        writeDeferred();
      });
    },
    getAdvice(id: string): AdviceRow | null {
      return (prepare(`${ADVICE_SELECT} WHERE id = ?`).get(id) as AdviceRow | undefined) ?? null;
    },
    listAdvices(includeFinal: boolean): AdviceRow[] {
      return prepare(`${ADVICE_SELECT} ${includeFinal ? '' : "WHERE status = 'queued'"} ORDER BY seq`).all() as AdviceRow[];
    },
    advicesForSale(saleId: string): AdviceRow[] {
      return prepare(`${ADVICE_SELECT} WHERE sale_id = ? ORDER BY seq`).all(saleId) as AdviceRow[];
    },
    countQueuedAdvices(): number {
      return Number((prepare(`SELECT COUNT(*) AS n FROM advices WHERE status = 'queued'`).get() as { n: number }).n);
    },

    // ── operators and shifts ──
    /** Adds or updates an operator; a new PIN hash clears their lockout. */
    upsertOperator(op: Pick<OperatorRow, 'id' | 'name' | 'role' | 'pinHash' | 'mustChangePin'>): void {
      prepare(`INSERT INTO operators (id, name, role, pin_hash, must_change_pin) VALUES (@id, @name, @role, @pinHash, @must)
        ON CONFLICT(id) DO UPDATE SET name=excluded.name, role=excluded.role, must_change_pin=excluded.must_change_pin,
          failed_pins = CASE WHEN pin_hash = excluded.pin_hash THEN failed_pins ELSE 0 END,
          lockouts = CASE WHEN pin_hash = excluded.pin_hash THEN lockouts ELSE 0 END,
          locked_until = CASE WHEN pin_hash = excluded.pin_hash THEN locked_until ELSE NULL END,
          pin_hash=excluded.pin_hash`).run({ ...op, must: op.mustChangePin ? 1 : 0 });
    },
    getOperator(id: string): OperatorRow | null {
      const r = prepare(`${OPERATOR_SELECT} WHERE id = ?`).get(id) as OperatorRaw | undefined;
      return r ? operatorRow(r) : null;
    },
    listOperators(): OperatorRow[] {
      return (prepare(`${OPERATOR_SELECT} ORDER BY id`).all() as OperatorRaw[]).map(operatorRow);
    },
    setPinState(id: string, st: PinState): void {
      prepare(`UPDATE operators SET failed_pins = ?, lockouts = ?, locked_until = ? WHERE id = ?`).run(st.failedPins, st.lockouts, st.lockedUntil, id);
    },
    /** The lockout state of an operator id that does not exist (a guess), or null when it has none. */
    unknownPinState(id: string): PinState | null {
      const r = prepare(`SELECT failed_pins AS failedPins, lockouts, locked_until AS lockedUntil FROM unknown_pin_ids WHERE id = ?`).get(id) as PinState | undefined;
      return r ?? null;
    },
    /**
     * Stores a guessed id's lockout state, keeping at most UNKNOWN_PIN_IDS_KEPT ids: past that the
     * longest-untouched id that is not locked now goes first, so a flood of new guesses cannot clear a
     * running lockout before the whole table is locked ids.
     */
    setUnknownPinState(id: string, st: PinState, at: string): void {
      db.transaction(() => {
        prepare(`INSERT INTO unknown_pin_ids (id, failed_pins, lockouts, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT(id) DO UPDATE SET failed_pins = excluded.failed_pins, lockouts = excluded.lockouts, locked_until = excluded.locked_until, updated_at = excluded.updated_at`).run(id, st.failedPins, st.lockouts, st.lockedUntil, at);
        const over = (prepare(`SELECT COUNT(*) AS n FROM unknown_pin_ids`).get() as { n: number }).n - UNKNOWN_PIN_IDS_KEPT;
        if (over > 0) {
          prepare(`DELETE FROM unknown_pin_ids WHERE id IN (SELECT id FROM unknown_pin_ids WHERE id <> ? ORDER BY (locked_until IS NOT NULL AND locked_until > ?), updated_at LIMIT ?)`).run(id, at, over);
        }
      })();
    },
    openShift(s: Pick<ShiftRow, 'id' | 'operatorId' | 'openedAt' | 'floatCents'>): void {
      prepare(`INSERT INTO shifts (id, operator_id, opened_at, closed_at, float_cents) VALUES (@id, @operatorId, @openedAt, NULL, @floatCents)`).run(s);
    },
    /** Saves the counted figures and closes the session in one write; false when it was closed already. */
    /** Closes a session with its count and the sales it held then (`held`: ids of its sales still open). */
    closeShift(id: string, at: string, closedBy: string, counted: NonNullable<ShiftRow['counted']>, held: readonly string[]): boolean {
      return prepare(`UPDATE shifts SET closed_at = ?, closed_by = ?, counted_json = ?, held_json = ? WHERE id = ? AND closed_at IS NULL`).run(at, closedBy, JSON.stringify(counted), JSON.stringify(held), id).changes === 1;
    },
    currentShift(operatorId: string): ShiftRow | null {
      return toShift(prepare(`${SHIFT_SELECT} WHERE operator_id = ? AND closed_at IS NULL ORDER BY opened_at DESC LIMIT 1`).get(operatorId) as Raw | undefined);
    },
    /** The sessions open at this till now, the latest opened first. */
    openShifts(): ShiftRow[] {
      return (prepare(`${SHIFT_SELECT} WHERE closed_at IS NULL ORDER BY opened_at DESC, rowid DESC`).all() as Raw[]).map((r) => toShift(r)!);
    },
    getShift(id: string): ShiftRow | null {
      return toShift(prepare(`${SHIFT_SELECT} WHERE id = ?`).get(id) as Raw | undefined);
    },
    /** Sessions no Z-read has taken in yet (the till's day so far), open or closed, oldest first. */
    shiftsOfOpenDay(): ShiftRow[] {
      return (prepare(`${SHIFT_SELECT} WHERE day_close_id IS NULL ORDER BY opened_at, rowid`).all() as Raw[]).map((r) => toShift(r)!);
    },
    shiftsOpenedBetween(from: string, to: string): ShiftRow[] {
      return (prepare(`${SHIFT_SELECT} WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at, rowid`).all(from, to) as Raw[]).map((r) => toShift(r)!);
    },
    salesOfShift(shiftId: string): SaleRow[] {
      return (prepare(`${SALE_SELECT} WHERE shift_id = ? ORDER BY created_at, rowid`).all(shiftId) as Raw[]).map((r) => toSale(r)!);
    },
    addCashDrop(d: CashDropRow): void {
      prepare(`INSERT INTO cash_drops (id, shift_id, at, amount_cents, operator_id) VALUES (@id, @shiftId, @at, @amountCents, @operatorId)`).run(d);
    },
    cashDrops(shiftId: string): CashDropRow[] {
      return prepare(`SELECT id, shift_id AS shiftId, at, amount_cents AS amountCents, operator_id AS operatorId FROM cash_drops WHERE shift_id = ? ORDER BY at, rowid`).all(shiftId) as CashDropRow[];
    },
    /** Records a Z-read and takes the given (closed) sessions into it, with the refunds paid from the safe meanwhile, in one transaction; its number. */
    closeDay(d: Omit<DayCloseRow, 'zNumber'>, shiftIds: readonly string[]): number {
      return db.transaction(() => {
        const z = (prepare(`SELECT COALESCE(MAX(z_number), 0) + 1 AS z FROM day_closes`).get() as { z: number }).z;
        prepare(`INSERT INTO day_closes (id, z_number, from_at, closed_at, closed_by) VALUES (@id, @z, @fromAt, @closedAt, @closedBy)`).run({ ...d, z });
        const take = prepare(`UPDATE shifts SET day_close_id = ? WHERE id = ? AND closed_at IS NOT NULL`);
        for (const id of shiftIds) take.run(d.id, id);
        prepare(`UPDATE refund_payouts SET day_close_id = ? WHERE shift_id IS NULL AND day_close_id IS NULL AND at <= ?`).run(d.id, d.closedAt);
        return z;
      })();
    },
    /** Written inside the cancel's own transaction; false when this sale's refund is already recorded. */
    addRefundPayout(r: RefundPayoutRow): boolean {
      return prepare(`INSERT OR IGNORE INTO refund_payouts (id, sale_id, shift_id, sold_shift_id, amount_cents, at, operator_id) VALUES (@id, @saleId, @shiftId, @soldShiftId, @amountCents, @at, @operatorId)`).run(r).changes === 1;
    },
    /** The payout recorded for a sale's refund, if one was (none: the sale's own open drawer paid it, or no refund). */
    refundPayoutOfSale(saleId: string): RefundPayoutRow | null {
      return (prepare(`${PAYOUT_SELECT} WHERE sale_id = ?`).get(saleId) as RefundPayoutRow | undefined) ?? null;
    },
    /** Refunds a session's drawer paid out. */
    refundPayouts(shiftId: string): RefundPayoutRow[] {
      return prepare(`${PAYOUT_SELECT} WHERE shift_id = ? ORDER BY at, rowid`).all(shiftId) as RefundPayoutRow[];
    },
    /** Refunds paid from the safe that no Z-read has taken in yet. */
    safeRefundsOfOpenDay(): RefundPayoutRow[] {
      return prepare(`${PAYOUT_SELECT} WHERE shift_id IS NULL AND day_close_id IS NULL ORDER BY at, rowid`).all() as RefundPayoutRow[];
    },
    /** Refunds paid from the safe in a period. */
    safeRefundsBetween(from: string, to: string): RefundPayoutRow[] {
      return prepare(`${PAYOUT_SELECT} WHERE shift_id IS NULL AND at >= ? AND at < ? ORDER BY at, rowid`).all(from, to) as RefundPayoutRow[];
    },

    // ── reprints and traces ──
    addReprint(r: ReprintRow): number {
      prepare(`INSERT INTO reprints (sale_id, operator_id, at, source, printed) VALUES (@saleId, @operatorId, @at, @source, @printed)`).run({ ...r, printed: r.printed ? 1 : 0 });
      return store.reprintCount(r.saleId);
    },
    reprintsFor(saleId: string): ReprintRow[] {
      return (prepare(`SELECT sale_id AS saleId, operator_id AS operatorId, at, source, printed FROM reprints WHERE sale_id = ? ORDER BY id`).all(saleId) as Raw[]).map(
        (r) => ({ ...(r as unknown as ReprintRow), printed: Boolean(r.printed) }),
      );
    },
    reprintCount(saleId: string): number {
      return Number((prepare(`SELECT COUNT(*) AS n FROM reprints WHERE sale_id = ?`).get(saleId) as { n: number }).n);
    },
    /** False when this reprint (its id at the switch) is already recorded. */
    addStoreReprint(r: StoreReprintEntry): boolean {
      return prepare(`INSERT OR IGNORE INTO store_reprints (reprint_id, purchase_id, sold_at, reprinted_at, operator_id, at) VALUES (@reprintId, @purchaseId, @soldAt, @reprintedAt, @operatorId, @at)`).run(r).changes === 1;
    },
    storeReprintsOf(purchaseId: string): StoreReprintEntry[] {
      return prepare(`${STORE_REPRINT_SELECT} WHERE purchase_id = ? ORDER BY at`).all(purchaseId) as StoreReprintEntry[];
    },
    storeReprints(limit = 500): StoreReprintEntry[] {
      return prepare(`${STORE_REPRINT_SELECT} ORDER BY at DESC LIMIT ?`).all(limit) as StoreReprintEntry[];
    },
    /** Written with the next commit (see later). */
    addTrace(t: TraceRow): void {
      later(() =>
        prepare(`INSERT INTO traces (sale_id, at, operation, url, status, outcome, ms, request_json, response_json)
          VALUES (@saleId, @at, @operation, @url, @status, @outcome, @ms, @requestJson, @responseJson)`).run(t),
      );
    },
    tracesFor(saleId: string): TraceRow[] {
      flushDeferred();
      return prepare(`SELECT sale_id AS saleId, at, operation, url, status, outcome, ms, request_json AS requestJson, response_json AS responseJson FROM traces WHERE sale_id = ? ORDER BY id`).all(saleId) as TraceRow[];
    },

    // ── cash drawer ──
    /** Records an opening before the kick is sent; false when this sale already opened the drawer for this kind. */
    addDrawerOpen(r: Omit<DrawerOpenRow, 'opened' | 'error'>): boolean {
      return prepare(`INSERT OR IGNORE INTO drawer_opens (id, at, operator_id, sale_id, kind, reason) VALUES (@id, @at, @operatorId, @saleId, @kind, @reason)`).run(r).changes === 1;
    },
    /** Whether the kick worked: written with the next commit (see later); the opening itself is already on disk. */
    markDrawerOpen(id: string, opened: boolean, error: string | null): void {
      later(() => prepare(`UPDATE drawer_opens SET opened = ?, error = ? WHERE id = ?`).run(opened ? 1 : 0, error, id));
    },
    drawerOpens(from: string, to: string): DrawerOpenRow[] {
      flushDeferred();
      return (prepare(`SELECT id, at, operator_id AS operatorId, sale_id AS saleId, kind, reason, opened, error FROM drawer_opens WHERE at >= ? AND at < ? ORDER BY at, id`).all(from, to) as Raw[]).map(
        (r) => ({ ...(r as unknown as DrawerOpenRow), opened: Boolean(r.opened) }),
      );
    },

    // ── settings ──
    getSetting<T>(key: string): T | null {
      const r = prepare(`SELECT value_json FROM settings WHERE key = ?`).get(key) as { value_json: string } | undefined;
      return r ? (JSON.parse(r.value_json) as T) : null;
    },
    setSetting(key: string, value: unknown): void {
      prepare(`INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json`).run(key, JSON.stringify(value));
    },
  };
  return store;
}
