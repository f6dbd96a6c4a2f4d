#!/usr/bin/env node
// `twin` as an installed command (package.json "bin"): load the TypeScript entry through tsx.
// The entry's exports are re-exported: this file shadows twin.ts for `import '.../twin.js'`
// at run time (test/ssh/lab.test.ts imports applyOverrides that way).
import { register } from 'tsx/esm/api';

register();
const entry = await import('./twin.ts');
export const { applyOverrides, serve, buildProgram, main } = entry;
