/**
 * Real IKEv2 on the wire for a twin router (issue #5 point 5): the ike helper's engine
 * (sim/ike/v2/engine.ts) behind its UDP transport (sim/transport/ike-udp.ts), bound when a lab
 * device says `ike: { udp: { host, port } }`.
 *
 *  - Credentials are looked up PER ATTEMPT from the router's PKI (sim/ike/router-creds.ts): the
 *    trustpoint of the IKEv2 profile matching the peer's address (or `any`), else the default
 *    one. A key rollover is therefore visible on the wire at the next IKE_AUTH.
 *  - Trust anchors: that trustpoint's CA certificate (all authenticated CAs when none is chosen).
 *  - Proposals: the router's `crypto ikev2 policy` → `proposal` configuration mapped onto what the
 *    engine implements (AES-CBC/GCM, SHA-1/SHA-2, groups 14/19/31); the engine's defaults when
 *    nothing usable is configured.
 *  - Time: engine `now` = world time, `wallNow` = the router's wall clock (certificate validity);
 *    every datagram and timer enters the simulation through world.ingress (the transport runs
 *    on real sockets and timers — the I/O edge).
 *  - Every authentication outcome becomes an attempt record (`via: 'udp'`, records.ts); the
 *    established SAs appear in `show crypto ikev2 sa`.
 */
import type { Device } from '../../device/device.js';
import type { World } from '../../world/world.js';
import { IkeEngine, type Endpoint, type IkeEngineOptions, type IkeEvent, type IkeSaInfo } from '../../ike/v2/engine.js';
import { IkeUdpTransport, type MarkerMode } from '../../transport/ike-udp.js';
import { routerCredentials, type RouterCreds } from '../../ike/router-creds.js';
import { trustAnchors } from '../pki/credentials.js';
import { DEFAULT_PROPOSALS, type IkeProposalConfig } from '../../ike/v2/proposals.js';
import { DH, ENCR, INTEG, PRF } from '../../ike/v2/constants.js';
import { AUTH_REASON, matchIkev2Profile } from './attempts.js';
import { amendIkeAttempt, recordIkeAttempt, type IkeFailReason } from './records.js';
import { ikeStateOrUndefined, type IkeState } from './state.js';
import { revokedSerials } from './revoked.js';
import type { AuthFailureReason } from '../../ike/credentials.js';

/** Engine whose inputs run inside the simulation (world.ingress brings world time up to date). */
class WorldIkeEngine extends IkeEngine {
  constructor(
    private readonly world: World,
    private readonly device: Device,
    o: IkeEngineOptions,
  ) {
    super(o);
  }
  override receive(data: Buffer, remote: Endpoint, local: Endpoint) {
    return this.world.ingress(() => {
      // A router that is reloading answers nothing (its IKE SAs are gone, see forgetAll below).
      if (!this.device.booted || this.device.booting) return [];
      return super.receive(data, remote, local);
    });
  }
  override tick() {
    return this.world.ingress(() => super.tick());
  }
}

const ENC: Record<string, { id: number; keyLength: number }> = {
  'aes-cbc-128': { id: ENCR.AES_CBC, keyLength: 128 },
  'aes-cbc-192': { id: ENCR.AES_CBC, keyLength: 192 },
  'aes-cbc-256': { id: ENCR.AES_CBC, keyLength: 256 },
  'aes-gcm-128': { id: ENCR.AES_GCM_16, keyLength: 128 },
  'aes-gcm-256': { id: ENCR.AES_GCM_16, keyLength: 256 },
};
const INT: Record<string, [number, number]> = {
  sha1: [INTEG.HMAC_SHA1_96, PRF.HMAC_SHA1],
  sha256: [INTEG.HMAC_SHA2_256_128, PRF.HMAC_SHA2_256],
  sha384: [INTEG.HMAC_SHA2_384_192, PRF.HMAC_SHA2_384],
  sha512: [INTEG.HMAC_SHA2_512_256, PRF.HMAC_SHA2_512],
};
const GROUPS = new Set<number>([DH.MODP_2048, DH.ECP_256, DH.CURVE_25519]);

/** The router's IKEv2 proposals in engine form (policy order), or undefined for the engine defaults. */
export function engineProposals(st: IkeState | undefined): IkeProposalConfig[] | undefined {
  if (!st) return undefined;
  const out: IkeProposalConfig[] = [];
  for (const pol of st.v2Policies.values()) {
    for (const name of pol.proposals) {
      const p = st.v2Proposals.get(name);
      if (!p) continue;
      const encr = p.encryption.map((e) => ENC[e]).filter((x): x is { id: number; keyLength: number } => !!x);
      const ints = p.integrity.map((i) => INT[i]).filter((x): x is [number, number] => !!x);
      const dh = p.group.map(Number).filter((g) => GROUPS.has(g));
      const aeadOnly = encr.length > 0 && encr.every((e) => e.id === ENCR.AES_GCM_16);
      if (!encr.length || !dh.length || (!aeadOnly && !ints.length)) continue;
      out.push({
        encr,
        integ: ints.map((x) => x[0]),
        prf: ints.length ? ints.map((x) => x[1]) : [PRF.HMAC_SHA2_256],
        dh,
      });
    }
  }
  return out.length ? out : undefined;
}

export interface RouterIkeUdp {
  readonly device: Device;
  readonly engine: IkeEngine;
  readonly transport: IkeUdpTransport;
  endpoints(): Endpoint[];
  /** The router initiates an IKE SA to `remote`; the outcome is recorded under `peerName`. */
  initiate(remote: Endpoint, peerName?: string): number;
  close(): Promise<void>;
}

const running = new WeakMap<Device, RouterIkeUdp>();

export function routerIkeUdp(device: Device): RouterIkeUdp | undefined {
  return running.get(device);
}

/** Name of the lab peer an outcome belongs to (set by the lab runtime). */
export type PeerNamer = (device: Device, sa: IkeSaInfo) => string | undefined;

export async function startRouterIkeUdp(
  device: Device,
  o: { host: string; port: number; nattPort?: number; marker?: MarkerMode; peerName?: PeerNamer; log?: (line: string) => void },
): Promise<RouterIkeUdp> {
  const prev = running.get(device);
  if (prev) await prev.close();
  const world = device.world;
  const credsBySa = new Map<number, RouterCreds>();
  const namesBySa = new Map<number, string>();
  /** Responder SAs recorded as successes (sa id → peer name): the initiator may still reject us. */
  const okAsResponder = new Map<number, string>();
  const profileTrustpoint = (remote: Endpoint): string | undefined => {
    const st = ikeStateOrUndefined(device);
    if (!st || st.v2Profiles.size === 0) return undefined;
    return matchIkev2Profile(st, { address: remote.address })?.trustpoints[0];
  };
  const opts: IkeEngineOptions = {
    name: device.name,
    rng: device.rng.fork('ike.udp'),
    now: () => world.now(),
    wallNow: () => device.wallNow(),
    credentials: (ctx) => {
      const tp = profileTrustpoint(ctx.remote);
      const st = ikeStateOrUndefined(device);
      const profile = st && st.v2Profiles.size ? matchIkev2Profile(st, { address: ctx.remote.address }) : undefined;
      const il = profile?.identityLocal;
      const rc = routerCredentials(device, {
        ...(tp !== undefined ? { trustpoint: tp } : {}),
        ...(il ? { identity: il.kind === 'dn' ? 'dn' : il.kind === 'fqdn' ? { type: 'fqdn', value: il.value } : { type: 'ipv4', value: il.addr } } : {}),
      });
      credsBySa.set(ctx.saId, rc);
      if (credsBySa.size > 1024) credsBySa.delete(credsBySa.keys().next().value!);
      return rc.credentials;
    },
    // The engine checks the peer's chain before it knows which profile answers: trust the CAs of
    // every profile's trustpoints (all authenticated CAs when no profile names one), like IOS.
    trust: () => {
      const revoked = revokedSerials(device); // `simulation ike revoke SERIAL` (revoked.ts)
      return { anchors: profileAnchors(device), ...(revoked ? { revokedSerials: revoked } : {}) };
    },
    get proposals() {
      return engineProposals(ikeStateOrUndefined(device)) ?? DEFAULT_PROPOSALS;
    },
    lifetimeMs: 86_400_000,
    log: (l) => o.log?.(l),
    onEvent: (ev: IkeEvent) => onEvent(ev),
  } as IkeEngineOptions;
  const engine = new WorldIkeEngine(world, device, opts);
  // A reload loses every IKE SA of the router, silently (no DELETE: the keys are gone).
  const offReload = world.events.on('reload', (e) => {
    if (e.device !== device.name) return;
    const n = engine.forgetAll();
    credsBySa.clear();
    okAsResponder.clear();
    if (n) o.log?.(`${device.name} reloads: ${n} IKEv2 SA(s) dropped`);
  });
  const transport = new IkeUdpTransport(engine, {
    host: o.host,
    // 'auto': strongSwan's rule — no non-ESP marker when either port is 500, the marker otherwise
    // (so port 4500, and any high port, is a NAT-T port).
    ports: [{ port: o.port, marker: o.marker ?? 'auto' }, ...(o.nattPort !== undefined ? [{ port: o.nattPort, marker: 'auto' as MarkerMode }] : [])],
    log: (l) => o.log?.(l),
  });

  function peerOf(sa: IkeSaInfo): string {
    return namesBySa.get(sa.id) ?? o.peerName?.(device, sa) ?? sa.peerId ?? `${sa.remote.address}:${sa.remote.port}`;
  }

  function onEvent(ev: IkeEvent): void {
    if (ev.type === 'deleted') {
      okAsResponder.delete(ev.sa.id);
      return;
    }
    const sa = ev.sa;
    const direction = sa.role === 'responder' ? 'inbound' : 'outbound';
    const rc = credsBySa.get(sa.id);
    const base = {
      t: world.now(),
      wall: device.wallNow(),
      router: device.name,
      peer: peerOf(sa),
      direction,
      version: 2 as const,
      via: 'udp' as const,
      ...(rc?.trustpoint ? { trustpoint: rc.trustpoint } : {}),
      ...(rc?.cert ? { routerSerial: rc.cert.serialHex } : {}),
      ...(sa.peerSerial ? { peerSerial: sa.peerSerial } : {}),
    } as const;
    if (ev.type === 'established') {
      recordIkeAttempt(world, { ...base, ok: true, connId: sa.id });
      if (sa.role === 'responder') {
        okAsResponder.set(sa.id, base.peer);
        if (okAsResponder.size > 4096) okAsResponder.delete(okAsResponder.keys().next().value!);
      }
      return;
    }
    const a = sa.auth;
    let reason: IkeFailReason = 'protocol error';
    let failedSide: 'router' | 'peer' = 'peer';
    if (a?.by === 'peer') {
      reason = 'peer rejected';
      failedSide = 'router';
    } else if (a?.reason === 'timeout') {
      reason = 'timeout';
    } else if (a?.reason === 'no-proposal' || a?.reason === 'invalid-ke') {
      reason = 'no proposal chosen';
    } else if (a?.detail?.startsWith('no usable local certificate') || a?.detail?.startsWith('local certificate') || a?.detail?.startsWith('cannot sign')) {
      failedSide = 'router';
      reason = rc?.reason ? (rc.reason as IkeFailReason) : 'no certificate';
    } else if (a?.reason && a.reason in AUTH_REASON) {
      reason = AUTH_REASON[a.reason as AuthFailureReason];
    }
    if (a?.reason === 'invalid-ke') return; // a normal retry step, not an attempt outcome
    const recordedPeer = okAsResponder.get(sa.id);
    okAsResponder.delete(sa.id);
    if (recordedPeer !== undefined && a?.by === 'peer') {
      // We answered IKE_AUTH and counted a success; the initiator has now rejected our
      // certificate/AUTH (INFORMATIONAL with AUTHENTICATION_FAILED): the attempt failed.
      amendIkeAttempt(world, { router: device.name, peer: recordedPeer, connId: sa.id }, { ok: false, reason, failedSide, detail: a.detail ?? 'peer sent AUTHENTICATION_FAILED' });
    } else {
      recordIkeAttempt(world, { ...base, ok: false, reason, failedSide, ...(a?.detail ? { detail: a.detail } : {}) });
    }
    device.syslog.log('IKEV2-3-NEG_ABORT', `Negotiation aborted due to ERROR: ${failedSide === 'router' ? 'Failed to authenticate the IKE SA' : `Peer ${sa.remote.address} authentication failed`} (${reason})`);
  }

  try {
    await transport.start();
  } catch (e) {
    offReload();
    await transport.close();
    const err = e as NodeJS.ErrnoException;
    const ports = [o.port, ...(o.nattPort !== undefined ? [o.nattPort] : [])].join('/');
    const hint = err.code === 'EACCES' ? ' (ports below 1025 need root or CAP_NET_BIND_SERVICE)' : err.code === 'EADDRINUSE' ? ' (already in use, e.g. by charon)' : '';
    throw new Error(`${device.name}: cannot bind IKE UDP ${o.host}:${ports}: ${err.message}${hint}`);
  }
  const handle: RouterIkeUdp = {
    device,
    engine,
    transport,
    endpoints: () => transport.endpoints(),
    initiate(remote, peerName) {
      return world.ingress(() => {
        const id = transport.initiate(remote);
        if (peerName) namesBySa.set(id, peerName);
        if (namesBySa.size > 1024) namesBySa.delete(namesBySa.keys().next().value!);
        return id;
      });
    },
    async close() {
      offReload();
      if (running.get(device) === handle) running.delete(device);
      await transport.close();
    },
  };
  running.set(device, handle);
  return handle;
}

function profileAnchors(device: Device): Buffer[] {
  try {
    const st = ikeStateOrUndefined(device);
    const tps = st ? [...new Set([...st.v2Profiles.values()].flatMap((p) => p.trustpoints))] : [];
    if (tps.length === 0) return trustAnchors(device);
    const out: Buffer[] = [];
    for (const tp of tps) for (const a of trustAnchors(device, tp)) if (!out.some((x) => x.equals(a))) out.push(a);
    return out;
  } catch {
    return [];
  }
}
