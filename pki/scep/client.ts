/**
 * SCEP client, as a Cisco IOS router runs it: GetCACert (the caller checks the fingerprint),
 * GetCACaps, PKCSReq signed with a throw-away self-signed certificate (or RenewalReq / PKCSReq
 * signed with the current certificate for re-enrolment), CertPoll while PENDING.
 *
 * The transport is injected: real HTTP (sim/transport/http-client.ts) or an in-process call into a
 * ScepCa (inProcessTransport) — the same bytes either way. Time and randomness are injected.
 *
 * URL rule (`enrollment url`), see scepEndpoint():
 *   - no path or `/`                → `/cgi-bin/pkiclient.exe` (IOS default)
 *   - path ending in `.exe`, or a path ending in `/scep` → used verbatim (Debian/micromdm serve only `/scep`)
 *   - any other path P              → `P/pkiclient.exe` (IOS appends pkiclient.exe)
 * pathMode 'verbatim' always uses the path as given, 'ios' always applies the IOS rule.
 */
import { createHash } from 'node:crypto';
import type { Rng } from '../../sim/kernel/rng.js';
import type { ScepHttpRequest, ScepHttpResponse } from '../ca.js';
import type { RsaKeyPair } from '../keys.js';
import type { HashName } from '../oids.js';
import { buildCsr, createSelfSigned, isIssuedBy, parseCertificate, parseCsr, type CertInfo, type IosSubjectOptions } from '../x509.js';
import { decryptEnvelopedData, parseCertsOnly } from './cms.js';
import type { ContentCipher } from './crypto.js';
import { buildIssuerAndSubject, buildPkiMessage, MessageType, parsePkiMessage, type FailInfo } from './message.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type ScepTransport = (req: HttpRequest) => Promise<HttpResponse>;

export class ScepClientError extends Error {
  constructor(
    message: string,
    /** transport: no answer; http: non-200 answer; protocol: bad/unauthentic reply. */
    readonly kind: 'transport' | 'http' | 'protocol',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ScepClientError';
  }
}

export type PathMode = 'auto' | 'ios' | 'verbatim';

/** The SCEP endpoint (scheme://host:port/path, no query) for an IOS `enrollment url`. */
export function scepEndpoint(enrollmentUrl: string, mode: PathMode = 'auto'): string {
  let u: URL;
  try {
    u = new URL(enrollmentUrl);
  } catch {
    throw new ScepClientError(`bad enrollment URL ${JSON.stringify(enrollmentUrl)}`, 'transport');
  }
  if (u.protocol !== 'http:') throw new ScepClientError(`unsupported URL scheme ${u.protocol} (SCEP runs over http)`, 'transport');
  const path = u.pathname;
  let out: string;
  if (mode === 'verbatim') out = path || '/';
  else if (path === '' || path === '/') out = '/cgi-bin/pkiclient.exe';
  else if (mode === 'auto' && (/\.exe$/i.test(path) || /\/scep\/?$/i.test(path))) out = path;
  else out = path.replace(/\/+$/, '') + '/pkiclient.exe';
  return `${u.protocol}//${u.host}${out}`;
}

/** Route requests into a CA's handleScep (lab-internal URLs; no sockets, same bytes). */
export function inProcessTransport(
  handler: { handleScep(req: ScepHttpRequest): ScepHttpResponse } | ((req: ScepHttpRequest) => ScepHttpResponse),
  opts: { delay?: (ms: number) => Promise<void> } = {},
): ScepTransport {
  const fn = typeof handler === 'function' ? handler : (r: ScepHttpRequest) => handler.handleScep(r);
  return async (req) => {
    const u = new URL(req.url);
    const res = fn({ method: req.method, path: u.pathname, query: u.search.slice(1), ...(req.body ? { body: req.body } : {}) });
    if (res.delayMs && opts.delay) await opts.delay(res.delayMs);
    if (res.drop) throw new ScepClientError('connection closed without an answer', 'transport');
    return { status: res.status, headers: res.headers, body: res.body };
  };
}

// ---------------------------------------------------------------- capabilities

/** Capability keywords, upper-cased; unknown words kept. LF or CRLF, any case. */
export function parseCaCaps(textBody: string): Set<string> {
  return new Set(
    textBody
      .split(/[\r\n]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
  );
}

export interface ScepAlgorithms {
  cipher: ContentCipher;
  digest: HashName;
  post: boolean;
}

/** AES + SHA-256 + POST when offered, else 3DES / SHA-1, else the legacy DES + MD5 + GET. */
export function chooseAlgorithms(caps: Set<string>): ScepAlgorithms {
  const std = caps.has('SCEPSTANDARD');
  return {
    cipher: std || caps.has('AES') ? 'aes-128-cbc' : caps.has('DES3') ? 'des-ede3-cbc' : 'des-cbc',
    digest: std || caps.has('SHA-256') ? 'sha256' : caps.has('SHA-512') ? 'sha512' : caps.has('SHA-1') ? 'sha1' : 'md5',
    post: std || caps.has('POSTPKIOPERATION'),
  };
}

export interface Endpoint {
  /** `enrollment url` as configured. */
  url: string;
  transport: ScepTransport;
  pathMode?: PathMode;
}

async function send(ep: Endpoint, req: Omit<HttpRequest, 'url'> & { query: string }): Promise<HttpResponse> {
  const url = `${scepEndpoint(ep.url, ep.pathMode)}?${req.query}`;
  let res: HttpResponse;
  try {
    res = await ep.transport({ method: req.method, url, ...(req.body ? { body: req.body } : {}), ...(req.headers ? { headers: req.headers } : {}) });
  } catch (e) {
    if (e instanceof ScepClientError) throw e;
    throw new ScepClientError(`cannot reach CA at ${url.split('?')[0]}: ${(e as Error).message}`, 'transport');
  }
  return res;
}

export async function getCaCaps(ep: Endpoint): Promise<Set<string>> {
  let res: HttpResponse;
  try {
    res = await send(ep, { method: 'GET', query: 'operation=GetCACaps' });
  } catch (e) {
    if (e instanceof ScepClientError && e.kind === 'transport') throw e;
    return new Set();
  }
  if (res.status !== 200) return new Set(); // RFC 8894: an error means "nothing supported"
  return parseCaCaps(res.body.toString('latin1'));
}

export interface CaCertResult {
  /** The CA certificate (self-signed root, or the CA that issued the RA certs). */
  caCert: CertInfo;
  /** Every certificate received (one for a plain DER answer). */
  chain: CertInfo[];
  /** RA certificates (Cisco draft: non-CA certs in a degenerate PKCS#7). */
  raCerts: CertInfo[];
  contentType: string;
}

export async function getCaCert(ep: Endpoint & { caIdent?: string }): Promise<CaCertResult> {
  const q = 'operation=GetCACert' + (ep.caIdent ? `&message=${encodeURIComponent(ep.caIdent)}` : '');
  const res = await send(ep, { method: 'GET', query: q });
  if (res.status !== 200) throw new ScepClientError(`GetCACert: HTTP ${res.status} ${res.body.toString('latin1', 0, 200).trim()}`, 'http', res.status);
  const ct = (res.headers['content-type'] ?? res.headers['Content-Type'] ?? '').toLowerCase();
  let ders: Buffer[];
  try {
    ders = ct.includes('ca-ra-cert') || (res.body[0] === 0x30 && !looksLikeCert(res.body)) ? parseCertsOnly(res.body) : [res.body];
  } catch (e) {
    throw new ScepClientError(`GetCACert: cannot parse answer: ${(e as Error).message}`, 'protocol');
  }
  let chain: CertInfo[];
  try {
    chain = ders.map((d) => parseCertificate(d));
  } catch (e) {
    throw new ScepClientError(`GetCACert: bad certificate: ${(e as Error).message}`, 'protocol');
  }
  if (!chain.length) throw new ScepClientError('GetCACert: no certificate in answer', 'protocol');
  const cas = chain.filter((c) => c.isCa);
  const caCert = cas.find((c) => c.selfIssued) ?? cas[0] ?? chain[0]!;
  return { caCert, chain, raCerts: chain.filter((c) => !c.isCa && c !== caCert), contentType: ct };
}

function looksLikeCert(der: Buffer): boolean {
  try {
    parseCertificate(der);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- enrolment

/** Everything needed to poll (CertPoll) a PENDING request later; plain data, JSON-friendly via base64. */
export interface PendingSession {
  transactionId: string;
  messageType: number;
  signerCertDer: Buffer;
  csrDer: Buffer;
  cipher: ContentCipher;
  digest: HashName;
  post: boolean;
}

export type EnrollOutcome =
  | { status: 'issued'; cert: CertInfo; chain: CertInfo[] }
  | { status: 'pending' }
  | { status: 'failed'; failInfo: FailInfo | undefined; failInfoText: string | undefined };

export type EnrollResult = EnrollOutcome & { session: PendingSession };

export interface EnrollRequest extends Endpoint {
  /** The authenticated CA certificate (from getCaCert, fingerprint accepted). */
  caCert: CertInfo;
  /** RA certificates, if the CA uses an RA (encrypt to / verify with these). */
  raCerts?: CertInfo[];
  /** Key pair whose public key goes in the CSR (the new key on rollover). */
  csrKey: RsaKeyPair;
  /** A prebuilt PKCS#10 (DER); otherwise one is built from `subject` + `challenge`. */
  csr?: Buffer;
  subject?: IosSubjectOptions & { subjectDer?: Buffer };
  challenge?: string;
  /** Re-enrolment: sign with the current certificate and its key instead of a self-signed cert. */
  signerCert?: CertInfo;
  signerKey?: RsaKeyPair;
  /** With signerCert: send RenewalReq (17). Without: PKCSReq (19) signed by the old cert (IOS/draft style). */
  renewal?: boolean;
  /** Capabilities (from getCaCaps); fetched when absent. */
  caps?: Set<string>;
  cipher?: ContentCipher;
  digest?: HashName;
  method?: 'GET' | 'POST';
  transactionId?: string;
  rng: Rng;
  /** The router's wall clock (ms). */
  now: number;
}

/** IOS-like transaction ID: upper-case hex MD5 of the request key's SubjectPublicKeyInfo. */
export function defaultTransactionId(spkiDer: Buffer): string {
  return createHash('md5').update(spkiDer).digest('hex').toUpperCase();
}

function encryptionCert(caCert: CertInfo, ra: CertInfo[] | undefined): CertInfo {
  return ra?.find((c) => c.keyUsage.includes('keyEncipherment')) ?? ra?.[0] ?? caCert;
}

export async function enroll(r: EnrollRequest): Promise<EnrollResult> {
  const caps = r.caps ?? (await getCaCaps(r));
  const { op, session } = prepareEnroll({ ...r, caps });
  const res = await send(r, op.request);
  return { ...finishOperation(op, res), session };
}

/**
 * One PKIOperation round trip, split into two synchronous halves so that a scheduler-driven
 * caller (the router twin's in-process path to a lab CA, sim/features/pki/) can run it without
 * promises: prepare* builds the HTTP request, the caller delivers it (ScepCa.handleScep for a
 * lab CA), finishOperation reads and checks the CertRep. enroll()/poll() are exactly these
 * halves around an awaited transport.
 */
export interface PreparedOperation {
  /** Query string (without `?`), method, body and headers; the URL path comes from scepEndpoint(). */
  request: Omit<HttpRequest, 'url'> & { query: string };
  senderNonce: Buffer;
  session: PendingSession;
  caCert: CertInfo;
  raCerts?: CertInfo[] | undefined;
  signerCert: CertInfo;
  signerKey: RsaKeyPair;
  messageData: Buffer;
  expectSpki?: Buffer | undefined;
}

/** Synchronous first half of enroll(): `caps` must be known (getCaCaps or a lab CA's handleScep). */
export function prepareEnroll(r: Omit<EnrollRequest, 'transport' | 'caps'> & { caps: Set<string> }): { op: PreparedOperation; session: PendingSession } {
  if ((r.signerCert && !r.signerKey) || (!r.signerCert && r.signerKey)) throw new ScepClientError('signerCert and signerKey go together', 'protocol');
  if (r.renewal && !r.signerCert) throw new ScepClientError('a RenewalReq needs the current certificate (signerCert)', 'protocol');
  const algs = chooseAlgorithms(r.caps);
  const csrDer =
    r.csr ??
    buildCsr({
      key: r.csrKey,
      ...(r.subject ?? {}),
      ...(r.challenge !== undefined ? { challengePassword: r.challenge } : {}),
    });
  const csr = parseCsr(csrDer);
  if (!csr.spkiDer.equals(r.csrKey.spkiDer)) throw new ScepClientError('CSR public key is not csrKey', 'protocol');
  let signerCert: CertInfo;
  let signerKey: RsaKeyPair;
  if (r.signerCert && r.signerKey) {
    signerCert = r.signerCert;
    signerKey = r.signerKey;
  } else {
    const serial = r.rng.bytes(8);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    signerCert = parseCertificate(
      createSelfSigned({
        key: r.csrKey,
        subjectDer: csr.subjectDer,
        serial,
        notBefore: r.now - 3_600_000,
        notAfter: r.now + 365 * 86_400_000,
        hash: 'sha256',
      }),
    );
    signerKey = r.csrKey;
  }
  const session: PendingSession = {
    transactionId: r.transactionId ?? defaultTransactionId(r.csrKey.spkiDer),
    messageType: r.signerCert && r.renewal ? MessageType.RenewalReq : MessageType.PKCSReq,
    signerCertDer: signerCert.der,
    csrDer,
    cipher: r.cipher ?? algs.cipher,
    digest: r.digest ?? algs.digest,
    post: r.method ? r.method === 'POST' : algs.post,
  };
  return { op: prepareOperation(r, session, signerCert, signerKey, csrDer), session };
}

export interface PollRequest extends Endpoint {
  caCert: CertInfo;
  raCerts?: CertInfo[];
  session: PendingSession;
  /** Key of session.signerCertDer (the CSR key for a first enrolment, the old key for renewal). */
  signerKey: RsaKeyPair;
  rng: Rng;
  now: number;
}

/** CertPoll (GetCertInitial, type 20) with the session's transaction ID. */
export async function poll(p: PollRequest): Promise<EnrollResult> {
  const op = preparePoll(p);
  const res = await send(p, op.request);
  return { ...finishOperation(op, res), session: p.session };
}

/** Synchronous first half of poll(). */
export function preparePoll(p: Omit<PollRequest, 'transport' | 'url'>): PreparedOperation {
  const signerCert = parseCertificate(p.session.signerCertDer);
  const csr = parseCsr(p.session.csrDer);
  const ias = buildIssuerAndSubject(p.caCert.subjectDer, csr.subjectDer);
  return prepareOperation(p, { ...p.session, messageType: MessageType.CertPoll }, signerCert, p.signerKey, ias, csr.spkiDer);
}

function prepareOperation(
  r: { caCert: CertInfo; raCerts?: CertInfo[] | undefined; rng: Rng },
  s: PendingSession,
  signerCert: CertInfo,
  signerKey: RsaKeyPair,
  messageData: Buffer,
  expectSpki?: Buffer,
): PreparedOperation {
  const senderNonce = r.rng.bytes(16);
  const req = buildPkiMessage({
    messageType: s.messageType,
    transactionId: s.transactionId,
    senderNonce,
    messageData,
    recipients: [encryptionCert(r.caCert, r.raCerts)],
    cipher: s.cipher,
    digest: s.digest,
    signerCert,
    signerKey: signerKey.privateKey,
    rng: r.rng,
  });
  let request: PreparedOperation['request'];
  if (s.post) {
    request = { method: 'POST', query: 'operation=PKIOperation', body: req, headers: { 'Content-Type': 'application/x-pki-message' } };
  } else {
    // IOS wraps the base64 at 64 columns; the line breaks travel as %0A.
    const b64 = req.toString('base64').replace(/.{1,64}/g, '$&\n');
    request = { method: 'GET', query: `operation=PKIOperation&message=${encodeURIComponent(b64)}` };
  }
  return { request, senderNonce, session: s, caCert: r.caCert, raCerts: r.raCerts, signerCert, signerKey, messageData, expectSpki };
}

/** Synchronous second half: check the CertRep of a prepared operation (throws ScepClientError). */
export function finishOperation(op: PreparedOperation, res: HttpResponse): EnrollOutcome {
  const { session: s, senderNonce, signerCert, signerKey, messageData, expectSpki } = op;
  const r = op;
  if (res.status !== 200) {
    throw new ScepClientError(`PKIOperation: HTTP ${res.status} ${res.body.toString('latin1', 0, 200).trim()}`, 'http', res.status);
  }
  const trusted = [r.caCert, ...(r.raCerts ?? [])];
  let rep;
  try {
    rep = parsePkiMessage(res.body, { trusted });
  } catch (e) {
    throw new ScepClientError(`bad CertRep: ${(e as Error).message}`, 'protocol');
  }
  const signer = rep.signerCert;
  if (!signer || !(trusted.some((t) => t.der.equals(signer.der)) || isIssuedBy(signer, r.caCert))) {
    throw new ScepClientError('CertRep is not signed by the CA (or its RA)', 'protocol');
  }
  if (!rep.signatureOk) throw new ScepClientError(`CertRep signature: ${rep.signatureError}`, 'protocol');
  if (rep.messageType !== MessageType.CertRep) throw new ScepClientError(`expected CertRep, got message type ${rep.messageType}`, 'protocol');
  if (rep.transactionId !== s.transactionId) throw new ScepClientError('CertRep transaction ID does not match', 'protocol');
  if (!rep.recipientNonce || !rep.recipientNonce.equals(senderNonce)) throw new ScepClientError('CertRep recipientNonce does not match our senderNonce', 'protocol');
  if (rep.pkiStatus === 'PENDING') return { status: 'pending' };
  if (rep.pkiStatus === 'FAILURE') return { status: 'failed', failInfo: rep.failInfo, failInfoText: rep.failInfoText };
  if (rep.pkiStatus !== 'SUCCESS') throw new ScepClientError('CertRep without pkiStatus', 'protocol');
  if (!rep.envelope) throw new ScepClientError('CertRep SUCCESS without an envelope', 'protocol');
  let certs: CertInfo[];
  try {
    const { content } = decryptEnvelopedData(rep.envelope, signerKey.privateKey, signerCert);
    certs = parseCertsOnly(content).map((d) => parseCertificate(d));
  } catch (e) {
    throw new ScepClientError(`cannot open CertRep envelope: ${(e as Error).message}`, 'protocol');
  }
  const want = expectSpki ?? parseCsr(messageData).spkiDer;
  const leaf = certs.find((c) => c.spkiDer.equals(want));
  if (!leaf) throw new ScepClientError('CertRep holds no certificate for the requested key', 'protocol');
  if (!isIssuedBy(leaf, r.caCert) && !certs.some((c) => c !== leaf && isIssuedBy(leaf, c) && (c.der.equals(r.caCert.der) || isIssuedBy(c, r.caCert)))) {
    throw new ScepClientError('issued certificate does not chain to the CA certificate', 'protocol');
  }
  return { status: 'issued', cert: leaf, chain: certs.filter((c) => c !== leaf) };
}
