/** Seeded fuzz: random lines never crash match/help/complete, and error columns stay inside the line. */
import { expect, it } from 'vitest';
import { Grammar } from '../../cli-grammar/engine.js';
import { COMMANDS, MODES } from './fixture.js';

it('survives random lines in every mode', () => {
  const g = new Grammar(MODES, COMMANDS);
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  const atoms = ['show', 'sh', 's', 'ip', 'i', 'no', 'do', 'default', 'crypto', 'key', 'pki', 'int', 'fa', '0/0', 'fa0/0', '10.0.0.1',
    '255.0.0.0', '2048', '99999', 'auto-enroll', 'regen', 'http://x:1/', '1d', 'x', '?', '|', '"', 'ÄÖ', '\t', '', 'clock', 'set', '10:00:00', 'jan'];
  let n = 0;
  for (let k = 0; k < 3000; k++) {
    const words = Array.from({ length: rnd(8) }, () => atoms[rnd(atoms.length)]);
    const line = ' '.repeat(rnd(3)) + words.join(' '.repeat(1 + rnd(2))) + (rnd(2) ? ' ' : '');
    for (const mode of MODES) {
      const priv = rnd(2) ? 15 : 1;
      const r = g.match(mode.id, line, priv);
      if (r.kind === 'invalid') {
        expect(r.column).toBeGreaterThanOrEqual(0);
        expect(r.column).toBeLessThanOrEqual(line.length);
      }
      if (r.kind === 'ok') { expect(typeof r.id).toBe('string'); n++; }
      const h = g.help(mode.id, line, priv);
      expect(['list', 'words', 'ambiguous', 'invalid']).toContain(h.kind);
      const c = g.complete(mode.id, line, priv);
      if (c !== null) expect(c.length).toBeGreaterThan(line.trimEnd().length - 1);
    }
  }
  expect(n).toBeGreaterThan(0);
});
