/**
 * Builds the simulator core's World for a lab (bridge lab file → core): one device per lab
 * entry with its startup-config, lab login and SSH endpoint; time paced against real time
 * at the lab's rate. The SSH listeners are added by run.ts.
 */
import { World } from '../world/world.js';
import { startPacer, SystemRealClock } from '../transport/realtime.js';
import { startScepHttpServer, type ScepHttpServer } from '../transport/scep-http.js';
import { httpTransport } from '../transport/http-client.js';
import { registerScepAlias, setExternalScepTransport, setScepListenerPort } from '../features/pki/scep-route.js';
import { routerStartupConfig } from './default.js';
import { startLabIke } from '../features/ike/lab.js';
import type { LabWorld, WorldFactory } from './run.js';
import { isLoopbackHost, type Lab, type LabDevice } from './schema.js';

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
    ...(stateDir !== undefined ? { stateDir, resumeClock: true } : {}),
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

/**
 * SCEP for `role: ca` devices: routers of the lab that use the CA's URL reach it in-process
 * (deterministic); the same URL is served on a real loopback HTTP listener while the device's
 * `crypto pki server` runs, for clients outside the twin. Routers may also enrol with CAs
 * outside the lab over real HTTP.
 */
class ScepListeners {
  readonly bound = new Map<string, string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly errors: string[] = [];

  constructor(
    private readonly world: World,
    private readonly lab: Lab,
    private readonly log: (m: string) => void,
  ) {}

  install(): void {
    for (const d of this.lab.devices) {
      if (d.scep) registerScepAlias(this.world, `http://${d.scep.host}:${d.scep.port}`, d.name);
    }
    // CAs outside the lab: real HTTP, loopback only (the twin never talks to a real network)
    const http = httpTransport();
    setExternalScepTransport(this.world, (req) => {
      let host = '';
      try {
        host = new URL(req.url).hostname;
      } catch {
        /* rejected below */
      }
      if (!isLoopbackHost(host) && host !== 'localhost') {
        return Promise.reject(new Error(`${req.url}: only loopback (127.x.y.z) CAs are reachable from the twin`));
      }
      return http(req);
    });
    setScepListenerPort(this.world, {
      start: ({ device, handle }) => {
        const ep = this.lab.devices.find((d) => d.name === device.name)?.scep;
        if (!ep) return undefined;
        let stopped = false;
        let srv: ScepHttpServer | undefined;
        const p = startScepHttpServer({
          handler: handle,
          host: ep.host,
          port: ep.port,
          ingress: (fn) => this.world.ingress(fn),
          log: (line) => this.log(`scep ${device.name}: ${line}`),
        }).then(
          (s) => {
            if (stopped) void s.close();
            else {
              srv = s;
              this.bound.set(device.name, s.url);
            }
          },
          (e: NodeJS.ErrnoException) => {
            const msg =
              e.code === 'EADDRINUSE'
                ? `${device.name}: SCEP port ${ep.host}:${ep.port} is already in use`
                : `${device.name}: cannot serve SCEP on ${ep.host}:${ep.port}: ${e.message}`;
            this.errors.push(msg);
            this.log(msg);
          },
        );
        this.pending.add(p);
        void p.finally(() => this.pending.delete(p));
        return {
          stop: () => {
            stopped = true;
            this.bound.delete(device.name);
            void srv?.close();
            srv = undefined;
          },
        };
      },
    });
  }

  /** Waits for listeners being bound; throws the first bind error (startup only). */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
    if (this.errors.length) throw new Error(this.errors[0]);
  }

  async closeAll(): Promise<void> {
    setScepListenerPort(this.world, undefined);
    await this.settle().catch(() => undefined);
  }
}

export const createLabWorld: WorldFactory = async (lab, o): Promise<LabWorld> => {
  const world = buildWorld(lab, o.stateDir);
  const scep = new ScepListeners(world, lab, o.log);
  scep.install();
  await world.bootAll();
  for (const d of world.devices()) {
    for (const e of d.bootErrors) o.log(`${d.name}: startup-config: ${JSON.stringify(e)}`);
  }
  let stopPacer: (() => void) | undefined;
  let ike: Awaited<ReturnType<typeof startLabIke>> | undefined;
  const stop = async () => {
    stopPacer?.();
    stopPacer = undefined;
    await ike?.close();
    // stop every device's listeners (certificate servers) and flush state
    for (const d of world.devices()) {
      try {
        for (const f of d.registry.features) f.onShutdown?.(d);
      } catch (e) {
        o.log(`${d.name}: shutdown: ${(e as Error).message}`);
      }
    }
    await scep.closeAll();
    world.saveClock();
  };
  try {
    await scep.settle();
    ike = await startLabIke(world, lab, o.log);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    world,
    start() {
      stopPacer = startPacer(world);
    },
    stop,
    endpoints() {
      return [...[...scep.bound].map(([device, url]) => ({ device, what: 'SCEP', url })), ...(ike?.endpoints ?? [])];
    },
  };
};
