/**
 * The read side of the protocol: how a client reads a peer's answer, derived from the one
 * definition in schemas.ts rather than written twice. The models' own JSON binding (Jackson) checks
 * no constraint on what it reads and leaves out what is missing, so an answer is read the same way:
 * every field may be absent or null (read as is: a transform per field would triple the cost of
 * reading an answer), a list absent or null reads as [], a
 * constrained string (pattern, length) reads as any string, a missing currency is the request's,
 * unknown properties are dropped. Only the fields named as kept stay required — in an answer
 * carrying tokens, the message id and each token's digits: without them the sale cannot be honoured,
 * without anything else it can.
 *
 * The walk over the definition runs once per answer type at load, never per answer.
 */
import { z } from 'zod';
import { safeParseFast } from './fast-path';

/** Leaves whose read form differs from their definition (a pattern reads as any string). */
const readForms = new WeakMap<z.ZodType, z.ZodType>();

/** Registers `read` as how `strict` is read in an answer; returns `strict` for use in the definition. */
export function readAs<T extends z.ZodType>(strict: T, read: z.ZodType): T {
  readForms.set(strict, read);
  return strict;
}

/**
 * The currency an answer's amounts take when they carry none: the request's (Jackson leaves the
 * field null; the request said which currency it was paying in). Set only for the synchronous span
 * of one parse, so no per-answer walk is needed to fill it in afterwards.
 */
let requestCurrency: string | undefined;
export const AbsentCurrency = z
  .union([z.string(), z.number().transform((n) => String(n))])
  .nullish()
  .transform((c) => c ?? requestCurrency);

export function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, currency: string | undefined): z.ZodSafeParseResult<T> {
  requestCurrency = currency;
  try {
    return safeParseFast(schema, body);
  } finally {
    requestCurrency = undefined;
  }
}

/** A model as read from a peer: lists always present, everything else possibly absent. */
export type Read<T> = T extends readonly (infer E)[]
  ? Read<E>[]
  : T extends object
    ? { [K in keyof T as NonNullable<T[K]> extends readonly unknown[] ? K : never]-?: Read<NonNullable<T[K]>> } & {
        [K in keyof T as NonNullable<T[K]> extends readonly unknown[] ? never : K]?: Read<NonNullable<T[K]>> | null;
      }
    : T;

/** `keep` names the fields that stay required, as paths: 'id', 'tokens.token' (through lists). */
export function readSideOf(schema: z.ZodType, keep: readonly string[] = []): z.ZodType {
  return walk(schema, keep, '');
}

function walk(schema: z.ZodType, keep: readonly string[], path: string): z.ZodType {
  const form = readForms.get(schema);
  if (form) return form;
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return walk(schema.unwrap() as z.ZodType, keep, path);
  if (schema instanceof z.ZodDefault) return walk(schema.unwrap() as z.ZodType, keep, path);
  if (schema instanceof z.ZodRecord) return z.record(z.string(), field(schema.valueType as z.ZodType, keep, path));
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      shape[key] = field(value, keep, path ? `${path}.${key}` : key);
    }
    return z.object(shape);
  }
  return schema;
}

function field(schema: z.ZodType, keep: readonly string[], path: string): z.ZodType {
  if (readForms.get(schema) === AbsentCurrency) return AbsentCurrency;
  const element = listElement(schema);
  if (element) return z.array(walk(element, keep, path)).nullish().transform((v) => v ?? []);
  const inner = walk(schema, keep, path);
  if (keep.includes(path)) return inner;
  return inner.nullish();
}

function listElement(schema: z.ZodType): z.ZodType | null {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) return listElement(schema.unwrap() as z.ZodType);
  return schema instanceof z.ZodArray ? (schema.element as z.ZodType) : null;
}
