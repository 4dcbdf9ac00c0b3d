/**
 * Crash-test child: the till back end as its own process against a switch given on the command
 * line. `sell` mode keeps selling until the store holds N sales (every 4th is left pending and
 * cancelled at once); `drain` mode sells nothing and exits when nothing is open or queued.
 * The parent SIGKILLs it at random moments and starts it again on the same database.
 */
import { join } from 'node:path';
import { apiFromInvoke, isFinalSaleState } from '../../api/contract';
import { createSlipPrinter } from '../printing';
import { DEFAULT_OPERATORS, createTillBackend } from '../service';
import { openTillStore } from '../store/repository';
import { memorySecrets } from './harness';

const [dataDir, url, username, password, mode, totalArg] = process.argv.slice(2) as [string, string, string, string, string, string];
const total = Number(totalArg);
const store = openTillStore(join(dataDir, 'till.db'));
const backend = createTillBackend({
  store,
  printer: createSlipPrinter(() => ({ description: 'ok', send: async () => undefined, status: async () => ({ state: 'ready', message: 'ok' }) }), () => 80, join(dataDir, 'print-jobs.db')),
  secrets: memorySecrets(),
  mode: 'cli',
  embeddedSwitch: { url, username, password },
  workerIntervalMs: 10,
  operators: DEFAULT_OPERATORS,
});
const api = apiFromInvoke(backend.invoke);
await api.signIn({ operatorId: 'manager', pin: '9999' });
await api.openShift({ floatCents: 0 }); // the session from before the kill stays open: this finds it
await api.setSettings({ timeouts: { requestMs: 2000, retryBaseMs: 10, retryMaxMs: 100 } });
process.stdout.write('ready\n');

const plan = [
  { meterId: 'TST001', amountCents: 10000 }, // success
  { meterId: 'TST003', amountCents: 10000 }, // success, two tokens
  { meterId: 'TST001', amountCents: 5000 }, // failed: INVALID_AMOUNT
  { meterId: 'TST011', amountCents: 10000 }, // 504 first (as the public test server); the till's /retry gets the token
];

if (mode === 'sell') {
  for (let guard = 0; guard < total * 3; guard++) {
    const n = store.findSales({ limit: 5000 }).length;
    if (n >= total) break;
    const item = plan[n % plan.length]!;
    let p = await api.purchase({ ...item, tender: { type: 'CASH' } });
    // The meter still has a sale open from before the kill: the manager approves selling over it.
    if (!p.ok && p.error.code === 'NEEDS_APPROVAL') p = await api.purchase({ ...item, tender: { type: 'CASH' }, approval: { managerId: 'manager', pin: '9999', pendingSaleId: p.error.pendingSaleId! } });
    if (!p.ok) continue;
    process.stdout.write(`started ${p.value.saleId}\n`);
    if (n % 4 === 3) {
      await api.leavePending({ saleId: p.value.saleId });
      await api.cancelPending({ saleId: p.value.saleId });
      continue;
    }
    let v = p.value.version;
    for (let i = 0; i < 40; i++) {
      const s = await api.getSale({ saleId: p.value.saleId, sinceVersion: v, waitMs: 100 });
      if (!s.ok || isFinalSaleState(s.value.state)) break;
      v = s.value.version;
    }
  }
}
for (let i = 0; i < 3000; i++) {
  await backend.tick();
  const st = await api.status({});
  const unprinted = store.findSales({ state: 'succeeded', limit: 5000 }).some((r) => !r.slipPrinted);
  if (st.ok && st.value.pendingCount === 0 && st.value.adviceCount === 0 && !unprinted) break;
  await new Promise((r) => setTimeout(r, 10));
}
await backend.idle();
process.stdout.write('drained\n');
await backend.close();
store.close();
