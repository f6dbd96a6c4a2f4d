/**
 * Every shipped training lab: loads, its baseline (setup steps) leaves tasks to do, and its
 * reference solution — typed through CLI sessions like a student — passes every task. Also
 * the lab loader's positioned errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabRuntime } from '../../sim/lab-runner/runtime.js';
import { listTrainingLabs, loadTrainingLab, parseTrainingLab } from '../../sim/lab-runner/training.js';
import { ScenarioRun, formatFailure } from '../../sim/scenario/runner.js';
import { FileError } from '../../sim/scenario/yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'labs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const labs = listTrainingLabs();

describe('training labs', () => {
  it('ships at least three labs, from guided setup to troubleshooting', () => {
    expect(labs.length).toBeGreaterThanOrEqual(3);
    expect(labs.every((l) => !l.error)).toBe(true);
    const levels = labs.map((l) => l.level);
    expect(levels).toContain('guided');
    expect(levels).toContain('troubleshooting');
    expect(labs.map((l) => l.name)).toContain('vanished-certificate');
  });

  for (const l of labs) {
    it(`${l.name}: baseline leaves work to do, the reference solution passes every task`, async () => {
      const lab = loadTrainingLab(l.file);
      const rt = new LabRuntime(lab, { stateDir: join(dir, l.name), realTime: false, ephemeralPorts: true });
      try {
        await rt.start();
        const before = rt.grade();
        expect(before.some((t) => !t.ok)).toBe(true);
        const r = await new ScenarioRun(
          { file: lab.file, dir: '', name: `${l.name} solution`, tags: [], seed: 1, epoch: 0, devices: [], ca: lab.def.ca, steps: lab.solution },
          { attach: rt.world! },
        ).run();
        expect(r.ok, formatFailure(r)).toBe(true);
        const after = rt.grade();
        expect(after.filter((t) => !t.ok).map((t) => `${t.id}: ${t.detail}`)).toEqual([]);
      } finally {
        await rt.close();
      }
    });
  }

  it('reports a broken lab file with line:column', () => {
    const text = `name: x\ntitle: X\nlevel: guided\ndescription: d\ndevices:\n  - name: R1\n    ssh: { port: 2999 }\ntasks:\n  - id: a\n    title: A\n    check: { saved: { device: R7 } }\nsetup:\n  - tpye: show clock\n`;
    try {
      parseTrainingLab(text, 'lab.yaml');
      throw new Error('expected FileError');
    } catch (e) {
      expect(e).toBeInstanceOf(FileError);
      expect((e as FileError).message).toContain('lab.yaml:13:5: setup.0: unknown step "tpye"');
    }
    try {
      parseTrainingLab(text.replace('  - tpye: show clock\n', '  - advance: 1d\n'), 'lab.yaml');
      throw new Error('expected FileError');
    } catch (e) {
      expect((e as FileError).message).toContain('lab.yaml:11:31: unknown device "R7" (the lab has: R1)');
    }
  });
});
