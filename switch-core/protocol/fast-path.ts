/**
 * The fast path of reading a message: a reader compiled once per schema (from the one definition in
 * schemas.ts, never written twice) for a body that is already what the schema makes of it — every
 * field of the type it names, every constraint met, no unknown property, nothing a transform would
 * change — save absent values the schema fills in (a list read as [], an amount's currency read as
 * the request's), which it fills in place. Such a body is the parse's result; anything else goes
 * through zod, which converts it or says what is wrong (a fill-in made before giving up reads the
 * same to zod as the absence it replaced). Canonical messages — what tills and providers send
 * nearly always — then cost a walk over the body instead of zod's interpreted parse.
 *
 * A union is read by the first option that reads it: the options of every union in schemas.ts take
 * inputs of different types (a string or a number; the fault type's travelling strings or its
 * constants' names), so no earlier option could have taken the body another way.
 */
import type { z } from 'zod';

/** What a reader returns for a body it cannot take as it is. */
const FAIL: unique symbol = Symbol('not on the fast path');
type Reader = (value: unknown) => unknown;

const compiled = new WeakMap<z.ZodType, Reader>();
const never: Reader = () => FAIL;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * zod's own payload shape, for running a schema's checks and transforms on one value: one object
 * reused by every check (they run one after another, never inside each other), so reading a
 * message allocates nothing per field.
 */
interface Payload {
  value: unknown;
  issues: unknown[];
  addIssue: (issue: unknown) => void;
}
const payload: Payload = {
  value: undefined,
  issues: [],
  addIssue(issue) {
    this.issues.push(issue);
  },
};
function payloadOf(value: unknown): Payload {
  payload.value = value;
  if (payload.issues.length > 0) payload.issues = [];
  return payload;
}

interface Internals {
  def: {
    type: string;
    checks?: { _zod: { check: (payload: Payload) => void } }[];
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
    options?: z.ZodType[];
    in?: z.ZodType;
    out?: z.ZodType;
    innerType?: z.ZodType;
    element?: z.ZodType;
    keyType?: z.ZodType;
    valueType?: z.ZodType;
    entries?: Record<string, unknown>;
    values?: unknown[];
    transform?: (value: unknown, payload: Payload) => unknown;
  };
}

/** `schema.safeParse(value)`, without zod's walk when the fast path can read the value. */
export function safeParseFast<T>(schema: z.ZodType<T>, value: unknown, params?: { reportInput?: boolean }): z.ZodSafeParseResult<T> {
  const read = readerOf(schema)(value);
  return read !== FAIL ? { success: true, data: read as T } : schema.safeParse(value, params);
}

/** Whether the fast path reads `value` (for the tests that hold it to zod's answers). */
export function readsFast(schema: z.ZodType, value: unknown): boolean {
  return readerOf(schema)(value) !== FAIL;
}

function readerOf(schema: z.ZodType): Reader {
  let reader = compiled.get(schema);
  if (!reader) {
    // Set before compiling, so a schema reached again while compiling (none are recursive today) is refused, not looped on.
    compiled.set(schema, never);
    reader = withChecks(schema, compile(schema));
    compiled.set(schema, reader);
  }
  return reader;
}

/** A schema's own refinements (patterns, lengths, refine()) run as zod runs them: any issue fails. */
function withChecks(schema: z.ZodType, typed: Reader): Reader {
  const checks = (schema as unknown as { _zod: Internals })._zod.def.checks ?? [];
  if (checks.length === 0) return typed;
  return (v) => {
    const read = typed(v);
    if (read === FAIL) return FAIL;
    const p = payloadOf(read);
    for (let i = 0; i < checks.length; i++) {
      checks[i]!._zod.check(p);
      if (p.issues.length > 0) return FAIL;
    }
    return read;
  };
}

const is = (test: (v: unknown) => boolean): Reader => (v) => (test(v) ? v : FAIL);

function compile(schema: z.ZodType): Reader {
  const def = (schema as unknown as { _zod: Internals })._zod.def;
  switch (def.type) {
    case 'string':
      return is((v) => typeof v === 'string');
    case 'number':
      return is((v) => typeof v === 'number' && Number.isFinite(v));
    case 'boolean':
      return is((v) => typeof v === 'boolean');
    case 'unknown':
    case 'any':
      return (v) => v;
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return is((v) => values.has(v));
    }
    case 'literal': {
      const values = new Set(def.values ?? []);
      return is((v) => values.has(v));
    }
    case 'optional': {
      const inner = readerOf(def.innerType!);
      return (v) => (v === undefined ? v : inner(v));
    }
    case 'nullable': {
      const inner = readerOf(def.innerType!);
      return (v) => (v === null ? v : inner(v));
    }
    case 'default': {
      // An absent value would become the default: zod's way (a request never leaves one out).
      const inner = readerOf(def.innerType!);
      return (v) => (v === undefined ? FAIL : inner(v));
    }
    case 'array': {
      const element = readerOf(def.element!);
      return (v) => {
        if (!Array.isArray(v)) return FAIL;
        for (let i = 0; i < v.length; i++) {
          const read = element(v[i]);
          if (read === FAIL) return FAIL;
          if (read !== v[i]) v[i] = read;
        }
        return v;
      };
    }
    case 'record': {
      const key = readerOf(def.keyType!);
      const value = readerOf(def.valueType!);
      return (v) => (isObject(v) && fieldsRead(v, Object.keys(v), value, key) ? v : FAIL);
    }
    case 'object': {
      const keys = Object.keys(def.shape ?? {});
      const readers = keys.map((k) => readerOf(def.shape![k]!));
      const known = new Set(keys);
      // A loose object keeps what it does not know; a stripping or strict one would not pass it on as it is.
      const keepsUnknown = def.catchall !== undefined && (def.catchall as unknown as { _zod: Internals })._zod.def.type === 'unknown';
      return (v) => {
        if (!isObject(v)) return FAIL;
        if (!keepsUnknown) for (const k in v) if (!known.has(k)) return FAIL;
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          const value = v[k];
          const read = readers[i]!(value);
          if (read === FAIL) return FAIL;
          if (read !== value) v[k] = read;
        }
        return v;
      };
    }
    case 'union': {
      const options = (def.options ?? []).map(readerOf);
      // A model String (a string, or a number read as its text): a string is taken without a call.
      const first = (def.options?.[0] as unknown as { _zod: Internals } | undefined)?._zod.def;
      const stringFirst = first?.type === 'string' && (first.checks ?? []).length === 0;
      return (v) => {
        if (stringFirst && typeof v === 'string') return v;
        for (let i = 0; i < options.length; i++) {
          const read = options[i]!(v);
          if (read !== FAIL) return read;
        }
        return FAIL;
      };
    }
    case 'pipe': {
      const into = readerOf(def.in!);
      const out = readerOf(def.out!);
      return (v) => {
        const read = into(v);
        return read === FAIL ? FAIL : out(read);
      };
    }
    case 'transform': {
      const transform = def.transform!;
      return (v) => {
        const p = payloadOf(v);
        const out = transform(v, p);
        // Unchanged, or an absent value filled in: anything else is a conversion, zod's to make.
        return p.issues.length === 0 && (out === v || v === undefined || v === null) ? out : FAIL;
      };
    }
    default:
      // A kind of schema this walk does not know: always zod's way.
      return never;
  }
}

/** A record's entries, each key and value read (values filled in place). */
function fieldsRead(v: Record<string, unknown>, keys: string[], value: Reader, key: Reader): boolean {
  for (const k of keys) {
    if (key(k) === FAIL) return false;
    const read = value(v[k]);
    if (read === FAIL) return false;
    if (read !== v[k]) v[k] = read;
  }
  return true;
}
