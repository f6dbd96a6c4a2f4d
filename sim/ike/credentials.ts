/**
 * Credentials for IKE authentication and peer-certificate validation.
 *
 * Local side: the integrator computes, from trustpoint state, either a usable credential
 * `{ certChain, privateKey, id? }` (DER chain, end entity first) or `{ none: reason }`.
 * Peer side: `validatePeerChain(chain, anchors, atMs, opts)` runs the checks an IKE peer makes
 * (strongSwan 5.9.8 / IOS semantics, protocols.md §9.1) at the validating device's own wall time.
 *
 * Reasons, in the order they are checked (first failure wins):
 *   no-certificate  → the chain is empty
 *   untrusted       → unparseable cert, no path to any anchor, an issuer that is not a CA
 *   ca-cert-missing → no trust anchors at all (trustpoint not authenticated)
 *   bad-signature   → an issuer with the right name was found but the signature does not verify
 *   not-yet-valid / expired → any certificate on the path (anchor included) outside its validity
 *   key-usage       → the end entity has keyUsage without digitalSignature / nonRepudiation
 *   revoked         → the end-entity serial is in opts.revokedSerials ("revoked-by-config")
 *   identity-mismatch → opts.presentedId / opts.expectedId not contained in the certificate
 *   key-mismatch    → (authentication layer) signature made with a key that does not match the cert
 *
 * The time-independent part of a validation (path, signatures, CA flags) is memoised per
 * (chain, anchors) in a bounded cache; validity dates are re-checked exactly at each call.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { certHasIdentity, identityToString, type IkeIdentity } from './identity.js';
import {
  KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN, KU_NON_REPUDIATION, tryParseCert, verifyCertSignature, type ParsedCert,
} from './x509.js';
import { formatUtc } from './der.js';

export type { IkeIdentity } from './identity.js';

export type AuthFailureReason =
  | 'untrusted' | 'expired' | 'not-yet-valid' | 'ca-cert-missing' | 'no-certificate'
  | 'key-mismatch' | 'revoked' | 'identity-mismatch' | 'bad-signature' | 'key-usage';

/** What the integrator may report when a device has no usable local credential. */
export type NoCredentialReason = 'no certificate' | 'expired' | 'key/cert mismatch';

export interface LocalCredential {
  /** DER certificates, end entity first, then intermediates (the root may be omitted). */
  certChain: Buffer[];
  privateKey: KeyObject;
  /** Identity to send; default: first dNSName SAN as ID_FQDN, else the subject DN. */
  id?: IkeIdentity;
}
export interface NoLocalCredential {
  none: NoCredentialReason;
  detail?: string;
}
export type LocalCredentials = LocalCredential | NoLocalCredential;

export function hasCredential(c: LocalCredentials): c is LocalCredential {
  return (c as LocalCredential).certChain !== undefined;
}

export function noneToReason(n: NoCredentialReason): AuthFailureReason {
  return n === 'expired' ? 'expired' : n === 'key/cert mismatch' ? 'key-mismatch' : 'no-certificate';
}

/** Trust on the validating side: CA certificates (DER) and the device's wall clock. */
export interface TrustStore {
  anchors: Buffer[];
  /** Device wall clock (integer ms since epoch). */
  now: () => number;
  /** Serials (hex, any case, leading zeros ignored) revoked by configuration or a CRL. */
  revokedSerials?: Iterable<string>;
  /** Identity the peer must prove (configured remote identity), optional. */
  expectedPeerId?: IkeIdentity;
}

export interface ValidateOptions {
  /** Identity the peer claimed (IDi/IDr): must be contained in the end-entity cert. */
  presentedId?: IkeIdentity;
  /** Identity we require (configured): must be contained in the end-entity cert. */
  expectedId?: IkeIdentity;
  revokedSerials?: Iterable<string>;
  /** Pass null to disable memoisation; default is the shared module cache. */
  cache?: ValidationCache | null;
}

export type ValidationResult =
  | { ok: true; subject: string; serialHex: string; issuer: string; notAfter: number; cert: ParsedCert }
  | { ok: false; reason: AuthFailureReason; detail: string; subject?: string; serialHex?: string };

interface PathInfo {
  ok: true;
  ee: ParsedCert;
  /** EE first, anchor last. */
  path: ParsedCert[];
}
type PathResult = PathInfo | { ok: false; reason: AuthFailureReason; detail: string; ee?: ParsedCert };

/** Bounded memo of path-building results keyed by (chain fingerprints, anchor fingerprints). */
export class ValidationCache {
  private readonly map = new Map<string, PathResult>();
  hits = 0;
  misses = 0;
  constructor(readonly max = 4096) {}
  get(k: string): PathResult | undefined {
    const v = this.map.get(k);
    if (v) this.hits++;
    else this.misses++;
    return v;
  }
  set(k: string, v: PathResult): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(k, v);
  }
  clear(): void { this.map.clear(); }
  get size(): number { return this.map.size; }
}

export const sharedValidationCache = new ValidationCache();

const fpMemo = new WeakMap<Uint8Array, string>();
function fp(b: Uint8Array): string {
  let k = fpMemo.get(b);
  if (k === undefined) {
    k = createHash('sha256').update(b).digest('hex').slice(0, 32);
    fpMemo.set(b, k);
  }
  return k;
}

const MAX_DEPTH = 8;

function isCa(c: ParsedCert): boolean {
  return !!c.basicConstraints?.ca && (c.keyUsage === undefined || (c.keyUsage & KU_KEY_CERT_SIGN) !== 0);
}

function nameMatch(child: ParsedCert, issuer: ParsedCert): boolean {
  if (!child.issuerDer.equals(issuer.subjectDer)) return false;
  if (child.aki && issuer.ski && !child.aki.equals(issuer.ski)) return false;
  return true;
}

function buildPath(chain: Buffer[], anchors: Buffer[]): PathResult {
  const parsed: ParsedCert[] = [];
  for (let i = 0; i < chain.length; i++) {
    const p = tryParseCert(chain[i]!);
    if (!p) return { ok: false, reason: 'untrusted', detail: `certificate #${i} in the peer chain cannot be parsed` };
    parsed.push(p);
  }
  const ee = parsed[0]!;
  const anchorCerts = anchors.map((a) => tryParseCert(a)).filter((a): a is ParsedCert => !!a);
  if (anchorCerts.length === 0) return { ok: false, reason: 'ca-cert-missing', detail: 'no trusted CA certificate is configured', ee };
  if (ee.unknownCritical.length) return { ok: false, reason: 'untrusted', detail: `unsupported critical extension ${ee.unknownCritical[0]}`, ee };
  // The end entity itself is a trust anchor (directly trusted certificate).
  if (anchorCerts.some((a) => a.fingerprint === ee.fingerprint)) return { ok: true, ee, path: [ee] };
  const path: ParsedCert[] = [ee];
  let cur = ee;
  let badSig: ParsedCert | undefined;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    // 1. an anchor that issued cur
    const anchorCands = anchorCerts.filter((a) => nameMatch(cur, a));
    for (const a of anchorCands) {
      if (verifyCertSignature(cur, a)) {
        if (!isCa(a)) return { ok: false, reason: 'untrusted', detail: `issuer "${a.subject}" is not a CA (basicConstraints)`, ee };
        path.push(a);
        return checkPathLen(path, ee);
      }
      badSig = a;
    }
    // 2. an intermediate from the presented chain
    const inter = parsed.find((p) => p !== cur && !path.includes(p) && nameMatch(cur, p) && verifyCertSignature(cur, p));
    if (!inter) {
      if (badSig || parsed.some((p) => p !== cur && nameMatch(cur, p))) {
        return { ok: false, reason: 'bad-signature', detail: `signature of "${cur.subject}" does not verify with issuer "${cur.issuer}"`, ee };
      }
      return { ok: false, reason: 'untrusted', detail: `issuer "${cur.issuer}" of "${cur.subject}" is not a trusted CA`, ee };
    }
    if (!isCa(inter)) return { ok: false, reason: 'untrusted', detail: `issuer "${inter.subject}" is not a CA (basicConstraints)`, ee };
    if (inter.unknownCritical.length) return { ok: false, reason: 'untrusted', detail: `unsupported critical extension in "${inter.subject}"`, ee };
    path.push(inter);
    cur = inter;
  }
  return { ok: false, reason: 'untrusted', detail: 'certificate path too long', ee };
}

function checkPathLen(path: ParsedCert[], ee: ParsedCert): PathResult {
  // path[k] (k >= 1) is a CA with (k - 1) intermediate CAs below it.
  for (let k = 1; k < path.length; k++) {
    const pl = path[k]!.basicConstraints?.pathLen;
    if (pl !== undefined && k - 1 > pl) {
      return { ok: false, reason: 'untrusted', detail: `path length constraint of "${path[k]!.subject}" exceeded`, ee };
    }
  }
  return { ok: true, ee, path };
}

function normSerial(s: string): string {
  return s.replace(/[:\s]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

/**
 * Validate a peer certificate chain (DER, end entity first) against trust anchors at time atMs.
 * Never throws.
 */
export function validatePeerChain(
  chain: Buffer[],
  trustAnchors: Buffer[],
  atMs: number,
  opts: ValidateOptions = {},
): ValidationResult {
  if (!chain || chain.length === 0) return { ok: false, reason: 'no-certificate', detail: 'peer sent no certificate' };
  const cache = opts.cache === undefined ? sharedValidationCache : opts.cache;
  let pr: PathResult | undefined;
  let key = '';
  if (cache) {
    key = chain.map(fp).join(',') + '|' + trustAnchors.map(fp).join(',');
    pr = cache.get(key);
  }
  if (!pr) {
    pr = buildPath(chain, trustAnchors);
    if (cache) cache.set(key, pr);
  }
  if (!pr.ok) {
    return { ok: false, reason: pr.reason, detail: pr.detail, ...(pr.ee ? { subject: pr.ee.subject, serialHex: pr.ee.serialHex } : {}) };
  }
  const ee = pr.ee;
  const who = { subject: ee.subject, serialHex: ee.serialHex };
  for (const c of pr.path) {
    if (atMs < c.notBefore) {
      return { ok: false, reason: 'not-yet-valid', detail: `certificate "${c.subject}" is not valid before ${formatUtc(c.notBefore)} UTC (now ${formatUtc(atMs)} UTC)`, ...who };
    }
    if (atMs > c.notAfter) {
      return { ok: false, reason: 'expired', detail: `certificate "${c.subject}" expired at ${formatUtc(c.notAfter)} UTC (now ${formatUtc(atMs)} UTC)`, ...who };
    }
  }
  if (ee.keyUsage !== undefined && (ee.keyUsage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) === 0) {
    return { ok: false, reason: 'key-usage', detail: `certificate "${ee.subject}" has keyUsage without digitalSignature or nonRepudiation`, ...who };
  }
  if (opts.revokedSerials) {
    const s = ee.serialHex.replace(/^0+(?=.)/, '');
    for (const r of opts.revokedSerials) {
      if (normSerial(r) === s) return { ok: false, reason: 'revoked', detail: `certificate "${ee.subject}" serial ${ee.serialHex} is revoked`, ...who };
    }
  }
  for (const id of [opts.presentedId, opts.expectedId]) {
    if (id && !certHasIdentity(ee, id)) {
      return { ok: false, reason: 'identity-mismatch', detail: `identity "${identityToString(id)}" is not contained in certificate "${ee.subject}"`, ...who };
    }
  }
  return { ok: true, subject: ee.subject, serialHex: ee.serialHex, issuer: ee.issuer, notAfter: ee.notAfter, cert: ee };
}

/** SHA-1 hashes of the anchors' SubjectPublicKeyInfo (CERTREQ payload content). */
export function certReqHashes(anchors: Buffer[]): Buffer[] {
  return anchors.map((a) => tryParseCert(a)?.spkiSha1).filter((x): x is Buffer => !!x);
}
