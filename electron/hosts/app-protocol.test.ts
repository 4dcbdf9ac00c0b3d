/** The app:// origin's rules: only files of the built renderer, our own frame only, one CSP everywhere. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CSP_HEADER, contentTypeOf, isTrustedSenderUrl, resolveAppFile } from './app-protocol';

const dist = resolve('/srv/till/dist/renderer');

it('serves the renderer files and nothing outside them', () => {
  expect(resolveAppFile(dist, 'app://till/index.html')).toBe(join(dist, 'index.html'));
  expect(resolveAppFile(dist, 'app://till/')).toBe(join(dist, 'index.html'));
  expect(resolveAppFile(dist, 'app://till/assets/index-1a2b.js')).toBe(join(dist, 'assets/index-1a2b.js'));
  for (const escape of ['app://till/../../etc/passwd', 'app://till/%2e%2e/%2e%2e/etc/passwd', 'app://till/assets%2F..%2F..%2F..%2Fsecrets.json', 'app://till/a%5C..%5C..%5Csecrets.json', 'app://till/x%00.js']) {
    const file = resolveAppFile(dist, escape);
    expect(file === null || file.startsWith(dist + '/'), escape).toBe(true);
  }
  expect(resolveAppFile(dist, 'app://till/assets%2F..%2F..%2F..%2Fsecrets.json')).toBeNull();
  expect(resolveAppFile(dist, 'app://evil/index.html')).toBeNull();
  expect(resolveAppFile(dist, 'file:///srv/till/dist/renderer/index.html')).toBeNull();
  expect(resolveAppFile(dist, 'not a url')).toBeNull();
});

it('names the content types the renderer needs', () => {
  expect(contentTypeOf('/x/index.html')).toMatch(/^text\/html/);
  expect(contentTypeOf('/x/a.JS')).toMatch(/^text\/javascript/);
  expect(contentTypeOf('/x/unknown.bin')).toBe('application/octet-stream');
});

it('answers IPC only for frames on app://till', () => {
  expect(isTrustedSenderUrl('app://till/index.html')).toBe(true);
  expect(isTrustedSenderUrl('app://till/index.html#/sell')).toBe(true);
  for (const other of ['file:///srv/till/dist/renderer/index.html', 'https://till.example/', 'app://tilll/index.html', 'data:text/html,x', '', undefined]) {
    expect(isTrustedSenderUrl(other), String(other)).toBe(false);
  }
});

it('renderer/index.html carries the same CSP as a meta tag, and the header adds frame-ancestors', () => {
  const html = readFileSync(resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  expect(CSP_HEADER).toBe(`${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
});
