/**
 * One switch node for the store bench, in its own process as in production: started from a JSON
 * description in the file PPU_BENCH_NODE names (its store, the providers and contract seed of the
 * bench's outside world — too big for an environment variable), it prints `listening URL` once it
 * serves, and stops on SIGTERM or when the bench that started it is gone. A description naming
 * `bareProxyTo` starts the benches' floor instead (bare-proxy.ts), in a process of its own too.
 */
import { readFileSync } from 'node:fs';
import { startSwitch } from '../switch-core/index';
import type { ProfileSeed, ProviderEndpoint } from '../switch-core/providers/types';
import { startBareProxy, type Upstream } from './bare-proxy';

export interface BenchNode {
  store: { url: string } | { dataDir: string };
  nodeId: string;
  endpoints: ProviderEndpoint[];
  seed: ProfileSeed;
}
export interface BenchProxy {
  bareProxyTo: Upstream;
}

const file = process.env.PPU_BENCH_NODE;
if (!file) throw new Error('PPU_BENCH_NODE (the node description file) is not set');
const node = JSON.parse(readFileSync(file, 'utf8')) as BenchNode | BenchProxy;
const started =
  'bareProxyTo' in node
    ? await startBareProxy(node.bareProxyTo)
    : await startSwitch({
        ...('url' in node.store ? { storeUrl: node.store.url } : { dataDir: node.store.dataDir }),
        nodeId: node.nodeId,
        port: 0,
        auth: { username: 'bench', password: 'bench' },
        providers: node.endpoints,
        contractSeed: node.seed,
        broadcastTimeoutMs: 2_000,
      });
console.log(`listening ${started.url}`);
const stop = () => void started.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
// The bench holds our stdin open: it closing means the bench is gone (killed, even with SIGKILL).
process.stdin.on('end', stop);
process.stdin.resume();
