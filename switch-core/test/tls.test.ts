/** The switch over HTTPS with mutual TLS: a till with a client certificate from the CA gets through; one without does not. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PpuClient } from '../protocol';
import { lookupRequest } from '../protocol/test/fixtures';
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
