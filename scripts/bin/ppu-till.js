#!/usr/bin/env node
// Stable entry point for `ppu-till` (field techs and scripts rely on the name); runs the TypeScript
// source through tsx so there is no separate build step for the Node-side tools.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../../electron/cli.ts');
await runCli(process.argv.slice(2));
