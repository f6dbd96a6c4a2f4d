/**
 * Level 0: one in-process IKE authentication attempt between two simulated devices.
 *
 * Mirrors the IKEv2 order: the initiator proves itself first (IKE_AUTH request), the responder
 * checks it, then the responder proves itself and the initiator checks it. Each side:
 *   - draws a 32-byte nonce from the injected rng,
 *   - signs (peer nonce ‖ own nonce ‖ ID') with its CURRENT private key (real RSA/EC signature),
 *   - the other side verifies that signature with the public key of the presented certificate
 *     and validates the chain against ITS OWN trust anchors at ITS OWN wall time.
 *
 * Speed: RSA-2048 signing costs ~0.3 ms, so a year of attempts every 10 minutes would spend
 * ~30 s signing. A SignatureCache therefore memoises the outcome of the real sign+verify per
 * (private KeyObject instance, certificate fingerprint): the first attempt after any key or
 * certificate change performs the real signature over that attempt's nonces, later attempts
 * with the identical pair reuse the verified outcome. A key that does not match the certificate
 * is thus always caught by a real signature check. Pass `{ signatureCache: null }` to sign and
 * verify on every attempt. Chain validation is memoised by (chain, anchors) with validity dates
 * re-checked exactly each time (see credentials.ts). Results do not depend on cache state, and
 * the rng is consumed identically either way.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import {
  hasCredential, noneToReason, validatePeerChain, type AuthFailureReason, type LocalCredentials, type ValidationCache,
} from './credentials.js';
import { encodeIdentity, identityFromCert, identityToString, concreteIdentity, type IkeIdentity } from './identity.js';
import { publicKeyOf, tryParseCert, type ParsedCert } from './x509.js';

export interface RandomSource {
  bytes(n: number): Buffer;
}

export interface AttemptSide {
  /** Label for logs (e.g. device name). */
  name?: string;
  credentials: LocalCredentials;
  /** CA certificates (DER) this side trusts. */
  anchors: Buffer[];
  /** This side's wall clock at the attempt (integer ms since epoch). */
  wallNow: number;
  revokedSerials?: Iterable<string>;
  /** Identity this side requires from its peer (optional). */
  expectedPeerId?: IkeIdentity;
}

export type Side = 'initiator' | 'responder';

export interface PeerInfo {
  subject: string;
  serialHex: string;
  id: string;
}

export interface AttemptResult {
  ok: boolean;
  /** The side whose authentication failed (its credentials were missing or rejected). */
  failedSide?: Side;
  /** The side that detected the failure (the failed side itself for a missing local credential). */
  detectedBy?: Side;
  reason?: AuthFailureReason;
  /** Human-readable log line material. */
  detail?: string;
  /** What the responder learned about the initiator, and vice versa. */
  initiatorPeer?: PeerInfo;
  responderPeer?: PeerInfo;
}

/** Memo of real sign+verify outcomes per (private key object, certificate). Bounded. */
export class SignatureCache {
  private map = new WeakMap<KeyObject, Map<string, boolean>>();
  signs = 0;
  hits = 0;
  constructor(readonly perKeyMax = 64) {}
  lookup(key: KeyObject, certFp: string): boolean | undefined {
    const v = this.map.get(key)?.get(certFp);
    if (v !== undefined) this.hits++;
    return v;
  }
  store(key: KeyObject, certFp: string, ok: boolean): void {
    let m = this.map.get(key);
    if (!m) { m = new Map(); this.map.set(key, m); }
    if (m.size >= this.perKeyMax) m.delete(m.keys().next().value!);
    m.set(certFp, ok);
  }
  clear(): void { this.map = new WeakMap(); }
}

export const sharedSignatureCache = new SignatureCache();

export interface AttemptOptions {
  /** null: sign and verify on every attempt. Default: sharedSignatureCache. */
  signatureCache?: SignatureCache | null;
  /** null: no chain memo. Default: the shared validation cache. */
  validationCache?: ValidationCache | null;
}

function hashFor(key: KeyObject): string | null {
  const t = key.asymmetricKeyType;
  return t === 'ed25519' || t === 'ed448' ? null : 'sha256';
}

/** Real signature over `octets` with `key`, verified with the certificate's public key. */
export function proveKeyPossession(key: KeyObject, cert: ParsedCert, octets: Buffer): boolean {
  try {
    const sig = cryptoSign(hashFor(key), octets, key);
    const pub = publicKeyOf(cert);
    return cryptoVerify(hashFor(pub), octets, pub, sig);
  } catch {
    return false;
  }
}

interface Proof {
  ok: boolean;
  reason?: AuthFailureReason;
  detail?: string;
  peer?: PeerInfo;
}

function prove(
  prover: AttemptSide, proverNonce: Buffer, verifier: AttemptSide, verifierNonce: Buffer,
  sigCache: SignatureCache | null, valCache: ValidationCache | null | undefined,
): Proof & { local?: boolean } {
  const cred = prover.credentials;
  if (!hasCredential(cred)) {
    return { ok: false, local: true, reason: noneToReason(cred.none), detail: `${prover.name ?? 'peer'} has no usable certificate (${cred.none}${cred.detail ? `: ${cred.detail}` : ''})` };
  }
  const ee = cred.certChain.length ? tryParseCert(cred.certChain[0]!) : undefined;
  if (!ee) return { ok: false, local: true, reason: 'no-certificate', detail: `${prover.name ?? 'peer'} has no parseable certificate` };
  const id = concreteIdentity(cred.id ?? identityFromCert(ee), ee);
  let idBytes: Buffer;
  try { idBytes = encodeIdentity(id); } catch { idBytes = encodeIdentity({ type: 'dn', value: ee.subjectDer }); }
  // Verifier side: chain + identity at the verifier's wall time.
  const v = validatePeerChain(cred.certChain, verifier.anchors, verifier.wallNow, {
    presentedId: id,
    ...(verifier.expectedPeerId ? { expectedId: verifier.expectedPeerId } : {}),
    ...(verifier.revokedSerials ? { revokedSerials: verifier.revokedSerials } : {}),
    ...(valCache !== undefined ? { cache: valCache } : {}),
  });
  const peer: PeerInfo = { subject: ee.subject, serialHex: ee.serialHex, id: identityToString(id) };
  if (!v.ok) return { ok: false, reason: v.reason, detail: v.detail, peer };
  // Signature over (verifier nonce ‖ prover nonce ‖ ID') with the prover's current key.
  let good = sigCache ? sigCache.lookup(cred.privateKey, ee.fingerprint) : undefined;
  if (good === undefined) {
    good = proveKeyPossession(cred.privateKey, ee, Buffer.concat([verifierNonce, proverNonce, idBytes]));
    if (sigCache) { sigCache.signs++; sigCache.store(cred.privateKey, ee.fingerprint, good); }
  }
  if (!good) return { ok: false, reason: 'key-mismatch', detail: `signature of ${peer.id} does not verify with the public key of certificate "${ee.subject}" (serial ${ee.serialHex})`, peer };
  return { ok: true, peer };
}

/** One authentication attempt (see file comment). Never throws. */
export function authenticateOnce(initiator: AttemptSide, responder: AttemptSide, rng: RandomSource, opts: AttemptOptions = {}): AttemptResult {
  const sigCache = opts.signatureCache === undefined ? sharedSignatureCache : opts.signatureCache;
  const ni = rng.bytes(32);
  const nr = rng.bytes(32);
  try {
    const a = prove(initiator, ni, responder, nr, sigCache, opts.validationCache);
    if (!a.ok) {
      return { ok: false, failedSide: 'initiator', detectedBy: a.local ? 'initiator' : 'responder', reason: a.reason!, detail: a.detail!, ...(a.peer ? { initiatorPeer: a.peer } : {}) };
    }
    const b = prove(responder, nr, initiator, ni, sigCache, opts.validationCache);
    if (!b.ok) {
      return { ok: false, failedSide: 'responder', detectedBy: b.local ? 'responder' : 'initiator', reason: b.reason!, detail: b.detail!, initiatorPeer: a.peer!, ...(b.peer ? { responderPeer: b.peer } : {}) };
    }
    return { ok: true, initiatorPeer: a.peer!, responderPeer: b.peer! };
  } catch (e) {
    return { ok: false, failedSide: 'initiator', detectedBy: 'responder', reason: 'untrusted', detail: `internal error: ${(e as Error).message}` };
  }
}
