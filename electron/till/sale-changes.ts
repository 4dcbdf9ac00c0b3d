/**
 * Sale change notices: the long poll of `getSale` waits here until the sale's row changes (or its
 * time runs out); every writer of a sale row calls `notify` after writing.
 */
export interface SaleChanges {
  notify(saleId: string): void;
  /** Resolves at the next notify for this sale, or after `ms`. */
  wait(saleId: string, ms: number): Promise<void>;
  /** Releases every waiter (closing). */
  wakeAll(): void;
}

export function createSaleChanges(): SaleChanges {
  const waiters = new Map<string, Set<() => void>>();
  return {
    notify(saleId) {
      const set = waiters.get(saleId);
      if (!set) return;
      waiters.delete(saleId);
      for (const w of set) w();
    },
    wait(saleId, ms) {
      return new Promise<void>((resolve) => {
        const set = waiters.get(saleId) ?? new Set();
        const done = () => {
          clearTimeout(t);
          set.delete(done);
          resolve();
        };
        const t = setTimeout(done, ms);
        set.add(done);
        waiters.set(saleId, set);
      });
    },
    wakeAll() {
      for (const set of waiters.values()) for (const w of set) w();
    },
  };
}
