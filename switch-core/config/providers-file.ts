/**
 * The providers file of `ppu-switch serve --providers FILE`: the external PPU v3 providers the switch
 * routes to (where, how it authenticates — basic auth, or OAuth2 client credentials — optional mTLS,
 * capabilities, utility types, weight, timeout) and, optionally, each utility's ranked and excluded
 * providers. Validated whole before the switch starts: a wrong file yields one message naming the
 * field (`providers[0].tls.keyPath: ...`), never a stack trace. Secrets are read from the file or the
 * environment here and go no further than the PPU client's Authorization header.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { UtilityType } from '../protocol';
import { bearerSource } from '../oauth2/client-credentials';
import type { ProfileSeed, ProviderCapabilities, ProviderEndpoint } from '../providers/types';
import { ppuRoot } from './ppu-base-url';

const CAPABILITY_NAMES = {
  retries: 'retries',
  reprints: 'reprints',
  trialPurchases: 'trialPurchases',
  faultReports: 'faultReports',
  keyChangeTokens: 'keyChange',
} as const satisfies Record<string, keyof ProviderCapabilities>;

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be 1-20 letters, digits, _ or -');
const Text = z.string().min(1, 'is required').max(80, 'at most 80 characters');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const HttpUrl = z.string().refine((s) => /^https?:\/\/[^\s]+$/.test(s), 'must be an http:// or https:// URL');

const Provider = z
  .strictObject({
    id: Id,
    name: Text,
    baseUrl: z.string(),
    username: z.string().min(1, 'is required').max(100).optional(),
    password: z.string().min(1, 'must not be empty').optional(),
    passwordEnv: EnvName.optional(),
    capabilities: z.array(z.enum(Object.keys(CAPABILITY_NAMES) as [keyof typeof CAPABILITY_NAMES])),
    utilityTypes: z.array(UtilityType).min(1, 'name at least one utility type'),
    weight: z.number().int('must be a whole number').min(0).max(1000).default(1),
    timeoutMs: z.number().int('must be a whole number of ms').min(1000, 'at least 1000 ms').max(180_000, 'at most 180000 ms').default(15_000),
    tls: z.strictObject({ caPath: z.string().min(1).optional(), certPath: z.string().min(1).optional(), keyPath: z.string().min(1).optional() }).optional(),
    auth: z
      .strictObject({
        type: z.literal('oauth2'),
        tokenUrl: HttpUrl,
        clientId: z.string().min(1, 'is required'),
        clientSecretEnv: EnvName,
        scope: z.string().min(1).optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    const root = ppuRoot(p.baseUrl);
    if (!root.ok) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: root.message });
    if (p.auth) {
      for (const k of ['username', 'password', 'passwordEnv'] as const) {
        if (p[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'not used with auth.type "oauth2"; remove it' });
      }
    } else {
      if (p.username === undefined) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required for basic auth' });
      if ((p.password === undefined) === (p.passwordEnv === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['password'], message: 'give exactly one of password or passwordEnv' });
      }
    }
    if (p.tls && !p.baseUrl.startsWith('https:')) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'needs an https:// baseUrl' });
    if (p.tls && (p.tls.certPath === undefined) !== (p.tls.keyPath === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls', p.tls.certPath === undefined ? 'certPath' : 'keyPath'], message: 'certPath and keyPath go together (mTLS)' });
    }
    if (new Set(p.capabilities).size !== p.capabilities.length) ctx.addIssue({ code: 'custom', path: ['capabilities'], message: 'lists a capability twice' });
  });

const Utility = z.strictObject({
  id: Id,
  name: Text,
  utilityType: UtilityType,
  ranked: z.array(z.string()).default([]),
  excluded: z.array(z.string()).default([]),
});

const File = z
  .strictObject({ providers: z.array(Provider).min(1, 'list at least one provider'), utilities: z.array(Utility).optional() })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.providers.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['providers', i, 'id'], message: `"${p.id}" is used by another provider` });
      ids.add(p.id);
    });
    const utilityIds = new Set<string>();
    (f.utilities ?? []).forEach((u, i) => {
      if (utilityIds.has(u.id)) ctx.addIssue({ code: 'custom', path: ['utilities', i, 'id'], message: `"${u.id}" is used by another utility` });
      utilityIds.add(u.id);
      for (const list of ['ranked', 'excluded'] as const) {
        u[list].forEach((id, j) => {
          if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['utilities', i, list, j], message: `"${id}" is not a provider id in this file` });
        });
      }
      const both = u.ranked.find((id) => u.excluded.includes(id));
      if (both) ctx.addIssue({ code: 'custom', path: ['utilities', i, 'excluded'], message: `"${both}" is also ranked` });
    });
  });

export type ProvidersFile = { readonly providers: readonly ProviderEndpoint[]; readonly seed: ProfileSeed };
export type ProvidersFileResult = { ok: true; value: ProvidersFile } | { ok: false; message: string };

/** `providers[0].tls.keyPath` from zod's path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '') || '(file)';
}

const fail = (field: string, message: string): ProvidersFileResult => ({ ok: false, message: `${field}: ${message}` });

/**
 * Reads and checks a providers file. Relative tls paths are read from the file's directory.
 * `env` supplies passwordEnv and clientSecretEnv (process.env in production).
 */
export function loadProvidersFile(path: string, env: Readonly<Record<string, string | undefined>> = process.env): ProvidersFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, message: `cannot read the providers file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // Only where: the parser's own message may quote the text around the error, a password included.
    const where = /(at position \d+(?: \(line \d+ column \d+\))?)/.exec(e instanceof Error ? e.message : '')?.[1];
    return { ok: false, message: `the providers file ${path} is not valid JSON${where ? ` (${where})` : ''}` };
  }
  return parseProvidersFile(json, env, (p) => readFileSync(resolve(dirname(path), p)));
}

export function parseProvidersFile(json: unknown, env: Readonly<Record<string, string | undefined>>, readPem: (path: string) => Buffer): ProvidersFileResult {
  const parsed = File.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(fieldName(issue?.path ?? []), issue?.message ?? 'invalid');
  }
  const providers: ProviderEndpoint[] = [];
  for (const [i, p] of parsed.data.providers.entries()) {
    const at = `providers[${i}]`;
    const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
    for (const [field, key] of [['caPath', 'ca'], ['certPath', 'cert'], ['keyPath', 'key']] as const) {
      const file = p.tls?.[field];
      if (file === undefined) continue;
      try {
        tls[key] = readPem(file);
      } catch (e) {
        return fail(`${at}.tls.${field}`, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
    const secretFrom = (name: string): string | null => env[name] || null;
    let password = p.password ?? '';
    if (p.passwordEnv !== undefined) {
      const v = secretFrom(p.passwordEnv);
      if (v === null) return fail(`${at}.passwordEnv`, `environment variable ${p.passwordEnv} is not set`);
      password = v;
    }
    let authorization: (() => Promise<string>) | undefined;
    if (p.auth) {
      const secret = secretFrom(p.auth.clientSecretEnv);
      if (secret === null) return fail(`${at}.auth.clientSecretEnv`, `environment variable ${p.auth.clientSecretEnv} is not set`);
      authorization = bearerSource({ tokenUrl: p.auth.tokenUrl, clientId: p.auth.clientId, clientSecret: secret, scope: p.auth.scope, tls, timeoutMs: p.timeoutMs });
    }
    const root = ppuRoot(p.baseUrl);
    if (!root.ok) return fail(`${at}.baseUrl`, root.message);
    const capabilities: ProviderCapabilities = { retries: false, reprints: false, trialPurchases: false, faultReports: false, keyChange: false };
    for (const c of p.capabilities) Object.assign(capabilities, { [CAPABILITY_NAMES[c]]: true });
    providers.push({
      descriptor: { id: p.id, name: p.name, capabilities, utilityTypes: p.utilityTypes },
      baseUrl: root.root,
      username: p.auth ? p.auth.clientId : (p.username ?? ''),
      password,
      timeoutMs: p.timeoutMs,
      ...(Object.keys(tls).length > 0 ? { tls } : {}),
      ...(authorization ? { authorization } : {}),
    });
  }
  return {
    ok: true,
    value: {
      providers,
      seed: {
        utilities: (parsed.data.utilities ?? []).map((u) => ({ id: u.id, name: u.name, utilityType: u.utilityType, ranked: u.ranked, excluded: u.excluded })),
        contractTable: [],
        weights: Object.fromEntries(parsed.data.providers.map((p) => [p.id, p.weight])),
      },
    },
  };
}
