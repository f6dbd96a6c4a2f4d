/**
 * SCEP certificate authority model (IOS `crypto pki server NAME`, and a general SCEP CA).
 *
 * Pure with respect to the outside world: time comes from the injected clock (the CA device's wall
 * clock, ms since the epoch), randomness (nonces, content keys, IVs) from the injected Rng.
 * `handleScep` maps an HTTP request to an HTTP response; the HTTP edge (sim/transport/scep-http.ts)
 * or the in-process lab router call it. State serialises to JSON for the CA device's NVRAM.
 *
 * Integrity rule: a request mutates the store only after it has been fully validated, and issuing is
 * build-then-commit, so bad input can never corrupt the issued-certificate store or the serial counter.
 */
import { z } from 'zod';
import type { Rng } from '../sim/kernel/rng.js';
import { DerError } from './der.js';
import { keyPairFromPem, privateKeyPem, type RsaKeyPair } from './keys.js';
import { hashFromOid, type HashName } from './oids.js';
import { buildCertsOnly, decryptEnvelopedData, EnvelopeError } from './scep/cms.js';
import type { ContentCipher } from './scep/crypto.js';
import { buildPkiMessage, MessageType, parsePkiMessage, ScepError, type DecodedPkiMessage, type FailInfo } from './scep/message.js';
import {
  createCaCertificate,
  DAY_MS,
  isIssuedBy,
  issueCertificate,
  parseCertificate,
  parseCsr,
  verifyCertSignature,
  type CertInfo,
  type CsrInfo,
} from './x509.js';

export interface ScepHttpRequest {
  method: string;
  /** URL path, e.g. `/cgi-bin/pkiclient.exe` (ignored for routing). */
  path: string;
  /** Raw query string (without `?`), or already-split parameters. */
  query: string | Record<string, string> | URLSearchParams;
  body?: Uint8Array;
}

export interface ScepHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Fault `slow`: the caller should delay the answer by this many ms. */
  delayMs?: number;
  /** Fault `down: 'drop'`: the caller should not answer at all (close the connection). */
  drop?: boolean;
}

export type GrantMode = 'auto' | 'manual';

export interface CaConfig {
  /** `crypto pki server NAME`. */
  name: string;
  /** `issuer-name` DN (RFC 4514 order). */
  issuerName: string;
  /** `lifetime certificate DAYS`. */
  lifetimeCertDays: number;
  /** `lifetime ca-certificate DAYS`. */
  lifetimeCaCertDays: number;
  /** Certificate lifetime in ms; overrides lifetimeCertDays when set (short-lived rollover labs). */
  lifetimeCertMs?: number | undefined;
  /** `grant auto` vs manual approval (PENDING until grant). */
  grant: GrantMode;
  /** Requests signed by a valid certificate of this CA (renewals) are granted without approval. */
  autoGrantRenewals: boolean;
  /** Challenge password required on first enrolment; undefined = none. */
  challengePassword?: string | undefined;
  /** GetCACaps keywords. */
  caps: string[];
  /** EKU OIDs added to issued certs (none by default, like the IOS CA). */
  eku: string[];
  /** Accept MD5-digest requests (IOS legacy). */
  allowMd5: boolean;
  /** Signature hash for issued certificates. */
  certHash: HashName;
}

export const DEFAULT_CAPS = ['AES', 'DES3', 'SHA-1', 'SHA-256', 'SHA-512', 'POSTPKIOperation', 'Renewal', 'SCEPStandard'];

export interface CaFaults {
  /** false = up; 'drop' = accept and close without answer; '503' = HTTP 503 Service Unavailable. */
  down: false | 'drop' | '503';
  /** Delay (ms) the transport should apply before answering. */
  slowMs: number;
  /** Answer every enrolment with FAILURE badRequest. */
  rejectAll: boolean;
}

export type RequestState = 'pending' | 'granted' | 'rejected';

export interface RequestRecord {
  id: number;
  transactionId: string;
  state: RequestState;
  /** MD5 of the CSR DER, upper-case hex (IOS "Fingerprint" column). */
  fingerprint: string;
  subject: string;
  csrDer: Buffer;
  signerCertDer: Buffer;
  messageType: number;
  renewal: boolean;
  receivedAt: number;
  /** Serial (number) of the issued certificate once granted. */
  serial?: number | undefined;
  reason?: string | undefined;
}

export type CertStatus = 'valid' | 'revoked';

export interface IssuedRecord {
  serial: number;
  serialHex: string;
  der: Buffer;
  subject: string;
  notBefore: number;
  notAfter: number;
  spkiSha1Hex: string;
  status: CertStatus;
  issuedAt: number;
  requestId?: number | undefined;
}

export interface CaEvent {
  type: 'request' | 'issued' | 'pending' | 'rejected' | 'failure' | 'http-error';
  detail: string;
  requestId?: number;
  serial?: number;
  transactionId?: string;
}

const MAX_BODY = 256 * 1024;
const MAX_REQUESTS = 2000;

function serialHex(n: number): string {
  const h = n.toString(16).toUpperCase();
  return h.length % 2 ? '0' + h : h;
}

function text(status: number, body: string): ScepHttpResponse {
  return { status, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(body.endsWith('\n') ? body : body + '\n') };
}

/** Decode a query string keeping `+` literal (base64), percent escapes decoded. */
export function parseScepQuery(q: ScepHttpRequest['query']): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof q === 'string') {
    for (const part of q.replace(/^\?/, '').split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const k = eq < 0 ? part : part.slice(0, eq);
      const v = eq < 0 ? '' : part.slice(eq + 1);
      let key: string;
      let val: string;
      try {
        key = decodeURIComponent(k);
        val = decodeURIComponent(v);
      } catch {
        throw new ScepError(`malformed percent-escape in query parameter ${JSON.stringify(k.slice(0, 40))}`);
      }
      if (!out.has(key)) out.set(key, val);
    }
  } else if (q instanceof URLSearchParams) {
    for (const [k, v] of q) if (!out.has(k)) out.set(k, v);
  } else {
    for (const [k, v] of Object.entries(q)) out.set(k, String(v));
  }
  return out;
}

/** base64 from a GET `message=` (spaces were `+` before form decoding; line breaks dropped). */
export function decodeMessageParam(v: string): Buffer {
  const s = v.replace(/ /g, '+').replace(/[\r\n\t]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new ScepError('message parameter is not base64');
  return Buffer.from(s, 'base64');
}

export interface CaCreateOptions {
  config: Partial<CaConfig> & { name: string };
  key: RsaKeyPair;
  clock: () => number;
  rng: Rng;
}

export class ScepCa {
  readonly config: CaConfig;
  readonly key: RsaKeyPair;
  readonly caCert: CertInfo;
  enabled = true;
  faults: CaFaults = { down: false, slowMs: 0, rejectAll: false };
  private nextSerial: number;
  private nextRequestId: number;
  private readonly issuedStore = new Map<number, IssuedRecord>();
  private readonly requests: RequestRecord[] = [];
  private readonly clock: () => number;
  private readonly rng: Rng;
  private listeners: ((e: CaEvent) => void)[] = [];

  private constructor(config: CaConfig, key: RsaKeyPair, caCertDer: Buffer, clock: () => number, rng: Rng, nextSerial: number, nextRequestId: number) {
    this.config = config;
    this.key = key;
    this.caCert = parseCertificate(caCertDer);
    if (!this.caCert.spkiDer.equals(key.spkiDer)) throw new Error('CA certificate does not match the CA key');
    this.clock = clock;
    this.rng = rng;
    this.nextSerial = nextSerial;
    this.nextRequestId = nextRequestId;
  }

  /** New CA: self-signed certificate (serial 01) valid from clock() for lifetimeCaCertDays. */
  static create(o: CaCreateOptions): ScepCa {
    const config: CaConfig = {
      issuerName: `CN=${o.config.name}`,
      lifetimeCertDays: 365,
      lifetimeCaCertDays: 1095,
      grant: 'manual',
      autoGrantRenewals: true,
      caps: DEFAULT_CAPS.slice(),
      eku: [],
      allowMd5: true,
      certHash: 'sha256',
      ...o.config,
    };
    validateConfig(config);
    const der = createCaCertificate({ key: o.key, issuerName: config.issuerName, now: o.clock(), lifetimeDays: config.lifetimeCaCertDays, serial: 1 });
    return new ScepCa(config, o.key, der, o.clock, o.rng, 2, 1);
  }

  static fromJSON(json: unknown, deps: { clock: () => number; rng: Rng }): ScepCa {
    const r = CaJson.safeParse(json);
    if (!r.success) throw new Error(`bad CA state: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const j = r.data;
    const config: CaConfig = { ...j.config };
    validateConfig(config);
    const ca = new ScepCa(config, keyPairFromPem(j.keyPem), Buffer.from(j.caCert, 'base64'), deps.clock, deps.rng, j.nextSerial, j.nextRequestId);
    ca.enabled = j.enabled;
    for (const i of j.issued) {
      const der = Buffer.from(i.der, 'base64');
      try {
        parseCertificate(der);
      } catch (e) {
        throw new Error(`bad CA state: issued certificate ${i.serialHex}: ${(e as Error).message}`);
      }
      ca.issuedStore.set(i.serial, { ...i, der, requestId: i.requestId ?? undefined });
    }
    for (const q of j.requests) {
      try {
        parseCsr(Buffer.from(q.csrDer, 'base64'));
        parseCertificate(Buffer.from(q.signerCertDer, 'base64'));
      } catch (e) {
        throw new Error(`bad CA state: request ${q.id}: ${(e as Error).message}`);
      }
      ca.requests.push({
        ...q,
        csrDer: Buffer.from(q.csrDer, 'base64'),
        signerCertDer: Buffer.from(q.signerCertDer, 'base64'),
        serial: q.serial ?? undefined,
        reason: q.reason ?? undefined,
      });
    }
    return ca;
  }

  toJSON(): CaJsonType {
    return {
      version: 1,
      config: { ...this.config, caps: [...this.config.caps], eku: [...this.config.eku] },
      enabled: this.enabled,
      keyPem: privateKeyPem(this.key),
      caCert: this.caCert.der.toString('base64'),
      nextSerial: this.nextSerial,
      nextRequestId: this.nextRequestId,
      issued: [...this.issuedStore.values()].map((i) => ({ ...i, der: i.der.toString('base64'), requestId: i.requestId ?? null })),
      requests: this.requests.map((q) => ({
        ...q,
        csrDer: q.csrDer.toString('base64'),
        signerCertDer: q.signerCertDer.toString('base64'),
        serial: q.serial ?? null,
        reason: q.reason ?? null,
      })),
    };
  }

  onEvent(cb: (e: CaEvent) => void): () => void {
    this.listeners.push(cb);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== cb);
    };
  }

  private emit(e: CaEvent): void {
    for (const l of this.listeners) l(e);
  }

  // ------------------------------------------------------------ admin API

  listRequests(): Readonly<RequestRecord>[] {
    return this.requests.map((r) => ({ ...r }));
  }

  issued(): Readonly<IssuedRecord>[] {
    return [...this.issuedStore.values()].sort((a, b) => a.serial - b.serial).map((r) => ({ ...r }));
  }

  certificate(serial: number): Readonly<IssuedRecord> | undefined {
    const r = this.issuedStore.get(serial);
    return r ? { ...r } : undefined;
  }

  /** Grant pending request(s): issues now (CA clock). Returns the granted request ids. */
  grant(id: number | 'all'): number[] {
    const out: number[] = [];
    for (const r of this.requests) {
      if (r.state !== 'pending' || (id !== 'all' && r.id !== id)) continue;
      const csr = parseCsr(r.csrDer);
      const rec = this.issue(csr, r.id);
      r.state = 'granted';
      r.serial = rec.serial;
      out.push(r.id);
    }
    return out;
  }

  /** Reject pending request(s). Returns the rejected request ids. */
  reject(id: number | 'all', reason = 'rejected by CA administrator'): number[] {
    const out: number[] = [];
    for (const r of this.requests) {
      if (r.state !== 'pending' || (id !== 'all' && r.id !== id)) continue;
      r.state = 'rejected';
      r.reason = reason;
      out.push(r.id);
      this.emit({ type: 'rejected', detail: reason, requestId: r.id, transactionId: r.transactionId });
    }
    return out;
  }

  /** Remove finished (granted/rejected) requests from the queue (IOS `... remove`). */
  removeRequest(id: number | 'all'): number[] {
    const out: number[] = [];
    for (let i = this.requests.length - 1; i >= 0; i--) {
      const r = this.requests[i]!;
      if (id === 'all' || r.id === id) {
        out.push(r.id);
        this.requests.splice(i, 1);
      }
    }
    return out.reverse();
  }

  revoke(serial: number): boolean {
    const r = this.issuedStore.get(serial);
    if (!r || r.status === 'revoked') return false;
    r.status = 'revoked';
    return true;
  }

  getCaCaps(): string {
    return this.config.caps.join('\n');
  }

  // ------------------------------------------------------------ HTTP entry

  handleScep(req: ScepHttpRequest): ScepHttpResponse {
    const withFaults = (r: ScepHttpResponse): ScepHttpResponse => (this.faults.slowMs > 0 ? { ...r, delayMs: this.faults.slowMs } : r);
    if (this.faults.down === 'drop') return { status: 0, headers: {}, body: Buffer.alloc(0), drop: true };
    if (this.faults.down === '503') return withFaults(text(503, 'Service Unavailable'));
    if (!this.enabled) return withFaults(text(503, `CA server ${this.config.name} is shut down`));
    try {
      return withFaults(this.route(req));
    } catch (e) {
      const msg = e instanceof ScepError || e instanceof DerError ? e.message : `internal error: ${(e as Error).message}`;
      this.emit({ type: 'http-error', detail: msg });
      return withFaults(text(e instanceof ScepError || e instanceof DerError ? 400 : 500, msg));
    }
  }

  private route(req: ScepHttpRequest): ScepHttpResponse {
    const method = req.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') return text(405, 'method not allowed');
    if (req.body && req.body.length > MAX_BODY) return text(413, `request body larger than ${MAX_BODY} bytes`);
    const q = parseScepQuery(req.query);
    const op = q.get('operation');
    if (!op) return text(400, 'missing operation parameter');
    switch (op.toLowerCase()) {
      case 'getcacaps':
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(this.getCaCaps()) };
      case 'getcacert':
        return { status: 200, headers: { 'Content-Type': 'application/x-x509-ca-cert' }, body: Buffer.from(this.caCert.der) };
      case 'pkioperation': {
        let der: Buffer;
        if (method === 'POST') {
          der = Buffer.from(req.body ?? []);
          // lenient: some clients POST base64 text
          if (der.length && der[0] !== 0x30 && /^[A-Za-z0-9+/=\r\n]+$/.test(der.subarray(0, 64).toString('latin1'))) {
            der = decodeMessageParam(der.toString('latin1'));
          }
        } else {
          const m = q.get('message');
          if (m === undefined) return text(400, 'missing message parameter');
          if (m.length > MAX_BODY * 2) return text(413, 'message parameter too large');
          der = decodeMessageParam(m);
        }
        if (!der.length) return text(400, 'empty PKIOperation message');
        return { status: 200, headers: { 'Content-Type': 'application/x-pki-message' }, body: this.pkiOperation(der) };
      }
      default:
        return text(400, `operation ${op} not supported`);
    }
  }

  // ------------------------------------------------------------ PKIOperation

  /** Process one pkiMessage (DER) and return the CertRep (DER). Throws ScepError/DerError when no CertRep can be built. */
  pkiOperation(der: Buffer): Buffer {
    const msg = parsePkiMessage(der, { allowMd5: this.config.allowMd5 });
    const reply = (status: 'SUCCESS' | 'FAILURE' | 'PENDING', extra: { failInfo?: FailInfo; text?: string; data?: Buffer; cipher?: ContentCipher } = {}): Buffer => {
      if (status === 'FAILURE') this.emit({ type: 'failure', detail: `${extra.failInfo}: ${extra.text ?? ''}`, transactionId: msg.transactionId });
      const digest: HashName = msg.digest && (msg.digest !== 'md5' || this.config.allowMd5) ? msg.digest : 'sha256';
      return buildPkiMessage({
        messageType: MessageType.CertRep,
        transactionId: msg.transactionId,
        senderNonce: this.rng.bytes(16),
        recipientNonce: msg.senderNonce,
        pkiStatus: status,
        ...(extra.failInfo ? { failInfo: extra.failInfo } : {}),
        ...(extra.text ? { failInfoText: extra.text } : {}),
        ...(extra.data ? { messageData: extra.data } : {}),
        recipients: msg.signerCert ? [msg.signerCert] : [],
        cipher: extra.cipher ?? 'aes-128-cbc',
        digest,
        signerCert: this.caCert,
        signerKey: this.key.privateKey,
        rng: this.rng,
      });
    };
    const fail = (fi: FailInfo, why: string): Buffer => reply('FAILURE', { failInfo: fi, text: why });

    if (!msg.signerCert) return fail('badMessageCheck', 'signer certificate not included');
    if (!msg.signatureOk) return fail(msg.signatureBadAlg ? 'badAlg' : 'badMessageCheck', msg.signatureError ?? 'bad signature');
    if (msg.signingTime !== undefined && (msg.signingTime < msg.signerCert.notBefore - 3_600_000 || msg.signingTime > msg.signerCert.notAfter)) {
      return fail('badTime', 'signingTime outside the signer certificate validity');
    }
    const type = msg.messageType;
    if (type !== MessageType.PKCSReq && type !== MessageType.RenewalReq && type !== MessageType.UpdateReq && type !== MessageType.CertPoll) {
      return fail('badRequest', `message type ${type} not supported`);
    }
    if (!msg.envelope) return fail('badRequest', 'pkcsPKIEnvelope missing');
    let data: Buffer;
    let cipher: ContentCipher;
    try {
      ({ content: data, cipher } = decryptEnvelopedData(msg.envelope, this.key.privateKey, this.caCert));
    } catch (e) {
      if (e instanceof EnvelopeError && e.badAlg) return fail('badAlg', e.message);
      return fail('badMessageCheck', (e as Error).message);
    }
    const success = (rec: IssuedRecord): Buffer => reply('SUCCESS', { data: buildCertsOnly([rec.der, this.caCert.der]), cipher });

    if (type === MessageType.CertPoll) {
      const r = this.findForPoll(msg);
      if (!r) return fail('badCertId', `no request with transaction ID ${msg.transactionId}`);
      return this.outcome(r, success, reply, fail);
    }
    return this.enrol(msg, data, success, reply, fail);
  }

  private findForPoll(msg: DecodedPkiMessage): RequestRecord | undefined {
    const signerSpki = msg.signerCert!.spkiDer;
    for (let i = this.requests.length - 1; i >= 0; i--) {
      const r = this.requests[i]!;
      if (r.transactionId !== msg.transactionId) continue;
      let spki: Buffer;
      try {
        spki = parseCertificate(r.signerCertDer).spkiDer;
      } catch {
        continue;
      }
      if (spki.equals(signerSpki)) return r;
    }
    return undefined;
  }

  private outcome(r: RequestRecord, success: (rec: IssuedRecord) => Buffer, reply: (s: 'PENDING') => Buffer, fail: (fi: FailInfo, why: string) => Buffer): Buffer {
    if (r.state === 'pending') return reply('PENDING');
    if (r.state === 'rejected') return fail('badRequest', r.reason ?? 'request rejected');
    const rec = r.serial !== undefined ? this.issuedStore.get(r.serial) : undefined;
    if (!rec) return fail('badCertId', 'issued certificate no longer available');
    return success(rec);
  }

  private enrol(
    msg: DecodedPkiMessage,
    data: Buffer,
    success: (rec: IssuedRecord) => Buffer,
    reply: (s: 'PENDING') => Buffer,
    fail: (fi: FailInfo, why: string) => Buffer,
  ): Buffer {
    let csr: CsrInfo;
    try {
      csr = parseCsr(data);
    } catch (e) {
      return fail('badRequest', `bad certificate request: ${(e as Error).message}`);
    }
    if (!csr.signatureValid) return fail('badMessageCheck', 'certificate request signature does not verify');
    if (csr.sigAlgOid && !this.config.allowMd5 && hashFromOid(csr.sigAlgOid) === 'md5') return fail('badAlg', 'MD5-signed request');
    const signer = msg.signerCert!;
    const now = this.clock();

    // Resend of an already-known request (lost reply, micromdm re-posting while PENDING)?
    for (let i = this.requests.length - 1; i >= 0; i--) {
      const r = this.requests[i]!;
      if (r.transactionId === msg.transactionId && r.csrDer.equals(csr.der) && r.signerCertDer.equals(signer.der)) {
        return this.outcome(r, success, reply, fail);
      }
    }

    let renewal = false;
    if (isIssuedBy(signer, this.caCert)) {
      renewal = true;
      const known = this.issuedStore.get(Number.parseInt(signer.serialHex, 16));
      if (known && known.der.equals(signer.der) && known.status === 'revoked') return fail('badRequest', 'signer certificate is revoked');
      if (now < signer.notBefore || now > signer.notAfter) return fail('badTime', 'signer certificate is not valid now');
    } else if (signer.selfIssued && verifyCertSignature(signer, signer.publicKey)) {
      if (msg.messageType === MessageType.RenewalReq) return fail('badRequest', 'RenewalReq must be signed by a certificate issued by this CA');
      if (!signer.spkiDer.equals(csr.spkiDer)) return fail('badRequest', 'certificate request key differs from the signer key');
    } else {
      return fail('badRequest', 'signer certificate was not issued by this CA');
    }

    if (!renewal && this.config.challengePassword !== undefined && csr.challengePassword !== this.config.challengePassword) {
      return fail('badRequest', csr.challengePassword === undefined ? 'challenge password missing' : 'invalid challenge password');
    }
    if (this.faults.rejectAll) return fail('badRequest', 'request rejected by CA policy');

    const autoGrant = this.config.grant === 'auto' || (renewal && this.config.autoGrantRenewals);
    if (!autoGrant && this.requests.filter((r) => r.state === 'pending').length >= MAX_REQUESTS) {
      return fail('badRequest', 'request queue full');
    }
    const rec: RequestRecord = {
      id: this.nextRequestId,
      transactionId: msg.transactionId,
      state: 'pending',
      fingerprint: csr.md5Hex,
      subject: csr.subjectDn,
      csrDer: csr.der,
      signerCertDer: signer.der,
      messageType: msg.messageType,
      renewal,
      receivedAt: now,
    };
    if (autoGrant) {
      const issued = this.issue(csr, rec.id); // throws only on internal errors; nothing committed then
      rec.state = 'granted';
      rec.serial = issued.serial;
      this.addRequest(rec);
      return success(issued);
    }
    this.addRequest(rec);
    this.emit({ type: 'pending', detail: csr.subjectDn, requestId: rec.id, transactionId: rec.transactionId });
    return reply('PENDING');
  }

  private addRequest(r: RequestRecord): void {
    this.nextRequestId++;
    this.requests.push(r);
    this.emit({ type: 'request', detail: `${r.state} ${r.subject}`, requestId: r.id, transactionId: r.transactionId });
    // keep the finished history bounded
    let excess = this.requests.length - MAX_REQUESTS;
    for (let i = 0; i < this.requests.length && excess > 0; ) {
      if (this.requests[i]!.state !== 'pending') {
        this.requests.splice(i, 1);
        excess--;
      } else i++;
    }
  }

  private issue(csr: CsrInfo, requestId: number): IssuedRecord {
    const now = this.clock();
    const serial = this.nextSerial;
    const lifetimeMs = this.config.lifetimeCertMs ?? this.config.lifetimeCertDays * DAY_MS;
    const der = issueCertificate({
      csr,
      caCert: this.caCert,
      caKey: this.key.privateKey,
      serial,
      now,
      lifetimeMs,
      eku: this.config.eku,
      hash: this.config.certHash,
    });
    const c = parseCertificate(der);
    const rec: IssuedRecord = {
      serial,
      serialHex: serialHex(serial),
      der,
      subject: c.subjectDn,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      spkiSha1Hex: c.spkiSha1Hex,
      status: 'valid',
      issuedAt: now,
      requestId,
    };
    // commit
    this.issuedStore.set(serial, rec);
    this.nextSerial = serial + 1;
    this.emit({ type: 'issued', detail: c.subjectDn, serial, requestId });
    return rec;
  }
}

function validateConfig(c: CaConfig): void {
  if (!c.name) throw new Error('CA name required');
  if (!Number.isInteger(c.lifetimeCertDays) || c.lifetimeCertDays < 1 || c.lifetimeCertDays > 1825) throw new Error('lifetime certificate must be 1..1825 days');
  if (!Number.isInteger(c.lifetimeCaCertDays) || c.lifetimeCaCertDays < 1 || c.lifetimeCaCertDays > 7305) throw new Error('lifetime ca-certificate must be 1..7305 days');
  if (c.lifetimeCertMs !== undefined && (!Number.isInteger(c.lifetimeCertMs) || c.lifetimeCertMs < 1000)) throw new Error('lifetimeCertMs must be an integer ≥ 1000');
}

const HashEnum = z.enum(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
const CaJson = z.object({
  version: z.literal(1),
  config: z.object({
    name: z.string().min(1),
    issuerName: z.string().min(1),
    lifetimeCertDays: z.number().int(),
    lifetimeCaCertDays: z.number().int(),
    lifetimeCertMs: z.number().int().optional(),
    grant: z.enum(['auto', 'manual']),
    autoGrantRenewals: z.boolean(),
    challengePassword: z.string().optional(),
    caps: z.array(z.string()),
    eku: z.array(z.string()),
    allowMd5: z.boolean(),
    certHash: HashEnum,
  }),
  enabled: z.boolean(),
  keyPem: z.string(),
  caCert: z.string(),
  nextSerial: z.number().int().min(1),
  nextRequestId: z.number().int().min(1),
  issued: z.array(
    z.object({
      serial: z.number().int(),
      serialHex: z.string(),
      der: z.string(),
      subject: z.string(),
      notBefore: z.number(),
      notAfter: z.number(),
      spkiSha1Hex: z.string(),
      status: z.enum(['valid', 'revoked']),
      issuedAt: z.number(),
      requestId: z.number().int().nullable().optional(),
    }),
  ),
  requests: z.array(
    z.object({
      id: z.number().int(),
      transactionId: z.string(),
      state: z.enum(['pending', 'granted', 'rejected']),
      fingerprint: z.string(),
      subject: z.string(),
      csrDer: z.string(),
      signerCertDer: z.string(),
      messageType: z.number().int(),
      renewal: z.boolean(),
      receivedAt: z.number(),
      serial: z.number().int().nullable().optional(),
      reason: z.string().nullable().optional(),
    }),
  ),
});
export type CaJsonType = z.infer<typeof CaJson>;
