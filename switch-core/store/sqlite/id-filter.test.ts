/** The store's in-memory filter of transaction ids: never says an id it holds is absent, and rarely sends a new one to the table. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdFilter } from './id-filter';

describe('IdFilter', () => {
  it('finds every id added as it grows past its capacity several times, and lets at most 2% of new ids through to the table', () => {
    const filter = new IdFilter(1_000);
    const added = Array.from({ length: 20_000 }, () => randomUUID());
    for (const id of added) filter.add(id);
    expect(added.filter((id) => !filter.mayHave(id))).toEqual([]);
    const fresh = Array.from({ length: 20_000 }, () => randomUUID());
    expect(fresh.filter((id) => filter.mayHave(id)).length).toBeLessThan(400);
  });
});
