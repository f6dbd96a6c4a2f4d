/**
 * Starting twins for tests: in-process (real core, ephemeral ports) or as a child
 * `node --import tsx sim/bin/twin.ts serve ...` on free loopback ports.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startDaemon, type Daemon } from './proc.js';
import { startLab, type RunningLab } from '../../sim/lab/run.js';
import { LabSchema } from '../../sim/lab/schema.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TWIN = join(ROOT, 'sim/bin/twin.ts');

/** argv to run the twin CLI as a child. */
export function twinArgs(...args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', TWIN, ...args]];
}

export function tempDir(prefix = 'twin-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export interface LabDeviceSpec {
  name: string;
  port: number;
  privilege?: number;
  startupConfig?: string;
  password?: string;
  enableSecret?: string;
}

export function writeLab(dir: string, devices: LabDeviceSpec[], extra: Record<string, unknown> = {}): string {
  const file = join(dir, 'lab.yaml');
  const lab = {
    name: 'test',
    seed: 1,
    ...extra,
    devices: devices.map((d) => ({
      name: d.name,
      ssh: { host: '127.0.0.1', port: d.port },
      login: { username: 'admin', password: d.password ?? 'admin', privilege: d.privilege ?? 1 },
      enableSecret: d.enableSecret ?? 'cisco',
      ...(d.startupConfig ? { startupConfig: d.startupConfig } : {}),
    })),
  };
  writeFileSync(file, stringify(lab));
  return file;
}

/** Starts `twin serve --lab FILE --state-dir DIR` and waits until it printed its banner. */
export async function spawnTwin(labFile: string, stateDir: string, extraArgs: string[] = []): Promise<Daemon> {
  const [cmd, args] = twinArgs('serve', '--lab', labFile, '--state-dir', stateDir, ...extraArgs);
  const d = startDaemon(cmd, args, { cwd: ROOT });
  try {
    await d.waitFor(/Press Ctrl-C to stop\./, 30_000);
  } catch (e) {
    await d.stop('SIGKILL');
    throw e;
  }
  return d;
}

/** A lab object for in-process twins (validated like a lab file). */
export function labFor(devices: LabDeviceSpec[], extra: Record<string, unknown> = {}) {
  return LabSchema.parse({
    name: 'test',
    seed: 1,
    ...extra,
    devices: devices.map((d, i) => ({
      name: d.name,
      // port 0 = ephemeral (startLab's ephemeralPorts); a distinct placeholder keeps validation happy
      ssh: { host: '127.0.0.1', port: d.port || i + 1 },
      login: { username: 'admin', password: d.password ?? 'admin', privilege: d.privilege ?? 1 },
      enableSecret: d.enableSecret ?? 'cisco',
      ...(d.startupConfig ? { startupConfig: d.startupConfig } : {}),
    })),
  });
}

export interface TestTwin extends RunningLab {
  stateDir: string;
  port(device: string): number;
  /** Close listeners and the world, remove the temp state dir (unless one was given). */
  stop(): Promise<void>;
}

/**
 * Starts a twin in this process on ephemeral loopback ports with the real core.
 * Devices default to admin/admin at privilege 1 and `enable secret cisco`.
 */
export async function startTwin(
  devices: (Omit<LabDeviceSpec, 'port'> & { port?: number })[],
  o: { stateDir?: string; extra?: Record<string, unknown>; log?: (m: string) => void } = {},
): Promise<TestTwin> {
  const tmp = o.stateDir ? undefined : tempDir();
  const stateDir = o.stateDir ?? tmp!.path;
  const lab = labFor(
    devices.map((d) => ({ ...d, port: d.port ?? 0 })),
    o.extra,
  );
  const { createLabWorld } = await import('../../sim/lab/world.js');
  const running = await startLab(lab, {
    stateDir,
    factory: createLabWorld,
    ephemeralPorts: devices.every((d) => !d.port),
    ...(o.log ? { log: o.log } : {}),
  });
  return {
    ...running,
    stateDir,
    port(name: string) {
      const s = running.servers.find((x) => x.device.name === name);
      if (!s) throw new Error(`no device ${name}`);
      return s.server.port;
    },
    async stop() {
      await running.close();
      tmp?.cleanup();
    },
  };
}
