/**
 * The till bench's switch in a process of its own, as a till meets its switch in a shop: the
 * certification profile on the data directory PPU_BENCH_SWITCH_DIR names. It prints `ready {…}`
 * (its URL and credentials) once it serves; stops on SIGTERM or when the bench is gone (stdin closes).
 */
import { startSwitch } from '../switch-core/index';

export interface TillSwitchReady {
  url: string;
  username: string;
  password: string;
}

const dataDir = process.env.PPU_BENCH_SWITCH_DIR;
if (!dataDir) throw new Error('PPU_BENCH_SWITCH_DIR (the switch data directory) is not set');
const sw = await startSwitch({ dataDir, port: 0, profile: 'certification', auth: { username: 'b', password: 'b' } });
console.log(`ready ${JSON.stringify({ url: sw.url, username: sw.username, password: sw.password } satisfies TillSwitchReady)}`);
const stop = () => void sw.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
