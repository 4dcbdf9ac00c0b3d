/** The switch over HTTPS with mutual TLS: a till with a client certificate from the CA gets through; one without does not. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PpuClient } from '../protocol';
import { lookupRequest } from '../protocol/test/fixtures';
import { loadProvidersFile } from '../config/providers-file';
import { startSwitch, type RunningSwitch } from '../index';

let dir: string;
let sw: RunningSwitch;
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switch-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CA');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', 'san.ext');
  }
  sw = await startSwitch({
    dataDir: join(dir, 'data'),
    port: 0,
    profile: 'certification',
    auth: { username: 'till', password: 'pw' },
    tls: { keyPath: join(dir, 'server.key'), certPath: join(dir, 'server.pem'), caPath: join(dir, 'ca.pem') },
  });
});

afterAll(async () => {
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS and mTLS', () => {
  it('serves https; a client certificate signed by the CA is required', async () => {
    expect(sw.url).toMatch(/^https:/);
    const ca = readFileSync(join(dir, 'ca.pem'));
    const withCert = new PpuClient({ baseUrl: sw.url, username: 'till', password: 'pw', tls: { ca, cert: readFileSync(join(dir, 'client.pem')), key: readFileSync(join(dir, 'client.key')) } });
    expect((await withCert.meterLookup(lookupRequest('TST001'))).outcome).toBe('successful');
    const noCert = new PpuClient({ baseUrl: sw.url, username: 'till', password: 'pw', tls: { ca } });
    const refused = await noCert.meterLookup(lookupRequest('TST001'));
    expect(refused.outcome).toBe('unknown');
    expect(refused.status).toBeNull();
    await withCert.close();
    await noCert.close();
  });
});

describe('an external provider over mTLS from a providers file', () => {
  const fileFor = (tls: Record<string, string>): string => {
    const path = join(dir, `providers-${Object.keys(tls).length}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        providers: [
          {
            id: 'EXT1',
            name: 'Upstream over mTLS',
            baseUrl: `${sw.url}/prepaidutility/v3`,
            username: 'till',
            passwordEnv: 'UPSTREAM_PASSWORD',
            capabilities: ['retries'],
            utilityTypes: ['ELECTRICITY'],
            weight: 1,
            timeoutMs: 5000,
            tls,
          },
        ],
        utilities: [{ id: 'U-TEST', name: 'Test server utility', utilityType: 'ELECTRICITY', ranked: ['EXT1'], excluded: [] }],
      }),
    );
    return path;
  };

  const sellThrough = async (file: string, data: string): Promise<string> => {
    const loaded = loadProvidersFile(file, { UPSTREAM_PASSWORD: 'pw' });
    if (!loaded.ok) throw new Error(loaded.message);
    // Not under `dir`: the store's checkpoint worker may still be opening its file after close (store race, reported).
    const front = await startSwitch({ dataDir: mkdtempSync(join(tmpdir(), data)), port: 0, auth: { username: 'shop', password: 'shop-pw' }, providers: loaded.value.providers, contractSeed: loaded.value.seed });
    const client = new PpuClient({ baseUrl: front.url, username: 'shop', password: 'shop-pw' });
    try {
      return (await client.meterLookup(lookupRequest('TST001'))).outcome;
    } finally {
      await client.close();
      await front.close();
    }
  };

  it('reaches the provider with the client certificate the file names (paths relative to the file)', async () => {
    expect(await sellThrough(fileFor({ caPath: 'ca.pem', certPath: 'client.pem', keyPath: 'client.key' }), 'front-mtls-')).toBe('successful');
  });

  it('without the client certificate the provider refuses the connection', async () => {
    expect(await sellThrough(fileFor({ caPath: 'ca.pem' }), 'front-ca-only-')).not.toBe('successful');
  });
});
