/**
 * `ppu-sts meter --state DIR --pan PAN18 [--decoder-key HEX16] [--tid-memory N] enter TOKEN20`:
 * types a token into a virtual meter and prints what its display shows, as one JSON line.
 * Exit 0 when the meter took the token (Accept, 1stKCT, 2ndKCT), 1 when it refused it.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { isValidPan } from '../sts';
import { VirtualMeterStore } from './meter-store';
import { enterOnVirtualMeter, type MeterEntry } from './virtual-meter';

function tidMemory(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a whole number 1..1000');
  return n;
}

/** The meter's display as one line of JSON, units in decimal. */
export function describeDisplay(display: Extract<MeterEntry, { ok: true }>): Record<string, unknown> {
  const d = display.display;
  const out: Record<string, unknown> = { show: d.show };
  if (d.show === 'Accept') Object.assign(out, { creditBefore: d.beforeTenths / 10, creditAfter: d.afterTenths / 10, tid: d.tid });
  if (d.show === '1stKCT' || d.show === '2ndKCT') out.keyChanged = d.keyChanged;
  if (d.show === 'Lockout') out.until = new Date(d.untilMs).toISOString();
  out.credit = display.state.creditTenths / 10;
  return out;
}

export function addMeterCommand(program: Command): void {
  const meter = program
    .command('meter')
    .description('a virtual meter: its state lives in DIR (SQLite), one row per PAN')
    .requiredOption('--state <dir>', 'directory for the virtual meters’ state')
    .requiredOption('--pan <pan18>', 'meter PAN', (v: string) => {
      if (!isValidPan(v)) throw new InvalidArgumentError('expected an 18-digit meter PAN with its Luhn check digit');
      return v;
    })
    .option('--decoder-key <hex16>', "the meter's decoder key, when it is not in the simulated back office", (v: string) => {
      if (!/^[0-9a-fA-F]{16}$/.test(v)) throw new InvalidArgumentError('expected 16 hex digits');
      return v.toLowerCase();
    })
    .option('--tid-memory <n>', 'how many TIDs the meters remember (a setting kept in DIR; default 50)', tidMemory);

  meter
    .command('enter')
    .description('type a token into the meter')
    .argument('<token20>', 'the token as printed (spaces and dashes ignored)')
    .action((token: string, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ state: string; pan: string; decoderKey?: string; tidMemory?: number }>();
      if (o.tidMemory !== undefined) {
        const store = new VirtualMeterStore(o.state);
        store.setTidMemory(o.tidMemory);
        store.close();
      }
      const r = enterOnVirtualMeter({ stateDir: o.state, pan: o.pan, token, ...(o.decoderKey ? { decoderKey: o.decoderKey } : {}) });
      if (!r.ok) return cmd.error(`error: option '--pan' ${r.message}`, { exitCode: 2, code: 'ppu-sts.usage' });
      console.log(JSON.stringify(describeDisplay(r)));
      const took = r.display.show === 'Accept' || r.display.show === '1stKCT' || r.display.show === '2ndKCT';
      if (!took) process.exitCode = 1;
    });
}
