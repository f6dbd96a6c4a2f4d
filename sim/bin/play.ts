/**
 * `twin play FILE... [--report out.html] [--json [FILE]] [--update] [--seed N] [--quiet]`
 *
 * Plays scenario files against the twin. Exit status: 0 when every expectation of every
 * scenario holds, 1 when a scenario failed, 2 when a file could not be loaded (its problems
 * are printed as FILE:LINE:COL: message). Progress goes to stderr (a live line on a terminal,
 * one line per phase otherwise); results to stdout. This module lives in sim/bin because it
 * reads real time for the wall-clock figures it prints.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadScenarioFile, type Scenario } from '../scenario/load.js';
import { formatFailure, fmtDuration, playScenario, type RunResult } from '../scenario/runner.js';
import { ikeSummary, renderHtml, reportJson } from '../scenario/report.js';
import { FileError } from '../scenario/yaml.js';
import { isoUtc } from '../kernel/clock.js';

export interface PlayOptions {
  report?: string;
  json?: string | boolean;
  update?: boolean;
  seed?: number;
  quiet?: boolean;
}

export function parseSeedArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 2 ** 32 - 1) throw new InvalidArgumentError('must be an integer 0-4294967295.');
  return Number(v);
}

export async function play(files: string[], o: PlayOptions): Promise<number> {
  const err = (s: string) => process.stderr.write(s);
  const out = (s: string) => (o.json === true ? err(s) : process.stdout.write(s));
  const scenarios: Scenario[] = [];
  let loadErrors = 0;
  for (const f of files) {
    try {
      scenarios.push(loadScenarioFile(f));
    } catch (e) {
      loadErrors++;
      if (e instanceof FileError) err(`twin play: invalid scenario:\n${e.message}\n`);
      else err(`twin play: ${f}: ${(e as Error)?.message ?? String(e)}\n`);
    }
  }
  if (loadErrors) return 2;
  const tty = process.stderr.isTTY === true && !o.quiet;
  const results: RunResult[] = [];
  const t0 = performance.now();
  for (const s of scenarios) {
    let lastPhase = '';
    const started = performance.now();
    const r = await playScenario(s, {
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.update ? { update: true } : {}),
      onStep: (p) => {
        if (o.quiet || p.step.kind === 'phase') return;
        if (tty) {
          const line = `  ${s.name} [${p.index + 1}/${p.total}] ${p.phase} · ${isoUtc(p.wall).slice(0, 16).replace('T', ' ')}`;
          err(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
        } else if (p.phase !== lastPhase) {
          lastPhase = p.phase;
          err(`  ${s.name}: phase ${p.phase} (sim ${isoUtc(p.wall).slice(0, 16).replace('T', ' ')})\n`);
        }
      },
    });
    if (tty) err('\r\x1b[K');
    const ms = Math.round(performance.now() - started);
    results.push(r);
    if (r.ok) {
      out(`ok   ${s.name}  (${r.steps.length} steps, ${fmtDuration(r.endWall - r.startWall)} simulated, seed ${r.seed}, ${ms} ms)\n`);
      for (const k of ikeSummary(r)) {
        out(`     IKE ${k.router}/${k.peer}: ${k.attempts} attempts, ${k.failures} failed, ${k.outages} outage(s), longest ${fmtDuration(k.longestOutageMs)}, total ${fmtDuration(k.totalOutageMs)}${k.ongoing ? ' (ongoing)' : ''}\n`);
      }
    } else {
      out(`${formatFailure(r)}\n`);
    }
    for (const g of r.goldenUpdated) out(`     updated golden file ${g}\n`);
  }
  const total = Math.round(performance.now() - t0);
  const failed = results.filter((r) => !r.ok).length;
  out(`${failed ? 'FAIL' : 'PASS'}: ${results.length - failed} of ${results.length} scenario(s) passed in ${total} ms\n`);
  if (o.report) {
    const path = resolve(o.report);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderHtml(results));
    out(`report: ${path}\n`);
  }
  if (o.json !== undefined && o.json !== false) {
    const text = JSON.stringify(reportJson(results), null, 1) + '\n';
    if (o.json === true) process.stdout.write(text);
    else {
      const path = resolve(o.json);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      out(`json: ${path}\n`);
    }
  }
  return failed ? 1 : 0;
}

export function addPlayCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('play')
    .description('play scenario files (exit 0 only when every expectation holds)')
    .argument('<files...>', 'scenario YAML files')
    .option('--report <file>', 'write a self-contained HTML report (SVG timelines, transcripts)')
    .option('--json [file]', 'write the JSON report to FILE, or to stdout (then messages go to stderr)')
    .option('--update', 'rewrite golden files with the actual output')
    .addOption(new Option('--seed <n>', 'override every scenario\'s seed').argParser(parseSeedArg))
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (files: string[], opts: PlayOptions) => {
      exit(await play(files, opts));
    });
}
