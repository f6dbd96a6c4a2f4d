/**
 * Level-0 IKE attempts between a twin router and a simulated peer (protocols.md §10.2).
 *
 * One attempt = sim/ike/attempt.ts `authenticateOnce`: both sides sign fresh nonces with their
 * CURRENT private keys (real RSA signatures) and each validates the other's certificate chain
 * against its own trust anchors at its own wall time. The router's side comes from its PKI state
 * through sim/ike/router-creds.ts, looked up at the attempt — so renewals, rollovers, lost keys and
 * expired certificates show up exactly when they happen. Before authentication the router picks
 * the IKEv1 policy (ISAKMP) or the IKEv2 profile for the peer the way IOS does.
 *
 * The outcome updates the router's SA table (show crypto isakmp sa / show crypto ikev2 sa), logs
 * a syslog line on failure, and becomes an attempt record (records.ts, `ike.attempt` event).
 *
 * Syslog on failure (12.4 persona, IKEv1):
 *   %CRYPTO-5-IKMP_INVAL_CERT: Certificate received from A.B.C.D is bad: <why>   (RECALLED format;
 *       the <why> texts are INVENTED) — the router rejected the peer's certificate;
 *   %CRYPTO-4-IKMP_BAD_MESSAGE: IKE message from A.B.C.D failed its sanity check or is malformed
 *       (RECALLED) — the peer's signature did not verify;
 *   %CRYPTO-3-IKMP_QUERY_KEY: Querying key pair failed.  (RECALLED) — the router has no usable
 *       certificate/key for the negotiation;
 *   %CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at A.B.C.D  (RECALLED)
 *       — every failed negotiation.
 * IKEv2 (15.x persona): `%IKEV2-3-NEG_ABORT: Negotiation aborted due to ERROR: <why>` (INVENTED
 * after 15.x debug wording; no capture of the syslog form).
 */
import type { World } from '../../world/world.js';
import type { Device } from '../../device/device.js';
import type { Rng } from '../../kernel/rng.js';
import { authenticateOnce, type AttemptSide } from '../../ike/attempt.js';
import type { AuthFailureReason } from '../../ike/credentials.js';
import { routerCredentials, type RouterCredReason, type RouterCreds } from '../../ike/router-creds.js';
import { routerAddress, type SimPeer } from '../../ike/peers.js';
import { recordIkeAttempt, type IkeAttemptRecord, type IkeFailReason } from './records.js';
import { revokedSerials } from './revoked.js';
import { ikeStateOrUndefined, defaultIsakmpPolicy, type IkeState, type Ikev2Profile, type IsakmpPolicy, type RouterSa } from './state.js';

export const AUTH_REASON: Record<AuthFailureReason, IkeFailReason> = {
  'no-certificate': 'no certificate',
  expired: 'expired',
  'not-yet-valid': 'not yet valid',
  'key-mismatch': 'key/cert mismatch',
  untrusted: 'untrusted',
  'ca-cert-missing': 'CA cert missing',
  revoked: 'revoked',
  'identity-mismatch': 'identity mismatch',
  'bad-signature': 'bad signature',
  'key-usage': 'key usage',
};

const CRED_REASON: Record<RouterCredReason, IkeFailReason> = {
  'no trustpoint': 'no trustpoint',
  'no certificate': 'no certificate',
  'CA cert missing': 'CA cert missing',
  'key/cert mismatch': 'key/cert mismatch',
  expired: 'expired',
  'not yet valid': 'not yet valid',
  untrusted: 'untrusted',
};

/** `Certificate received from X is bad: <why>` texts (INVENTED wording). */
const INVAL_CERT_TEXT: Partial<Record<IkeFailReason, string>> = {
  expired: 'certificate expired',
  'not yet valid': 'certificate not yet valid',
  untrusted: 'unknown certificate authority',
  'CA cert missing': 'no trusted CA certificate',
  revoked: 'certificate revoked',
  'identity mismatch': 'identity not in certificate',
  'bad signature': 'certificate signature invalid',
  'key usage': 'key usage does not allow signing',
  'no certificate': 'no certificate received',
};

/** The signature mode of a world's lab: real signatures every attempt, or memoised per (key, cert). */
const sigModes = new WeakMap<World, 'every' | 'memo'>();
export function setSignatureMode(world: World, mode: 'every' | 'memo'): void {
  sigModes.set(world, mode);
}
export function signatureMode(world: World): 'every' | 'memo' {
  return sigModes.get(world) ?? 'every';
}

const nonceRngs = new WeakMap<Device, Rng>();
function nonceRng(d: Device): Rng {
  let r = nonceRngs.get(d);
  if (!r) nonceRngs.set(d, (r = d.rng.fork('ike.nonces')));
  return r;
}

// ------------------------------------------------------------------ policy / profile choice

function isakmpCandidates(st: IkeState): IsakmpPolicy[] {
  // Configured policies by priority, then the default protection suite (always offered by IOS).
  return [...[...st.isakmpPolicies.values()].sort((a, b) => a.priority - b.priority), defaultIsakmpPolicy(65_536)];
}

/** IKEv1: the first policy (priority order) with rsa-sig authentication — the peers authenticate with certificates. */
export function matchIsakmpPolicy(st: IkeState): IsakmpPolicy | undefined {
  return isakmpCandidates(st).find((p) => p.auth === 'rsa-sig');
}

/** The protection suites a side offers in Main Mode message 1: its policies in priority order plus the default one. */
export function offeredIsakmpPolicies(st: IkeState): IsakmpPolicy[] {
  return isakmpCandidates(st);
}

function sameSuite(a: IsakmpPolicy, b: IsakmpPolicy): boolean {
  return a.encr === b.encr && (a.encr !== 'aes' || (a.aesBits ?? 128) === (b.aesBits ?? 128)) && a.hash === b.hash && a.auth === b.auth && a.group === b.group;
}

/**
 * IKEv1 policy negotiation the IOS way: the responder walks ITS policies in priority order and
 * takes the first whose encryption, hash, authentication and DH group equal one of the
 * initiator's offered suites; rsa-sig only here (the peers authenticate with certificates). The
 * SA lifetime is the shorter of the two (IOS uses the initiator's when it is shorter; the twin
 * does not refuse a longer initiator lifetime — SIMPLIFIED).
 */
export function negotiateIsakmp(initiator: IsakmpPolicy[], responder: IsakmpPolicy[]): { policy: IsakmpPolicy; lifetime: number } | undefined {
  for (const r of responder) {
    if (r.auth !== 'rsa-sig') continue;
    const i = initiator.find((x) => sameSuite(x, r));
    if (i) return { policy: r, lifetime: Math.min(i.lifetime, r.lifetime) };
  }
  return undefined;
}

function suiteText(p: IsakmpPolicy): string {
  return `${p.encr}${p.encr === 'aes' ? ` ${p.aesBits ?? 128}` : ''}/${p.hash}/${p.auth}/group ${p.group}`;
}

function ipToInt(a: string): number {
  return a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

/** IKEv2: the first profile (configuration order) whose `match identity remote` covers the peer. */
export function matchIkev2Profile(st: IkeState, peer: { address: string; fqdn?: string | undefined }): Ikev2Profile | undefined {
  for (const p of st.v2Profiles.values()) {
    for (const m of p.match) {
      if (m.kind === 'any') return p;
      if (m.kind === 'address') {
        const mask = m.mask ? ipToInt(m.mask) : 0xffffffff;
        if (((ipToInt(m.addr) & mask) >>> 0) === ((ipToInt(peer.address) & mask) >>> 0)) return p;
      }
      if (m.kind === 'fqdn' && peer.fqdn) {
        const f = peer.fqdn.toLowerCase();
        const v = m.value.toLowerCase();
        if (m.domain ? f === v || f.endsWith(`.${v}`) : f === v) return p;
      }
    }
  }
  return undefined;
}

const ENCR_SHOW: Record<string, [string, number]> = {
  '3des': ['3DES', 192],
  'aes-cbc-128': ['AES-CBC', 128],
  'aes-cbc-192': ['AES-CBC', 192],
  'aes-cbc-256': ['AES-CBC', 256],
  'aes-gcm-128': ['AES-GCM', 128],
  'aes-gcm-256': ['AES-GCM', 256],
};

/** Display suite of a level-0 IKEv2 SA: the first proposal of the first policy, else the twin's default. */
function ikev2Suite(st: IkeState): Pick<RouterSa, 'encrShow' | 'keysize' | 'prfShow' | 'hashShow' | 'dhGroup' | 'suite'> {
  let prop = undefined as undefined | { encryption: string[]; integrity: string[]; group: string[] };
  for (const pol of st.v2Policies.values()) {
    for (const n of pol.proposals) {
      const p = st.v2Proposals.get(n);
      if (p && p.encryption.length) {
        prop = p;
        break;
      }
    }
    if (prop) break;
  }
  const e = prop?.encryption[0] ?? 'aes-cbc-128';
  const [encrShow, keysize] = ENCR_SHOW[e] ?? ['AES-CBC', 128];
  const h = (prop?.integrity[0] ?? 'sha256').toUpperCase();
  const dh = Number(prop?.group[0] ?? 14);
  return { encrShow, keysize, prfShow: h, hashShow: h, dhGroup: dh, suite: `${e}/${h.toLowerCase()}/group ${dh}` };
}

// ------------------------------------------------------------------ the attempt

export interface AttemptHooks {
  /** Called when an SA made by this attempt reaches its lifetime (rekey by its initiator). */
  onExpire?: (sa: RouterSa) => void;
}

/** How long a failed ISAKMP negotiation stays listed as `MM_NO_STATE … ACTIVE (deleted)` (INFERRED). */
export const FAILED_SA_LINGER_MS = 60_000;

/**
 * One level-0 attempt between `peer` and its router. `inbound`: the peer initiates. Never throws.
 */
export function simAttempt(world: World, peer: SimPeer, direction: 'inbound' | 'outbound', hooks: AttemptHooks = {}): IkeAttemptRecord {
  const router = world.device(peer.spec.router);
  const t = world.now();
  const version = peer.spec.version;
  const base = { t, router: peer.spec.router, peer: peer.name, direction, version, via: 'sim' as const };
  if (!router || !router.booted || router.booting) {
    const r: IkeAttemptRecord = { ...base, wall: world.epoch + t, ok: false, reason: 'router down', failedSide: 'router', detail: `${peer.spec.router} does not answer` };
    recordIkeAttempt(world, r);
    return r;
  }
  const st = ikeStateOrUndefined(router);
  const wall = router.wallNow();
  const myAddr = routerAddress(router);
  const fail = (reason: IkeFailReason, failedSide: 'router' | 'peer', detail: string, extra: Partial<IkeAttemptRecord> = {}): IkeAttemptRecord => {
    const r: IkeAttemptRecord = { ...base, wall, ok: false, reason, failedSide, detail, ...extra };
    if (st) noteFailedSa(router, st, peer, direction, myAddr);
    logFailure(router, version, peer.address, r, direction);
    recordIkeAttempt(world, r);
    return r;
  };
  if (!st) return fail('protocol error', 'router', 'IKE is not available on this router');

  // Policy (IKEv1) / profile (IKEv2).
  let trustpoint = peer.spec.trustpoint;
  let identity: 'dn' | 'fqdn' | 'address' | undefined;
  let policy: IsakmpPolicy | undefined;
  let profile: Ikev2Profile | undefined;
  let lifetimeSec = 86_400;
  if (version === 1) {
    // The peer's offer: a twin router peer offers its own ISAKMP policies; a client peer offers
    // the router's rsa-sig suite (a client configured for this router).
    const peerDev = peer.kind === 'device' ? world.device(peer.spec.device!) : undefined;
    const peerSt = peerDev ? ikeStateOrUndefined(peerDev) : undefined;
    const mine = offeredIsakmpPolicies(st);
    if (peerSt) {
      const theirs = offeredIsakmpPolicies(peerSt);
      const n = direction === 'inbound' ? negotiateIsakmp(theirs, mine) : negotiateIsakmp(mine, theirs);
      if (!n) {
        const offered = (direction === 'inbound' ? theirs : mine).filter((p) => p.auth === 'rsa-sig').map(suiteText).join(', ') || 'no rsa-sig suite';
        return fail('no proposal chosen', direction === 'inbound' ? 'router' : 'peer', `no ISAKMP policy of the ${direction === 'inbound' ? 'router' : 'peer'} (responder) matches the initiator's offer (${offered})`);
      }
      policy = n.policy;
      lifetimeSec = n.lifetime;
    } else {
      policy = matchIsakmpPolicy(st);
      if (!policy) return fail('no proposal chosen', 'router', 'no ISAKMP policy with rsa-sig authentication');
      lifetimeSec = policy.lifetime;
    }
    identity = st.identity === 'dn' ? 'dn' : st.identity === 'hostname' ? 'fqdn' : 'address';
  } else if (st.v2Profiles.size > 0) {
    profile = matchIkev2Profile(st, { address: peer.address, fqdn: peer.spec.fqdn });
    if (!profile) return fail('no matching profile', 'peer', `no IKEv2 profile matches ${peer.address}`);
    if (profile.authLocal === 'pre-share' || profile.authRemote === 'pre-share') {
      return fail('no proposal chosen', 'router', `IKEv2 profile ${profile.name} does not authenticate with rsa-sig`);
    }
    if (trustpoint === undefined && profile.trustpoints.length) trustpoint = profile.trustpoints[0];
    const il = profile.identityLocal;
    identity = il?.kind === 'dn' ? 'dn' : il?.kind === 'fqdn' ? 'fqdn' : il?.kind === 'address' ? 'address' : undefined;
    if (profile.lifetime !== undefined) lifetimeSec = profile.lifetime;
  }

  const rc: RouterCreds = routerCredentials(router, {
    ...(trustpoint !== undefined ? { trustpoint } : {}),
    ...(identity ? { identity } : {}),
    address: myAddr,
  });
  const ps = peer.side();
  const revoked = revokedSerials(router);
  const routerSide: AttemptSide = { name: router.name, credentials: rc.credentials, anchors: rc.anchors, wallNow: wall, ...(revoked ? { revokedSerials: revoked } : {}) };
  const peerSide: AttemptSide = { name: peer.name, credentials: ps.credentials, anchors: ps.anchors, wallNow: ps.wallNow };
  const [init, resp] = direction === 'inbound' ? [peerSide, routerSide] : [routerSide, peerSide];
  const res = authenticateOnce(init, resp, nonceRng(router), signatureMode(world) === 'every' ? { signatureCache: null } : {});
  const extra: Partial<IkeAttemptRecord> = {
    ...(rc.trustpoint ? { trustpoint: rc.trustpoint } : {}),
    ...(rc.cert ? { routerSerial: rc.cert.serialHex } : {}),
    ...(ps.serial ? { peerSerial: ps.serial } : {}),
  };
  if (!res.ok) {
    const routerRole = direction === 'inbound' ? 'responder' : 'initiator';
    const failedSide = res.failedSide === routerRole ? 'router' : 'peer';
    let reason: IkeFailReason = res.reason ? AUTH_REASON[res.reason] : 'protocol error';
    // A missing local credential: use the adapter's finer reason (e.g. CA cert missing).
    if (failedSide === 'router' && res.detectedBy === routerRole && rc.reason) reason = CRED_REASON[rc.reason];
    if (failedSide === 'peer' && res.detectedBy !== routerRole && ps.reason) reason = CRED_REASON[ps.reason];
    return fail(reason, failedSide, res.detail ?? reason, extra);
  }

  // Success: the new SA replaces this peer's previous one.
  const connId = st.nextConnId++;
  const now = world.now();
  st.sas = st.sas.filter((s) => !(s.peer === peer.name && s.version === version));
  const sa: RouterSa = {
    connId,
    version,
    peer: peer.name,
    local: myAddr,
    remote: peer.address,
    localPort: 500,
    remotePort: 500,
    initiator: direction === 'inbound' ? 'peer' : 'router',
    state: version === 1 ? 'QM_IDLE' : 'READY',
    deleted: false,
    createdAt: now,
    expiresAt: now + lifetimeSec * 1000,
    lifetimeSec,
    via: 'sim',
    ...(version === 1 && policy ? { suite: suiteText(policy), dhGroup: policy.group } : ikev2Suite(st)),
    ...(rc.trustpoint ? { trustpoint: rc.trustpoint } : {}),
    ...(rc.cert ? { localSerial: rc.cert.serialHex } : {}),
    ...(ps.serial ? { peerSerial: ps.serial } : {}),
    ...(res.initiatorPeer && res.responderPeer ? { peerId: direction === 'inbound' ? res.initiatorPeer.id : res.responderPeer.id } : {}),
  } as RouterSa;
  st.sas.push(sa);
  router.scheduler.at(sa.expiresAt, `ike.sa-expire ${router.name}/${peer.name}#${connId}`, () => {
    const cur = ikeStateOrUndefined(router);
    if (cur !== st || !st.sas.includes(sa)) return; // replaced, or the router reloaded
    st.sas = st.sas.filter((s) => s !== sa);
    hooks.onExpire?.(sa);
  });
  const r: IkeAttemptRecord = { ...base, wall, ok: true, connId, ...extra };
  recordIkeAttempt(world, r);
  return r;
}

/** A failed ISAKMP negotiation shows as `MM_NO_STATE … ACTIVE (deleted)` for a minute. */
function noteFailedSa(router: Device, st: IkeState, peer: SimPeer, direction: 'inbound' | 'outbound', myAddr: string): void {
  if (peer.spec.version !== 1) return;
  const now = router.world.now();
  st.sas = st.sas.filter((s) => !(s.peer === peer.name && s.deleted));
  const sa: RouterSa = {
    connId: st.nextConnId++,
    version: 1,
    peer: peer.name,
    local: myAddr,
    remote: peer.address,
    localPort: 500,
    remotePort: 500,
    initiator: direction === 'inbound' ? 'peer' : 'router',
    state: 'MM_NO_STATE',
    deleted: true,
    createdAt: now,
    expiresAt: now + FAILED_SA_LINGER_MS,
    lifetimeSec: 0,
    suite: '',
    via: 'sim',
  };
  st.sas.push(sa);
  router.scheduler.at(sa.expiresAt, `ike.sa-linger ${router.name}/${peer.name}`, () => {
    st.sas = st.sas.filter((s) => s !== sa);
  });
}

function logFailure(router: Device, version: 1 | 2, addr: string, r: IkeAttemptRecord, direction: 'inbound' | 'outbound'): void {
  void direction;
  if (r.reason === 'router down') return;
  const reason = r.reason!;
  if (version === 2) {
    router.syslog.log('IKEV2-3-NEG_ABORT', `Negotiation aborted due to ERROR: ${r.failedSide === 'router' ? 'Failed to authenticate the IKE SA' : `Peer ${addr} authentication failed`} (${reason})`);
    return;
  }
  if (r.failedSide === 'peer') {
    if (reason === 'key/cert mismatch') router.syslog.log('CRYPTO-4-IKMP_BAD_MESSAGE', `IKE message from ${addr} failed its sanity check or is malformed`);
    else if (INVAL_CERT_TEXT[reason]) router.syslog.log('CRYPTO-5-IKMP_INVAL_CERT', `Certificate received from ${addr} is bad: ${INVAL_CERT_TEXT[reason]}`);
  } else if (reason === 'no certificate' || reason === 'no trustpoint' || reason === 'expired' || reason === 'not yet valid' || reason === 'CA cert missing') {
    router.syslog.log('CRYPTO-3-IKMP_QUERY_KEY', 'Querying key pair failed.');
  }
  router.syslog.log('CRYPTO-6-IKMP_MODE_FAILURE', `Processing of Main mode failed with peer at ${addr}`);
}
