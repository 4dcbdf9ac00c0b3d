/**
 * Server-side request validation shared by the switch and the simulators: schema, path id against
 * body id, and the FORMAT_ERROR body the interface asks for. Never throws on bad input.
 */
import { formatError, formatErrorsFromZod } from './errors';
import type { z } from 'zod';
import { safeParseFast } from './fast-path';
import { OPERATIONS, type PpuOperation, type RequestOf } from './operations';
import type { ErrorDetail } from './schemas';

export type Validated<T> = { ok: true; value: T } | { ok: false; status: 400; error: ErrorDetail };

export function validateRequest<Op extends PpuOperation>(
  op: Op,
  params: Record<string, string | undefined>,
  body: unknown,
): Validated<RequestOf<Op>> {
  const spec = OPERATIONS[op];
  const bodyId = typeof body === 'object' && body !== null && 'id' in body ? String(body.id) : undefined;
  const parsed = safeParseFast(spec.request as z.ZodType, body, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, status: 400, error: formatError(spec.requestType, formatErrorsFromZod(parsed.error), bodyId) };
  }
  const value = parsed.data as RequestOf<Op> & { id: string; requestId?: string };
  const pathId = params[spec.idParam];
  if (pathId !== value.id && !('ownBodyId' in spec)) {
    return {
      ok: false,
      status: 400,
      error: formatError(spec.requestType, [{ field: 'id', msg: `must equal the path id ${pathId ?? '(none)'}`, value: value.id }], value.id),
    };
  }
  if ('requestIdParam' in spec) {
    const pathRequestId = params[spec.requestIdParam];
    if (pathRequestId !== value.requestId) {
      return {
        ok: false,
        status: 400,
        error: formatError(
          spec.requestType,
          [{ field: 'requestId', msg: `must equal the path id ${pathRequestId ?? '(none)'}`, value: value.requestId }],
          value.id,
        ),
      };
    }
  }
  return { ok: true, value };
}
