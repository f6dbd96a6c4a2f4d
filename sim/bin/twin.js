#!/usr/bin/env node
// `twin` as an installed command (package.json "bin"): load the TypeScript entry through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./twin.ts');
