/** App-wide state (zustand): session, status bar, current screen, and the cashier's sale in progress. */
import { create } from 'zustand';
import type { ApiError, LookupView, SaleApproval, SaleView, SessionView, StatusView, TenderInput } from '../../electron/api/contract';
import { call } from './api';
import { fetchSession } from './boot';

export type Screen = 'cashier' | 'reprint' | 'queue' | 'transactions' | 'eod' | 'settings' | 'meters' | 'routing' | 'providers' | 'printer' | 'faults';

interface TillState {
  session: SessionView | null;
  status: StatusView | null;
  screen: Screen;
  lookup: LookupView | null;
  sale: SaleView | null;
  busy: string | null;
  error: ApiError | null;
  setScreen(s: Screen): void;
  refreshStatus(): Promise<void>;
  refreshSession(): Promise<void>;
  signIn(operatorId: string, pin: string): Promise<ApiError | null>;
  signOut(): Promise<void>;
  /** Looks up a typed or scanned meter number, or a card swipe's track 2. */
  doLookup(meterId: string): Promise<void>;
  /** `approval`: a manager's approval to sell over the meter's pending sale (after NEEDS_APPROVAL). */
  sell(amountCents: number, tender: TenderInput, approval?: SaleApproval): Promise<void>;
  follow(saleId: string, since: number): Promise<void>;
  newSale(): void;
  leavePending(): Promise<void>;
  setError(e: ApiError | null): void;
}

export const useTill = create<TillState>((set, get) => ({
  session: null,
  status: null,
  screen: 'cashier',
  lookup: null,
  sale: null,
  busy: null,
  error: null,
  setScreen: (screen) => set({ screen }),
  setError: (error) => set({ error }),
  async refreshStatus() {
    const r = await call('status', {});
    if (r.ok) set({ status: r.value });
  },
  async refreshSession() {
    const r = await fetchSession();
    if (r.ok) set({ session: r.value });
  },
  async signIn(operatorId, pin) {
    const r = await call('signIn', { operatorId, pin });
    if (!r.ok) return r.error;
    set({ session: r.value, screen: 'cashier' });
    if (!r.value.shift) {
      const s = await call('openShift', {});
      if (s.ok) set({ session: { ...r.value, shift: s.value } });
    }
    void get().refreshStatus();
    return null;
  },
  async signOut() {
    await call('signOut', {});
    set({ session: { operator: null, shift: null }, lookup: null, sale: null, error: null });
  },
  async doLookup(meterId) {
    set({ busy: 'Looking up the meter…', error: null, lookup: null, sale: null });
    // A magnetic card swipe arrives as track 2 (";<digits>=<data>?"); the back end reads the meter from it.
    const typed = meterId.trim();
    const r = await call('lookupMeter', /^;?\d+=/.test(typed) ? { track2: typed } : { meterId: typed });
    set({ busy: null });
    if (r.ok) set({ lookup: r.value });
    else set({ error: r.error });
  },
  async sell(amountCents, tender, approval) {
    const lookup = get().lookup;
    if (!lookup) return;
    set({ busy: 'Buying the token…', error: null });
    const r = await call('purchase', { lookupRef: lookup.lookupRef, meterId: lookup.meterId, amountCents, tender, ...(approval ? { approval } : {}) });
    if (!r.ok) {
      set({ busy: null, error: r.error });
      return;
    }
    set({ sale: r.value });
    await get().follow(r.value.saleId, r.value.version);
  },
  async follow(saleId, since) {
    // Long-poll until the sale is final, pending, or printed; bounded so a stuck back end cannot spin forever.
    let version = since;
    for (let i = 0; i < 200; i++) {
      const s = get().sale;
      if (!s || s.saleId !== saleId) return;
      const done = s.state === 'failed' || s.state === 'cancelled' || s.state === 'pending' || (s.state === 'succeeded' && s.progress.stage === 'done');
      if (done) break;
      set({ busy: s.progress.message || 'Working…' });
      const r = await call('getSale', { saleId, sinceVersion: version, waitMs: 5000 });
      if (!r.ok) {
        set({ error: r.error });
        break;
      }
      version = r.value.version;
      set({ sale: r.value });
    }
    set({ busy: null });
    void get().refreshStatus();
  },
  newSale: () => set({ lookup: null, sale: null, error: null, busy: null }),
  async leavePending() {
    const s = get().sale;
    if (!s) return;
    const r = await call('leavePending', { saleId: s.saleId });
    if (r.ok) set({ sale: r.value, busy: null });
    else set({ error: r.error });
  },
}));
