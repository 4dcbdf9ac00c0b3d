/**
 * vitest setup file: each test file gets a temp folder of its own as TMPDIR — for itself and for the
 * processes it starts, which inherit the environment — removed after the file. Tests make switch and
 * till data dirs by the hundred; left in /tmp they piled up (over 1,500 folders per run).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// A worker runs several files one after another in the same process: keep the real temp dir.
const outer = (process.env.PPU_TEST_OUTER_TMPDIR ??= tmpdir());
const dir = mkdtempSync(join(outer, 'ppu-test-'));
// The postgres user (tests run as root) must pass through to a scratch cluster made inside.
chmodSync(dir, 0o711);
process.env.TMPDIR = dir;

afterAll(() => {
  process.env.TMPDIR = outer;
  rmSync(dir, { recursive: true, force: true });
});
