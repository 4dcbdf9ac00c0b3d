#!/usr/bin/env node
// Stable entry point for `ppu-printer` (field techs and scripts rely on the name); runs the TypeScript
// source through tsx so there is no separate build step for the Node-side tools.
import { register } from 'tsx/esm/api';

register();
await import('../../printer/cli.ts');
