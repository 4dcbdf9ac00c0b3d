/**
 * App-wide state (zustand): session, status bar, current screen, and the cashier's sale in progress.
 * The sale on screen is the cashier's current customer's only: a sale she leaves (F4, Esc, the next
 * lookup) is left pending, watched, and never drawn over the screen again — its late outcome comes
 * as a notice.
 */
import { create } from 'zustand';
import type { ApiError, LookupView, Result, SaleApproval, SaleView, SessionView, Shift, StatusView, TenderInput } from '../../electron/api/contract';
import { call } from './api';
import { fetchSession, sessionInPage } from './boot';
import { setTillZone } from './format';
import { loadNotices, loadWatch, noticeFor, saveNotices, saveWatch, settleWatch, watchSale, type LateNotice } from './late-sales';

export type Screen = 'cashier' | 'drawer' | 'reprint' | 'queue' | 'transactions' | 'eod' | 'settings' | 'meters' | 'routing' | 'providers' | 'printer' | 'faults' | 'virtualMeter' | 'store' | 'certification';

interface TillState {
  session: SessionView | null;
  /** Why the session could not be read (e.g. this browser has no access yet), in words. */
  sessionProblem: string | null;
  status: StatusView | null;
  screen: Screen;
  lookup: LookupView | null;
  sale: SaleView | null;
  busy: string | null;
  error: ApiError | null;
  /** False once the back end stops answering the status poll (the status bar says so). */
  backendReachable: boolean;
  /** Sales left pending that got their outcome later, shown on every screen until acknowledged. */
  lateNotices: LateNotice[];
  /** Bumped after each sale outcome: the cashier screen puts focus back on the meter field. */
  readyTick: number;
  setScreen(s: Screen): void;
  refreshStatus(): Promise<void>;
  refreshSession(): Promise<void>;
  signIn(operatorId: string, pin: string): Promise<ApiError | null>;
  signOut(): Promise<void>;
  /** Replaces a default or manager-given PIN; null when saved, else the reason. */
  changePin(currentPin: string, newPin: string): Promise<ApiError | null>;
  /** Looks up a typed or scanned meter number, or a card swipe's track 2. */
  doLookup(meterId: string): Promise<void>;
  /** `approval`: a manager's approval to sell over the meter's pending sale (after NEEDS_APPROVAL). */
  sell(amountCents: number, tender: TenderInput, approval?: SaleApproval): Promise<void>;
  follow(saleId: string, since: number): Promise<void>;
  /** Clears the screen for the next customer; a sale still waiting for its answer is left pending first. */
  newSale(): void;
  leavePending(): Promise<void>;
  setError(e: ApiError | null): void;
  /** Looks at pending sales that left the pending list since the last look; raises a notice for each late success. */
  checkLate(): Promise<void>;
  acknowledgeLate(saleId: string): void;
}

/** The signed-in operator's drawer session: the status bar's when it is about the same operator (fresher), else the session's. */
export const currentShift = (s: Pick<TillState, 'status' | 'session'>): Shift | null =>
  s.status && s.status.operator?.id === s.session?.operator?.id ? s.status.shift : (s.session?.shift ?? null);

/** The session's answer as state: a refusal keeps the session there was and says why. */
const sessionState = (r: Result<SessionView>): Partial<Pick<TillState, 'session' | 'sessionProblem'>> =>
  r.ok ? { session: r.value, sessionProblem: null } : { sessionProblem: r.error.message };

const isWaiting = (s: SaleView | null): s is SaleView => s !== null && (s.state === 'purchasing' || s.state === 'retrying');
const isSettled = (s: SaleView) => s.state === 'failed' || s.state === 'cancelled' || s.state === 'pending' || (s.state === 'succeeded' && s.progress.stage === 'done');

export const useTill = create<TillState>((set, get) => ({
  session: null,
  sessionProblem: null,
  ...(sessionInPage ? sessionState(sessionInPage) : {}),
  status: null,
  screen: 'cashier',
  lookup: null,
  sale: null,
  busy: null,
  error: null,
  backendReachable: true,
  lateNotices: loadNotices(),
  readyTick: 0,
  setScreen: (screen) => set({ screen }),
  setError: (error) => set({ error }),
  async refreshStatus() {
    const r = await call('status', {});
    // Only a transport failure means the back end is gone; an answer of any kind means it is there.
    set({ backendReachable: r.ok || r.error.code !== 'BACKEND_UNREACHABLE' });
    if (!r.ok) return;
    const before = get().status;
    set({ status: r.value });
    if (!r.value.operator) return;
    // Screens follow the till without a reload: a sale on screen whose slip or outcome may have moved is read again.
    const s = get().sale;
    const printerChanged = before?.printer.state !== r.value.printer.state;
    if (s && !get().busy && (s.state === 'pending' || (s.state === 'succeeded' && !s.slip.printed) || printerChanged)) {
      const fresh = await call('getSale', { saleId: s.saleId });
      if (fresh.ok && get().sale?.saleId === s.saleId) set({ sale: fresh.value });
    }
    await get().checkLate();
  },
  async checkLate() {
    const q = await call('listQueue', {});
    if (!q.ok) return;
    const open = q.value.filter((i) => i.kind === 'purchase').map((i) => i.saleId);
    const current = get().sale;
    const watchedNow = current && (current.state === 'pending' || current.state === 'retrying') ? [...open, current.saleId] : open;
    const { gone, watch } = settleWatch(loadWatch(), watchedNow);
    const notices = [...get().lateNotices];
    const kept: string[] = [];
    for (const id of gone) {
      const r = await call('getSale', { saleId: id });
      if (!r.ok) {
        if (r.error.code !== 'NOT_FOUND') kept.push(id); // look again next time (e.g. signed out meanwhile)
        continue;
      }
      const n = noticeFor(r.value, get().sale?.saleId !== id);
      if (n && !notices.some((x) => x.saleId === n.saleId)) notices.push(n);
      if (get().sale?.saleId === id) set({ sale: r.value });
    }
    saveWatch([...watch, ...kept]);
    if (notices.length !== get().lateNotices.length) {
      saveNotices(notices);
      set({ lateNotices: notices });
    }
  },
  acknowledgeLate(saleId) {
    const notices = get().lateNotices.filter((n) => n.saleId !== saleId);
    saveNotices(notices);
    set({ lateNotices: notices });
  },
  async refreshSession() {
    set(sessionState(await fetchSession()));
  },
  async signIn(operatorId, pin) {
    const r = await call('signIn', { operatorId, pin });
    if (!r.ok) return r.error;
    set({ session: r.value, screen: 'cashier' });
    void get().refreshStatus();
    return null;
  },
  async signOut() {
    await call('signOut', {});
    set({ session: { operator: null, shift: null, mustChangePin: false, fieldTools: false, timeZone: get().session?.timeZone ?? 'UTC' }, lookup: null, sale: null, error: null });
  },
  async changePin(currentPin, newPin) {
    const r = await call('changePin', { currentPin, newPin });
    if (!r.ok) return r.error;
    set({ session: r.value });
    void get().refreshStatus();
    return null;
  },
  async doLookup(meterId) {
    leaveIfWaiting(get().sale);
    set({ busy: 'Looking up the meter…', error: null, lookup: null, sale: null });
    // A magnetic card swipe arrives as track 2 (";<digits>=<data>?"); the back end reads the meter from it.
    const typed = meterId.trim();
    const r = await call('lookupMeter', /^;?\d+=/.test(typed) ? { track2: typed } : { meterId: typed });
    set({ busy: null });
    if (r.ok) set({ lookup: r.value });
    else set({ error: r.error, readyTick: get().readyTick + 1 });
  },
  async sell(amountCents, tender, approval) {
    const lookup = get().lookup;
    if (!lookup) return;
    set({ busy: 'Buying the token…', error: null });
    const r = await call('purchase', { lookupRef: lookup.lookupRef, meterId: lookup.meterId, amountCents, tender, ...(approval ? { approval } : {}) });
    // The cashier moved on (Esc, another lookup) while the sale was being stored: it is hers no more.
    if (get().lookup !== lookup) {
      if (r.ok) leaveIfWaiting(r.value);
      return;
    }
    if (!r.ok) {
      set({ busy: null, error: r.error, readyTick: get().readyTick + 1 });
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
      if (isSettled(s)) break;
      set({ busy: 'sale' }); // the cashier screen words a sale's progress from the sale itself
      const r = await call('getSale', { saleId, sinceVersion: version, waitMs: 5000 });
      if (get().sale?.saleId !== saleId) return; // left meanwhile: never drawn over the next customer
      if (!r.ok) {
        set({ error: r.error });
        break;
      }
      version = r.value.version;
      set({ sale: r.value });
    }
    set({ busy: null, readyTick: get().readyTick + 1 });
    void get().refreshStatus();
  },
  newSale() {
    leaveIfWaiting(get().sale);
    set({ lookup: null, sale: null, error: null, busy: null });
  },
  async leavePending() {
    const s = get().sale;
    if (!s) return;
    watchSale(s.saleId);
    const r = await call('leavePending', { saleId: s.saleId });
    if (get().sale?.saleId !== s.saleId) return;
    if (r.ok) set({ sale: r.value, busy: null });
    else set({ error: r.error });
    set({ readyTick: get().readyTick + 1 });
  },
}));

/**
 * A sale the cashier walks away from while it still waits is left pending (the customer gets the
 * pending slip) and watched, so its outcome comes back as a notice rather than over the screen.
 * If it was answered meanwhile, the watch still reports it.
 */
function leaveIfWaiting(sale: SaleView | null): void {
  if (!isWaiting(sale)) return;
  watchSale(sale.saleId);
  void call('leavePending', { saleId: sale.saleId });
}

// Every time on screen reads in the till's zone, as its slips and reports do: from the first render when the page brought the session.
const first = useTill.getState().session;
if (first) setTillZone(first.timeZone);
useTill.subscribe((s, before) => {
  if (s.session && s.session.timeZone !== before.session?.timeZone) setTillZone(s.session.timeZone);
});
