/**
 * Local credential selection, strongSwan style (credential_manager.c get_private,
 * mem_cred.c insert_first; architecture.md A7 (5), b5 step 7):
 *
 *  a certificate is USABLE when
 *   1. a private key whose public key has the certificate's fingerprint is present
 *      (linked by key fingerprint, never by label),
 *   2. it is valid at the device's wall time (notBefore ≤ now ≤ notAfter),
 *   3. it chains to its trustpoint's CA certificate, which is itself valid now;
 *  among usable certificates, those chaining to a requested anchor (the peer's CERTREQ) are
 *  preferred, else any usable one; the newest notBefore wins (ties: the later candidate,
 *  i.e. the most recently installed, as mem_cred inserts first).
 *
 * Pure: the key lookup and the signature check are injected.
 */

export interface CertView {
  /** Upper-case hex of the serial number's DER INTEGER bytes. */
  serialHex: string;
  notBefore: number;
  notAfter: number;
  /** SHA-1 over the certificate's SubjectPublicKeyInfo DER, upper-case hex. */
  spkiSha1Hex: string;
}

export interface Candidate<C extends CertView> {
  trustpoint: string;
  cert: C;
  /** The trustpoint's CA certificate (authenticated), if any. */
  ca?: C;
}

export interface SelectInput<C extends CertView, K> {
  /** Device wall time (ms). */
  now: number;
  candidates: readonly Candidate<C>[];
  /** Private key whose public key has this fingerprint, if present. */
  keyFor(spkiSha1Hex: string): K | undefined;
  /** Does `cert` verify under `ca` (signature + names)? */
  chainsTo(cert: C, ca: C): boolean;
  /** Preferred trust anchors (e.g. from the peer's CERTREQ); a CA matches when this says so. */
  isRequestedAnchor?(ca: C): boolean;
}

export type SelectResult<C extends CertView, K> =
  | { ok: true; trustpoint: string; cert: C; key: K; ca: C }
  | { ok: false; reason: string };

export type Rejection =
  | 'no-key'
  | 'not-yet-valid'
  | 'expired'
  | 'no-ca'
  | 'ca-not-valid'
  | 'untrusted';

const REASON_TEXT: Record<Rejection, string> = {
  'no-key': 'no private key matches the certificate',
  'not-yet-valid': 'certificate is not yet valid',
  expired: 'certificate has expired',
  'no-ca': 'trustpoint has no authenticated CA certificate',
  'ca-not-valid': 'CA certificate is not valid at the current time',
  untrusted: 'certificate does not chain to the trustpoint CA',
};

/** Why one candidate is not usable now, or null when it is (checks in order, first hit wins). */
export function rejectReason<C extends CertView, K>(c: Candidate<C>, i: Pick<SelectInput<C, K>, 'now' | 'keyFor' | 'chainsTo'>): Rejection | null {
  if (i.keyFor(c.cert.spkiSha1Hex) === undefined) return 'no-key';
  if (i.now < c.cert.notBefore) return 'not-yet-valid';
  if (i.now > c.cert.notAfter) return 'expired';
  if (!c.ca) return 'no-ca';
  if (i.now < c.ca.notBefore || i.now > c.ca.notAfter) return 'ca-not-valid';
  if (!i.chainsTo(c.cert, c.ca)) return 'untrusted';
  return null;
}

export function selectLocal<C extends CertView, K>(i: SelectInput<C, K>): SelectResult<C, K> {
  if (i.candidates.length === 0) return { ok: false, reason: 'no certificate' };
  let best: { c: Candidate<C>; key: K; anchored: boolean; idx: number } | undefined;
  let firstRejection: Rejection | undefined;
  i.candidates.forEach((c, idx) => {
    const r = rejectReason(c, i);
    if (r) {
      firstRejection ??= r;
      return;
    }
    const anchored = i.isRequestedAnchor ? i.isRequestedAnchor(c.ca!) : true;
    const key = i.keyFor(c.cert.spkiSha1Hex)!;
    if (
      !best ||
      (anchored && !best.anchored) ||
      (anchored === best.anchored && c.cert.notBefore >= best.c.cert.notBefore)
    ) {
      best = { c, key, anchored, idx };
    }
  });
  if (!best) return { ok: false, reason: REASON_TEXT[firstRejection ?? 'no-key'] };
  return { ok: true, trustpoint: best.c.trustpoint, cert: best.c.cert, key: best.key, ca: best.c.ca! };
}
