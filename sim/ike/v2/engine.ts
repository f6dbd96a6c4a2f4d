/**
 * IKEv2 protocol engine: responder and initiator state machines for certificate (rsa-sig)
 * authenticated IKE SAs (RFC 7296), transport-agnostic and deterministic.
 *
 * - Input: `receive(datagram, remote, local)` (the IKE message without any NAT-T marker).
 *   Output: datagrams to send (`Outgoing[]`), each addressed to the source of the request it
 *   answers (strongSwan floats ports between IKE_SA_INIT and IKE_AUTH).
 * - Time: `now()` (ms) for SA bookkeeping, half-open expiry and retransmissions; `wallNow()`
 *   (the device's wall clock) for certificate validity. Randomness (SPIs, nonces, DH private
 *   values, IVs, cookie secret) comes from the injected RandomSource. Nothing here touches real
 *   time or sockets: a transport calls `tick()` when `nextTimer()` is due.
 * - CHILD_SA: not implemented. A CHILD_SA request piggy-backed on IKE_AUTH (SA/TSi/TSr) is
 *   answered with N(NO_PROPOSAL_CHOSEN) while the IKE SA is kept (strongSwan logs "failed to
 *   establish CHILD_SA, keeping IKE_SA"); CREATE_CHILD_SA requests get N(NO_ADDITIONAL_SAS).
 *   Childless IKE SAs (RFC 6023) are advertised with N(CHILDLESS_IKEV2_SUPPORTED).
 * - Bounded state: at most `maxSas` SAs and `maxHalfOpen` responder half-open SAs (the oldest
 *   is evicted); above `cookieThreshold` half-open SAs IKE_SA_INIT requires a stateless COOKIE.
 * - Never throws from receive()/tick(): malformed input is dropped or answered with a notify.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  certReqHashes, hasCredential, noneToReason, validatePeerChain,
  type AuthFailureReason, type LocalCredentials, type ValidationCache,
} from '../credentials.js';
import {
  concreteIdentity, decodeIdentity, encodeIdentity, identityFromCert, identityToString, certHasIdentity,
  type IkeIdentity,
} from '../identity.js';
import { publicKeyOf, tryParseCert } from '../x509.js';
import { authOctets, signAuth, verifyAuth } from './auth.js';
import {
  decodeChain, decodeHeader, decodeMessage, encodeChain, encodeHeader, encodeMessage, findNotify, findPayload,
  IkeDecodeError, notify, HEADER_LEN, filterPayloads, isPayload, type DecodedMessage, type IkeHeader, type Payload, type PayloadOf,
} from './codec.js';
import {
  AUTH_METHOD, CERT_X509_SIGNATURE, EXCH, EXCH_NAMES, FLAG_INITIATOR, FLAG_RESPONSE, HASH_ALG, NOTIFY, NOTIFY_NAMES,
  PROTO, PT, PT_NAMES, TRANSFORM,
} from './constants.js';
import {
  createDh, deriveIkeKeys, dhExpectedLength, natDetectionHash, openMessage, sealMessage,
  type DhKey, type IkeKeys, type IkeSuite, type RandomSource,
} from './crypto.js';
import { acceptChosen, DEFAULT_PROPOSALS, proposalToWire, selectProposal, suiteName, suiteToWire, type IkeProposalConfig } from './proposals.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface Outgoing {
  data: Buffer;
  remote: Endpoint;
  local: Endpoint;
}

export interface TrustSettings {
  /** Trusted CA certificates (DER). */
  anchors: Buffer[];
  revokedSerials?: Iterable<string>;
  /** Identity the peer must prove (its certificate must contain it). */
  expectedPeerId?: IkeIdentity;
}

export interface CredentialContext {
  role: 'initiator' | 'responder';
  saId: number;
  remote: Endpoint;
  /** SHA-1 SPKI hashes from the peer's CERTREQ payloads (the CAs it trusts). */
  peerCertReqs: Buffer[];
  /** IDr the initiator asked for (responder side), if any. */
  requestedId?: IkeIdentity;
}

export type SaState = 'INIT_SENT' | 'INIT_DONE' | 'AUTH_SENT' | 'ESTABLISHED' | 'DELETING' | 'FAILED' | 'DELETED';

export interface AuthOutcome {
  ok: boolean;
  /** 'local': we rejected the peer or had no credential; 'peer': the peer rejected us. */
  by?: 'local' | 'peer';
  reason?: AuthFailureReason | 'peer-rejected' | 'auth-signature' | 'syntax' | 'no-proposal' | 'timeout' | 'invalid-ke';
  detail?: string;
  method?: number;
}

/** Snapshot of one IKE SA for show commands. */
export interface IkeSaInfo {
  id: number;
  role: 'initiator' | 'responder';
  state: SaState;
  local: Endpoint;
  remote: Endpoint;
  spiI: string;
  spiR: string;
  suite?: string;
  dhGroup?: number;
  createdAt: number;
  establishedAt?: number;
  expiresAt?: number;
  auth?: AuthOutcome;
  localId?: string;
  peerId?: string;
  peerSubject?: string;
  peerSerial?: string;
  peerIssuer?: string;
  natDetected?: boolean;
}

export type IkeEvent =
  | { type: 'established'; sa: IkeSaInfo }
  | { type: 'auth-failed'; sa: IkeSaInfo }
  | { type: 'failed'; sa: IkeSaInfo }
  | { type: 'deleted'; sa: IkeSaInfo; by: 'peer' | 'local' | 'expired' | 'replaced' };

export interface IkeEngineOptions {
  name?: string;
  rng: RandomSource;
  /** Monotonic-ish time in ms (SA bookkeeping, timers). */
  now: () => number;
  /** Device wall clock in ms for certificate validity (defaults to now). */
  wallNow?: () => number;
  credentials: LocalCredentials | ((ctx: CredentialContext) => LocalCredentials);
  trust: TrustSettings | (() => TrustSettings);
  proposals?: IkeProposalConfig[];
  /** 'auto': method 14 (RFC 7427, SHA-256) when the peer sent SIGNATURE_HASH_ALGORITHMS with SHA2-256, else 1. */
  authMethod?: 'auto' | 1 | 14;
  /** Advertise CHILDLESS_IKEV2_SUPPORTED (responder) / go childless when the peer does (initiator). */
  childless?: boolean;
  maxSas?: number;
  maxHalfOpen?: number;
  cookieThreshold?: number;
  halfOpenTimeoutMs?: number;
  /** IKE SA lifetime (default 86400 s); expired SAs are deleted. */
  lifetimeMs?: number;
  retransmitTimeoutMs?: number;
  retransmitTries?: number;
  retransmitBase?: number;
  log?: (line: string) => void;
  onEvent?: (ev: IkeEvent) => void;
  validationCache?: ValidationCache | null;
}

export interface InitiateOptions {
  /** Sent as IDr and required in the responder's certificate. */
  remoteId?: IkeIdentity;
  proposals?: IkeProposalConfig[];
  /** DH group for the first KE (default: first group of the first proposal). */
  dhGroup?: number;
}

interface Pending {
  mid: number;
  exchange: number;
  data: Buffer;
  tries: number;
  nextAt: number;
  kind: 'init' | 'auth' | 'info' | 'delete';
}

interface Sa {
  id: number;
  role: 'initiator' | 'responder';
  state: SaState;
  spiI: Buffer;
  spiR: Buffer;
  local: Endpoint;
  remote: Endpoint;
  createdAt: number;
  establishedAt?: number;
  expiresAt?: number;
  closeAt?: number;
  suite?: IkeSuite;
  keys?: IkeKeys;
  ni: Buffer;
  nr?: Buffer;
  dh?: DhKey;
  proposals: IkeProposalConfig[];
  initReq?: Buffer;
  initResp?: Buffer;
  peerHashAlgs: number[];
  peerChildless: boolean;
  peerCertReqs: Buffer[];
  natDetected?: boolean;
  /** Next MID for requests we send. */
  myMid: number;
  /** Next MID expected from the peer's requests. */
  peerMid: number;
  lastRespMid: number;
  lastResp?: Buffer;
  lastRespTo?: Endpoint;
  pending?: Pending;
  queue: Array<'info' | 'delete'>;
  auth?: AuthOutcome;
  localId?: IkeIdentity;
  peerId?: IkeIdentity;
  peerSubject?: string;
  peerSerial?: string;
  peerIssuer?: string;
  remoteIdWanted?: IkeIdentity;
  invalidKeRetries: number;
  cookieRetries: number;
  cookie?: Buffer;
  initKey?: string;
}

const SPI0 = Buffer.alloc(8);
const hex = (b: Buffer) => b.toString('hex');
const ep = (e: Endpoint) => `${e.address}:${e.port}`;

export class IkeEngine {
  private readonly sas = new Map<number, Sa>();
  private readonly bySpi = new Map<string, Sa>();
  private readonly halfOpen = new Map<string, Sa>();
  private nextId = 1;
  private readonly cookieSecret: Buffer;
  readonly o: Required<Pick<IkeEngineOptions, 'maxSas' | 'maxHalfOpen' | 'cookieThreshold' | 'halfOpenTimeoutMs' | 'lifetimeMs' | 'retransmitTimeoutMs' | 'retransmitTries' | 'retransmitBase' | 'childless' | 'authMethod'>>;
  private readonly log: (line: string) => void;
  /** Counters for tests and show commands. */
  readonly stats = { received: 0, dropped: 0, sent: 0, established: 0, authFailed: 0, cookiesSent: 0, evicted: 0, retransmitsAnswered: 0 };

  constructor(private readonly opts: IkeEngineOptions) {
    this.cookieSecret = opts.rng.bytes(32);
    const maxHalfOpen = opts.maxHalfOpen ?? 256;
    this.o = {
      maxSas: opts.maxSas ?? 4096,
      maxHalfOpen,
      cookieThreshold: opts.cookieThreshold ?? Math.max(1, Math.floor(maxHalfOpen / 2)),
      halfOpenTimeoutMs: opts.halfOpenTimeoutMs ?? 30_000,
      lifetimeMs: opts.lifetimeMs ?? 86_400_000,
      retransmitTimeoutMs: opts.retransmitTimeoutMs ?? 4000,
      retransmitTries: opts.retransmitTries ?? 5,
      retransmitBase: opts.retransmitBase ?? 1.8,
      childless: opts.childless ?? true,
      authMethod: opts.authMethod ?? 'auto',
    };
    const name = opts.name ? `${opts.name}: ` : '';
    this.log = opts.log ? (l) => opts.log!(name + l) : () => {};
  }

  // -------------------------------------------------------------------------------------------
  // Public API

  /** Number of SAs in the table, and of responder half-open SAs. */
  get size(): { total: number; halfOpen: number } {
    return { total: this.sas.size, halfOpen: this.halfOpen.size };
  }

  /**
   * Forget every SA at once, without sending anything and without events (a router that reloads
   * loses its IKE SAs; its peers find out by DPD / INVALID_SPI). Returns how many were dropped.
   */
  forgetAll(): number {
    const n = this.sas.size;
    for (const sa of this.sas.values()) sa.state = 'DELETED';
    this.sas.clear();
    this.bySpi.clear();
    this.halfOpen.clear();
    return n;
  }

  list(): IkeSaInfo[] {
    return [...this.sas.values()].map((s) => this.info(s));
  }

  get(id: number): IkeSaInfo | undefined {
    const s = this.sas.get(id);
    return s && this.info(s);
  }

  /** Start an IKE SA as initiator. */
  initiate(remote: Endpoint, local: Endpoint, io: InitiateOptions = {}): { id: number; out: Outgoing[] } {
    this.makeRoom();
    const proposals = io.proposals ?? this.opts.proposals ?? DEFAULT_PROPOSALS;
    const sa = this.newSa('initiator', this.nonZeroSpi(), Buffer.from(SPI0), local, remote, proposals);
    sa.ni = this.opts.rng.bytes(32);
    if (io.remoteId) sa.remoteIdWanted = io.remoteId;
    const group = io.dhGroup ?? proposals[0]?.dh[0] ?? 31;
    sa.dh = createDh(group, this.opts.rng);
    this.bySpi.set(hex(sa.spiI), sa);
    this.log(`IKEv2-SA#${sa.id} initiating IKE_SA to ${ep(remote)} (DH group ${group})`);
    return { id: sa.id, out: this.sendInit(sa) };
  }

  /** Send an INFORMATIONAL liveness check (empty request) on an established SA. */
  liveness(id: number): Outgoing[] {
    const sa = this.sas.get(id);
    if (!sa || sa.state !== 'ESTABLISHED') return [];
    return this.request(sa, 'info');
  }

  /** Delete an IKE SA (INFORMATIONAL with D(IKE)); half-open SAs are dropped silently. */
  delete(id: number): Outgoing[] {
    const sa = this.sas.get(id);
    if (!sa) return [];
    if (sa.state !== 'ESTABLISHED') {
      this.remove(sa, 'local');
      return [];
    }
    return this.request(sa, 'delete');
  }

  /** Earliest time at which tick() has work, or undefined. */
  nextTimer(): number | undefined {
    let t: number | undefined;
    const upd = (x: number | undefined) => { if (x !== undefined && (t === undefined || x < t)) t = x; };
    for (const sa of this.sas.values()) {
      upd(sa.pending?.nextAt);
      upd(sa.closeAt);
      upd(sa.expiresAt);
      if (sa.state === 'INIT_DONE' || sa.state === 'INIT_SENT' || sa.state === 'AUTH_SENT') upd(sa.createdAt + this.o.halfOpenTimeoutMs * 2);
    }
    return t;
  }

  /** Run due retransmissions and expiries. */
  tick(): Outgoing[] {
    const now = this.opts.now();
    const out: Outgoing[] = [];
    try {
      for (const sa of [...this.sas.values()]) {
        if (sa.closeAt !== undefined && now >= sa.closeAt) { this.remove(sa, sa.state === 'DELETING' ? 'local' : undefined); continue; }
        if (sa.role === 'responder' && sa.state === 'INIT_DONE' && now >= sa.createdAt + this.o.halfOpenTimeoutMs) {
          this.log(`IKEv2-SA#${sa.id} half-open SA from ${ep(sa.remote)} timed out`);
          this.remove(sa);
          continue;
        }
        if (sa.expiresAt !== undefined && now >= sa.expiresAt && sa.state === 'ESTABLISHED') {
          this.log(`IKEv2-SA#${sa.id} lifetime expired, deleting`);
          sa.expiresAt = undefined;
          out.push(...this.request(sa, 'delete'));
          continue;
        }
        const p = sa.pending;
        if (p && now >= p.nextAt) {
          if (p.tries >= this.o.retransmitTries) {
            this.log(`IKEv2-SA#${sa.id} giving up after ${p.tries} retransmits of ${EXCH_NAMES[p.exchange]} to ${ep(sa.remote)}`);
            if (p.kind === 'init' || p.kind === 'auth') this.fail(sa, { ok: false, by: 'local', reason: 'timeout', detail: 'peer did not answer' });
            else this.remove(sa, p.kind === 'delete' ? 'local' : undefined);
            continue;
          }
          p.tries++;
          p.nextAt = now + Math.round(this.o.retransmitTimeoutMs * Math.pow(this.o.retransmitBase, p.tries));
          out.push(this.emit(sa, p.data));
        }
      }
    } catch (e) {
      this.log(`IKEv2 internal error in tick: ${(e as Error).message}`);
    }
    return out;
  }

  /** Process one datagram (IKE message without NAT-T marker). Never throws. */
  receive(data: Buffer, remote: Endpoint, local: Endpoint): Outgoing[] {
    this.stats.received++;
    try {
      return this.receiveInner(data, remote, local);
    } catch (e) {
      this.stats.dropped++;
      this.log(`IKEv2 dropped a message from ${ep(remote)}: internal error ${(e as Error).message}`);
      return [];
    }
  }

  // -------------------------------------------------------------------------------------------
  // Dispatch

  private receiveInner(data: Buffer, remote: Endpoint, local: Endpoint): Outgoing[] {
    if (data.length < HEADER_LEN || data.length > 65_535) return this.drop();
    const h = decodeHeader(data);
    if (h.version >> 4 !== 2 || h.length !== data.length) return this.drop();
    const isResponse = (h.flags & FLAG_RESPONSE) !== 0;
    const fromInitiator = (h.flags & FLAG_INITIATOR) !== 0;
    if (h.exchange === EXCH.IKE_SA_INIT && !isResponse && fromInitiator && h.spiR.equals(SPI0)) {
      return this.responderInit(data, h, remote, local);
    }
    const ourSpi = fromInitiator ? h.spiR : h.spiI;
    const sa = this.bySpi.get(hex(ourSpi));
    if (!sa) return this.drop();
    if ((sa.role === 'responder') !== fromInitiator) return this.drop();
    if (sa.role === 'responder' && !h.spiI.equals(sa.spiI)) return this.drop();
    if (sa.role === 'initiator' && !sa.spiR.equals(SPI0) && !h.spiR.equals(sa.spiR)) return this.drop();
    if (isResponse) return this.handleResponse(sa, data, h, remote, local);
    return this.handleRequest(sa, data, h, remote, local);
  }

  private drop(): Outgoing[] {
    this.stats.dropped++;
    return [];
  }

  // -------------------------------------------------------------------------------------------
  // Responder: IKE_SA_INIT

  private cookieFor(ni: Buffer, remote: Endpoint, spiI: Buffer): Buffer {
    const mac = createHmac('sha256', this.cookieSecret).update(ni).update(remote.address).update(spiI).digest().subarray(0, 16);
    return Buffer.concat([Buffer.from([0, 0]), mac]);
  }

  private plainNotify(h: IkeHeader, remote: Endpoint, local: Endpoint, type: number, data: Buffer = Buffer.alloc(0), spiR = SPI0): Outgoing[] {
    const msg = encodeMessage({ spiI: h.spiI, spiR, exchange: h.exchange, flags: FLAG_RESPONSE, mid: h.mid }, [notify(type, data)]);
    this.stats.sent++;
    return [{ data: msg, remote, local }];
  }

  private responderInit(data: Buffer, h: IkeHeader, remote: Endpoint, local: Endpoint): Outgoing[] {
    if (h.mid !== 0) return this.drop();
    const initKey = `${hex(h.spiI)}|${remote.address}`;
    const existing = this.halfOpen.get(initKey);
    if (existing && existing.initReq && existing.initReq.equals(data) && existing.lastResp) {
      this.stats.retransmitsAnswered++;
      existing.lastRespTo = remote;
      return [this.emitTo(existing, existing.lastResp, remote, local)];
    }
    let msg: DecodedMessage;
    try {
      msg = decodeMessage(data);
    } catch (e) {
      if (e instanceof IkeDecodeError && e.kind === 'critical') {
        return this.plainNotify(h, remote, local, NOTIFY.UNSUPPORTED_CRITICAL_PAYLOAD, Buffer.from([e.payloadType]));
      }
      this.log(`IKEv2 malformed IKE_SA_INIT from ${ep(remote)}: ${(e as Error).message}`);
      return this.drop();
    }
    const pls = msg.payloads;
    const saP = findPayload(pls, PT.SA);
    const keP = findPayload(pls, PT.KE);
    const nP = findPayload(pls, PT.NONCE);
    if (!saP || !keP || !nP || nP.data.length < 16 || nP.data.length > 256 || findPayload(pls, PT.SK)) {
      return this.plainNotify(h, remote, local, NOTIFY.INVALID_SYNTAX);
    }
    // Anti-DoS: stateless cookie above the threshold.
    if (this.halfOpen.size >= this.o.cookieThreshold) {
      const want = this.cookieFor(nP.data, remote, h.spiI);
      const got = findNotify(pls, NOTIFY.COOKIE);
      if (!got || got.data.length !== want.length || !timingSafeEqual(got.data, want)) {
        this.stats.cookiesSent++;
        return this.plainNotify(h, remote, local, NOTIFY.COOKIE, want);
      }
    }
    const local0 = this.opts.proposals ?? DEFAULT_PROPOSALS;
    const sel = selectProposal(local0, saP.proposals);
    if (!sel) {
      this.log(`IKEv2 IKE_SA_INIT from ${ep(remote)}: no acceptable proposal, sending NO_PROPOSAL_CHOSEN`);
      return this.plainNotify(h, remote, local, NOTIFY.NO_PROPOSAL_CHOSEN);
    }
    if (!sel.groups.includes(keP.group)) {
      const g = Buffer.alloc(2);
      g.writeUInt16BE(sel.suite.dh, 0);
      this.log(`IKEv2 IKE_SA_INIT from ${ep(remote)}: KE group ${keP.group} not acceptable, sending INVALID_KE_PAYLOAD(${sel.suite.dh})`);
      return this.plainNotify(h, remote, local, NOTIFY.INVALID_KE_PAYLOAD, g);
    }
    if (keP.data.length !== dhExpectedLength(keP.group)) return this.plainNotify(h, remote, local, NOTIFY.INVALID_SYNTAX);
    if (this.sas.size >= this.o.maxSas && !this.makeRoom()) {
      return this.plainNotify(h, remote, local, NOTIFY.TEMPORARY_FAILURE);
    }
    if (existing) this.remove(existing);
    while (this.halfOpen.size >= this.o.maxHalfOpen) {
      const oldest = this.halfOpen.values().next().value!;
      this.stats.evicted++;
      this.remove(oldest);
    }
    const suite: IkeSuite = { ...sel.suite, dh: keP.group };
    const dh = createDh(keP.group, this.opts.rng);
    const shared = dh.computeSecret(keP.data);
    if (!shared) {
      this.log(`IKEv2 IKE_SA_INIT from ${ep(remote)}: invalid KE value for group ${keP.group}`);
      return this.plainNotify(h, remote, local, NOTIFY.INVALID_SYNTAX);
    }
    const sa = this.newSa('responder', Buffer.from(h.spiI), this.nonZeroSpi(), local, remote, local0);
    sa.ni = Buffer.from(nP.data);
    sa.nr = this.opts.rng.bytes(32);
    sa.dh = dh;
    sa.suite = suite;
    sa.initReq = Buffer.from(data);
    sa.state = 'INIT_DONE';
    sa.initKey = initKey;
    this.readInitNotifies(sa, pls, remote, local, true);
    sa.keys = deriveIkeKeys(suite, sa.ni, sa.nr, shared, sa.spiI, sa.spiR);
    const trust = this.trust();
    const hashes = certReqHashes(trust.anchors);
    const resp: Payload[] = [
      { type: PT.SA, proposals: [suiteToWire(suite, sel.num)] },
      { type: PT.KE, group: suite.dh, data: dh.publicValue },
      { type: PT.NONCE, data: sa.nr },
      notify(NOTIFY.NAT_DETECTION_SOURCE_IP, natDetectionHash(sa.spiI, sa.spiR, local.address, local.port)),
      notify(NOTIFY.NAT_DETECTION_DESTINATION_IP, natDetectionHash(sa.spiI, sa.spiR, remote.address, remote.port)),
      { type: PT.CERTREQ, encoding: CERT_X509_SIGNATURE, data: Buffer.concat(hashes) },
      notify(NOTIFY.SIGNATURE_HASH_ALGORITHMS, Buffer.from([0, HASH_ALG.SHA2_256, 0, HASH_ALG.SHA2_384, 0, HASH_ALG.SHA2_512])),
    ];
    if (this.o.childless) resp.push(notify(NOTIFY.CHILDLESS_IKEV2_SUPPORTED));
    const out = encodeMessage({ spiI: sa.spiI, spiR: sa.spiR, exchange: EXCH.IKE_SA_INIT, flags: FLAG_RESPONSE, mid: 0 }, resp);
    sa.initResp = out;
    sa.lastResp = out;
    sa.lastRespMid = 0;
    sa.peerMid = 1;
    this.bySpi.set(hex(sa.spiR), sa);
    this.halfOpen.set(initKey, sa);
    this.log(`IKEv2-SA#${sa.id} IKE_SA_INIT from ${ep(remote)}: selected ${suiteName(suite)}`);
    return [this.emit(sa, out)];
  }

  private readInitNotifies(sa: Sa, pls: Payload[], remote: Endpoint, local: Endpoint, asResponder: boolean): void {
    const sha = findNotify(pls, NOTIFY.SIGNATURE_HASH_ALGORITHMS);
    sa.peerHashAlgs = [];
    if (sha) for (let i = 0; i + 1 < sha.data.length && i < 64; i += 2) sa.peerHashAlgs.push(sha.data.readUInt16BE(i));
    sa.peerChildless = !!findNotify(pls, NOTIFY.CHILDLESS_IKEV2_SUPPORTED);
    for (const c of filterPayloads(pls, PT.CERTREQ)) this.addCertReqs(sa, c);
    // NAT detection (informational; on loopback nothing is detected)
    const spiR = asResponder ? SPI0 : sa.spiR;
    const srcs = filterPayloads(pls, PT.NOTIFY).filter((p) => p.notifyType === NOTIFY.NAT_DETECTION_SOURCE_IP);
    const dst = findNotify(pls, NOTIFY.NAT_DETECTION_DESTINATION_IP);
    if (srcs.length && dst) {
      const peerOk = srcs.some((s) => s.data.equals(natDetectionHash(sa.spiI, spiR, remote.address, remote.port)));
      const selfOk = dst.data.equals(natDetectionHash(sa.spiI, spiR, local.address, local.port));
      sa.natDetected = !peerOk || !selfOk;
    }
  }

  private addCertReqs(sa: Sa, c: PayloadOf<38>): void {
    if (c.encoding !== CERT_X509_SIGNATURE) return;
    for (let i = 0; i + 20 <= c.data.length && sa.peerCertReqs.length < 32; i += 20) sa.peerCertReqs.push(Buffer.from(c.data.subarray(i, i + 20)));
  }

  // -------------------------------------------------------------------------------------------
  // Requests on an existing SA (responder IKE_AUTH, INFORMATIONAL, CREATE_CHILD_SA, either role)

  private handleRequest(sa: Sa, data: Buffer, h: IkeHeader, remote: Endpoint, local: Endpoint): Outgoing[] {
    if (h.exchange === EXCH.IKE_SA_INIT) {
      // Retransmitted IKE_SA_INIT carrying our SPIr (unusual): answer from the cache.
      if (sa.role === 'responder' && h.mid === 0 && sa.initReq?.equals(data) && sa.initResp) {
        this.stats.retransmitsAnswered++;
        return [this.emitTo(sa, sa.initResp, remote, local)];
      }
      return this.drop();
    }
    if (!sa.keys || !sa.suite) return this.drop();
    if (h.mid + 1 === sa.peerMid && sa.lastResp && sa.lastRespMid === h.mid) {
      // Duplicate request: verify integrity, then resend the cached response verbatim.
      const m = this.tryDecode(data);
      if (!m || m.skOffset === undefined || !this.open(sa, m)) return this.drop();
      this.stats.retransmitsAnswered++;
      return [this.emitTo(sa, sa.lastResp, remote, local)];
    }
    if (h.mid !== sa.peerMid) return this.drop();
    let m: DecodedMessage;
    try {
      m = decodeMessage(data);
    } catch {
      return this.drop();
    }
    if (m.skOffset === undefined) {
      this.log(`IKEv2-SA#${sa.id} ${EXCH_NAMES[h.exchange] ?? h.exchange} request without SK payload from ${ep(remote)} dropped`);
      return this.drop();
    }
    const inner = this.open(sa, m);
    if (!inner) {
      this.log(`IKEv2-SA#${sa.id} integrity check failed for ${EXCH_NAMES[h.exchange] ?? h.exchange} from ${ep(remote)}`);
      return this.drop();
    }
    let pls: Payload[];
    try {
      pls = decodeChain(inner.bytes, inner.first, 0, inner.bytes.length).payloads;
    } catch (e) {
      if (e instanceof IkeDecodeError && e.kind === 'critical') {
        return this.respond(sa, h, remote, local, [notify(NOTIFY.UNSUPPORTED_CRITICAL_PAYLOAD, Buffer.from([e.payloadType]))]);
      }
      const out = this.respond(sa, h, remote, local, [notify(NOTIFY.INVALID_SYNTAX)]);
      if (h.exchange === EXCH.IKE_AUTH) this.fail(sa, { ok: false, by: 'local', reason: 'syntax', detail: (e as Error).message });
      return out;
    }
    // The peer may have moved (NAT-T port float): answer to the new source, keep it for our requests.
    sa.remote = remote;
    sa.local = local;
    switch (h.exchange) {
      case EXCH.IKE_AUTH:
        if (sa.role !== 'responder' || sa.state !== 'INIT_DONE') return this.drop();
        return this.responderAuth(sa, h, pls, remote, local);
      case EXCH.INFORMATIONAL:
        return this.informational(sa, h, pls, remote, local);
      case EXCH.CREATE_CHILD_SA:
        if (sa.state !== 'ESTABLISHED') return this.drop();
        this.log(`IKEv2-SA#${sa.id} CREATE_CHILD_SA request: not supported, sending NO_ADDITIONAL_SAS`);
        return this.respond(sa, h, remote, local, [notify(NOTIFY.NO_ADDITIONAL_SAS)]);
      default:
        return this.drop();
    }
  }

  private informational(sa: Sa, h: IkeHeader, pls: Payload[], remote: Endpoint, local: Endpoint): Outgoing[] {
    if (sa.state !== 'ESTABLISHED' && sa.state !== 'DELETING' && sa.state !== 'FAILED') return this.drop();
    const del = filterPayloads(pls, PT.DELETE).find((p) => p.protocol === PROTO.IKE);
    const authFailed = findNotify(pls, NOTIFY.AUTHENTICATION_FAILED);
    const out = this.respond(sa, h, remote, local, []);
    if (authFailed && sa.state === 'ESTABLISHED') {
      this.log(`IKEv2-SA#${sa.id} peer ${ep(remote)} reported AUTHENTICATION_FAILED: it rejected our certificate/signature`);
      this.fail(sa, { ok: false, by: 'peer', reason: 'peer-rejected', detail: 'peer sent AUTHENTICATION_FAILED' });
      return out;
    }
    if (del) {
      this.log(`IKEv2-SA#${sa.id} deleted by peer ${ep(remote)}`);
      this.remove(sa, 'peer');
    }
    return out;
  }

  private responderAuth(sa: Sa, h: IkeHeader, pls: Payload[], remote: Endpoint, local: Endpoint): Outgoing[] {
    const idi = findPayload(pls, PT.IDi);
    const authP = findPayload(pls, PT.AUTH);
    const idr = findPayload(pls, PT.IDr);
    for (const c of filterPayloads(pls, PT.CERTREQ)) this.addCertReqs(sa, c);
    const wantsChild = !!findPayload(pls, PT.SA);
    const peerId = idi ? decodeIdentity(idi.body) : undefined;
    const authFail = (outcome: AuthOutcome): Outgoing[] => {
      const out = this.respond(sa, h, remote, local, [notify(NOTIFY.AUTHENTICATION_FAILED)]);
      this.fail(sa, outcome);
      return out;
    };
    if (!idi || !authP || !peerId) {
      this.log(`IKEv2-SA#${sa.id} AUTHENTICATION_FAILED: IKE_AUTH from ${ep(remote)} without IDi/AUTH`);
      return authFail({ ok: false, by: 'local', reason: 'syntax', detail: 'IKE_AUTH without IDi or AUTH' });
    }
    sa.peerId = peerId;
    const verdict = this.verifyPeer(sa, pls, peerId, idi.body, authP, sa.initReq!, sa.nr!, sa.keys!.skPi);
    if (!verdict.ok) return authFail(verdict);
    // Our own credential
    const requested = idr ? decodeIdentity(idr.body) : undefined;
    const cred = this.credentials({ role: 'responder', saId: sa.id, remote, peerCertReqs: sa.peerCertReqs, ...(requested ? { requestedId: requested } : {}) });
    if (!hasCredential(cred)) {
      this.log(`IKEv2-SA#${sa.id} AUTHENTICATION_FAILED: no usable local certificate (${cred.none}) for peer ${ep(remote)}`);
      return authFail({ ok: false, by: 'local', reason: noneToReason(cred.none), detail: `no usable local certificate: ${cred.none}` });
    }
    const ee = cred.certChain.length ? tryParseCert(cred.certChain[0]!) : undefined;
    if (!ee) return authFail({ ok: false, by: 'local', reason: 'no-certificate', detail: 'local certificate cannot be parsed' });
    let myId = cred.id ? concreteIdentity(cred.id, ee) : undefined;
    if (!myId && requested && certHasIdentity(ee, requested)) myId = requested;
    myId ??= identityFromCert(ee);
    const idBody = this.safeEncodeId(myId, ee);
    const method = this.pickMethod(sa);
    let auth;
    try {
      auth = signAuth(method, cred.privateKey, authOctets(sa.initResp!, sa.ni, sa.suite!.prf, sa.keys!.skPr, idBody));
    } catch (e) {
      this.log(`IKEv2-SA#${sa.id} cannot sign AUTH: ${(e as Error).message}`);
      return authFail({ ok: false, by: 'local', reason: 'key-mismatch', detail: `cannot sign: ${(e as Error).message}` });
    }
    sa.localId = myId;
    const resp: Payload[] = [{ type: PT.IDr, body: idBody }];
    for (const c of cred.certChain) resp.push({ type: PT.CERT, encoding: CERT_X509_SIGNATURE, data: c });
    resp.push({ type: PT.AUTH, method: auth.method, data: auth.data });
    if (wantsChild) resp.push(notify(NOTIFY.NO_PROPOSAL_CHOSEN));
    const out = this.respond(sa, h, remote, local, resp);
    this.establish(sa, verdict, !!findNotify(pls, NOTIFY.INITIAL_CONTACT));
    if (wantsChild) this.log(`IKEv2-SA#${sa.id} CHILD_SA not supported: answered NO_PROPOSAL_CHOSEN, keeping IKE_SA`);
    return out;
  }

  /** Validate the peer's CERT chain and AUTH payload. */
  private verifyPeer(
    sa: Sa, pls: Payload[], peerId: IkeIdentity, idBody: Buffer, authP: PayloadOf<typeof PT.AUTH>,
    peerInitMsg: Buffer, myNonce: Buffer, skP: Buffer,
  ): AuthOutcome & { ok: boolean } {
    const certs = filterPayloads(pls, PT.CERT).filter((p) => p.encoding === CERT_X509_SIGNATURE).map((p) => p.data).slice(0, 8);
    const trust = this.trust();
    const wall = (this.opts.wallNow ?? this.opts.now)();
    const v = validatePeerChain(certs, trust.anchors, wall, {
      presentedId: peerId,
      ...(trust.expectedPeerId ? { expectedId: trust.expectedPeerId } : {}),
      ...(sa.remoteIdWanted ? { expectedId: sa.remoteIdWanted } : {}),
      ...(trust.revokedSerials ? { revokedSerials: trust.revokedSerials } : {}),
      ...(this.opts.validationCache !== undefined ? { cache: this.opts.validationCache } : {}),
    });
    const idStr = identityToString(peerId);
    if (v.subject) sa.peerSubject = v.subject;
    if (v.serialHex) sa.peerSerial = v.serialHex;
    if (!v.ok) {
      this.log(`IKEv2-SA#${sa.id} AUTHENTICATION_FAILED: peer ${ep(sa.remote)} id "${idStr}"${v.subject ? ` certificate "${v.subject}" serial ${v.serialHex}` : ''} rejected: ${v.reason} (${v.detail})`);
      return { ok: false, by: 'local', reason: v.reason, detail: v.detail };
    }
    sa.peerIssuer = v.issuer;
    const octets = authOctets(peerInitMsg, myNonce, sa.suite!.prf, skP, idBody);
    const r = verifyAuth(authP.method, authP.data, publicKeyOf(v.cert), octets);
    if (!r.ok) {
      this.log(`IKEv2-SA#${sa.id} AUTHENTICATION_FAILED: peer ${ep(sa.remote)} id "${idStr}" AUTH method ${authP.method} invalid: ${r.detail} (key does not match certificate "${v.subject}" or wrong signed octets)`);
      return { ok: false, by: 'local', reason: 'key-mismatch', detail: r.detail, method: authP.method };
    }
    this.log(`IKEv2-SA#${sa.id} authentication of "${idStr}" with ${r.detail} successful (certificate "${v.subject}" serial ${v.serialHex})`);
    return { ok: true, method: authP.method, detail: r.detail };
  }

  // -------------------------------------------------------------------------------------------
  // Initiator

  private sendInit(sa: Sa): Outgoing[] {
    const pls: Payload[] = [];
    if (sa.cookie) pls.push(notify(NOTIFY.COOKIE, sa.cookie));
    pls.push(
      { type: PT.SA, proposals: sa.proposals.map((p, i) => proposalToWire(p, i + 1)) },
      { type: PT.KE, group: sa.dh!.group, data: sa.dh!.publicValue },
      { type: PT.NONCE, data: sa.ni },
      notify(NOTIFY.NAT_DETECTION_SOURCE_IP, natDetectionHash(sa.spiI, SPI0, sa.local.address, sa.local.port)),
      notify(NOTIFY.NAT_DETECTION_DESTINATION_IP, natDetectionHash(sa.spiI, SPI0, sa.remote.address, sa.remote.port)),
      notify(NOTIFY.SIGNATURE_HASH_ALGORITHMS, Buffer.from([0, HASH_ALG.SHA2_256, 0, HASH_ALG.SHA2_384, 0, HASH_ALG.SHA2_512])),
    );
    const msg = encodeMessage({ spiI: sa.spiI, spiR: SPI0, exchange: EXCH.IKE_SA_INIT, flags: FLAG_INITIATOR, mid: 0 }, pls);
    sa.initReq = msg;
    sa.state = 'INIT_SENT';
    sa.myMid = 1;
    sa.pending = { mid: 0, exchange: EXCH.IKE_SA_INIT, data: msg, tries: 0, nextAt: this.opts.now() + this.o.retransmitTimeoutMs, kind: 'init' };
    return [this.emit(sa, msg)];
  }

  private handleResponse(sa: Sa, data: Buffer, h: IkeHeader, remote: Endpoint, local: Endpoint): Outgoing[] {
    const p = sa.pending;
    if (!p || p.mid !== h.mid || p.exchange !== h.exchange) return this.drop();
    if (h.exchange === EXCH.IKE_SA_INIT) return this.initiatorInitResponse(sa, data, h, remote, local);
    if (!sa.keys) return this.drop();
    let m: DecodedMessage;
    try {
      m = decodeMessage(data);
    } catch {
      return this.drop();
    }
    if (m.skOffset === undefined) return this.drop();
    const inner = this.open(sa, m);
    if (!inner) {
      this.log(`IKEv2-SA#${sa.id} integrity check failed for ${EXCH_NAMES[h.exchange]} response from ${ep(remote)}`);
      return this.drop();
    }
    let pls: Payload[];
    try {
      pls = decodeChain(inner.bytes, inner.first, 0, inner.bytes.length).payloads;
    } catch (e) {
      sa.pending = undefined;
      if (p.kind === 'auth') this.fail(sa, { ok: false, by: 'local', reason: 'syntax', detail: (e as Error).message });
      return [];
    }
    sa.pending = undefined;
    if (p.kind === 'auth') return this.initiatorAuthResponse(sa, pls, remote);
    if (p.kind === 'delete') {
      this.remove(sa, 'local');
      return [];
    }
    return this.flushQueue(sa);
  }

  private initiatorInitResponse(sa: Sa, data: Buffer, h: IkeHeader, remote: Endpoint, local: Endpoint): Outgoing[] {
    if (sa.state !== 'INIT_SENT') return this.drop();
    let m: DecodedMessage;
    try {
      m = decodeMessage(data);
    } catch {
      return this.drop();
    }
    const pls = m.payloads;
    const ike = findNotify(pls, NOTIFY.INVALID_KE_PAYLOAD);
    if (ike && ike.data.length === 2) {
      const g = ike.data.readUInt16BE(0);
      if (sa.invalidKeRetries < 5 && sa.proposals.some((pr) => pr.dh.includes(g)) && g !== sa.dh!.group) {
        sa.invalidKeRetries++;
        this.log(`IKEv2-SA#${sa.id} peer wants DH group ${g} (INVALID_KE_PAYLOAD), retrying`);
        sa.dh = createDh(g, this.opts.rng);
        return this.sendInit(sa);
      }
      this.fail(sa, { ok: false, by: 'local', reason: 'invalid-ke', detail: `peer requested unsupported DH group ${g}` });
      return [];
    }
    const cookie = findNotify(pls, NOTIFY.COOKIE);
    if (cookie && h.spiR.equals(SPI0)) {
      if (sa.cookieRetries++ < 3 && cookie.data.length >= 1 && cookie.data.length <= 64) {
        sa.cookie = Buffer.from(cookie.data);
        this.log(`IKEv2-SA#${sa.id} peer requested a COOKIE, retrying`);
        return this.sendInit(sa);
      }
      this.fail(sa, { ok: false, by: 'local', reason: 'timeout', detail: 'COOKIE exchange did not converge' });
      return [];
    }
    const err = filterPayloads(pls, PT.NOTIFY).find((p) => p.notifyType < 16384);
    if (err) {
      const name = NOTIFY_NAMES[err.notifyType] ?? String(err.notifyType);
      this.log(`IKEv2-SA#${sa.id} IKE_SA_INIT failed: peer sent ${name}`);
      this.fail(sa, { ok: false, by: 'peer', reason: err.notifyType === NOTIFY.NO_PROPOSAL_CHOSEN ? 'no-proposal' : 'syntax', detail: `peer sent ${name}` });
      return [];
    }
    const saP = findPayload(pls, PT.SA), keP = findPayload(pls, PT.KE), nP = findPayload(pls, PT.NONCE);
    if (!saP || !keP || !nP || h.spiR.equals(SPI0) || nP.data.length < 16 || nP.data.length > 256) return this.drop();
    const suite = acceptChosen(sa.proposals, saP.proposals);
    if (!suite || suite.dh !== keP.group || keP.group !== sa.dh!.group) {
      this.fail(sa, { ok: false, by: 'local', reason: 'no-proposal', detail: 'responder chose a proposal we did not offer' });
      return [];
    }
    const shared = sa.dh!.computeSecret(keP.data);
    if (!shared) {
      this.fail(sa, { ok: false, by: 'local', reason: 'syntax', detail: 'invalid responder KE value' });
      return [];
    }
    sa.spiR = Buffer.from(h.spiR);
    sa.nr = Buffer.from(nP.data);
    sa.suite = suite;
    sa.initResp = Buffer.from(data);
    this.readInitNotifies(sa, pls, remote, local, false);
    sa.keys = deriveIkeKeys(suite, sa.ni, sa.nr, shared, sa.spiI, sa.spiR);
    sa.pending = undefined;
    this.log(`IKEv2-SA#${sa.id} IKE_SA_INIT done with ${ep(remote)}: ${suiteName(suite)}`);
    // IKE_AUTH request
    const cred = this.credentials({ role: 'initiator', saId: sa.id, remote, peerCertReqs: sa.peerCertReqs });
    if (!hasCredential(cred)) {
      this.log(`IKEv2-SA#${sa.id} cannot authenticate: no usable local certificate (${cred.none})`);
      this.fail(sa, { ok: false, by: 'local', reason: noneToReason(cred.none), detail: `no usable local certificate: ${cred.none}` });
      return [];
    }
    const ee = cred.certChain.length ? tryParseCert(cred.certChain[0]!) : undefined;
    if (!ee) {
      this.fail(sa, { ok: false, by: 'local', reason: 'no-certificate', detail: 'local certificate cannot be parsed' });
      return [];
    }
    const myId = cred.id ? concreteIdentity(cred.id, ee) : identityFromCert(ee);
    const idBody = this.safeEncodeId(myId, ee);
    let auth;
    try {
      auth = signAuth(this.pickMethod(sa), cred.privateKey, authOctets(sa.initReq!, sa.nr, suite.prf, sa.keys.skPi, idBody));
    } catch (e) {
      this.fail(sa, { ok: false, by: 'local', reason: 'key-mismatch', detail: `cannot sign: ${(e as Error).message}` });
      return [];
    }
    sa.localId = myId;
    const trust = this.trust();
    const req: Payload[] = [{ type: PT.IDi, body: idBody }];
    for (const c of cred.certChain) req.push({ type: PT.CERT, encoding: CERT_X509_SIGNATURE, data: c });
    req.push(notify(NOTIFY.INITIAL_CONTACT));
    req.push({ type: PT.CERTREQ, encoding: CERT_X509_SIGNATURE, data: Buffer.concat(certReqHashes(trust.anchors)) });
    if (sa.remoteIdWanted && !(sa.remoteIdWanted.type === 'dn' && typeof sa.remoteIdWanted.value === 'string')) {
      try { req.push({ type: PT.IDr, body: encodeIdentity(sa.remoteIdWanted) }); } catch { /* not encodable: just required */ }
    }
    req.push({ type: PT.AUTH, method: auth.method, data: auth.data });
    if (!(this.o.childless && sa.peerChildless)) {
      // A minimal CHILD_SA request so that non-childless peers accept the exchange; its result is ignored.
      req.push({ type: PT.SA, proposals: [{ num: 1, protocol: PROTO.ESP, spi: this.opts.rng.bytes(4), transforms: [
        { type: TRANSFORM.ENCR, id: 12, keyLength: 128 }, { type: TRANSFORM.INTEG, id: 12 }, { type: TRANSFORM.ESN, id: 0 }] }] });
      const any4 = { tsType: 7, ipProto: 0, startPort: 0, endPort: 65535, start: Buffer.from([0, 0, 0, 0]), end: Buffer.from([255, 255, 255, 255]) };
      req.push({ type: PT.TSi, selectors: [any4] }, { type: PT.TSr, selectors: [any4] });
    }
    const out = this.sendRequest(sa, EXCH.IKE_AUTH, req, 'auth');
    sa.state = 'AUTH_SENT';
    return out;
  }

  private initiatorAuthResponse(sa: Sa, pls: Payload[], remote: Endpoint): Outgoing[] {
    if (sa.state !== 'AUTH_SENT') return [];
    if (findNotify(pls, NOTIFY.AUTHENTICATION_FAILED)) {
      this.log(`IKEv2-SA#${sa.id} AUTHENTICATION_FAILED: peer ${ep(remote)} rejected our authentication`);
      this.fail(sa, { ok: false, by: 'peer', reason: 'peer-rejected', detail: 'peer sent AUTHENTICATION_FAILED' });
      return [];
    }
    for (const c of filterPayloads(pls, PT.CERTREQ)) this.addCertReqs(sa, c);
    const idr = findPayload(pls, PT.IDr), authP = findPayload(pls, PT.AUTH);
    const peerId = idr ? decodeIdentity(idr.body) : undefined;
    const sendAuthFailed = (): Outgoing[] => {
      const o = this.sendRequest(sa, EXCH.INFORMATIONAL, [notify(NOTIFY.AUTHENTICATION_FAILED)], 'info');
      sa.pending = undefined; // fire and forget
      return o;
    };
    if (!idr || !authP || !peerId) {
      const err = filterPayloads(pls, PT.NOTIFY).find((p) => p.notifyType < 16384);
      const name = err ? (NOTIFY_NAMES[err.notifyType] ?? String(err.notifyType)) : 'no IDr/AUTH';
      this.log(`IKEv2-SA#${sa.id} IKE_AUTH failed: ${name}`);
      this.fail(sa, { ok: false, by: 'peer', reason: 'peer-rejected', detail: name });
      return [];
    }
    sa.peerId = peerId;
    const verdict = this.verifyPeer(sa, pls, peerId, idr.body, authP, sa.initResp!, sa.ni, sa.keys!.skPr);
    if (!verdict.ok) {
      const out = sendAuthFailed();
      this.fail(sa, verdict);
      return out;
    }
    const childErr = filterPayloads(pls, PT.NOTIFY).find((p) => p.notifyType < 16384);
    if (childErr) this.log(`IKEv2-SA#${sa.id} CHILD_SA not established (${NOTIFY_NAMES[childErr.notifyType] ?? childErr.notifyType}), keeping IKE_SA`);
    this.establish(sa, verdict, false);
    return this.flushQueue(sa);
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private request(sa: Sa, kind: 'info' | 'delete'): Outgoing[] {
    if (sa.pending) {
      if (sa.queue.length < 4 && !sa.queue.includes(kind)) sa.queue.push(kind);
      return [];
    }
    if (kind === 'delete') {
      sa.state = 'DELETING';
      sa.closeAt = this.opts.now() + this.o.retransmitTimeoutMs * 8;
      return this.sendRequest(sa, EXCH.INFORMATIONAL, [{ type: PT.DELETE, protocol: PROTO.IKE, spiSize: 0, spis: [] }], 'delete');
    }
    return this.sendRequest(sa, EXCH.INFORMATIONAL, [], 'info');
  }

  private flushQueue(sa: Sa): Outgoing[] {
    const k = sa.queue.shift();
    return k && (sa.state === 'ESTABLISHED' || sa.state === 'DELETING') ? this.request(sa, k) : [];
  }

  private sendRequest(sa: Sa, exchange: number, payloads: Payload[], kind: Pending['kind']): Outgoing[] {
    const mid = sa.myMid++;
    const data = this.seal(sa, exchange, false, mid, payloads);
    sa.pending = { mid, exchange, data, tries: 0, nextAt: this.opts.now() + this.o.retransmitTimeoutMs, kind };
    return [this.emit(sa, data)];
  }

  private respond(sa: Sa, h: IkeHeader, remote: Endpoint, local: Endpoint, payloads: Payload[]): Outgoing[] {
    const data = this.seal(sa, h.exchange, true, h.mid, payloads);
    sa.lastResp = data;
    sa.lastRespMid = h.mid;
    sa.peerMid = h.mid + 1;
    return [this.emitTo(sa, data, remote, local)];
  }

  private seal(sa: Sa, exchange: number, response: boolean, mid: number, payloads: Payload[]): Buffer {
    const c = encodeChain(payloads);
    const flags = (sa.role === 'initiator' ? FLAG_INITIATOR : 0) | (response ? FLAG_RESPONSE : 0);
    const hdr = encodeHeader({ spiI: sa.spiI, spiR: sa.spiR, nextPayload: PT.SK, exchange, flags, mid, length: 0 });
    const k = sa.keys!;
    const mine = sa.role === 'initiator' ? { encKey: k.skEi, integKey: k.skAi } : { encKey: k.skEr, integKey: k.skAr };
    return sealMessage(sa.suite!, mine, hdr, c.first, c.bytes, this.opts.rng);
  }

  private open(sa: Sa, m: DecodedMessage): { first: number; bytes: Buffer } | undefined {
    const k = sa.keys!;
    const peer = sa.role === 'initiator' ? { encKey: k.skEr, integKey: k.skAr } : { encKey: k.skEi, integKey: k.skAi };
    const sk = m.payloads[m.payloads.length - 1];
    if (!sk || !isPayload(sk, PT.SK)) return undefined;
    const bytes = openMessage(sa.suite!, peer, m.raw, m.skOffset!);
    return bytes && { first: sk.firstInner, bytes };
  }

  private tryDecode(data: Buffer): DecodedMessage | undefined {
    try {
      return decodeMessage(data);
    } catch {
      return undefined;
    }
  }

  private emit(sa: Sa, data: Buffer): Outgoing {
    this.stats.sent++;
    return { data, remote: sa.remote, local: sa.local };
  }

  private emitTo(sa: Sa, data: Buffer, remote: Endpoint, local: Endpoint): Outgoing {
    this.stats.sent++;
    void sa;
    return { data, remote, local };
  }

  private pickMethod(sa: Sa): number {
    if (this.o.authMethod !== 'auto') return this.o.authMethod;
    return sa.peerHashAlgs.includes(HASH_ALG.SHA2_256) ? AUTH_METHOD.DIGITAL_SIGNATURE : AUTH_METHOD.RSA_SIG;
  }

  private safeEncodeId(id: IkeIdentity, ee: { subjectDer: Buffer }): Buffer {
    try {
      return encodeIdentity(id);
    } catch {
      return encodeIdentity({ type: 'dn', value: ee.subjectDer });
    }
  }

  private credentials(ctx: CredentialContext): LocalCredentials {
    const c = this.opts.credentials;
    try {
      return typeof c === 'function' ? c(ctx) : c;
    } catch (e) {
      return { none: 'no certificate', detail: (e as Error).message };
    }
  }

  private trust(): TrustSettings {
    const t = this.opts.trust;
    try {
      return typeof t === 'function' ? t() : t;
    } catch {
      return { anchors: [] };
    }
  }

  private nonZeroSpi(): Buffer {
    for (let i = 0; i < 8; i++) {
      const s = this.opts.rng.bytes(8);
      if (!s.equals(SPI0) && !this.bySpi.has(hex(s))) return s;
    }
    throw new Error('cannot allocate an SPI');
  }

  private newSa(role: Sa['role'], spiI: Buffer, spiR: Buffer, local: Endpoint, remote: Endpoint, proposals: IkeProposalConfig[]): Sa {
    const sa: Sa = {
      id: this.nextId++, role, state: role === 'initiator' ? 'INIT_SENT' : 'INIT_DONE', spiI, spiR,
      local: { ...local }, remote: { ...remote }, createdAt: this.opts.now(), ni: Buffer.alloc(0), proposals,
      peerHashAlgs: [], peerChildless: false, peerCertReqs: [], myMid: 0, peerMid: 0, lastRespMid: -1, queue: [],
      invalidKeRetries: 0, cookieRetries: 0,
    };
    this.sas.set(sa.id, sa);
    return sa;
  }

  /** Make room for one SA: drop the oldest failed/half-open SA when the table is full. */
  private makeRoom(): boolean {
    if (this.sas.size < this.o.maxSas) return true;
    for (const sa of this.sas.values()) {
      if (sa.state !== 'ESTABLISHED') {
        this.stats.evicted++;
        this.remove(sa);
        return true;
      }
    }
    return false;
  }

  private establish(sa: Sa, v: AuthOutcome, initialContact: boolean): void {
    sa.state = 'ESTABLISHED';
    sa.auth = { ok: true, ...(v.method !== undefined ? { method: v.method } : {}), ...(v.detail ? { detail: v.detail } : {}) };
    sa.establishedAt = this.opts.now();
    sa.expiresAt = sa.establishedAt + this.o.lifetimeMs;
    if (sa.initKey) { this.halfOpen.delete(sa.initKey); sa.initKey = undefined; }
    sa.dh = undefined;
    this.stats.established++;
    this.log(`IKEv2-SA#${sa.id} IKE_SA established between ${ep(sa.local)}[${sa.localId ? identityToString(sa.localId) : '?'}]...${ep(sa.remote)}[${sa.peerId ? identityToString(sa.peerId) : '?'}] (${suiteName(sa.suite!)})`);
    if (initialContact && sa.peerId) {
      const pid = identityToString(sa.peerId);
      for (const other of [...this.sas.values()]) {
        if (other !== sa && other.state === 'ESTABLISHED' && other.peerId && identityToString(other.peerId) === pid) {
          this.log(`IKEv2-SA#${other.id} replaced by SA#${sa.id} (INITIAL_CONTACT from ${pid})`);
          this.remove(other, 'replaced');
        }
      }
    }
    this.opts.onEvent?.({ type: 'established', sa: this.info(sa) });
  }

  private fail(sa: Sa, outcome: AuthOutcome): void {
    sa.auth = { ...outcome, ok: false };
    sa.state = 'FAILED';
    sa.pending = undefined;
    sa.dh = undefined;
    if (sa.initKey) { this.halfOpen.delete(sa.initKey); sa.initKey = undefined; }
    // Keep the SA briefly so retransmitted requests get the cached error response.
    sa.closeAt = this.opts.now() + this.o.halfOpenTimeoutMs;
    const isAuth = outcome.by === 'peer' ? outcome.reason === 'peer-rejected' : outcome.reason !== 'timeout' && outcome.reason !== 'no-proposal' && outcome.reason !== 'invalid-ke' && outcome.reason !== 'syntax';
    if (isAuth) this.stats.authFailed++;
    this.opts.onEvent?.({ type: isAuth ? 'auth-failed' : 'failed', sa: this.info(sa) });
  }

  private remove(sa: Sa, by?: 'peer' | 'local' | 'expired' | 'replaced'): void {
    if (!this.sas.has(sa.id)) return;
    this.sas.delete(sa.id);
    const mine = sa.role === 'initiator' ? sa.spiI : sa.spiR;
    if (this.bySpi.get(hex(mine)) === sa) this.bySpi.delete(hex(mine));
    if (sa.initKey) this.halfOpen.delete(sa.initKey);
    const wasEstablished = sa.state === 'ESTABLISHED' || sa.state === 'DELETING';
    sa.state = 'DELETED';
    if (by && wasEstablished) this.opts.onEvent?.({ type: 'deleted', sa: this.info(sa), by });
  }

  private info(sa: Sa): IkeSaInfo {
    const i: IkeSaInfo = {
      id: sa.id, role: sa.role, state: sa.state, local: { ...sa.local }, remote: { ...sa.remote },
      spiI: hex(sa.spiI), spiR: hex(sa.spiR), createdAt: sa.createdAt,
    };
    if (sa.suite) { i.suite = suiteName(sa.suite); i.dhGroup = sa.suite.dh; }
    if (sa.establishedAt !== undefined) i.establishedAt = sa.establishedAt;
    if (sa.expiresAt !== undefined) i.expiresAt = sa.expiresAt;
    if (sa.auth) i.auth = { ...sa.auth };
    if (sa.localId) i.localId = identityToString(sa.localId);
    if (sa.peerId) i.peerId = identityToString(sa.peerId);
    if (sa.peerSubject) i.peerSubject = sa.peerSubject;
    if (sa.peerSerial) i.peerSerial = sa.peerSerial;
    if (sa.peerIssuer) i.peerIssuer = sa.peerIssuer;
    if (sa.natDetected !== undefined) i.natDetected = sa.natDetected;
    return i;
  }
}

/**
 * IOS `show crypto ikev2 sa` style status for an SA state: READY (established), IN-NEG
 * (negotiating), DELETE (being deleted / deleted), FAILED (authentication or negotiation failed).
 */
export function iosIkev2Status(state: SaState): 'READY' | 'IN-NEG' | 'DELETE' | 'FAILED' {
  switch (state) {
    case 'ESTABLISHED': return 'READY';
    case 'INIT_SENT': case 'INIT_DONE': case 'AUTH_SENT': return 'IN-NEG';
    case 'DELETING': case 'DELETED': return 'DELETE';
    default: return 'FAILED';
  }
}

/** For logs and tests: "IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) ... ]" style summary. */
export function describeMessage(data: Buffer): string {
  try {
    const m = decodeMessage(data);
    const h = m.header;
    const names = m.payloads.map((p) => (isPayload(p, PT.NOTIFY) ? `N(${NOTIFY_NAMES[p.notifyType] ?? p.notifyType})` : PT_NAMES[p.type] ?? String(p.type)));
    return `${EXCH_NAMES[h.exchange] ?? h.exchange} ${h.flags & FLAG_RESPONSE ? 'response' : 'request'} ${h.mid} [ ${names.join(' ')} ]`;
  } catch (e) {
    return `<undecodable: ${(e as Error).message}>`;
  }
}
