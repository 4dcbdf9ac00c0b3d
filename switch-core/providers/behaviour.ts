/**
 * Checking a behaviour patch that comes from outside (the switch's admin API, a test, a CLI):
 * bad values are refused with a clear message instead of silently breaking a simulator.
 */
import { z } from 'zod';
import type { ProviderBehaviour } from './types';

export const ProviderBehaviourPatch = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  timeoutRate: z.number().min(0).max(1).optional(),
  serverErrorRate: z.number().min(0).max(1).optional(),
  ignoreLookups: z.boolean().optional(),
  down: z.boolean().optional(),
  refusedMeters: z.array(z.string().regex(/^[a-zA-Z0-9]{1,20}$/)).max(10_000).optional(),
});

export type BehaviourPatchResult = { ok: true; value: Partial<ProviderBehaviour> } | { ok: false; errors: Array<{ field: string; msg: string }> };

export function parseBehaviourPatch(input: unknown): BehaviourPatchResult {
  const parsed = ProviderBehaviourPatch.safeParse(input);
  if (parsed.success) {
    const value: Partial<ProviderBehaviour> = {};
    for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) Object.assign(value, { [k]: v });
    return { ok: true, value };
  }
  return { ok: false, errors: parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', msg: i.message })) };
}
