/**
 * Revoked-by-config certificate serials (twin-only; issue #5 point 7).
 *
 *   simulation ike revoke 0A       ← this router rejects peer certificates with serial 0A
 *   simulation ike unrevoke 0A
 *   show simulation ike            ← lists them ("Revoked by config (twin)")
 *
 * The router then refuses, at every level (level-0 attempts and real IKEv2 on the wire), a peer
 * whose end-entity certificate has one of these serials: AUTHENTICATION_FAILED on the wire, reason
 * `revoked` in the attempt record, and a syslog line naming the peer
 * (`%IKEV2-3-NEG_ABORT: … Peer A.B.C.D authentication failed (revoked)`, IKEv1:
 * `%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from A.B.C.D is bad: certificate revoked`).
 *
 * Why a twin switch: on IOS a serial is revoked at the CA (`crypto pki server NAME revoke SERIAL`)
 * and reaches the router through the CRL its trustpoint fetches (`revocation-check crl`); the twin
 * does not model CRL publication/fetching, so this list stands in for "the CRL the router holds".
 * It belongs to the device (not the running-config) and survives a reload, like the other
 * `simulation` switches.
 */
import type { Device } from '../../device/device.js';

const lists = new WeakMap<Device, Set<string>>();

/** Canonical form: upper-case hex without separators or leading zeros (as `show crypto pki certificates` prints). */
export function normSerial(s: string): string {
  return s.replace(/[:\s]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

export function isSerial(s: string): boolean {
  return /^[0-9A-Fa-f:]{1,64}$/.test(s) && /[0-9A-Fa-f]/.test(s);
}

/** The serials this router treats as revoked (undefined when none). */
export function revokedSerials(d: Device): ReadonlySet<string> | undefined {
  const s = lists.get(d);
  return s && s.size ? s : undefined;
}

export function revokeSerial(d: Device, serial: string): boolean {
  let s = lists.get(d);
  if (!s) lists.set(d, (s = new Set()));
  const n = normSerial(serial);
  if (s.has(n)) return false;
  s.add(n);
  return true;
}

export function unrevokeSerial(d: Device, serial: string): boolean {
  return lists.get(d)?.delete(normSerial(serial)) ?? false;
}
