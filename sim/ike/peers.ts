/**
 * Simulated IKE peers of a lab: remote routers or VPN clients that connect to a twin router (and
 * that the router connects to) on a schedule in simulated time.
 *
 * Two kinds:
 *  - a CLIENT peer has its own RSA key and certificate, obtained from the lab CA (a device running
 *    `crypto pki server`) by SCEP IN PROCESS — the same SCEP bytes as over HTTP (pki/scep/client.ts
 *    prepare/finish halves around ScepCa.handleScep), carried by scheduler events with a small
 *    deterministic latency. While the CA answers PENDING the peer polls (CertPoll) every `retry`.
 *    It renews at `renew` % of its certificate's lifetime with key rollover (RenewalReq signed by
 *    the current certificate; the old key and certificate serve until the new one arrives), so a
 *    well-behaved client never causes an outage by itself;
 *  - a DEVICE peer is another twin router of the lab: its credentials come from its own
 *    trustpoint through the same adapter as the router's (router-creds.ts), at ITS wall time.
 *
 * Lab YAML (the `ike:` section of a lab or of a scenario's inline lab):
 * ```yaml
 * ike:
 *   signatures: every        # every: real RSA signatures on every attempt (default); memo: reuse
 *                            #   the verified outcome per (key, certificate) — faster, same results
 *   peers:
 *     - name: client1
 *       router: R1            # the twin router this peer talks to
 *       ca: CA                # lab device running `crypto pki server` (client peers)
 *       subject: CN=client1,O=Twin
 *       fqdn: client1.lab.example
 *       keyBits: 1024
 *       renew: 80             # percent of the certificate lifetime
 *       retry: 1h             # CertPoll period while PENDING (each poll is a real SCEP exchange)
 *       version: 1            # 1 = ISAKMP (show crypto isakmp sa), 2 = IKEv2 (show crypto ikev2 sa)
 *       connect: { every: 10m, start: 5m }     # the peer initiates to the router
 *       initiate: { every: 1h }                 # the router initiates to the peer
 *       trustpoint: TP        # the router's trustpoint for this peer (IOS isakmp-profile style)
 *     - name: R2
 *       router: R1
 *       device: R2            # another twin router; its trustpoint peerTrustpoint (default: first)
 *       connect: { every: 10m }
 * ```
 * Nothing here reads a clock or randomness of its own: time is world/scheduler time, randomness a
 * world Rng fork per peer, keys come from the world's deterministic key pool.
 */
import type { World } from '../world/world.js';
import type { Device } from '../device/device.js';
import type { Rng } from '../kernel/rng.js';
import { parseDuration } from '../kernel/scheduler.js';
import type { TimerHandle } from '../kernel/scheduler.js';
import type { IkeIdentity, LocalCredentials } from './credentials.js';
import type { IkePeerSpec } from './peers-schema.js';
import { routerCredentials, type RouterCredReason } from './router-creds.js';
import { pkiState } from '../features/pki/state.js';
import { worldKeyPool } from '../features/pki/runtime.js';
import type { ScepCa } from '../../pki/ca.js';
import type { RsaKeyPair } from '../../pki/keys.js';
import { parseCertificate, type CertInfo } from '../../pki/x509.js';
import { finishOperation, prepareEnroll, preparePoll, type PendingSession, type PreparedOperation } from '../../pki/scep/client.js';
import { renewalAt } from '../../pki/renewal.js';

export { IkePeerSchema, IkeLabSchema, DeviceIkeSchema, parseIkeLab } from './peers-schema.js';
export type { IkePeerSpec, IkeLabSpec, IkeLabInput } from './peers-schema.js';

// ------------------------------------------------------------------ peers

export interface PeerSide {
  name: string;
  credentials: LocalCredentials;
  anchors: Buffer[];
  wallNow: number;
  /** Finer reason when the credentials are `{ none }`. */
  reason?: RouterCredReason;
  serial?: string;
}

/** One SCEP round trip to a lab CA, in process, with a deterministic latency (ms). */
const LATENCY_MS = 40;

function caOf(world: World, name: string): ScepCa | undefined {
  const d = world.device(name);
  if (!d || !d.booted) return undefined;
  try {
    const st = pkiState(d);
    return st.ca && st.server && !st.server.shutdown ? st.ca : undefined;
  } catch {
    return undefined;
  }
}

export type PeerCertEvent = { type: 'enrolled' | 'renewed' | 'pending' | 'failed'; serial?: string; detail?: string };

export class SimPeer {
  readonly name: string;
  readonly index: number;
  readonly address: string;
  private readonly rng: Rng;
  /** Client peers: current certificate and key (the newest issued), CA certificate. */
  key?: RsaKeyPair;
  cert?: CertInfo;
  caCert?: CertInfo;
  private pending?: { session: PendingSession; key: RsaKeyPair; signerKey: RsaKeyPair; renewal: boolean };
  private timer?: TimerHandle;
  private stopped = false;
  readonly events: PeerCertEvent[] = [];

  constructor(
    readonly world: World,
    readonly spec: IkePeerSpec,
    index: number,
    private readonly onCertEvent?: (p: SimPeer, e: PeerCertEvent) => void,
  ) {
    this.name = spec.name;
    this.index = index;
    this.rng = world.rng.fork(`ike.peer.${spec.name}`);
    this.address = spec.address ?? (spec.device ? this.deviceAddress() : undefined) ?? `192.0.2.${10 + (index % 240)}`;
  }

  get kind(): 'client' | 'device' | 'remote' {
    return this.spec.device !== undefined ? 'device' : this.spec.remote !== undefined ? 'remote' : 'client';
  }

  private deviceAddress(): string | undefined {
    const d = this.spec.device !== undefined ? this.world.device(this.spec.device) : undefined;
    return d ? routerAddress(d) : undefined;
  }

  /** The peer's wall clock: its device's, or world time for clients. */
  wallNow(): number {
    const d = this.spec.device !== undefined ? this.world.device(this.spec.device) : undefined;
    return d ? d.wallNow() : this.world.epoch + this.world.now();
  }

  /** Identity the peer sends: its FQDN when its certificate carries it, else the subject DN. */
  identity(): IkeIdentity | undefined {
    return this.spec.fqdn && this.cert?.dnsSans.includes(this.spec.fqdn) ? { type: 'fqdn', value: this.spec.fqdn } : undefined;
  }

  /** The peer's side of one attempt, at its wall time. */
  side(): PeerSide {
    const wallNow = this.wallNow();
    if (this.kind === 'device') {
      const d = this.world.device(this.spec.device!);
      if (!d || !d.booted) return { name: this.name, credentials: { none: 'no certificate', detail: `${this.spec.device} is down` }, anchors: [], wallNow, reason: 'no certificate' };
      const c = routerCredentials(d, this.spec.peerTrustpoint !== undefined ? { trustpoint: this.spec.peerTrustpoint } : {});
      return { name: this.name, credentials: c.credentials, anchors: c.anchors, wallNow, ...(c.reason ? { reason: c.reason } : {}), ...(c.cert ? { serial: c.cert.serialHex } : {}) };
    }
    const anchors = this.caCert ? [this.caCert.der] : [];
    if (!this.cert || !this.key) return { name: this.name, credentials: { none: 'no certificate', detail: `${this.name} has no certificate yet` }, anchors, wallNow, reason: 'no certificate' };
    const id = this.identity();
    return {
      name: this.name,
      credentials: { certChain: [this.cert.der], privateKey: this.key.privateKey, ...(id ? { id } : {}) },
      anchors,
      wallNow,
      serial: this.cert.serialHex,
    };
  }

  // ---------------------------------------------------------------- client enrollment

  /** Client peers: enroll with the lab CA now (scheduler-driven). */
  start(): void {
    if (this.kind !== 'client' || this.stopped) return;
    this.schedule(0, () => this.enroll(false));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(ms: number, fn: () => void): void {
    this.timer?.cancel();
    if (this.stopped) return;
    this.timer = this.world.scheduler.after(ms, `ike.peer ${this.name}`, fn);
  }

  private note(e: PeerCertEvent): void {
    this.events.push(e);
    if (this.events.length > 100) this.events.shift();
    this.onCertEvent?.(this, e);
  }

  private newKey(): RsaKeyPair | undefined {
    return worldKeyPool(this.world).take(this.spec.keyBits, this.rng);
  }

  private retryLater(detail: string): void {
    this.note({ type: 'failed', detail });
    this.schedule(parseDuration(this.spec.retry)!, () => (this.pending ? this.poll() : this.enroll(this.cert !== undefined)));
  }

  private enroll(renewal: boolean): void {
    const ca = caOf(this.world, this.spec.ca!);
    if (!ca) {
      this.retryLater(`CA ${this.spec.ca} is not running`);
      return;
    }
    // GetCACert in process (the peer authenticates the CA the way a router does).
    const res = ca.handleScep({ method: 'GET', path: '/cgi-bin/pkiclient.exe', query: 'operation=GetCACert' });
    if (res.status !== 200) {
      this.retryLater(`GetCACert: HTTP ${res.status}`);
      return;
    }
    try {
      this.caCert = parseCertificate(res.body);
    } catch (e) {
      this.retryLater(`GetCACert: ${(e as Error).message}`);
      return;
    }
    const key = this.newKey();
    if (!key) {
      this.retryLater(`no ${this.spec.keyBits}-bit key in the key pool`);
      return;
    }
    const now = this.wallNow();
    const signer = renewal && this.cert && this.key && now <= this.cert.notAfter ? { cert: this.cert, key: this.key } : undefined;
    let op: PreparedOperation;
    try {
      op = prepareEnroll({
        url: 'http://lab-ca/',
        caCert: this.caCert,
        csrKey: key,
        subject: {
          subjectName: this.spec.subject ?? `CN=${this.name}`,
          ...(this.spec.fqdn ? { fqdn: this.spec.fqdn } : {}),
        },
        ...(this.spec.challenge !== undefined && !signer ? { challenge: this.spec.challenge } : {}),
        ...(signer ? { signerCert: signer.cert, signerKey: signer.key, renewal: true } : {}),
        caps: new Set(ca.config.caps.map((c) => c.toUpperCase())),
        rng: this.rng,
        now,
      }).op;
    } catch (e) {
      this.retryLater(`SCEP request: ${(e as Error).message}`);
      return;
    }
    this.pending = { session: op.session, key, signerKey: op.signerKey, renewal: signer !== undefined };
    this.exchange(op);
  }

  private poll(): void {
    const p = this.pending;
    if (!p || !this.caCert) return this.enroll(this.cert !== undefined);
    let op: PreparedOperation;
    try {
      op = preparePoll({ caCert: this.caCert, session: p.session, signerKey: p.signerKey, rng: this.rng, now: this.wallNow() });
    } catch (e) {
      this.pending = undefined;
      this.retryLater(`CertPoll: ${(e as Error).message}`);
      return;
    }
    this.exchange(op);
  }

  /** Send a prepared PKIOperation to the CA and handle the CertRep, LATENCY_MS each way. */
  private exchange(op: PreparedOperation): void {
    this.schedule(LATENCY_MS, () => {
      const ca = caOf(this.world, this.spec.ca!);
      if (!ca) return this.retryLater(`CA ${this.spec.ca} is not running`);
      const r = op.request;
      const res = ca.handleScep({ method: r.method, path: '/cgi-bin/pkiclient.exe', query: r.query, ...(r.body ? { body: r.body } : {}) });
      this.schedule(LATENCY_MS + (res.delayMs ?? 0), () => {
        if (res.drop || res.status !== 200) return this.retryLater(`PKIOperation: HTTP ${res.status}`);
        let out;
        try {
          out = finishOperation(op, { status: res.status, headers: res.headers, body: res.body });
        } catch (e) {
          return this.retryLater(`CertRep: ${(e as Error).message}`);
        }
        const p = this.pending!;
        if (out.status === 'pending') {
          this.note({ type: 'pending' });
          this.schedule(parseDuration(this.spec.retry)!, () => this.poll());
          return;
        }
        if (out.status === 'failed') {
          this.pending = undefined;
          return this.retryLater(`CA refused: ${out.failInfo ?? ''} ${out.failInfoText ?? ''}`.trim());
        }
        // Issued: install (rollover: the new pair replaces the old one only now).
        const renewed = this.cert !== undefined;
        this.cert = out.cert;
        this.key = p.key;
        this.pending = undefined;
        this.note({ type: renewed ? 'renewed' : 'enrolled', serial: out.cert.serialHex });
        this.scheduleRenewal();
      });
    });
  }

  private scheduleRenewal(): void {
    const c = this.cert;
    if (!c) return;
    const at = renewalAt(c.notBefore, c.notAfter, this.spec.renew);
    const inMs = Math.max(60_000, at - this.wallNow());
    this.schedule(inMs, () => this.enroll(true));
  }
}

/** The address a router shows for itself: its first enabled interface with an IPv4 address. */
export function routerAddress(d: Device): string {
  for (const i of d.state.interfaces.values()) if (!i.shutdown && i.ip?.addr) return i.ip.addr;
  return '0.0.0.0';
}
