/**
 * The till's link to its switch: which switch (Settings' URL, else the embedded one), one PPU v3
 * client toward it (rebuilt when settings change), every message kept as a trace, the originator
 * block every request carries, and whether the switch was reachable when last contacted.
 */
import { PPU_BASE_PATH, PpuClient, newId, type PpuTrace, type PurchaseRequest } from '../../switch-core/protocol';
import { ApiFail, type TillContext } from './backend-context';

export interface SwitchTarget {
  root: string;
  username: string;
  password: string;
  embedded: boolean;
}

export interface SwitchContact {
  at: number;
  reachable: boolean;
  message: string;
}

export interface SwitchLink {
  target(): SwitchTarget;
  /** The PPU client; refuses with SWITCH_UNREACHABLE when no switch is configured. */
  ppu(): PpuClient;
  /** Drops the client (settings changed, or closing). */
  reset(): void;
  /** The fields every PPU request carries, for a message with this id. */
  baseTx(id: string): Pick<PurchaseRequest, 'id' | 'time' | 'originator' | 'client' | 'thirdPartyIdentifiers'>;
  /** Last contact; probes the switch when the last one is older than 15 s. */
  contact(): Promise<SwitchContact | null>;
  testConnection(): Promise<{ reachable: boolean; ms: number; message: string }>;
}

export function createSwitchLink(ctx: TillContext): SwitchLink {
  const { store, secrets, clock, nowIso } = ctx;
  let client: PpuClient | null = null;
  let last: SwitchContact | null = null;

  function target(): SwitchTarget {
    const s = ctx.settings();
    const embedded = ctx.deps.embeddedSwitch;
    if (s.switchUrl) return { root: s.switchUrl.replace(/\/+$/, '').replace(new RegExp(PPU_BASE_PATH + '$'), ''), username: s.switchUsername, password: secrets.get('switchPassword') ?? '', embedded: false };
    if (embedded) return { root: embedded.url.replace(/\/+$/, ''), username: embedded.username, password: embedded.password, embedded: true };
    return { root: '', username: '', password: '', embedded: false };
  }

  function recordTrace(t: PpuTrace): void {
    const body = (t.requestBody ?? {}) as { id?: string; requestId?: string };
    const saleId = t.operation === 'meterLookup' ? null : (body.requestId ?? body.id ?? null);
    last = { at: clock(), reachable: t.status !== null, message: t.status !== null ? `HTTP ${t.status}` : (t.reason ?? 'no answer') };
    if (ctx.closed()) return;
    try {
      store.addTrace({ saleId, at: t.startedAt, operation: t.operation, url: t.url, status: t.status, outcome: t.outcome, ms: t.ms, requestJson: JSON.stringify(t.requestBody), responseJson: JSON.stringify(t.responseBody ?? null) });
    } catch {
      /* a trace is diagnostics; never let it fail a sale */
    }
  }

  function ppu(): PpuClient {
    if (client) return client;
    const t = target();
    if (!t.root) throw new ApiFail('SWITCH_UNREACHABLE', 'No switch is configured. Ask the manager to set the switch URL in Settings.');
    client = new PpuClient({ baseUrl: t.root, username: t.username, password: t.password, timeoutMs: ctx.settings().timeouts.requestMs, onTrace: recordTrace });
    return client;
  }

  function reset(): void {
    const old = client;
    client = null;
    void old?.close().catch(() => undefined);
  }

  function baseTx(id: string) {
    const s = ctx.settings();
    return {
      id,
      time: nowIso(),
      originator: {
        institution: { id: s.institutionId, name: s.institutionName },
        terminalId: s.terminalId,
        merchant: { merchantId: s.merchantId, merchantType: s.merchantType, merchantName: { name: s.merchantName, city: s.merchantCity, region: s.merchantRegion, country: s.merchantCountry } },
      } as PurchaseRequest['originator'],
      client: { id: s.clientId, name: s.clientName },
      thirdPartyIdentifiers: [],
    };
  }

  async function contact(): Promise<SwitchContact | null> {
    const t = target();
    if (t.root && (!last || clock() - last.at > 15_000)) {
      // Cheap reachability probe: any HTTP answer (even 404) means the switch is there.
      try {
        const r = await fetch(t.root + PPU_BASE_PATH, { signal: AbortSignal.timeout(2000) });
        await r.body?.cancel();
        last = { at: clock(), reachable: true, message: `HTTP ${r.status}` };
      } catch {
        last = { at: clock(), reachable: false, message: 'The switch cannot be reached' };
      }
    }
    return last;
  }

  async function testConnection() {
    if (!target().root) return { reachable: false, ms: 0, message: 'No switch URL is set.' };
    const t0 = performance.now();
    const res = await ppu().meterLookup({ ...baseTx(newId()), meter: { meterId: '0' } });
    const ms = Math.round(performance.now() - t0);
    if (res.status === null) return { reachable: false, ms, message: `The switch cannot be reached (${res.outcome === 'unknown' ? res.reason : ''}). Check the URL and the network.` };
    if (res.status === 401 || res.status === 403) return { reachable: true, ms, message: 'The switch answered but refused the username or password.' };
    return { reachable: true, ms, message: `The switch answered in ${ms} ms.` };
  }

  return { target, ppu, reset, baseTx, contact, testConnection };
}
