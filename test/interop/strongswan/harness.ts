/**
 * Test-side helpers for the strongSwan interop scenario: build certificates, write the spec,
 * run scenario.ts inside `unshare --net --mount --fork`, and parse its RESULT line.
 * Certificates are plain PEM strings, so a chain issued elsewhere (e.g. by the twin CA over SCEP)
 * can be dropped into the spec instead of the node-forge test PKI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioSpec, StepResult } from './scenario.js';

export interface ScenarioOutput {
  fatal?: string;
  results: StepResult[];
  charonLog?: string;
}

/** Why the interop tests cannot run here, or undefined when they can. */
export function interopSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const f of ['/usr/lib/ipsec/charon', '/usr/sbin/swanctl', '/usr/bin/unshare']) if (!existsSync(f)) return `${f} missing`;
  const r = spawnSync('unshare', ['--net', '--mount', '--fork', 'true']);
  if (r.status !== 0) return 'unshare --net --mount not permitted';
  return undefined;
}

export function runScenario(spec: Omit<ScenarioSpec, 'workDir'>, timeoutMs = 240_000): ScenarioOutput {
  const workDir = mkdtempSync(join(tmpdir(), 'ss-interop-'));
  const specPath = join(workDir, 'spec.json');
  writeFileSync(specPath, JSON.stringify({ ...spec, workDir }));
  const script = join(import.meta.dirname, 'scenario.ts');
  const r = spawnSync('unshare', ['--net', '--mount', '--fork', process.execPath, '--import', 'tsx', script, specPath], {
    encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, cwd: join(import.meta.dirname, '..', '..', '..'),
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) return { fatal: `no RESULT line (status ${r.status}, signal ${r.signal}): ${r.stderr?.slice(-4000)} ${r.stdout?.slice(-4000)}`, results: [] };
  return JSON.parse(line.slice(7)) as ScenarioOutput;
}
