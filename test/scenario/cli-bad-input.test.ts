/**
 * Bad input through the CLI (child processes): a clear message, a non-zero exit status and
 * never a stack trace — malformed scenario, unknown step, unknown device, missing file, bad
 * seed, a lab whose port is taken, an unknown lab, grading a lab that never ran.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/proc.js';
import { ROOT, twinArgs } from '../helpers/twin.js';
import { consecutiveFreePorts } from './ports.js';

const dir = mkdtempSync(join(tmpdir(), 'scn-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const twin = (...a: string[]) => run(...twinArgs(...a), { cwd: ROOT, timeoutMs: 60_000 });
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n|Error: .*\n\s+at /);

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const LAB = `lab:\n  devices:\n    - name: R1\n      startupConfig: |\n        hostname R1\n`;

describe('twin play: bad scenario files', () => {
  it('malformed YAML: file:line:col, exit 2', async () => {
    const f = file('malformed.yaml', `name: x\n${LAB}steps:\n  - type: [show clock\n  - advance: 1d\n`);
    const r = await twin('play', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`invalid scenario:\\n${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: `));
    noStack(r.stderr + r.stdout);
  });

  it('unknown step: names it, where it is, and the valid ones', async () => {
    const f = file('step.yaml', `name: x\n${LAB}steps:\n  - open: R1\n  - tpye: show clock\n`);
    const r = await twin('play', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:9:5: steps.1: unknown step "tpye" (a step is one of: phase, note, open,`);
    noStack(r.stderr);
  });

  it('unknown device', async () => {
    const f = file('device.yaml', `name: x\n${LAB}steps:\n  - open: { device: R2 }\n`);
    const r = await twin('play', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:8:21: unknown device "R2" (the lab has: R1)`);
    noStack(r.stderr);
  });

  it('missing file, bad --seed', async () => {
    const r = await twin('play', join(dir, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.yaml: file not found');
    noStack(r.stderr);
    const s = await twin('play', '--seed', 'abc', join(dir, 'nope.yaml'));
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain("option '--seed <n>' argument 'abc' is invalid");
    noStack(s.stderr);
  });

  it('a failing scenario exits 1 and prints seed, phase, transcript tail and diff', async () => {
    const f = file('fail.yaml', `name: failing\nseed: 77\n${LAB}steps:\n  - phase: look at the clock\n  - open: R1\n  - type: show clock\n    expect: { contains: "1999" }\n`);
    const r = await twin('play', f);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL failing');
    expect(r.stdout).toContain('seed:  77');
    expect(r.stdout).toContain('phase: look at the clock');
    expect(r.stdout).toContain('| R1#show clock');
    noStack(r.stdout + r.stderr);
  });
});

describe('twin lab: bad input', () => {
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  it('a lab whose port is taken: clear message, exit 2', async () => {
    const base = await consecutiveFreePorts(2);
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(base + 1, '127.0.0.1', () => r()));
    const r = await twin('lab', 'autoenroll-setup', '--ssh-port', String(base), '--state-dir', join(dir, 'lab-port'), '--plain');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`twin lab: R1: port 127.0.0.1:${base + 1} is already in use`);
    noStack(r.stderr);
  });

  it('unknown lab, and grading a lab that never ran', async () => {
    const r = await twin('lab', 'no-such-lab');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/twin lab: unknown lab "no-such-lab" \(labs: .*autoenroll-setup/);
    noStack(r.stderr);
    const c = await twin('lab', 'manual-enroll', '--check', '--state-dir', join(dir, 'never'));
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('twin lab: no state of lab manual-enroll in');
    noStack(c.stderr);
  });

  it('a broken lab file given by path', async () => {
    const f = file('lab-bad.yaml', `name: bad\ntitle: T\nlevel: expert\ndescription: d\ndevices: []\ntasks: []\n`);
    const r = await twin('lab', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f}:3:8: level: Invalid option`);
    noStack(r.stderr);
  });
});
