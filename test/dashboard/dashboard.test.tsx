/**
 * The lab dashboard under ink-testing-library, on a real LabRuntime (stepped time, ephemeral
 * SSH ports): clock, devices, trustpoint bars, tasks graded live; keys p s f r q (paced ≥ 20 ms,
 * dependencies.md §3.3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dashboard, validityBar } from '../../sim/dashboard/Dashboard.js';
import { LabRuntime } from '../../sim/lab-runner/runtime.js';
import { findTrainingLab, loadTrainingLab } from '../../sim/lab-runner/training.js';
import { ScenarioRun, formatFailure } from '../../sim/scenario/runner.js';

const dir = mkdtempSync(join(tmpdir(), 'dash-'));
let rt: LabRuntime;
beforeAll(async () => {
  rt = new LabRuntime(loadTrainingLab(findTrainingLab('autoenroll-setup')!), { stateDir: join(dir, 'state'), realTime: false, ephemeralPorts: true });
  await rt.start();
});
afterAll(async () => {
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
});

const pause = (ms = 40) => new Promise((r) => setTimeout(r, ms));

async function frameWith(get: () => string | undefined, text: string | RegExp): Promise<string> {
  await vi.waitFor(() => {
    const f = get() ?? '';
    if (typeof text === 'string' ? !f.includes(text) : !text.test(f)) throw new Error(`frame lacks ${String(text)}:\n${f}`);
  }, { timeout: 5000, interval: 20 });
  return get()!;
}

describe('validity bar', () => {
  it('fills with elapsed time and marks the renewal point', () => {
    const tp = { name: 'tp', status: 'valid' as const, rollover: 0, notBefore: 0, notAfter: 1000, renewPct: 90 };
    expect(validityBar(tp, 500)).toEqual({ bar: '██████████░░░░░░░░│░', color: 'green', pct: 50 });
    expect(validityBar(tp, 950).color).toBe('yellow');
    expect(validityBar({ ...tp, status: 'expired' }, 1000).color).toBe('red');
  });
});

describe('dashboard', () => {
  it('shows the lab, grades live and obeys its keys', async () => {
    const onQuit = vi.fn();
    const app = render(<Dashboard source={rt} onQuit={onQuit} />);
    let f = await frameWith(app.lastFrame, 'Tasks 0/6');
    expect(f).toContain('Router Twin lab · autoenroll-setup (guided)');
    expect(f).toContain('2026-01-01 00:00:00 UTC');
    expect(f).toContain('▶ ×60');
    expect(f).toMatch(/R1 +ssh -p \d+ admin@127\.0\.0\.1/);
    expect(f).toContain('CA server LABCA: enabled, grant auto');
    expect(f).toContain('(none configured yet)');
    expect(f).toContain('hint: crypto pki trustpoint pki-tp');
    // the lab's IKE peer is listed before its first attempt (was: "no IKE peers in this lab")
    expect(f).toMatch(/R1↔client1 +no attempt yet +attempts 0, failures 0/);
    expect(f).not.toContain('no IKE peers');

    app.stdin.write('s');
    f = await frameWith(app.lastFrame, '2026-01-02 00:00:00 UTC');
    expect(f).toContain('stepped 1d');
    await pause();
    app.stdin.write('p');
    f = await frameWith(app.lastFrame, '⏸ PAUSED');
    await pause();
    app.stdin.write('f');
    f = await frameWith(app.lastFrame, '▶ ×600');

    // a user does the work (the lab's reference solution, typed through CLI sessions)
    const lab = rt.lab;
    const r = await new ScenarioRun({ file: lab.file, dir: '', name: 'solution', tags: [], seed: 1, epoch: 0, devices: [], ca: lab.def.ca, steps: lab.solution }, { attach: rt.world! }).run();
    expect(r.ok, formatFailure(r)).toBe(true);
    rt.notify();
    f = await frameWith(app.lastFrame, 'Tasks 6/6');
    expect(f).toMatch(/R1 +pki-tp +SN 0\d +█*░+│░+ +\d+% valid, expires in \d+d/);
    expect(f).toContain('auto-enroll 90 regenerate');
    expect(f).toContain('%PKI-4-NOAUTOSAVE');
    expect(f).toMatch(/R1↔client1 +up +attempts \d+, failures \d+/);
    expect(f).not.toContain('✘');

    await pause();
    app.stdin.write('d');
    f = await frameWith(app.lastFrame, 'crypto pki authenticate pki-tp   (accept the CA certificate: yes)');

    await pause();
    app.stdin.write('r');
    f = await frameWith(app.lastFrame, 'reset to the baseline');
    expect(f).toContain('Tasks 0/6');
    expect(f).toContain('2026-01-01 00:00:00 UTC');
    expect(f).toContain('▶ ×60');

    await pause();
    app.stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalled(), { timeout: 5000, interval: 20 });
    app.unmount();
  });
});
