import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test/cli-process';
import { parseProvidersFile } from './providers-file';
import { ppuRoot } from './ppu-base-url';

/** The issue's own example, field for field. */
const EXAMPLE = {
  providers: [
    {
      id: 'EXT1',
      name: 'Electrum test server',
      baseUrl: 'https://host:8443/prepaidutility/v3',
      username: 'u',
      password: 'p',
      capabilities: ['retries', 'reprints', 'trialPurchases', 'faultReports', 'keyChangeTokens'],
      utilityTypes: ['ELECTRICITY'],
      weight: 1,
      timeoutMs: 20000,
    },
  ],
  utilities: [{ id: 'U-CPT', name: 'City of Cape Town', utilityType: 'ELECTRICITY', ranked: ['EXT1'], excluded: [] }],
};
const noFiles = (p: string): Buffer => {
  throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
};
const parse = (json: unknown, env: Record<string, string> = {}) => parseProvidersFile(json, env, noFiles);
const withProvider = (patch: Record<string, unknown>) => ({ ...EXAMPLE, providers: [{ ...EXAMPLE.providers[0], ...patch }] });

describe('providers file', () => {
  it("reads the issue's example: the provider, its capabilities, weight, timeout and the utility's ranking", () => {
    const r = parse(EXAMPLE);
    if (!r.ok) throw new Error(r.message);
    const [p] = r.value.providers;
    expect(p).toMatchObject({
      descriptor: { id: 'EXT1', name: 'Electrum test server', utilityTypes: ['ELECTRICITY'], capabilities: { retries: true, reprints: true, trialPurchases: true, faultReports: true, keyChange: true } },
      baseUrl: 'https://host:8443',
      username: 'u',
      password: 'p',
      timeoutMs: 20000,
    });
    expect(r.value.seed).toEqual({ utilities: [{ id: 'U-CPT', name: 'City of Cape Town', utilityType: 'ELECTRICITY', ranked: ['EXT1'], excluded: [] }], contractTable: [], weights: { EXT1: 1 } });
  });

  it('without utilities there is no ranking (unknown meters are broadcast to every provider)', () => {
    const r = parse({ providers: EXAMPLE.providers });
    expect(r.ok && r.value.seed.utilities).toEqual([]);
  });

  it('takes the password from the environment variable passwordEnv names', () => {
    const { password: _p, ...rest } = EXAMPLE.providers[0]!;
    const r = parse({ providers: [{ ...rest, passwordEnv: 'EXT1_PASSWORD' }] }, { EXT1_PASSWORD: 'from-env' });
    expect(r.ok && r.value.providers[0]?.password).toBe('from-env');
  });

  it.each([
    ['a missing baseUrl', withProvider({ baseUrl: undefined }), 'providers[0].baseUrl'],
    ['a base URL under another path', withProvider({ baseUrl: 'https://host/api/v2' }), 'providers[0].baseUrl: must end in /prepaidutility/v3'],
    ['a misspelt field', withProvider({ pasword: 'p' }), 'pasword'],
    ['password and passwordEnv both', withProvider({ passwordEnv: 'X' }), 'providers[0].password: give exactly one of password or passwordEnv'],
    ['an unknown capability', withProvider({ capabilities: ['refunds'] }), 'providers[0].capabilities[0]'],
    ['a fractional weight', withProvider({ weight: 1.5 }), 'providers[0].weight'],
    ['a timeout below a second', withProvider({ timeoutMs: 10 }), 'providers[0].timeoutMs: at least 1000 ms'],
    ['mTLS with a certificate and no key', withProvider({ tls: { certPath: 'c.pem' } }), 'providers[0].tls.keyPath'],
    ['a ranked provider the file does not list', { ...EXAMPLE, utilities: [{ ...EXAMPLE.utilities[0], ranked: ['EXT9'] }] }, 'utilities[0].ranked[0]: "EXT9" is not a provider id'],
    ['two providers with one id', { providers: [EXAMPLE.providers[0], EXAMPLE.providers[0]] }, 'providers[1].id'],
    ['OAuth2 with a password as well', withProvider({ auth: { type: 'oauth2', tokenUrl: 'https://host/token', clientId: 'c', clientSecretEnv: 'S' } }), 'providers[0].username: not used with auth.type "oauth2"'],
    ['an unreadable CA file', withProvider({ tls: { caPath: 'ca.pem' } }), 'providers[0].tls.caPath: cannot read ca.pem: ENOENT'],
    ['an unset passwordEnv', withProvider({ password: undefined, passwordEnv: 'NOT_SET' }), 'providers[0].passwordEnv: environment variable NOT_SET is not set'],
  ])('refuses %s, naming the field', (_what, json, message) => {
    const r = parse(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it('never repeats a secret in its message', () => {
    const r = parse(withProvider({ password: 'hunter2-secret', weight: -1 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toContain('hunter2');
  });
});

describe('base URLs as providers publish them', () => {
  it.each([
    ['https://host:8443/prepaidutility/v3', 'https://host:8443'],
    ['https://host:8443/prepaidutility/v3/', 'https://host:8443'],
    ['https://host/gateway/prepaidutility/v3', 'https://host/gateway'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
  ])('%s is served under %s', (url, root) => {
    expect(ppuRoot(url)).toEqual({ ok: true, root });
  });
  it('refuses another path and non-http schemes', () => {
    expect(ppuRoot('https://host/prepaidutility/v2').ok).toBe(false);
    expect(ppuRoot('ftp://host').ok).toBe(false);
  });
});

describe('ppu-switch serve with a wrong providers file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'providers-file-'));

  it('stops with a message naming the field and no stack trace', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(withProvider({ timeoutMs: 'soon' })));
    const r = await runCli(['serve', '--port', '0', '--data', join(dir, 'data'), '--providers', file]);
    expect(r.code).toBe(2);
    expect(r.output).toContain('providers[0].timeoutMs');
    expect(r.output).not.toMatch(/\n\s+at /);
  });

  it('a file that is not JSON is refused without quoting its text', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"providers": [{"password": hunter2-secret}]}');
    const r = await runCli(['serve', '--port', '0', '--data', join(dir, 'data'), '--providers', file]);
    expect(r.code).toBe(2);
    expect(r.output).toContain('is not valid JSON');
    expect(r.output).not.toContain('hunter2');
  });

  it('refuses --profile together with --providers', async () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(EXAMPLE));
    const r = await runCli(['serve', '--port', '0', '--data', join(dir, 'data'), '--providers', file, '--profile', 'certification']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--profile and --providers exclude each other/);
  });
});
