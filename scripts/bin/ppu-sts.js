#!/usr/bin/env node
// Stable entry point for `ppu-sts` (field techs and scripts rely on the name); runs the TypeScript
// source through tsx so there is no separate build step for the Node-side tools.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../switch-core/sts-tools/cli.ts');
await main(process.argv);
