/**
 * Bench section `scenarios`: time to play the whole shipped scenario library, the one-year
 * single-router scenario (target < 2 s), the HTML report of the library, and a training lab's
 * start to its baseline. Prints figures; never asserts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { playScenario, type RunResult } from '../../sim/scenario/runner.js';
import { renderHtml } from '../../sim/scenario/report.js';
import { LabRuntime } from '../../sim/lab-runner/runtime.js';
import { findTrainingLab, loadTrainingLab } from '../../sim/lab-runner/training.js';
import { median, round, type BenchSection, type Figure } from './types.js';

const DIR = resolve(import.meta.dirname, '../../scenarios');
const ONE_YEAR = 'one-year-short-lived-certs.yaml';

const section: BenchSection = {
  name: 'scenarios',
  description: 'scenario library playback, one simulated year of one router, report, lab baseline',
  async run(ctx) {
    const figs: Figure[] = [];
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
    const scenarios = files.map((f) => loadScenarioFile(join(DIR, f)));

    // warm-up (module loading, JIT, key pool)
    await playScenario(scenarios.find((s) => s.file.endsWith('core-save-and-reload.yaml'))!);

    const t0 = performance.now();
    const results: RunResult[] = [];
    const per: { name: string; ms: number }[] = [];
    for (const s of scenarios) {
      const a = performance.now();
      results.push(await playScenario(s));
      per.push({ name: s.name, ms: performance.now() - a });
    }
    const total = performance.now() - t0;
    const failed = results.filter((r) => !r.ok).length;
    figs.push({ metric: `whole library (${scenarios.length} scenarios), wall`, value: round(total, 0), unit: 'ms', target: { op: '<=', value: 10_000 }, note: failed ? `${failed} FAILED` : 'all pass' });
    const slowest = per.reduce((a, b) => (b.ms > a.ms ? b : a));
    figs.push({ metric: 'slowest scenario', value: round(slowest.ms, 0), unit: 'ms', note: slowest.name });
    const simDays = results.reduce((n, r) => n + (r.endWall - r.startWall) / 86_400_000, 0);
    figs.push({ metric: 'simulated time played', value: round(simDays / 365, 1), unit: 'years' });

    const year = scenarios.find((s) => s.file.endsWith(ONE_YEAR))!;
    const runs = ctx.quick ? 1 : 5;
    const times: number[] = [];
    let last: RunResult | undefined;
    for (let i = 0; i < runs; i++) {
      const a = performance.now();
      last = await playScenario(year);
      times.push(performance.now() - a);
    }
    figs.push({
      metric: `one year, one router (30-day certs, 17 renewals), median of ${runs}`,
      value: round(median(times), 0),
      unit: 'ms',
      target: { op: '<=', value: 2000 },
      note: `${last!.ok ? 'pass' : 'FAILED'}, ${last!.events.length} events`,
    });

    const a = performance.now();
    const html = renderHtml(results);
    figs.push({ metric: 'HTML report of the library', value: round(performance.now() - a, 0), unit: 'ms', note: `${Math.round(Buffer.byteLength(html) / 1024)} KB` });

    const dir = mkdtempSync(join(tmpdir(), 'bench-lab-'));
    try {
      const lab = loadTrainingLab(findTrainingLab('vanished-certificate')!);
      const b = performance.now();
      const rt = new LabRuntime(lab, { stateDir: join(dir, 'state'), realTime: false, ephemeralPorts: true });
      await rt.start();
      const ms = performance.now() - b;
      await rt.close();
      figs.push({ metric: 'training lab start to baseline (vanished-certificate, SSH up)', value: round(ms, 0), unit: 'ms' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    ctx.log(`scenarios: ${per.map((p) => `${p.name} ${Math.round(p.ms)} ms`).join(', ')}`);
    return figs;
  },
};

export default section;
