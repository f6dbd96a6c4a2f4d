/**
 * Benchmark (prints figures, asserts only results): match speed in a config mode with ~130 commands.
 */
import { expect, it } from 'vitest';
import { Grammar } from '../../cli-grammar/engine.js';
import type { CommandSpec } from '../../cli-grammar/types.js';
import { COMMANDS, MODES } from './fixture.js';

it('matches typical config lines quickly (figures printed)', () => {
  const extra: CommandSpec[] = [];
  for (let i = 0; i < 100; i++) {
    extra.push({ id: `x${i}`, modes: ['config'], syntax: `feature${i} [opt <1-100>$n] WORD$w`, help: { [`feature${i}`]: 'x', opt: 'o', n: 'n', w: 'w' } });
  }
  const t0 = performance.now();
  const g = new Grammar(MODES, [...COMMANDS, ...extra]);
  const build = performance.now() - t0;
  const lines = [
    'username admin privilege 15 secret cisco123',
    'crypto key generate rsa general-keys label TP modulus 2048',
    'hostname R1',
    'int fa0/0',
    'feature57 opt 5 name',
  ];
  const figures: string[] = [`build ${build.toFixed(2)} ms for ${COMMANDS.length + extra.length} commands`];
  for (const l of lines) {
    expect(g.match('config', l, 15).kind, l).toBe('ok');
    for (let i = 0; i < 1000; i++) g.match('config', l, 15);
    const n = 10_000;
    const s = performance.now();
    for (let i = 0; i < n; i++) g.match('config', l, 15);
    figures.push(`${((performance.now() - s) / n * 1000).toFixed(2)} us  ${l}`);
  }
  console.log(`[grammar bench]\n  ${figures.join('\n  ')}`);
});
