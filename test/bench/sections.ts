/**
 * The list of benchmark sections `npm run bench` runs, in order. To add one: create
 * test/bench/<name>.bench.ts with a default-exported BenchSection and add a line here.
 */
import type { BenchSection } from './types.js';

export const SECTIONS: { name: string; load: () => Promise<{ default: BenchSection }> }[] = [
  { name: 'startup', load: () => import('./startup.bench.js') },
  { name: 'login', load: () => import('./login.bench.js') },
  { name: 'cli', load: () => import('./cli.bench.js') },
  { name: 'scale', load: () => import('./scale.bench.js') },
  { name: 'rollover', load: () => import('./rollover.bench.js') },
  { name: 'scep', load: () => import('./scep.bench.js') },
  { name: 'ike', load: () => import('./ike.js') },
  { name: 'scenarios', load: () => import('./scenarios.js') },
];
