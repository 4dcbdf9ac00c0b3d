/**
 * The till's link to its switch: which switches (Settings' URL list, else the embedded one), which of
 * them is in use, one PPU v3 client per switch (rebuilt when settings change), every message kept as a
 * trace, the originator block every request carries, and whether each switch was reachable when last
 * contacted.
 *
 * Failover: a request goes to the switch in use; when nothing comes back from it (refused, reset, no
 * such host, TLS, timeout — never an HTTP answer, which is the switch speaking) the same request with
 * the same id goes to the others, the first listed first. Once a request may have reached a switch,
 * the next one gets its repeat (a purchase's /retry), never a second original. The till stays on the
 * switch that answered until that one fails; a restart starts again on the first listed.
 */
import { isoWithOffset } from '../../common/local-time';
import { maskCardNumbersIn, PPU_BASE_PATH, PpuClient, newId, type PpuResult, type PpuTrace, type PurchaseRequest } from '../../switch-core/protocol';
import { ApiFail, type TillContext } from './backend-context';
import { switchEntries, switchLabel, switchRootOf, tryOrder } from './switch-list';

export interface SwitchTarget {
  /** Root of the switch in use ('' when none is set). */
  root: string;
  /** Every listed switch's root, in the list's order, and the place of the one in use. */
  roots: string[];
  index: number;
  /** host:port of the switch the till moved away from, while it is not on the first listed. */
  failedOverFrom: string | null;
  username: string;
  password: string;
  embedded: boolean;
}

export interface SwitchContact {
  at: number;
  reachable: boolean;
  message: string;
}

/** One exchange with one switch, on its client. */
export type SwitchSend<T> = (client: PpuClient) => Promise<PpuResult<T>>;

export interface SwitchLink {
  target(): SwitchTarget;
  /**
   * Sends on the switch in use, failing over down the list while nothing comes back; `repeat` is what a
   * switch gets after one before it may have received `send` (default: the same). Refuses with
   * SWITCH_UNREACHABLE when no switch is configured.
   */
  exchange<T>(send: SwitchSend<T>, repeat?: SwitchSend<T>): Promise<PpuResult<T>>;
  /** Drops the clients (settings changed, or closing); the switch in use stays while the list is the same. */
  reset(): void;
  /** The fields every PPU request carries, for a message with this id. */
  baseTx(id: string): Pick<PurchaseRequest, 'id' | 'time' | 'originator' | 'client' | 'thirdPartyIdentifiers'>;
  /** Last contact with the switch in use; probes when that is older than 15 s, and fails over when it is gone. */
  contact(): Promise<SwitchContact | null>;
  /** Tries every listed switch and says how each answered. */
  testConnection(): Promise<{ reachable: boolean; ms: number; message: string }>;
}

const nothingCameBack = (r: PpuResult<unknown>) => r.outcome === 'unknown' && r.status === null;

export function createSwitchLink(ctx: TillContext): SwitchLink {
  const { store, secrets, clock } = ctx;
  const clients = new Map<string, PpuClient>();
  const contacts = new Map<string, SwitchContact>();
  /** The list the position below belongs to; another list starts again on its first switch. */
  let listKey = '';
  let inUse = 0;
  let movedFrom: number | null = null;

  function target(): SwitchTarget {
    const s = ctx.settings();
    const embedded = ctx.deps.embeddedSwitch;
    const t = s.switchUrl
      ? { roots: switchEntries(s.switchUrl).map(switchRootOf), username: s.switchUsername, password: secrets.get('switchPassword') ?? '', embedded: false }
      : embedded
        ? { roots: [embedded.url.replace(/\/+$/, '')], username: embedded.username, password: embedded.password, embedded: true }
        : { roots: [], username: '', password: '', embedded: false };
    const key = t.roots.join(',');
    if (key !== listKey) {
      listKey = key;
      inUse = 0;
      movedFrom = null;
    }
    const from = movedFrom !== null && inUse !== 0 ? t.roots[movedFrom] : undefined;
    return { ...t, root: t.roots[inUse] ?? '', index: inUse, failedOverFrom: from ? switchLabel(from) : null };
  }

  /**
   * The switch at `answered` spoke to a request that began on `t.index`: it is the one in use from now
   * on. A request that began on a switch no longer in use (a late answer from before a failover) or
   * under another list moves nothing, so the till never flaps back.
   */
  function settle(t: SwitchTarget, answered: number): void {
    if (t.roots.join(',') !== listKey || t.index !== inUse || answered === inUse) return;
    ctx.deps.log?.(`switch ${switchLabel(t.roots[inUse] ?? '')} gave no answer: now using ${switchLabel(t.roots[answered] ?? '')} (${answered + 1} of ${t.roots.length})`);
    movedFrom = inUse;
    inUse = answered;
  }

  function recordTrace(root: string, t: PpuTrace): void {
    const body = (t.requestBody ?? {}) as { id?: string; requestId?: string };
    const saleId = t.operation === 'meterLookup' ? null : (body.requestId ?? body.id ?? null);
    contacts.set(root, { at: clock(), reachable: t.status !== null, message: t.status !== null ? `HTTP ${t.status}` : (t.reason ?? 'no answer') });
    if (ctx.closed()) return;
    try {
      store.addTrace({ saleId, at: t.startedAt, operation: t.operation, url: t.url, status: t.status, outcome: t.unreadable ? 'unreadable' : t.outcome, ms: t.ms, requestJson: JSON.stringify(t.requestBody), responseJson: maskCardNumbersIn(JSON.stringify(t.responseBody ?? null)) });
    } catch {
      /* a trace is diagnostics; never let it fail a sale */
    }
  }

  function clientFor(t: SwitchTarget, root: string): PpuClient {
    let c = clients.get(root);
    if (!c) {
      c = new PpuClient({ baseUrl: root, username: t.username, password: t.password, timeoutMs: ctx.settings().timeouts.requestMs, onTrace: (tr) => recordTrace(root, tr) });
      clients.set(root, c);
    }
    return c;
  }

  async function exchange<T>(send: SwitchSend<T>, repeat: SwitchSend<T> = send): Promise<PpuResult<T>> {
    const t = target();
    if (!t.root) throw new ApiFail('SWITCH_UNREACHABLE', 'No switch is configured. Ask the manager to set the switch URL in Settings.');
    let next = send;
    let res: PpuResult<T> | null = null;
    for (const i of tryOrder(t.roots.length, t.index)) {
      if (res && ctx.closed()) break;
      res = await next(clientFor(t, t.roots[i]!));
      if (!nothingCameBack(res)) {
        settle(t, i);
        return res;
      }
      if (!(res.outcome === 'unknown' && res.notSent)) next = repeat;
    }
    return res!;
  }

  function reset(): void {
    const old = [...clients.values()];
    clients.clear();
    contacts.clear();
    for (const c of old) void c.close().catch(() => undefined);
  }

  function baseTx(id: string) {
    const s = ctx.settings();
    return {
      id,
      // The shop's wall-clock time with its offset: what the switch's slipData prints, the same instant.
      time: isoWithOffset(clock(), ctx.zone()),
      originator: {
        institution: { id: s.institutionId, name: s.institutionName },
        terminalId: s.terminalId,
        merchant: { merchantId: s.merchantId, merchantType: s.merchantType, merchantName: { name: s.merchantName, city: s.merchantCity, region: s.merchantRegion, country: s.merchantCountry } },
      } as PurchaseRequest['originator'],
      client: { id: s.clientId, name: s.clientName },
      thirdPartyIdentifiers: [],
    };
  }

  /** Cheap reachability probe: any HTTP answer (even 404) means the switch is there. */
  async function probe(root: string): Promise<SwitchContact> {
    try {
      const r = await fetch(root + PPU_BASE_PATH, { signal: AbortSignal.timeout(2000) });
      await r.body?.cancel();
      return { at: clock(), reachable: true, message: `HTTP ${r.status}` };
    } catch {
      return { at: clock(), reachable: false, message: 'The switch cannot be reached' };
    }
  }

  async function contact(): Promise<SwitchContact | null> {
    const t = target();
    if (!t.root) return null;
    const last = contacts.get(t.root);
    if (last && clock() - last.at <= 15_000) return last;
    for (const i of tryOrder(t.roots.length, t.index)) {
      const root = t.roots[i]!;
      const c = await probe(root);
      contacts.set(root, c);
      if (c.reachable) {
        settle(t, i);
        return c;
      }
    }
    return contacts.get(t.root) ?? null;
  }

  async function testOne(t: SwitchTarget, root: string) {
    const t0 = performance.now();
    const res = await clientFor(t, root).meterLookup({ ...baseTx(newId()), meter: { meterId: '0' } });
    const ms = Math.round(performance.now() - t0);
    if (res.status === null) return { reachable: false, ms, message: `The switch cannot be reached (${res.outcome === 'unknown' ? res.reason : ''}). Check the URL and the network.` };
    if (res.status === 401 || res.status === 403) return { reachable: true, ms, message: 'The switch answered but refused the username or password.' };
    return { reachable: true, ms, message: `The switch answered in ${ms} ms.` };
  }

  async function testConnection() {
    const t = target();
    if (!t.root) return { reachable: false, ms: 0, message: 'No switch URL is set.' };
    const each = [];
    for (const root of t.roots) each.push(await testOne(t, root));
    if (each.length === 1) return each[0]!;
    const answered = each.filter((r) => r.reachable);
    return {
      reachable: answered.length > 0,
      ms: Math.max(...each.map((r) => r.ms)),
      message: each.map((r, i) => `${i + 1} of ${each.length}, ${switchLabel(t.roots[i]!)}: ${r.message}`).join(' '),
    };
  }

  return { target, exchange, reset, baseTx, contact, testConnection };
}
