/**
 * Running a lab: build the world (through a factory, so tests can inject one), give every
 * device its persisted SSH host key and an SSH listener, and tear it all down again.
 */
import { mkdirSync } from 'node:fs';
import type { DeviceApi, WorldApi } from '../contracts.js';
import { loadOrCreateHostKeys } from '../transport/hostkey.js';
import { SshFrontEnd, type DeviceSshServer } from '../transport/ssh.js';
import type { Lab, LabDevice } from './schema.js';

/** A world built for a lab, plus its lifecycle hooks (real-time driver etc.). */
export interface LabWorld {
  world: WorldApi;
  /** Start pacing simulated time against real time (after the listeners are up). */
  start?(): void;
  /** Stop timers, flush state. */
  stop?(): Promise<void> | void;
  /** Extra endpoints the world serves (e.g. SCEP), for the banner. */
  endpoints?(): { device: string; what: string; url: string }[];
}

export interface LabWorldOptions {
  stateDir: string;
  log: (msg: string) => void;
}

export type WorldFactory = (lab: Lab, opts: LabWorldOptions) => Promise<LabWorld> | LabWorld;

export interface RunningLab {
  lab: Lab;
  labWorld: LabWorld;
  world: WorldApi;
  ssh: SshFrontEnd;
  servers: { device: LabDevice; api: DeviceApi; server: DeviceSshServer }[];
  close(): Promise<void>;
}

export interface StartLabOptions {
  stateDir: string;
  factory: WorldFactory;
  log?: (msg: string) => void;
  /** Listen on port 0 (ephemeral) for every device instead of the lab's ports (tests). */
  ephemeralPorts?: boolean;
  /** Host key source; default: persisted Ed25519 key in `<stateDir>/<device>/`. */
  hostKey?: (device: string) => string;
}

export async function startLab(lab: Lab, o: StartLabOptions): Promise<RunningLab> {
  const log = o.log ?? (() => undefined);
  mkdirSync(o.stateDir, { recursive: true });
  const labWorld = await o.factory(lab, { stateDir: o.stateDir, log });
  const world = labWorld.world;
  const ssh = new SshFrontEnd(world, { log });
  const servers: RunningLab['servers'] = [];
  const close = async () => {
    await ssh.close();
    await labWorld.stop?.();
  };
  try {
    const keys = o.hostKey ? undefined : await loadOrCreateHostKeys(o.stateDir, lab.devices.map((d) => d.name));
    for (const d of lab.devices) {
      const api = world.device(d.name);
      if (!api) throw new Error(`device ${d.name} was not created by the world`);
      const key = o.hostKey ? o.hostKey(d.name) : keys!.get(d.name)!;
      const server = await ssh.add(api, { host: d.ssh.host, port: o.ephemeralPorts ? 0 : d.ssh.port, hostKeys: [key] });
      servers.push({ device: d, api, server });
    }
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
  labWorld.start?.();
  return { lab, labWorld, world, ssh, servers, close };
}

/** The lines `twin serve` prints: how to connect to each device. */
export function connectionHelp(r: RunningLab): string[] {
  const lines: string[] = [];
  const width = Math.max(...r.servers.map((s) => s.device.name.length), 2);
  for (const s of r.servers) {
    const d = s.device;
    const secret = d.enableSecret ? `, enable secret ${d.enableSecret}` : '';
    lines.push(
      `${d.name.padEnd(width)}  ssh -p ${s.server.port} ${d.login.username}@${s.server.host}  (password ${d.login.password}${secret})`,
    );
  }
  for (const ep of r.labWorld.endpoints?.() ?? []) {
    lines.push(`${ep.device.padEnd(width)}  ${ep.what} ${ep.url}`);
  }
  return lines;
}
