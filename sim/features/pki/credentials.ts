/**
 * # PKI credentials for IKE (and anything else that authenticates with the router's certificate)
 *
 * ```ts
 * import { selectCredential, localCredential, trustAnchors } from '../features/pki/credentials.js';
 * const cred = localCredential(device, { trustpoint: 'VPN' });   // sim/ike/credentials.ts shape
 * if ('none' in cred) … // 'no certificate' | 'expired' | 'key/cert mismatch'
 * const anchors = trustAnchors(device);                          // CA certificates (DER) to validate peers
 * ```
 *
 * Selection is strongSwan's (pki/selection.ts): a certificate is usable only when a private key
 * with its public-key fingerprint is present (never by label), it is valid at the device's WALL
 * clock, and it chains to its trustpoint's CA; anchors requested by the peer (CERTREQ) are
 * preferred; the newest notBefore wins. So during a `regenerate` rollover the OLD certificate is
 * returned until the new one is installed (its key is promoted at the same instant), and with
 * `simulation pki key-rollover off` nothing is returned while the new certificate is pending.
 *
 * Events on `world.events` (device = router name) to follow the credential's life:
 *   pki.enroll.start, pki.request, pki.pending, pki.granted, pki.renewed / pki.enrolled,
 *   pki.key.promoted, pki.rollover.received, pki.failed, pki.backoff, pki.expired,
 *   nvram.autosave, pki.noautosave, pki.trustpoint.removed, pki.key.zeroized.
 */
import type { KeyObject } from 'node:crypto';
import type { Device } from '../../device/device.js';
import { selectLocal } from '../../../pki/selection.js';
import { isIssuedBy, type CertInfo } from '../../../pki/x509.js';
import type { RsaKeyPair } from '../../../pki/keys.js';
import { pkiState } from './state.js';

export interface SelectOptions {
  /** Only this trustpoint (IOS `crypto isakmp profile … ca trust-point`); default: all. */
  trustpoint?: string;
  /** Peer CERTREQ: acceptable CA certificates (DER) or their SHA-1 SPKI hashes (upper-case hex). */
  requestedCas?: readonly (Buffer | string)[];
}

export type Selected =
  | { ok: true; trustpoint: string; cert: CertInfo; key: RsaKeyPair; ca: CertInfo }
  | { ok: false; reason: string; none: 'no certificate' | 'expired' | 'key/cert mismatch' };

const chainMemo = new WeakMap<CertInfo, WeakMap<CertInfo, boolean>>();
/** Does `c` chain to `ca` (signature check, memoised per certificate pair)? */
export function chainsTo(c: CertInfo, ca: CertInfo): boolean {
  let m = chainMemo.get(c);
  if (!m) chainMemo.set(c, (m = new WeakMap()));
  let v = m.get(ca);
  if (v === undefined) m.set(ca, (v = isIssuedBy(c, ca)));
  return v;
}

export function selectCredential(device: Device, opts: SelectOptions = {}): Selected {
  const st = pkiState(device);
  const candidates = [];
  for (const tp of st.trustpoints.values()) {
    if (opts.trustpoint !== undefined && tp.cfg.name !== opts.trustpoint) continue;
    for (const id of tp.certs.ids) {
      if (id.usage === 'encryption') continue; // IKE signs: general-purpose or signature certificates
      candidates.push({ trustpoint: tp.cfg.name, cert: id.cert, ...(tp.certs.ca ? { ca: tp.certs.ca } : {}) });
    }
  }
  const want = opts.requestedCas;
  const r = selectLocal({
    now: device.wallNow(),
    candidates,
    keyFor: (fp) => st.keys.byFingerprint(fp)?.pair,
    chainsTo,
    ...(want && want.length
      ? {
          isRequestedAnchor: (ca: CertInfo) =>
            want.some((w) => (typeof w === 'string' ? w.toUpperCase() === ca.spkiSha1Hex : Buffer.from(w).equals(ca.der))),
        }
      : {}),
  });
  if (r.ok) return r;
  const none = /expired|not yet valid/.test(r.reason) ? 'expired' : /private key/.test(r.reason) ? 'key/cert mismatch' : 'no certificate';
  return { ok: false, reason: r.reason, none };
}

/** The sim/ike/credentials.ts LocalCredentials shape. */
export function localCredential(
  device: Device,
  opts: SelectOptions = {},
): { certChain: Buffer[]; privateKey: KeyObject } | { none: 'no certificate' | 'expired' | 'key/cert mismatch'; detail?: string } {
  const s = selectCredential(device, opts);
  if (!s.ok) return { none: s.none, detail: s.reason };
  return { certChain: [s.cert.der], privateKey: s.key.privateKey };
}

/** Authenticated CA certificates (DER), for validating peers. */
export function trustAnchors(device: Device, trustpoint?: string): Buffer[] {
  const out: Buffer[] = [];
  for (const tp of pkiState(device).trustpoints.values()) {
    if (trustpoint !== undefined && tp.cfg.name !== trustpoint) continue;
    if (tp.certs.ca && !out.some((d) => d.equals(tp.certs.ca!.der))) out.push(tp.certs.ca.der);
  }
  return out;
}
