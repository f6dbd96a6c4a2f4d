/**
 * Building the core's World for a scenario or a training lab: one device per lab device, the
 * lab login as the device's extra login, wall-clock skew, NVRAM under the state dir.
 * Time is stepped for scenarios; labs pass a RealClock (from sim/transport or sim/bin).
 */
import { World } from '../world/world.js';
import type { RealClock, TimeMode } from '../world/time-driver.js';
import type { LabDevice } from '../lab/schema.js';

export interface WorldSpec {
  seed: number;
  /** World time 0, ms since the Unix epoch. */
  epoch: number;
  devices: (LabDevice & { clockOffsetMs?: number })[];
  stateDir?: string | undefined;
  time?: { mode: TimeMode; rate?: number };
  realClock?: RealClock;
}

export function buildWorld(spec: WorldSpec): World {
  const world = new World({
    seed: spec.seed,
    epoch: spec.epoch,
    ...(spec.stateDir !== undefined ? { stateDir: spec.stateDir } : {}),
    ...(spec.time ? { time: spec.time } : {}),
    ...(spec.realClock ? { realClock: spec.realClock } : {}),
  });
  for (const d of spec.devices) {
    world.addDevice({
      name: d.name,
      ...(d.startupConfig !== undefined ? { startupConfig: withEnableSecret(d.startupConfig, d.enableSecret) } : {}),
      login: { user: d.login.username, password: d.login.password, privilege: d.login.privilege },
      ...(d.clockOffsetMs !== undefined ? { clockOffsetMs: d.clockOffsetMs } : {}),
      ...(d.ssh ? { ssh: { port: d.ssh.port, host: d.ssh.host } } : {}),
    });
  }
  return world;
}

/** A lab's `enableSecret` applies when the startup-config sets none. */
function withEnableSecret(cfg: string, secret: string | undefined): string {
  if (!secret || /^enable (secret|password) /m.test(cfg)) return cfg;
  const lines = cfg.replace(/\s+$/, '').split('\n');
  const end = lines.findIndex((l) => l.trim() === 'end');
  const ins = `enable secret ${secret}`;
  if (end >= 0) lines.splice(end, 0, ins);
  else lines.push(ins);
  return lines.join('\n') + '\n';
}
