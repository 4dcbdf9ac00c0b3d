/**
 * The till's Virtual meter tool (field techs): a typed token entered on the virtual STS meter whose
 * state lives in the till's data folder, answered as the meter's display word plus what it means.
 * The meter itself is switch-core's (sts-tools/virtual-meter.ts); loaded on first use only.
 */
import type { VirtualMeterView } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';

const MEANING: Record<Exclude<VirtualMeterView['show'], 'Accept' | '2ndKCT' | 'Lockout'>, string> = {
  '1stKCT': 'First key change token held. Enter the second.',
  Used: 'Used: this token was already entered on this meter.',
  Old: 'Old: this token is older than every token the meter remembers.',
  'Key expired': 'Key expired: the meter needs a key change before it takes credit.',
  DDTK: 'The meter holds a default key: it takes no credit until it gets a key change.',
  Overflow: 'Overflow: the credit would pass what the register holds.',
  Reject: 'Reject: not a token for this meter, or a digit is wrong.',
  Format: 'Format: a token has 20 digits.',
  Function: 'Function: this meter does not do what that token asks.',
};

function units(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export function virtualMeterHandlers(ctx: TillContext): Handlers<'virtualMeterEnter'> {
  return {
    async virtualMeterEnter({ meter, token }) {
      const dir = ctx.deps.virtualMeterDir;
      if (!dir) throw new ApiFail('NOT_FOUND', 'The virtual meter is not available on this till.');
      return enterOnTillMeter(dir, meter.trim(), token, ctx.clock());
    },
  };
}

async function enterOnTillMeter(stateDir: string, meter: string, token: string, nowMs: number): Promise<VirtualMeterView> {
  const { enterOnVirtualMeter } = await import('../../switch-core/sts-tools/virtual-meter');
  const { meterPan } = await import('../../switch-core/sts');
  const pan = meter.length === 11 ? meterPan(meter) : meter;
  const r = enterOnVirtualMeter({ stateDir, pan, token, nowMs });
  if (!r.ok) throw new ApiFail('NOT_FOUND', `Meter ${meter} is not one of the simulated utilities' meters, so the virtual meter has no key for it.`);
  const d = r.display;
  const base = { pan, credit: units(r.state.creditTenths), creditBefore: null, creditAfter: null, lockedUntil: null };
  switch (d.show) {
    case 'Accept':
      return { ...base, show: d.show, creditBefore: units(d.beforeTenths), creditAfter: units(d.afterTenths), message: `Accept: ${units(d.afterTenths - d.beforeTenths)} units added.` };
    case '2ndKCT':
      return { ...base, show: d.show, message: d.keyChanged ? 'Key changed: the meter now holds its new key.' : 'Second key change token held. Enter the first.' };
    case 'Lockout': {
      const until = new Date(d.untilMs);
      return { ...base, show: d.show, lockedUntil: until.toISOString(), message: `Lockout: three bad entries in a row. The keypad opens again at ${until.toLocaleTimeString('en-ZA')}.` };
    }
    default:
      return { ...base, show: d.show, message: MEANING[d.show] };
  }
}
