/**
 * Credential adapter: a twin router's PKI state → the IKE engine's local credentials and trust
 * anchors (sim/ike/credentials.ts shapes), looked up afresh for EVERY attempt so a renewal, a
 * rollover or a lost key is visible at once.
 *
 *  1. Trustpoint: the one asked for (IKEv2 profile `pki trustpoint`, a lab peer's `trustpoint`),
 *     else the first trustpoint (configuration order) holding an identity certificate, else the
 *     first one at all.
 *  2. Certificate: chosen by pki/selection.ts (`rejectReason`/`selectLocal`) among the
 *     trustpoint's signing certificates at the DEVICE'S WALL TIME: valid now, chains to the
 *     trustpoint's authenticated CA certificate, newest notBefore wins.
 *  3. Private key: the key pair CURRENTLY stored under the trustpoint's key label (`rsakeypair
 *     LABEL`, else the router's default key), exactly what IOS signs with. It is NOT matched to
 *     the certificate here: when another trustpoint sharing the label regenerated it
 *     (ios-behaviour §7.3), the pair is handed out as is, the attempt signs with the new key and
 *     the peer's real signature check rejects it (`key/cert mismatch`). `keyMatchesCert` tells
 *     the caller for display only.
 *  4. Anchors: the trustpoint's authenticated CA certificate.
 *
 * Reasons when nothing usable exists (first hit wins): `no certificate` (no identity certificate
 * — e.g. pre-12.3(7)T while the renewal waits at the CA), `CA cert missing` (trustpoint not
 * authenticated), `key/cert mismatch` (no key pair under the label at all), `expired` /
 * `not yet valid` (the certificate or the CA certificate at wall time), `untrusted` (does not
 * chain to the trustpoint CA).
 */
import type { Device } from '../device/device.js';
import type { IkeIdentity, LocalCredentials } from './credentials.js';
import { pkiState } from '../features/pki/state.js';
import { chainsTo } from '../features/pki/credentials.js';
import { rejectReason, selectLocal, type Candidate } from '../../pki/selection.js';
import type { CertInfo } from '../../pki/x509.js';
import { defaultKeyLabel, keyLabelOf } from '../../pki/trustpoint.js';
import type { Trustpoint } from '../../pki/enrollment.js';
import type { RsaKeyPair } from '../../pki/keys.js';

export type RouterCredReason = 'no trustpoint' | 'no certificate' | 'CA cert missing' | 'key/cert mismatch' | 'expired' | 'not yet valid' | 'untrusted';

export interface RouterCreds {
  trustpoint?: string;
  /** For the IKE engine: a chain + key, or `{ none }`. */
  credentials: LocalCredentials;
  /** CA certificates (DER) this router trusts for the attempt. */
  anchors: Buffer[];
  /** Set when credentials is `{ none }` (the twin's finer reason). */
  reason?: RouterCredReason;
  detail?: string;
  cert?: CertInfo;
  keyLabel?: string;
  /** Does the key under the label carry the certificate's public key? (display only) */
  keyMatchesCert?: boolean;
}

export interface RouterCredOptions {
  /** Use this trustpoint (IKEv2 profile `pki trustpoint`, lab peer `trustpoint`). */
  trustpoint?: string;
  /** Identity to send (default: first dNSName SAN as FQDN, else the subject DN). */
  identity?: 'dn' | 'fqdn' | 'address' | IkeIdentity;
  /** The router's address for `identity address`. */
  address?: string;
}

function pkiOf(device: Device) {
  try {
    return pkiState(device);
  } catch {
    return undefined;
  }
}

/** The trustpoint IKE uses on this router (see file comment, step 1). */
export function ikeTrustpoint(device: Device, preferred?: string): Trustpoint | undefined {
  const st = pkiOf(device);
  if (!st) return undefined;
  if (preferred !== undefined) return st.trustpoints.get(preferred);
  const all = [...st.trustpoints.values()];
  return all.find((t) => t.certs.ids.some((i) => i.usage !== 'encryption')) ?? all[0];
}


const REJECTION: Record<string, RouterCredReason> = {
  'no-key': 'key/cert mismatch',
  'not-yet-valid': 'not yet valid',
  expired: 'expired',
  'no-ca': 'CA cert missing',
  'ca-not-valid': 'expired',
  untrusted: 'untrusted',
};

function identityFor(o: RouterCredOptions, cert: CertInfo, device: Device): IkeIdentity | undefined {
  const id = o.identity;
  if (id === undefined) return undefined;
  if (typeof id === 'object') return id;
  if (id === 'dn') return { type: 'dn', value: cert.subjectDer };
  if (id === 'fqdn') {
    const s = device.state;
    const fqdn = s.domainName ? `${s.hostname}.${s.domainName}` : s.hostname;
    return { type: 'fqdn', value: fqdn };
  }
  // `address`: IOS sends the interface address. Only when the certificate proves it (IP SAN);
  // otherwise the default identity is used (IOS would log IKMP_NO_ID_CERT_ADDR_MATCH and a
  // strongSwan-strict peer would reject the ID — the twin keeps authentication about the certs).
  if (o.address && cert.ipSans.includes(o.address)) return { type: 'ipv4', value: o.address };
  return undefined;
}

/** Local credentials and anchors of `device` for one IKE attempt, at its wall time. Never throws. */
export function routerCredentials(device: Device, o: RouterCredOptions = {}): RouterCreds {
  const none = (reason: RouterCredReason, detail: string, extra: Partial<RouterCreds> = {}): RouterCreds => ({
    credentials: { none: reason === 'expired' || reason === 'not yet valid' ? 'expired' : reason === 'key/cert mismatch' ? 'key/cert mismatch' : 'no certificate', detail },
    anchors: [],
    reason,
    detail,
    ...extra,
  });
  try {
    const st = pkiOf(device);
    const tp = ikeTrustpoint(device, o.trustpoint);
    if (!st || !tp) {
      return none('no trustpoint', o.trustpoint !== undefined ? `trustpoint ${o.trustpoint} is not configured` : 'no trustpoint is configured');
    }
    const name = tp.cfg.name;
    const anchors = tp.certs.ca ? [tp.certs.ca.der] : [];
    const s = device.state;
    const label = keyLabelOf(tp.cfg, defaultKeyLabel(s.hostname, s.domainName));
    const entry = st.keys.get(label);
    const key: RsaKeyPair | undefined = entry?.main;
    const candidates: Candidate<CertInfo>[] = tp.certs.ids
      .filter((i) => i.usage !== 'encryption')
      .map((i) => ({ trustpoint: name, cert: i.cert, ...(tp.certs.ca ? { ca: tp.certs.ca } : {}) }));
    const base = { trustpoint: name, anchors, keyLabel: label };
    if (candidates.length === 0) return none('no certificate', `trustpoint ${name} has no identity certificate`, base);
    if (!tp.certs.ca) return none('CA cert missing', `trustpoint ${name} has no authenticated CA certificate`, base);
    if (!key) return none('key/cert mismatch', `no RSA key pair named ${label}`, base);
    const now = device.wallNow();
    // Key presence = a key pair under the label (IOS semantics, see step 3).
    const r = selectLocal<CertInfo, RsaKeyPair>({ now, candidates, keyFor: () => key, chainsTo });
    if (!r.ok) {
      const first = candidates.map((c) => rejectReason(c, { now, keyFor: () => key, chainsTo })).find((x) => x !== null);
      const reason = (first && REJECTION[first]) ?? 'no certificate';
      return none(reason, `trustpoint ${name}: ${r.reason}`, { ...base, cert: candidates[0]!.cert });
    }
    const id = identityFor(o, r.cert, device);
    return {
      ...base,
      cert: r.cert,
      credentials: { certChain: [r.cert.der], privateKey: key.privateKey, ...(id ? { id } : {}) },
      keyMatchesCert: key.spkiDer.equals(r.cert.spkiDer),
    };
  } catch (e) {
    return none('no certificate', `credential lookup failed: ${(e as Error).message}`);
  }
}
