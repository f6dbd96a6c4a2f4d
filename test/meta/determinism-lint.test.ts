/**
 * The determinism rule, enforced: inside sim/, pki/ and cli-grammar/ nothing reads real time,
 * real randomness or real timers, except the I/O edge (sim/transport/, sim/bin/) and the
 * terminal UI edge that paces real time (sim/dashboard/ is allowed timers only via transport).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SCANNED = ['sim', 'pki', 'cli-grammar'];
const EDGE = [/^sim\/transport\//, /^sim\/bin\//];
const BANNED: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\s*\(/, 'new Date()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\brandomBytes\s*\(/, 'crypto.randomBytes()'],
  [/\brandomUUID\s*\(/, 'crypto.randomUUID()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bsetTimeout\s*\(/, 'setTimeout()'],
  [/\bsetInterval\s*\(/, 'setInterval()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
];

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

/** Drop comments so documentation may name the banned calls. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('determinism rule', () => {
  const files = SCANNED.flatMap((d) => walk(join(ROOT, d), []))
    .map((f) => relative(ROOT, f).split('\\').join('/'))
    .filter((f) => !EDGE.some((re) => re.test(f)));

  it('scans the simulator, PKI and grammar sources', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files).toContain('sim/kernel/scheduler.ts');
  });

  it('finds no real clock, randomness or timer outside the I/O edge', () => {
    const hits: string[] = [];
    for (const f of files) {
      const lines = code(readFileSync(join(ROOT, f), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const [re, what] of BANNED) if (re.test(line)) hits.push(`${f}:${i + 1}: ${what}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('would catch a violation (self-check of the scanner)', () => {
    const sample = code('const t = Date.now(); // Date.now() in a comment is fine\n/* Math.random() */');
    expect(BANNED.some(([re]) => re.test(sample))).toBe(true);
    expect(/Math\.random/.test(sample)).toBe(false);
  });
});
