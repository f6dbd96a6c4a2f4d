/**
 * Builds the simulator core's World for a lab (bridge lab file → core): one device per lab
 * entry with its startup-config, lab login and SSH endpoint; time paced against real time
 * at the lab's rate. The SSH listeners are added by run.ts.
 */
import { World } from '../world/world.js';
import { startPacer, SystemRealClock } from '../transport/realtime.js';
import { routerStartupConfig } from './default.js';
import type { LabWorld, WorldFactory } from './run.js';
import type { Lab, LabDevice } from './schema.js';

/** The lab's initial startup-config for a device, with the lab's enable secret ensured. */
export function initialStartupConfig(d: LabDevice): string {
  if (d.startupConfig === undefined) {
    return routerStartupConfig(d.name, d.login.username, d.login.password, d.login.privilege, d.enableSecret ?? 'cisco');
  }
  let text = d.startupConfig;
  if (d.enableSecret && !/^enable (secret|password) /m.test(text)) {
    const line = `enable secret ${d.enableSecret}`;
    text = /^end\s*$/m.test(text) ? text.replace(/^end\s*$/m, `${line}\nend`) : `${text.replace(/\n?$/, '\n')}${line}\n`;
  }
  return text;
}

export function buildWorld(lab: Lab, stateDir: string | undefined, o: { realTime?: boolean } = {}): World {
  const realTime = o.realTime ?? true;
  const world = new World({
    seed: lab.seed,
    ...(stateDir !== undefined ? { stateDir } : {}),
    ...(lab.epoch !== undefined ? { epoch: lab.epoch } : {}),
    ...(realTime
      ? { time: lab.rate === 1 ? { mode: 'real' as const } : { mode: 'scaled' as const, rate: lab.rate }, realClock: new SystemRealClock() }
      : {}),
  });
  for (const d of lab.devices) {
    world.addDevice({
      name: d.name,
      startupConfig: initialStartupConfig(d),
      login: { user: d.login.username, password: d.login.password, privilege: d.login.privilege },
      ssh: { port: d.ssh.port, host: d.ssh.host },
    });
  }
  return world;
}

export const createLabWorld: WorldFactory = async (lab, o): Promise<LabWorld> => {
  const world = buildWorld(lab, o.stateDir);
  await world.bootAll();
  for (const d of world.devices()) {
    for (const e of d.bootErrors) o.log(`${d.name}: startup-config: ${JSON.stringify(e)}`);
  }
  let stopPacer: (() => void) | undefined;
  return {
    world,
    start() {
      stopPacer = startPacer(world);
    },
    stop() {
      stopPacer?.();
      stopPacer = undefined;
    },
    endpoints() {
      // TODO(pki): serve SCEP for `role: ca` devices (http://host:port) once the core's
      // `crypto pki server` routing to an HTTP front end is available.
      return [];
    },
  };
};
