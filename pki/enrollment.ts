/**
 * Per-trustpoint enrollment engine (issue #4): manual `crypto pki enroll`, auto-enroll at boot
 * and when configured, renewal at renewalAt(), key rollover (`regenerate`), SCEP PENDING
 * polling, retries, back-off, expiry, and the autosave rule.
 *
 * Level-triggered (architecture.md A7, b5): timers are only hints; whenever one fires, or the
 * configuration, the clock or the certificates change, `reconcile(tp)` re-evaluates a pure
 * decision (decide()) against the device's WALL clock and acts. Nothing here reads a clock,
 * randomness or the network: everything comes through EnrollmentPorts.
 *
 * Key rollover (IOS 12.3(7)T "Key Rollover for Certificate Renewal"): with `regenerate` the new
 * key pair is STAGED under `LABEL#` (keystore.ts), the renewal request is signed with the OLD
 * certificate and key (SCEP re-enrollment, protocols.md §4.2), the old pair keeps serving until
 * every requested certificate has arrived AND carries the staged public key; then the staged key
 * takes the label and the old pair is discarded. A per-device lab switch (`preRollover`)
 * reproduces pre-12.3(7)T behaviour: old key and certificate deleted as soon as the new key
 * exists.
 */
import { createHash } from 'node:crypto';
import type { RsaKeyPair } from './keys.js';
import { keyFingerprint, stagedLabel, type KeyEntry, type KeyStore } from './keystore.js';
import { autosaveDecision, MSG_AUTOSAVE, MSG_NOAUTOSAVE, type InstallOrigin } from './autosave.js';
import { autoEnrollBackoff, DEFAULT_RETRY_COUNT, DEFAULT_RETRY_PERIOD_MIN, MS_MINUTE, renewalAt } from './renewal.js';
import { keyLabelOf, usagesOf, type CertUsage, type IdentityCert, type TrustpointCerts, type TrustpointConfig } from './trustpoint.js';
import { iosDate, isIssuedBy, type CertInfo } from './x509.js';

// ------------------------------------------------------------------ ports

export type CaOutcome =
  | { kind: 'issued'; cert: CertInfo }
  | { kind: 'pending' }
  | { kind: 'rejected'; reason?: string }
  /** Nothing reached the CA or no answer came back (`%PKI-3-SOCKETSEND`). */
  | { kind: 'unreachable'; reason?: string }
  /** An answer that could not be used (bad signature, FAILURE badMessageCheck, …). */
  | { kind: 'error'; reason: string };

export interface SubjectSpec {
  subjectName?: string;
  fqdn: string;
  serialNumber?: string;
  ipAddress?: string;
}

export interface EnrollRequestSpec {
  trustpoint: string;
  url: string;
  ca: CertInfo;
  key: RsaKeyPair;
  usage: CertUsage;
  subject: SubjectSpec;
  challenge?: string;
  /** Re-enrollment: sign with the current (valid) certificate and key. */
  signer?: { cert: CertInfo; key: RsaKeyPair };
  /** SCEP transactionID (same for polls of one request). */
  txn: string;
  /** true = CertPoll (GetCertInitial) of a PENDING request. */
  poll: boolean;
}

export interface CaClientPort {
  /**
   * Build the CSR and SCEP message and send them. Returns the CSR fingerprints at once (or an
   * error); the outcome MUST arrive later through `done` (a scheduled event or ingress), never
   * synchronously.
   */
  send(req: EnrollRequestSpec, done: (o: CaOutcome) => void): { md5Hex: string; sha1Hex: string } | { error: string };
}

export type SyslogMsg =
  | { facility: string; severity: number; mnemonic: string; text: string }
  /** A line printed as is after the timestamp (e.g. `CRYPTO_PKI:  Certificate Request Fingerprint …`). */
  | { raw: string };

export type PkiEvent = { type: string; trustpoint?: string; [k: string]: unknown };

export interface DeviceIdentity {
  hostname: string;
  domain?: string;
  /** Chassis serial for `serial-number` (IOS prints e.g. `67109104`). */
  serial: string;
  /** IPv4 address of an interface, or undefined. */
  interfaceAddress(name: string): string | undefined;
  /** Default RSA key label (FQDN). */
  defaultKeyLabel(): string;
}

export interface EnrollmentPorts {
  wallNow(): number;
  /** Run fn when the device wall clock reaches `wallMs` (adapter maps wall → world time). */
  atWall(wallMs: number, label: string, fn: () => void): { cancel(): void };
  ca: CaClientPort;
  keys(): KeyStore;
  /** A new key pair; `done` may run synchronously (pool) or later (real keygen through ingress). */
  newKey(bits: number, done: (k: RsaKeyPair | Error) => void): void;
  log(m: SyslogMsg): void;
  emit(e: PkiEvent): void;
  /** Running-config modified since the last save? */
  configModified(): boolean;
  markConfigModified(): void;
  /** Write NVRAM now (startup-config, certificate files, private keys) — the autosave. */
  writeNvram(): void;
  identity(): DeviceIdentity;
  /** Lab switch: pre-12.3(7)T behaviour (no key rollover). */
  preRollover(): boolean;
}

// ------------------------------------------------------------------ state

export interface Trustpoint {
  cfg: TrustpointConfig;
  certs: TrustpointCerts;
  rt: TrustpointRuntime;
}

export interface RequestSlot {
  usage: CertUsage;
  txn: string;
  md5Hex?: string;
  sha1Hex?: string;
  state: 'sending' | 'pending' | 'issued' | 'failed';
  cert?: CertInfo;
  /** Resends/polls done for the current attempt. */
  retries: number;
  /** Ever answered PENDING (resume with CertPoll). */
  everPending: boolean;
}

export interface Inflight {
  origin: InstallOrigin;
  renewal: boolean;
  /** Label under which the request's key lives (the real label or the staged `LABEL#`). */
  keyLabel: string;
  /** Label the key ends up under. */
  targetLabel: string;
  staged: boolean;
  subject: SubjectSpec;
  challenge?: string;
  slots: RequestSlot[];
  /** Generation token: outcomes of cancelled/older attempts are dropped. */
  gen: number;
  timer?: { cancel(): void };
  /** Wall time of the next poll/resend (for `show crypto pki timers`). */
  nextAt?: number;
  /** Auto-enroll attempt failed: waiting for back-off before resuming. */
  suspendedUntil?: number;
  /** Waiting for an asynchronous key generation. */
  waitingKey: boolean;
}

export type LastStatus = 'Granted' | 'Pending' | 'Failed' | 'Rejected' | undefined;

export interface TrustpointRuntime {
  inflight?: Inflight;
  wake?: { cancel(): void; at: number };
  failures: number;
  lastStatus: LastStatus;
  /** Serials whose expiry has been logged. */
  expiredLogged: Set<string>;
  reqSeq: number;
}

export function newRuntime(): TrustpointRuntime {
  return { failures: 0, lastStatus: undefined, expiredLogged: new Set(), reqSeq: 0 };
}

/** Earliest auto renewal after issuance (command reference: about 3 minutes so rollover can work, RECALLED). */
export const MIN_RENEW_AFTER_ISSUE_MS = 3 * MS_MINUTE;

/** A renewal is signed with the current certificate only if it stays valid this long. */
export const SIGNER_MARGIN_MS = MS_MINUTE;

/** Default modulus of keys generated at enrollment when `rsakeypair` gives no size (choice: 1024; old images used 512). */
export const DEFAULT_ENROLL_KEY_BITS = 1024;

export function retryPeriodMs(cfg: TrustpointConfig): number {
  return (cfg.retryPeriodMin ?? DEFAULT_RETRY_PERIOD_MIN) * MS_MINUTE;
}
export function retryCount(cfg: TrustpointConfig): number {
  return cfg.retryCount ?? DEFAULT_RETRY_COUNT;
}

/** The renew date shown by `show crypto pki certificates` and used by auto-enroll. */
export function renewDateOf(cfg: TrustpointConfig, cert: CertInfo): number | undefined {
  if (!cfg.autoEnroll) return undefined;
  const t = renewalAt(cert.notBefore, cert.notAfter, cfg.autoEnroll.renewAtElapsedPct);
  return Math.min(cert.notAfter, Math.max(t, cert.notBefore + MIN_RENEW_AFTER_ISSUE_MS));
}

// ------------------------------------------------------------------ pure decision

export type Decision =
  | { do: 'nothing'; wakeAt?: number }
  | { do: 'activate-rollover' }
  | { do: 'resume' }
  | { do: 'enroll'; renewal: boolean };

/**
 * What the trustpoint should do now (checks in order, first hit wins). Pure.
 * `wakeAt` = the next wall time at which the answer may change by itself.
 */
export function decide(tp: Trustpoint, now: number, hasKeyFor: (c: CertInfo) => boolean): Decision {
  const { cfg, certs, rt } = tp;
  const earliest = (...ts: (number | undefined)[]): number | undefined => {
    const v = ts.filter((t): t is number => t !== undefined && t > now);
    return v.length ? Math.min(...v) : undefined;
  };
  // Expiry of live certificates is always worth a wake-up (logging, stop serving).
  const expiries = certs.ids.map((i) => i.cert.notAfter + 1);
  if (certs.rollover.length) {
    const startAll = Math.max(...certs.rollover.map((r) => r.cert.notBefore));
    if (now >= startAll) return { do: 'activate-rollover' };
    return { do: 'nothing', wakeAt: earliest(startAll, ...expiries) };
  }
  if (rt.inflight) {
    if (rt.inflight.suspendedUntil !== undefined) {
      if (!cfg.autoEnroll) return { do: 'nothing', wakeAt: earliest(...expiries) };
      if (now >= rt.inflight.suspendedUntil) return { do: 'resume' };
      return { do: 'nothing', wakeAt: earliest(rt.inflight.suspendedUntil, ...expiries) };
    }
    return { do: 'nothing', wakeAt: earliest(...expiries) };
  }
  if (!cfg.autoEnroll || !certs.ca || !cfg.enrollmentUrl) return { do: 'nothing', wakeAt: earliest(...expiries) };
  // A certificate whose key was replaced (shared key pair regenerated by another trustpoint)
  // is NOT noticed by IOS: it stays until its own renewal date (documented loss of service).
  const held = certs.ids.filter((i) => now <= i.cert.notAfter);
  const primary = held[0];
  if (!primary) return { do: 'enroll', renewal: false }; // boot-time auto-enroll, or after expiry
  const due = renewDateOf(cfg, primary.cert)!;
  if (now >= due) return { do: 'enroll', renewal: hasKeyFor(primary.cert) };
  return { do: 'nothing', wakeAt: earliest(due, ...expiries) };
}

// ------------------------------------------------------------------ engine

export interface ManualAnswers {
  challenge?: string;
  includeSerial: boolean;
  ipAddress?: string;
}

export class EnrollmentEngine {
  private gen = 0;
  /**
   * Set by shutdown() (reload / power-off). Answers, timeouts and key generations of requests
   * started before it can still arrive (they were scheduled as world events or come back through
   * ingress); a stopped engine ignores them, so the next boot's engine is the only one acting.
   */
  private stopped = false;

  constructor(
    private readonly ports: EnrollmentPorts,
    private readonly tps: Map<string, Trustpoint>,
  ) {}

  private get keys(): KeyStore {
    return this.ports.keys();
  }

  // -------------------------------------------------------------- reconcile

  reconcileAll(): void {
    for (const name of [...this.tps.keys()].sort()) this.reconcile(name);
  }

  reconcile(name: string): void {
    if (this.stopped) return;
    const tp = this.tps.get(name);
    if (!tp) return;
    const now = this.ports.wallNow();
    tp.rt.wake?.cancel();
    tp.rt.wake = undefined;
    this.logExpiries(tp, now);
    const d = decide(tp, now, (c) => this.keys.byFingerprint(c.spkiSha1Hex) !== undefined);
    switch (d.do) {
      case 'nothing':
        if (d.wakeAt !== undefined) this.wakeAt(tp, d.wakeAt);
        return;
      case 'activate-rollover':
        this.activate(tp, tp.certs.rollover, tp.rt.inflight?.origin ?? 'auto', true);
        return;
      case 'resume':
        this.resume(tp);
        return;
      case 'enroll':
        this.start(tp, 'auto', d.renewal, undefined);
        return;
    }
  }

  private wakeAt(tp: Trustpoint, at: number): void {
    const h = this.ports.atWall(at, `pki.reconcile ${tp.cfg.name}`, () => {
      if (tp.rt.wake === entry) tp.rt.wake = undefined;
      this.reconcile(tp.cfg.name);
    });
    const entry = { cancel: () => h.cancel(), at };
    tp.rt.wake = entry;
  }

  private logExpiries(tp: Trustpoint, now: number): void {
    for (const id of tp.certs.ids) {
      if (now > id.cert.notAfter && !tp.rt.expiredLogged.has(id.cert.serialHex)) {
        tp.rt.expiredLogged.add(id.cert.serialHex);
        // 15.x+ text (SEEN 1); the 12.4 wording is UNKNOWN — the best-known text is used.
        this.ports.log({
          facility: 'PKI',
          severity: 3,
          mnemonic: 'CERTIFICATE_INVALID_EXPIRED',
          text: `Certificate chain validation has failed. The certificate (SN: ${id.cert.serialHex}) has expired. Validity period ended on ${iosDate(id.cert.notAfter)}`,
        });
        this.ports.emit({ type: 'pki.expired', trustpoint: tp.cfg.name, serial: id.cert.serialHex });
      }
    }
  }

  // -------------------------------------------------------------- public actions

  /** Manual `crypto pki enroll` after its dialog. Cancels any request in flight. */
  enrollManual(name: string, answers: ManualAnswers): { ok: true; fingerprints: { md5Hex: string; sha1Hex: string }[] } | { ok: false; error: string } {
    const tp = this.tps.get(name);
    if (!tp) return { ok: false, error: 'unknown trustpoint' };
    this.cancel(name);
    const renewal = tp.certs.ids.some((i) => this.ports.wallNow() <= i.cert.notAfter);
    const fps = this.start(tp, 'manual', renewal, answers);
    return { ok: true, fingerprints: fps };
  }

  /** Abandon whatever the trustpoint is doing (trustpoint removed, re-enrollment, zeroize). */
  cancel(name: string): void {
    const tp = this.tps.get(name);
    if (!tp) return;
    tp.rt.wake?.cancel();
    tp.rt.wake = undefined;
    const inf = tp.rt.inflight;
    if (inf) {
      inf.timer?.cancel();
      if (inf.staged && !this.otherStagedUser(tp, inf.keyLabel)) this.keys.delete(inf.keyLabel);
      tp.rt.inflight = undefined;
    }
  }

  /** Stop every timer (device reload/power-off). State is dropped by the caller. */
  shutdown(): void {
    this.stopped = true;
    for (const tp of this.tps.values()) {
      tp.rt.wake?.cancel();
      tp.rt.inflight?.timer?.cancel();
    }
    this.gen++;
  }

  private otherStagedUser(tp: Trustpoint, label: string): boolean {
    for (const o of this.tps.values()) if (o !== tp && o.rt.inflight?.keyLabel === label) return true;
    return false;
  }

  // -------------------------------------------------------------- starting a request

  private start(tp: Trustpoint, origin: InstallOrigin, renewal: boolean, answers: ManualAnswers | undefined): { md5Hex: string; sha1Hex: string }[] {
    const { cfg, certs } = tp;
    const id = this.ports.identity();
    const now = this.ports.wallNow();
    const target = keyLabelOf(cfg, id.defaultKeyLabel());
    const regenerate = origin === 'auto' ? !!cfg.autoEnroll?.regenerate : cfg.regenerate;
    const existing = this.keys.get(target);
    const usages = usagesOf(cfg);
    const wantUsage = usages.length === 2 ? 'usage' : 'general';
    const mainBits = cfg.rsakeypair?.size ?? existing?.main.bits ?? DEFAULT_ENROLL_KEY_BITS;
    const encBits = cfg.rsakeypair?.encSize ?? existing?.enc?.bits ?? mainBits;
    const exportable = existing?.exportable ?? false;

    const subject: SubjectSpec = { fqdn: id.domain ? `${id.hostname}.${id.domain}` : id.hostname };
    if (cfg.subjectName) subject.subjectName = cfg.subjectName;
    if (cfg.serialNumber === 'include' || (cfg.serialNumber === undefined && answers?.includeSerial)) subject.serialNumber = id.serial;
    const ip = this.resolveIp(cfg, answers);
    if (ip) subject.ipAddress = ip;

    let keyLabel = target;
    let staged = false;
    let needKey = false;
    if (existing && existing.kind !== wantUsage) needKey = true;
    if (!existing) needKey = true;
    else if (regenerate) {
      const hasLiveCert = certs.ids.some((i) => now <= i.cert.notAfter);
      if (this.ports.preRollover() || !hasLiveCert) {
        // Pre-12.3(7)T: old key and certificate go away the moment the new key exists.
        if (this.ports.preRollover()) {
          certs.ids = [];
          this.ports.emit({ type: 'pki.key.discarded', trustpoint: cfg.name, label: target });
        }
        needKey = true;
      } else {
        keyLabel = stagedLabel(target);
        staged = true;
        // A key staged by an earlier attempt (or before a reload) is reused if it still fits.
        needKey = this.keys.get(keyLabel)?.kind !== wantUsage;
      }
    }

    const inf: Inflight = {
      origin,
      renewal: renewal && !(this.ports.preRollover() && regenerate),
      keyLabel,
      targetLabel: target,
      staged,
      subject,
      ...(answers?.challenge !== undefined ? { challenge: answers.challenge } : cfg.password !== undefined ? { challenge: cfg.password } : {}),
      slots: usages.map((u) => ({ usage: u, txn: '', state: 'sending' as const, retries: 0, everPending: false })),
      gen: ++this.gen,
      waitingKey: false,
    };
    tp.rt.inflight = inf;
    if (origin === 'auto') {
      // RECALLED (12.4 system-message guide); the initial-enrollment variant is INVENTED, shaped after it.
      if (inf.renewal) this.ports.log({ facility: 'PKI', severity: 6, mnemonic: 'CERTRENEWAUTO', text: `Renewing the router certificate for trustpoint ${cfg.name}` });
      else this.ports.log({ facility: 'PKI', severity: 6, mnemonic: 'CERTENROLLAUTO', text: `Enrolling the router certificate for trustpoint ${cfg.name}` });
    }
    this.ports.emit({ type: 'pki.enroll.start', trustpoint: cfg.name, origin, renewal: inf.renewal, regenerate, staged });

    if (!needKey) return this.sendAll(tp, inf);

    // Generate the key pair(s) first.
    inf.waitingKey = true;
    const sizes = wantUsage === 'usage' ? [mainBits, encBits] : [mainBits];
    const got: RsaKeyPair[] = [];
    let sync = true;
    let result: { md5Hex: string; sha1Hex: string }[] = [];
    const next = (): void => {
      if (got.length < sizes.length) {
        this.ports.newKey(sizes[got.length]!, (k) => {
          if (this.stopped || tp.rt.inflight !== inf) return; // cancelled meanwhile
          if (k instanceof Error) {
            inf.waitingKey = false;
            this.fail(tp, inf, `key generation failed: ${k.message}`, false);
            return;
          }
          got.push(k);
          next();
        });
        return;
      }
      inf.waitingKey = false;
      const entry: KeyEntry = {
        label: keyLabel,
        kind: wantUsage,
        exportable,
        generatedAt: this.ports.wallNow(),
        main: got[0]!,
        ...(got[1] ? { enc: got[1] } : {}),
        ...(staged ? { rolloverOf: target } : {}),
      };
      this.keys.put(entry);
      this.ports.log({ facility: 'CRYPTO', severity: 6, mnemonic: 'AUTOGEN', text: `Generated new ${got[0]!.bits} bit key pair` });
      this.ports.emit({ type: 'pki.key.generated', trustpoint: cfg.name, label: keyLabel, staged });
      const r = this.sendAll(tp, inf);
      if (sync) result = r;
    };
    next();
    sync = false;
    return result;
  }

  private resolveIp(cfg: TrustpointConfig, answers: ManualAnswers | undefined): string | undefined {
    const s = cfg.ipAddress;
    if (s?.kind === 'address') return s.addr;
    if (s?.kind === 'interface') return this.ports.identity().interfaceAddress(s.name);
    if (s?.kind === 'none') return undefined;
    return answers?.ipAddress;
  }

  private keyFor(inf: Inflight, usage: CertUsage): RsaKeyPair | undefined {
    const e = this.keys.get(inf.keyLabel);
    if (!e) return undefined;
    return usage === 'encryption' ? e.enc : e.main;
  }

  /** A valid certificate + key of the trustpoint to sign a renewal with. */
  private signerFor(tp: Trustpoint, usage: CertUsage): { cert: CertInfo; key: RsaKeyPair } | undefined {
    const now = this.ports.wallNow();
    const want = usage === 'encryption' ? 'signature' : usage;
    for (const id of tp.certs.ids) {
      if (id.usage !== want && !(want === 'signature' && id.usage === 'general')) continue;
      // A certificate about to expire cannot sign a renewal the CA will check a moment later:
      // then the request goes out as an initial enrollment (self-signed, challenge password).
      if (now < id.cert.notBefore || now + SIGNER_MARGIN_MS > id.cert.notAfter) continue;
      const k = this.keys.byFingerprint(id.cert.spkiSha1Hex);
      if (k) return { cert: id.cert, key: k.pair };
    }
    return undefined;
  }

  private sendAll(tp: Trustpoint, inf: Inflight): { md5Hex: string; sha1Hex: string }[] {
    const out: { md5Hex: string; sha1Hex: string }[] = [];
    for (const slot of inf.slots) {
      if (slot.state === 'issued') continue;
      const key = this.keyFor(inf, slot.usage);
      if (!key) {
        this.fail(tp, inf, 'key pair disappeared', false);
        return out;
      }
      if (!slot.txn) slot.txn = this.txnFor(tp, key);
      const fp = this.sendSlot(tp, inf, slot, false);
      if (fp) out.push(fp);
    }
    return out;
  }

  private txnFor(tp: Trustpoint, key: RsaKeyPair): string {
    const seq = tp.rt.reqSeq++;
    return createHash('sha1').update(`${keyFingerprint(key)}:${tp.cfg.name}:${seq}`).digest('hex').toUpperCase();
  }

  private sendSlot(tp: Trustpoint, inf: Inflight, slot: RequestSlot, poll: boolean): { md5Hex: string; sha1Hex: string } | undefined {
    const key = this.keyFor(inf, slot.usage);
    const ca = tp.certs.ca;
    const url = tp.cfg.enrollmentUrl;
    if (!key || !ca || !url) {
      this.fail(tp, inf, !ca ? 'CA certificate removed' : !url ? 'no enrollment url' : 'key pair disappeared', false);
      return undefined;
    }
    const signer = inf.renewal ? this.signerFor(tp, slot.usage) : undefined;
    const spec: EnrollRequestSpec = {
      trustpoint: tp.cfg.name,
      url,
      ca,
      key,
      usage: slot.usage,
      subject: inf.subject,
      ...(inf.challenge !== undefined ? { challenge: inf.challenge } : {}),
      ...(signer ? { signer } : {}),
      txn: slot.txn,
      poll,
    };
    slot.state = slot.state === 'pending' ? 'pending' : 'sending';
    const gen = inf.gen;
    const r = this.ports.ca.send(spec, (o) => {
      if (this.stopped || tp.rt.inflight !== inf || inf.gen !== gen) return; // stale
      this.onOutcome(tp, inf, slot, o);
    });
    if ('error' in r) {
      // Could not even build the request (bad subject, unusable key): not transient.
      this.ports.emit({ type: 'pki.enroll.send-error', trustpoint: tp.cfg.name, error: r.error });
      this.fail(tp, inf, r.error, false);
      return undefined;
    }
    if (!poll && !slot.md5Hex) {
      slot.md5Hex = r.md5Hex;
      slot.sha1Hex = r.sha1Hex;
      // SEEN 8: two spaces after `CRYPTO_PKI:`.
      this.ports.log({ raw: `CRYPTO_PKI:  Certificate Request Fingerprint MD5: ${fmtFp(r.md5Hex)}` });
      this.ports.log({ raw: `CRYPTO_PKI:  Certificate Request Fingerprint SHA1: ${fmtFp(r.sha1Hex)}` });
      this.ports.emit({ type: 'pki.request', trustpoint: tp.cfg.name, usage: slot.usage, origin: inf.origin, renewal: !!signer, txn: slot.txn });
    }
    return { md5Hex: r.md5Hex, sha1Hex: r.sha1Hex };
  }

  // -------------------------------------------------------------- outcomes

  private onOutcome(tp: Trustpoint, inf: Inflight, slot: RequestSlot, o: CaOutcome): void {
    const name = tp.cfg.name;
    switch (o.kind) {
      case 'issued': {
        const key = this.keyFor(inf, slot.usage);
        if (!key || o.cert.spkiSha1Hex !== keyFingerprint(key)) {
          // cert-manager issuing check: never install a certificate that is not for the staged key.
          this.ports.emit({ type: 'pki.enroll.mismatch', trustpoint: name });
          this.fail(tp, inf, 'issued certificate does not match the key pair', false);
          return;
        }
        if (tp.certs.ca && !isIssuedBy(o.cert, tp.certs.ca)) {
          this.ports.emit({ type: 'pki.enroll.untrusted', trustpoint: name });
          this.fail(tp, inf, 'issued certificate does not chain to the trustpoint CA', false);
          return;
        }
        slot.state = 'issued';
        slot.cert = o.cert;
        inf.timer?.cancel();
        this.ports.log({ facility: 'PKI', severity: 6, mnemonic: 'CERTRET', text: 'Certificate received from Certificate Authority' });
        this.ports.emit({ type: 'pki.granted', trustpoint: name, usage: slot.usage, serial: o.cert.serialHex });
        if (inf.slots.every((s) => s.state === 'issued')) this.complete(tp, inf);
        return;
      }
      case 'pending': {
        const first = !slot.everPending;
        slot.state = 'pending';
        slot.everPending = true;
        tp.rt.lastStatus = 'Pending';
        if (first) {
          // RECALLED pre-PKI spelling `%CRYPTO-6-CERTPENDING`; the PKI-facility text is INFERRED.
          this.ports.log({ facility: 'PKI', severity: 6, mnemonic: 'CERTPENDING', text: `Certificate enrollment request for trustpoint ${name} is pending` });
          this.ports.emit({ type: 'pki.pending', trustpoint: name, usage: slot.usage, txn: slot.txn });
        }
        this.scheduleRetry(tp, inf, slot, 'pending');
        return;
      }
      case 'rejected':
        slot.state = 'failed';
        tp.rt.lastStatus = 'Rejected';
        this.ports.log({ facility: 'PKI', severity: 6, mnemonic: 'CERTREJECT', text: 'Certificate enrollment request was rejected by Certificate Authority' });
        this.ports.emit({ type: 'pki.rejected', trustpoint: name, reason: o.reason ?? '' });
        this.fail(tp, inf, 'rejected', true);
        return;
      case 'unreachable':
        this.ports.log({ facility: 'PKI', severity: 3, mnemonic: 'SOCKETSEND', text: 'Failed to send out message to CA server.' });
        this.ports.emit({ type: 'pki.unreachable', trustpoint: name, reason: o.reason ?? '' });
        this.scheduleRetry(tp, inf, slot, 'unreachable');
        return;
      case 'error':
        this.ports.emit({ type: 'pki.enroll.error', trustpoint: name, reason: o.reason });
        this.scheduleRetry(tp, inf, slot, 'unreachable');
        return;
    }
  }

  /** Poll a pending request or resend an unanswered one after the retry period, up to the retry count. */
  private scheduleRetry(tp: Trustpoint, inf: Inflight, slot: RequestSlot, why: 'pending' | 'unreachable'): void {
    if (slot.retries >= retryCount(tp.cfg)) {
      this.fail(tp, inf, why === 'pending' ? 'still pending after the retry count' : 'CA not reachable', false);
      return;
    }
    inf.timer?.cancel();
    const at = this.ports.wallNow() + retryPeriodMs(tp.cfg);
    inf.nextAt = at;
    const gen = inf.gen;
    inf.timer = this.ports.atWall(at, `pki.${why === 'pending' ? 'poll' : 'retry'} ${tp.cfg.name}`, () => {
      if (this.stopped || tp.rt.inflight !== inf || inf.gen !== gen) return;
      inf.timer = undefined;
      slot.retries++;
      if (slot.everPending) {
        // RECALLED text; the dots are part of it.
        this.ports.log({ facility: 'PKI', severity: 3, mnemonic: 'POLLROUTERCERT', text: `Polling Router certificate for ${tp.cfg.name} .....` });
      }
      this.sendSlot(tp, inf, slot, slot.everPending);
    });
  }

  /** The whole attempt failed. Manual: give up. Auto: back off and resume later (same key, same transaction). */
  private fail(tp: Trustpoint, inf: Inflight, reason: string, rejected: boolean): void {
    const name = tp.cfg.name;
    inf.timer?.cancel();
    inf.timer = undefined;
    tp.rt.failures++;
    if (!rejected) tp.rt.lastStatus = 'Failed';
    this.ports.emit({ type: 'pki.failed', trustpoint: name, reason, origin: inf.origin });
    if (inf.origin === 'manual' || !tp.cfg.autoEnroll) {
      if (!rejected) this.ports.log({ facility: 'PKI', severity: 3, mnemonic: 'CERTRETFAIL', text: 'Certificate enrollment failed.' });
      if (inf.staged && !this.otherStagedUser(tp, inf.keyLabel)) this.keys.delete(inf.keyLabel);
      tp.rt.inflight = undefined;
      this.reconcile(name);
      return;
    }
    // RECALLED (§7.2).
    this.ports.log({ facility: 'PKI', severity: 3, mnemonic: 'AUTOCERTFAIL', text: 'Certificate (re)enrollment failed. Delaying before retry' });
    const now = this.ports.wallNow();
    const live = tp.certs.ids.filter((i) => now <= i.cert.notAfter).map((i) => i.cert.notAfter);
    const delay = autoEnrollBackoff({
      now,
      ...(live.length ? { validUntil: Math.min(...live) } : {}),
      retryPeriodMs: retryPeriodMs(tp.cfg),
      failures: tp.rt.failures,
    });
    if (rejected) {
      // A rejected request is dead at the CA: the next attempt sends a fresh request.
      for (const s of inf.slots) if (s.state !== 'issued') Object.assign(s, { txn: '', state: 'sending', everPending: false, md5Hex: undefined, sha1Hex: undefined });
    }
    inf.suspendedUntil = now + delay;
    this.ports.emit({ type: 'pki.backoff', trustpoint: name, until: inf.suspendedUntil });
    this.reconcile(name);
  }

  private resume(tp: Trustpoint): void {
    const inf = tp.rt.inflight;
    if (!inf) return;
    inf.suspendedUntil = undefined;
    inf.gen = ++this.gen;
    // A renewal whose signing certificate expired meanwhile becomes an initial enrollment.
    if (inf.renewal && !tp.certs.ids.some((i) => this.ports.wallNow() <= i.cert.notAfter)) inf.renewal = false;
    for (const s of inf.slots) {
      if (s.state === 'issued') continue;
      s.retries = 0;
      const key = this.keyFor(inf, s.usage);
      if (!key) {
        this.cancel(tp.cfg.name);
        this.reconcile(tp.cfg.name);
        return;
      }
      if (!s.txn) s.txn = this.txnFor(tp, key);
      if (s.everPending) this.ports.log({ facility: 'PKI', severity: 3, mnemonic: 'POLLROUTERCERT', text: `Polling Router certificate for ${tp.cfg.name} .....` });
      this.sendSlot(tp, inf, s, s.everPending);
    }
  }

  // -------------------------------------------------------------- installing

  private complete(tp: Trustpoint, inf: Inflight): void {
    const now = this.ports.wallNow();
    const ids: IdentityCert[] = inf.slots.map((s) => ({ usage: s.usage, cert: s.cert!, installedAt: now }));
    const startAll = Math.max(...ids.map((i) => i.cert.notBefore));
    const stillServing = tp.certs.ids.some((i) => now >= i.cert.notBefore && now <= i.cert.notAfter);
    if ((inf.staged || stillServing) && now < startAll) {
      // Issued by a CA whose clock is ahead: keep as rollover (the old certificate keeps
      // serving) until it becomes valid by this router's clock.
      tp.certs.rollover = ids;
      inf.timer?.cancel();
      inf.slots = [];
      this.ports.emit({ type: 'pki.rollover.received', trustpoint: tp.cfg.name, activatesAt: startAll });
      this.reconcile(tp.cfg.name);
      return;
    }
    this.activate(tp, ids, inf.origin, inf.staged);
  }

  private activate(tp: Trustpoint, ids: IdentityCert[], origin: InstallOrigin, staged: boolean): void {
    const inf = tp.rt.inflight;
    const name = tp.cfg.name;
    const renewal = !!inf?.renewal || tp.certs.ids.length > 0;
    inf?.timer?.cancel();
    if (staged) {
      // The staged key takes the label only if it is the key of the new certificate(s)
      // (after a reload the request state is gone, the staged key and rollover certs are not).
      const target = inf?.targetLabel ?? keyLabelOf(tp.cfg, this.ports.identity().defaultKeyLabel());
      const st = this.keys.get(stagedLabel(target));
      if (st && ids.some((i) => i.cert.spkiSha1Hex === keyFingerprint(st.main) || (st.enc && i.cert.spkiSha1Hex === keyFingerprint(st.enc)))) {
        this.keys.promote(target);
        this.ports.emit({ type: 'pki.key.promoted', trustpoint: name, label: target });
      }
    }
    const oldSerials = tp.certs.ids.map((i) => i.cert.serialHex);
    tp.certs.ids = ids;
    tp.certs.rollover = [];
    tp.rt.inflight = undefined;
    tp.rt.failures = 0;
    tp.rt.lastStatus = 'Granted';
    if (staged) {
      // 12.4 wording UNKNOWN (15.x has %PKI-6-CERT_ROLLOVER_ACTIVE, not emitted in a 12.4
      // persona); this mnemonic and text are INVENTED.
      this.ports.log({ facility: 'PKI', severity: 6, mnemonic: 'CERTROLLOVER', text: `Key rollover completed for trustpoint ${name}: new key pair and certificate active` });
    }
    this.ports.emit({
      type: renewal ? 'pki.renewed' : 'pki.enrolled',
      trustpoint: name,
      origin,
      serials: ids.map((i) => i.cert.serialHex),
      replaced: oldSerials,
      rollover: staged,
    });
    const d = autosaveDecision(origin, this.ports.configModified());
    if (d === 'save') {
      this.ports.writeNvram();
      this.ports.log(MSG_AUTOSAVE);
      this.ports.emit({ type: 'nvram.autosave', trustpoint: name });
    } else if (d === 'warn') {
      this.ports.log(MSG_NOAUTOSAVE);
      this.ports.emit({ type: 'pki.noautosave', trustpoint: name });
    } else this.ports.markConfigModified();
    this.reconcile(name);
  }
}

function fmtFp(hex: string): string {
  return hex.replace(/\s+/g, '').toUpperCase().replace(/(.{8})(?=.)/g, '$1 ');
}
