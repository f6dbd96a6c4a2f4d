import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../sim/scenario/load.js';
import { formatFailure, playScenario } from '../../sim/scenario/runner.js';
import { reportJson } from '../../sim/scenario/report.js';

const dir = mkdtempSync(join(tmpdir(), 'scn-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAB = `lab:
  devices:
    - name: R1
      startupConfig: |
        hostname R1
        username admin privilege 15 password 0 admin
        line vty 0 4
         exec-timeout 0 0
`;

function scenario(steps: string, name = 't') {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nseed: 5\n${LAB}steps:\n${steps}`);
  return loadScenarioFile(file);
}

describe('scenario runner', () => {
  it('plays the shipped core scenario twice with identical transcripts and events', async () => {
    const s = loadScenarioFile('scenarios/core-save-and-reload.yaml');
    const a = await playScenario(s);
    const b = await playScenario(s);
    expect(a.ok, formatFailure(a)).toBe(true);
    expect(b.sessions.map((x) => x.output)).toEqual(a.sessions.map((x) => x.output));
    // Core session ids are process-wide counters (not part of the simulated state): masked.
    const norm = (r: typeof a) => r.events.map((e) => [e.wall, e.device, e.type, JSON.stringify({ ...e.data, id: e.type.startsWith('session.') ? '*' : e.data.id })]);
    expect(norm(b)).toEqual(norm(a));
    expect(a.inputs.length).toBeGreaterThan(5);
    expect(a.restarts).toBe(1);
  });

  it('a PKI scenario replays byte for byte: transcripts, events and the JSON report', async () => {
    const s = loadScenarioFile('scenarios/autoenroll-90-regenerate.yaml');
    const [a, b] = [await playScenario(s), await playScenario(s)];
    expect(a.ok, formatFailure(a)).toBe(true);
    expect(b.sessions.map((x) => x.output).join('')).toBe(a.sessions.map((x) => x.output).join(''));
    const strip = (r: typeof a) => JSON.stringify(reportJson([r]), (k, v) => (k === 'id' && typeof v === 'number' ? '*' : v));
    expect(strip(b)).toBe(strip(a));
    const other = await playScenario(s, { seed: 43 });
    expect(other.ok, formatFailure(other)).toBe(true);
    expect(other.sessions.map((x) => x.output).join('')).not.toBe(a.sessions.map((x) => x.output).join(''));
  });

  it('a failure names the seed, the phase, the step position and shows the last transcript lines', async () => {
    const s = scenario(`  - phase: first\n  - open: R1\n  - type: show clock\n    expect: { contains: "Feb 30" }\n`);
    const r = await playScenario(s, { seed: 99 });
    expect(r.ok).toBe(false);
    const text = formatFailure(r);
    expect(text).toContain('seed:  99');
    expect(text).toContain('phase: first');
    expect(text).toMatch(/t\.yaml:14:5/);
    expect(text).toContain('does not contain "Feb 30"');
    expect(text).toContain('| R1#show clock');
    expect(r.steps.at(-1)?.status).toBe('failed');
  });

  it('golden files: missing → failure, --update writes, then a diff on change', async () => {
    const s = scenario(`  - open: R1\n  - type: show clock\n    expect: { golden: golden/clock.txt }\n`, 'g');
    const r1 = await playScenario(s);
    expect(r1.failure?.message).toMatch(/golden file .*clock\.txt does not exist \(run with --update/);
    const r2 = await playScenario(s, { update: true });
    expect(r2.ok).toBe(true);
    expect(readFileSync(join(dir, 'golden/clock.txt'), 'utf8')).toBe('show clock\n*00:00:00.000 UTC Thu Jan 1 2026\nR1#');
    writeFileSync(join(dir, 'golden/clock.txt'), 'show clock\n*00:00:00.000 UTC Fri Jan 2 2026\nR1#');
    const r3 = await playScenario(s);
    expect(r3.ok).toBe(false);
    expect(r3.failure?.diff).toContain('-*00:00:00.000 UTC Fri Jan 2 2026');
    expect(r3.failure?.diff).toContain('+*00:00:00.000 UTC Thu Jan 1 2026');
  });

  it('? and Tab go through the line editor like over SSH', async () => {
    const s = parseScenario(`name: k\n${LAB}steps:\n  - open: R1\n  - keys: "sh\\t"\n  - keys: "clo?"\n  - keys: "\\r"\n    expect: { of: session, contains: ["R1#show clo?", "clock", "R1#show clo", "UTC Thu Jan 1 2026"] }\n`, join(dir, 'k.yaml'));
    const r = await playScenario(s);
    expect(r.ok, formatFailure(r)).toBe(true);
  });

  it('a type step after a reload is rejected when the file is loaded', () => {
    expect(() => scenario('  - open: R1\n  - reload: R1\n  - type: show clock\n', 'rl0')).toThrow(/rl0\.yaml:14:5: no session is open yet/);
  });

  it('expectLog absent, expectEvent counts, reload, and a session the device closed', async () => {
    const s = scenario(
      [
        '  - open: R1',
        '  - type: [conf t, hostname X, end]',
        '  - expectLog: { message: "%SYS-5-RELOAD", absent: true }',
        '  - expectEvent: { type: config.dirty, device: R1, count: 1 }',
        '  - reload: R1',
        '  - expectLog: { device: R1, message: "/Reload requested by scenario on vty\\\\d/" }',
        '  - open: R1',
        '  - type: logout',
        '  - type: show clock',
        '',
      ].join('\n'),
      'rl',
    );
    const r = await playScenario(s);
    expect(r.ok).toBe(false);
    expect(r.failure?.message).toMatch(/session "s2" was closed/);
    expect(r.failure?.step).toBe(8);
  });
});
