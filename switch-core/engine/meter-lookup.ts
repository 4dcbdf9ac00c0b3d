/**
 * The till's meter lookup (seeds 000/001): recorded as a transaction, answered from the first
 * provider that supports the meter after a broadcast, UNKNOWN_METER_ID when every answer said no,
 * UPSTREAM_UNAVAILABLE when nobody could be asked or answered. The same lookup repeated gets the
 * stored answer, or — when its first run never finished — is asked afresh (repeats.ts).
 */
import { OPERATIONS, type MeterLookupRequest } from '../protocol';
import { DuplicateIdError } from '../store/switch-store';
import { discover, type Discovery } from './broadcast';
import { fail, replyOf, statusOf, type Reply } from './replies';
import { answerRepeat } from './repeats';
import type { Started, SwitchState } from './switch-state';

export async function lookup(s: SwitchState, req: MeterLookupRequest): Promise<Reply> {
  let started: Started;
  try {
    started = await s.begin(req.id, 'LOOKUP', req.meter.meterId, null, null, req);
  } catch (e) {
    if (e instanceof DuplicateIdError) return repeat(s, req);
    throw e;
  }
  const p = answer(s, req, started);
  if (!started.written) {
    s.trackInFlight(req.id, p);
    return p;
  }
  // The row went in beside the broadcast (several nodes): an id already taken shows at finish.
  started.written.then(() => s.trackInFlight(req.id, p), () => undefined);
  return p.catch((e: unknown) => {
    if (e instanceof DuplicateIdError) return repeat(s, req);
    throw e;
  });
}

/** A lookup whose id is taken: the stored answer, or asked afresh when its first run never finished. */
function repeat(s: SwitchState, req: MeterLookupRequest): Promise<Reply> {
  return answerRepeat(s, 'meterLookup', req, () => answer(s, req, { startedAt: s.now(), t0: performance.now() }));
}

async function answer(s: SwitchState, req: MeterLookupRequest, started: Started): Promise<Reply> {
  const rt = OPERATIONS.meterLookup.requestType;
  let discovered: Discovery;
  try {
    discovered = await discover(s, req.id, req);
  } catch (e) {
    // Still recorded (the id stays used), then the server answers its 500.
    await s.finish(req.id, 'meterLookup', req, started, fail('SYSTEM_MALFUNCTION', `The lookup failed inside the switch: ${e instanceof Error ? e.message : String(e)}`, rt, req.id), null, 'UNKNOWN', true);
    throw e;
  }
  const { result, unreachable } = discovered;
  const reply = result
    ? replyOf(result.result, rt, req.id, result.providerId)
    : unreachable !== null
      ? fail('UPSTREAM_UNAVAILABLE', `No provider could be asked about meter ${req.meter.meterId} (${unreachable}); try again in a minute`, rt, req.id)
      : fail('UNKNOWN_METER_ID', `Meter ${req.meter.meterId} is not supported by any provider that answered`, rt, req.id);
  return s.finish(req.id, 'meterLookup', req, started, reply, result?.providerId ?? null, result ? statusOf(result.result) : 'FAILED', true);
}
