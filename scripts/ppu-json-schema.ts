/**
 * Derives a JSON Schema (draft 2020-12) per PPU v3.13 model from the reference's MODELS.md and
 * writes it into the project as a fact file, switch-core/protocol/ppu-v3.13.schema.json. The
 * conformance test validates every message we send against that file, and checks the file is what
 * this script produces from MODELS.md.
 *
 * Usage: npx tsx scripts/ppu-json-schema.ts [path/to/MODELS.md]
 * Without a path, MODELS.md is found as shared/reference/ppu-v3/MODELS.md beside the project or
 * one of its parent folders (PPU_REFERENCE_DIR overrides).
 *
 * Strict in what it allows: inherited fields are flattened in, Java's whole-string Pattern
 * semantics become anchored patterns, and a model takes no property it does not define — except the
 * polymorphic bases (a required `type` enum and subclasses: PaymentMethod, Pin, Account), whose
 * subclass fields travel with them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMA_FILE = 'switch-core/protocol/ppu-v3.13.schema.json';

type JsonSchema = Record<string, unknown>;

interface Field {
  name: string;
  type: string;
  required: boolean;
  constraints: string;
}
interface Model {
  name: string;
  parent: string | null;
  enumValues: string[] | null;
  fields: Field[];
}

/**
 * MODELS.md's extractor misses fields that are package-private in the Java source:
 * FaultReportResponse declares `reference` and `description` (both @NotNull, description
 * @Length(max = 160)) in java/prepaidutility/model/FaultReportResponse.java.
 */
const SUPPLEMENT: Record<string, Field[]> = {
  FaultReportResponse: [
    { name: 'reference', type: 'String', required: true, constraints: '' },
    { name: 'description', type: 'String', required: true, constraints: 'Length(max = 160)' },
  ],
};

/**
 * Splits a Markdown table row on its cell pipes: `\|` is a pipe inside a cell, and so is any pipe
 * inside an enum's braces (`enum{A|B}` is written unescaped).
 */
function cells(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  const body = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === '\\' && body[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '|' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

export function parseModels(markdown: string): Model[] {
  const models: Model[] = [];
  let current: Model | null = null;
  for (const line of markdown.split('\n')) {
    const heading = /^### (\w+)(?: \((?:extends (\w+)|(enum))\))?\s*$/.exec(line);
    if (heading) {
      current = { name: heading[1]!, parent: heading[2] ?? null, enumValues: heading[3] ? [] : null, fields: [] };
      models.push(current);
      continue;
    }
    if (!current) continue;
    if (current.enumValues && current.enumValues.length === 0 && /^[A-Z0-9_]+( \| [A-Z0-9_]+)*$/.test(line.trim())) {
      current.enumValues = line.trim().split(' | ');
      continue;
    }
    const row = /^\| `(\w+)` \|/.test(line) ? cells(line) : null;
    if (row) current.fields.push({ name: row[0]!.replace(/`/g, ''), type: row[1]!, required: row[2] === 'yes', constraints: row[3] ?? '' });
  }
  for (const m of models) m.fields.push(...(SUPPLEMENT[m.name] ?? []));
  return models;
}

/** A Java string literal's content as the regex it spells ("\\d" → \d), anchored as Java's matches(). */
function javaPattern(literal: string): string {
  return `^(?:${literal.replace(/\\\\/g, '\\')})$`;
}

function constraintsOf(text: string): JsonSchema {
  const out: JsonSchema = {};
  const pattern = /Pattern\("((?:[^"\\]|\\.)*)"\)/.exec(text);
  if (pattern) out.pattern = javaPattern(pattern[1]!);
  const length = /(?:Length|Size)\(([^)]*)\)/.exec(text);
  if (length) {
    const min = /min = (\d+)/.exec(length[1]!);
    const max = /max = (\d+)/.exec(length[1]!);
    if (min && Number(min[1]) > 0) out.minLength = Number(min[1]);
    if (max) out.maxLength = Number(max[1]);
  }
  return out;
}

function typeSchema(type: string, known: Set<string>): JsonSchema {
  const list = /^List<(\w+)>$/.exec(type);
  if (list) return { type: 'array', items: typeSchema(list[1]!, known) };
  const map = /^HashMap<String, (\w+)>$/.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!, known) };
  const en = /^enum\{(.*)\}$/.exec(type);
  // `KeepsTripping (constant KEEPS_TRIPPING)`: the string travels; we send only that.
  if (en) return { type: 'string', enum: en[1]!.split('|').map((v) => v.replace(/ \(constant \w+\)$/, '')) };
  switch (type) {
    case 'String':
      return { type: 'string' };
    case 'Long':
    case 'Integer':
    case 'int':
      return { type: 'integer' };
    case 'BigDecimal':
    case 'Double':
    case 'double':
      return { type: 'number' };
    case 'Boolean':
    case 'boolean':
      return { type: 'boolean' };
    case 'DateTime':
      return { type: 'string', format: 'date-time' };
    case 'Object':
      return {};
  }
  // A model the reference names but does not list (EncryptionParameters): any object.
  return known.has(type) ? { $ref: `#/$defs/${type}` } : { type: 'object', $comment: `${type}: not listed in MODELS.md` };
}

export function jsonSchemaFromModels(markdown: string): JsonSchema {
  const models = parseModels(markdown);
  const byName = new Map(models.map((m) => [m.name, m]));
  const known = new Set(byName.keys());
  const hasSubclasses = new Set(models.map((m) => m.parent).filter((p): p is string => p !== null));
  const lineage = (m: Model): Field[] => [...(m.parent && byName.has(m.parent) ? lineage(byName.get(m.parent)!) : []), ...m.fields];
  const defs: Record<string, JsonSchema> = {};
  for (const m of [...models].sort((a, b) => a.name.localeCompare(b.name))) {
    if (m.enumValues) {
      defs[m.name] = { type: 'string', enum: m.enumValues };
      continue;
    }
    const fields = lineage(m);
    const polymorphic = hasSubclasses.has(m.name) && fields.some((f) => f.name === 'type' && f.required && f.type.startsWith('enum{'));
    const properties: Record<string, JsonSchema> = {};
    for (const f of fields) properties[f.name] = { ...typeSchema(f.type, known), ...(f.type === 'String' ? constraintsOf(f.constraints) : {}) };
    const required = fields.filter((f) => f.required).map((f) => f.name);
    defs[m.name] = {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...(polymorphic ? {} : { additionalProperties: false }),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://ppu-till.local/schema/ppu-v3.13.schema.json',
    $comment: 'Generated by scripts/ppu-json-schema.ts from shared/reference/ppu-v3/MODELS.md (PPU v3.13.0, service-interface-base v3.34.0). Do not edit by hand.',
    $defs: defs,
  };
}

export function schemaText(markdown: string): string {
  return JSON.stringify(jsonSchemaFromModels(markdown), null, 2) + '\n';
}

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** MODELS.md in shared/reference/ppu-v3 beside the project or a parent folder; null when absent. */
export function findModelsMd(): string | null {
  if (process.env.PPU_REFERENCE_DIR) return join(process.env.PPU_REFERENCE_DIR, 'MODELS.md');
  for (let dir = PROJECT_ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'reference', 'ppu-v3', 'MODELS.md');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const source = process.argv[2] ?? findModelsMd();
  if (!source || !existsSync(source)) {
    console.error('MODELS.md not found: pass its path, or set PPU_REFERENCE_DIR to the reference folder.');
    process.exit(1);
  }
  writeFileSync(join(PROJECT_ROOT, SCHEMA_FILE), schemaText(readFileSync(source, 'utf8')));
  console.log(`wrote ${SCHEMA_FILE} from ${source}`);
}
