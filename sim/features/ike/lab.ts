/**
 * # IKE in a lab — install simulated peers (and real UDP endpoints) into a World
 *
 * ```ts
 * import { installIkeLab, startLabIkeUdp } from './sim/features/ike/lab.js';
 * const ike = installIkeLab(world, lab.ike);          // after world.bootAll(); validates the spec
 * ike.attempt('client1', 'inbound');                  // one attempt now (also on the schedules)
 * await startLabIkeUdp(world, [{ device: 'R1', host: '127.0.0.1', port: 4500 }]);  // real IKEv2
 * ```
 *
 * Peers (sim/ike/peers.ts) connect to their router (`connect.every`) and the router initiates to
 * them (`initiate.every`); an SA that reaches its lifetime is re-authenticated by whoever
 * initiated it (`rekey`). Level-0 attempts run synchronously on the world scheduler
 * (attempts.ts); a `remote:` peer (a real IKEv2 implementation such as strongSwan) is reached
 * through the router's UDP engine (udp.ts) and its outcome is recorded when the exchange ends.
 */
import type { World } from '../../world/world.js';
import type { Device } from '../../device/device.js';
import { parseDuration, type TimerHandle } from '../../kernel/scheduler.js';
import { parseIkeLab, SimPeer, type IkeLabSpec, type PeerCertEvent } from '../../ike/peers.js';
import { setSignatureMode, simAttempt } from './attempts.js';
import { recordIkeAttempt, type IkeAttemptRecord } from './records.js';
import { routerIkeUdp, startRouterIkeUdp, type RouterIkeUdp } from './udp.js';

export interface IkeLabRuntime {
  readonly spec: IkeLabSpec;
  readonly peers: ReadonlyMap<string, SimPeer>;
  /** One attempt now. Level-0 peers: the record; remote peers: undefined (recorded when done). */
  attempt(peer: string, direction: 'inbound' | 'outbound'): IkeAttemptRecord | undefined;
  stop(): void;
}

const labs = new WeakMap<World, IkeLabRuntime>();

export function ikeLab(world: World): IkeLabRuntime | undefined {
  return labs.get(world);
}

/** Peers of a world that talk to `router`. */
export function peersOf(world: World, router: string): SimPeer[] {
  const l = labs.get(world);
  return l ? [...l.peers.values()].filter((p) => p.spec.router === router) : [];
}

/**
 * Install the `ike:` section of a lab/scenario (raw YAML value or parsed spec). Replaces a
 * previous installation. Throws an Error listing the problems when the section is invalid or
 * names devices the world does not have.
 */
export function installIkeLab(world: World, input: unknown): IkeLabRuntime {
  const spec = parseIkeLab(input);
  const problems: string[] = [];
  spec.peers.forEach((p, i) => {
    if (!world.device(p.router)) problems.push(`ike.peers.${i}.router: no device ${p.router} in the lab`);
    if (p.ca !== undefined && !world.device(p.ca)) problems.push(`ike.peers.${i}.ca: no device ${p.ca} in the lab`);
    if (p.device !== undefined && !world.device(p.device)) problems.push(`ike.peers.${i}.device: no device ${p.device} in the lab`);
    if (world.device(p.name) && p.device !== p.name) problems.push(`ike.peers.${i}.name: ${p.name} is a lab device; use device: ${p.name}`);
  });
  if (problems.length) throw new Error(problems.join('\n'));
  labs.get(world)?.stop();
  setSignatureMode(world, spec.signatures);

  const timers: TimerHandle[] = [];
  const peers = new Map<string, SimPeer>();
  const onCert = (p: SimPeer, e: PeerCertEvent) => {
    world.events.emit(world.now(), p.spec.router, `ike.peer.${e.type}`, { peer: p.name, ...(e.serial ? { serial: e.serial } : {}), ...(e.detail ? { detail: e.detail } : {}) });
  };
  spec.peers.forEach((ps, i) => peers.set(ps.name, new SimPeer(world, ps, i, onCert)));

  const attempt = (name: string, direction: 'inbound' | 'outbound'): IkeAttemptRecord | undefined => {
    const p = peers.get(name);
    if (!p) return undefined;
    if (p.kind === 'remote') {
      if (direction === 'inbound') return undefined; // a real peer initiates by itself
      const router = world.device(p.spec.router);
      const udp = router ? routerIkeUdp(router) : undefined;
      if (!router || !udp) {
        const r: IkeAttemptRecord = {
          t: world.now(), wall: router?.wallNow() ?? world.epoch + world.now(), router: p.spec.router, peer: p.name,
          direction, version: 2, via: 'udp', ok: false, reason: 'protocol error', failedSide: 'router',
          detail: `${p.spec.router} has no IKE UDP endpoint (lab device ike.udp)`,
        };
        recordIkeAttempt(world, r);
        return r;
      }
      udp.initiate({ address: p.spec.remote!.host, port: p.spec.remote!.port }, p.name);
      return undefined;
    }
    return simAttempt(world, p, direction, {
      onExpire: (sa) => {
        if (p.spec.rekey && labs.get(world) === rt) attempt(p.name, sa.initiator === 'peer' ? 'inbound' : 'outbound');
      },
    });
  };

  const loop = (p: SimPeer, direction: 'inbound' | 'outbound', every: string, start: string | undefined) => {
    const period = parseDuration(every)!;
    const first = start !== undefined ? parseDuration(start)! : period;
    const label = `ike.${direction === 'inbound' ? 'connect' : 'initiate'} ${p.name}`;
    const slot = timers.length;
    const run = () => {
      attempt(p.name, direction);
      timers[slot] = world.scheduler.after(period, label, run);
    };
    timers.push(world.scheduler.after(first, label, run));
  };
  for (const p of peers.values()) {
    p.start();
    if (p.spec.connect && p.kind !== 'remote') loop(p, 'inbound', p.spec.connect.every, p.spec.connect.start);
    if (p.spec.initiate) loop(p, 'outbound', p.spec.initiate.every, p.spec.initiate.start);
  }

  const rt: IkeLabRuntime = {
    spec,
    peers,
    attempt,
    stop() {
      for (const t of timers) t.cancel();
      for (const p of peers.values()) p.stop();
      if (labs.get(world) === rt) labs.delete(world);
    },
  };
  labs.set(world, rt);
  return rt;
}

export interface UdpEndpointSpec {
  device: string;
  host: string;
  port: number;
  /** Optional second port (NAT-T, non-ESP marker), e.g. 4500 next to 500. */
  nattPort?: number;
}

/**
 * Bind the real IKEv2 endpoints of the lab's devices (`ike: { udp }`). Resolves with the bound
 * endpoints; throws on a bind error (after closing what was bound). Outcomes of remote peers are
 * named after the lab peer whose address/port matches, else the peer's identity.
 */
export async function startLabIkeUdp(world: World, eps: UdpEndpointSpec[], log?: (line: string) => void): Promise<{ handles: RouterIkeUdp[]; close(): Promise<void> }> {
  const handles: RouterIkeUdp[] = [];
  const seen = new Set<string>();
  try {
    for (const ep of eps) {
      const key = `${ep.host}:${ep.port}`;
      if (ep.port !== 0 && seen.has(key)) throw new Error(`IKE UDP endpoint ${key} is used twice`);
      seen.add(key);
      const d = world.device(ep.device);
      if (!d) throw new Error(`no device ${ep.device}`);
      handles.push(
        await startRouterIkeUdp(d, {
          host: ep.host,
          port: ep.port,
          ...(ep.nattPort !== undefined ? { nattPort: ep.nattPort } : {}),
          peerName: (dev: Device, sa) => {
            const l = labs.get(world);
            if (!l) return undefined;
            for (const p of l.peers.values()) {
              if (p.spec.router !== dev.name || !p.spec.remote) continue;
              if (p.spec.remote.host === sa.remote.address && (p.spec.remote.port === sa.remote.port || p.spec.remote.port + 1 === sa.remote.port)) return p.name;
            }
            return undefined;
          },
          ...(log ? { log: (l: string) => log(`${ep.device}: ${l}`) } : {}),
        }),
      );
    }
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  return { handles, close: async () => void (await Promise.all(handles.map((h) => h.close()))) };
}

/**
 * What the lab → World bridge (sim/lab/world.ts) calls after boot: install the lab's `ike:` peers
 * and bind the devices' `ike: { udp }` endpoints. Returns the endpoints for the banner and close().
 */
export async function startLabIke(
  world: World,
  lab: { ike?: unknown; devices: { name: string; ike?: { udp: { host: string; port: number; nattPort?: number | undefined } } | undefined }[] },
  log?: (line: string) => void,
): Promise<{ endpoints: { device: string; what: string; url: string }[]; close(): Promise<void> }> {
  const rt = lab.ike !== undefined ? installIkeLab(world, lab.ike) : undefined;
  const eps = lab.devices
    .filter((d) => d.ike?.udp)
    .map((d) => ({ device: d.name, host: d.ike!.udp.host, port: d.ike!.udp.port, ...(d.ike!.udp.nattPort !== undefined ? { nattPort: d.ike!.udp.nattPort } : {}) }));
  let udp: Awaited<ReturnType<typeof startLabIkeUdp>> | undefined;
  try {
    udp = eps.length ? await startLabIkeUdp(world, eps, log) : undefined;
  } catch (e) {
    rt?.stop();
    throw e;
  }
  return {
    endpoints: (udp?.handles ?? []).flatMap((h) => h.endpoints().map((e) => ({ device: h.device.name, what: 'IKEv2', url: `udp://${e.address}:${e.port}` }))),
    async close() {
      rt?.stop();
      await udp?.close();
    },
  };
}
