/** `twin` command line: help, bad flags and values, bad lab files → one clear message, non-zero exit. */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../helpers/proc.js';
import { ROOT, tempDir, twinArgs } from '../helpers/twin.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function twin(...args: string[]) {
  const [cmd, argv] = twinArgs(...args);
  return run(cmd, argv, { cwd: ROOT, timeoutMs: 30_000 });
}

function oneClearError(r: { code: number | null; stderr: string; stdout: string }, re: RegExp) {
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stderr).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
}

describe('twin CLI', () => {
  it('--help lists serve and its options, exit 0', async () => {
    const r = await twin('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serve');
    const s = await twin('serve', '--help');
    expect(s.code).toBe(0);
    for (const o of ['--lab', '--state-dir', '--host', '--ssh-port', '--seed', '--rate']) expect(s.stdout).toContain(o);
  });

  it('unknown flags, bad values and unknown commands', async () => {
    oneClearError(await twin('serve', '--bogus'), /^twin: unknown option '--bogus'/);
    oneClearError(await twin('serve', '--ssh-port', 'abc'), /^twin: option '--ssh-port <port>' argument 'abc' is invalid/);
    oneClearError(await twin('serve', '--ssh-port', '0'), /must be a port number/);
    oneClearError(await twin('serve', '--seed', '-3'), /--seed/);
    oneClearError(await twin('serve', '--rate', 'fast'), /--rate/);
    oneClearError(await twin('serve', '--host', '192.168.1.1'), /loopback/);
    oneClearError(await twin('serve', 'extra'), /too many arguments/);
    oneClearError(await twin('frobnicate'), /unknown command 'frobnicate'/);
  });

  it('a missing or malformed lab file', async () => {
    oneClearError(await twin('serve', '--lab', join(tmp.path, 'nope.yaml')), /^twin: lab file .*nope\.yaml not found/);
    const bad = join(tmp.path, 'bad.yaml');
    writeFileSync(bad, 'devices:\n  - name: R1\n    ssh: { port: abc }\n');
    oneClearError(await twin('serve', '--lab', bad), /bad\.yaml:3:18: devices\.0\.ssh\.port: must be a port number/);
    writeFileSync(bad, 'devices: [\n');
    oneClearError(await twin('serve', '--lab', bad), /bad\.yaml:\d+:\d+: /);
  });
});
