import { describe, expect, it } from 'vitest';
import { authenticateOnce, SignatureCache, type AttemptSide } from '../../sim/ike/attempt.js';
import { ValidationCache } from '../../sim/ike/credentials.js';
import { Rng } from '../../sim/kernel/rng.js';
import { makeCa, genKey } from './helpers/pki.js';

const DAY = 86_400_000;
const t0 = Math.floor(Date.now() / 1000) * 1000;
const ca = makeCa('Level0 CA');
const k1 = genKey(), k1b = genKey(), k2 = genKey();
const r1 = ca.issue({ key: k1, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'], notBefore: new Date(t0 - DAY), notAfter: new Date(t0 + 30 * DAY) });
const r1new = ca.issue({ key: k1b, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'], notBefore: new Date(t0 + 20 * DAY), notAfter: new Date(t0 + 300 * DAY) });
const r2 = ca.issue({ key: k2, subject: { CN: 'r2.twin.test' }, dns: ['r2.twin.test'], notBefore: new Date(t0 - DAY), notAfter: new Date(t0 + 400 * DAY) });

function side(cert: Buffer, key: typeof k1, wallNow: number, extra: Partial<AttemptSide> = {}): AttemptSide {
  return { credentials: { certChain: [cert], privateKey: key.privateKey }, anchors: [ca.cert], wallNow, ...extra };
}

describe('level 0 authenticateOnce', () => {
  it('succeeds and reports both peers', () => {
    const res = authenticateOnce(side(r1.cert, k1, t0), side(r2.cert, k2, t0), new Rng(1));
    expect(res).toMatchObject({ ok: true, initiatorPeer: { id: 'r1.twin.test', serialHex: expect.any(String) }, responderPeer: { subject: 'CN=r2.twin.test' } });
  });
  it('key/cert mismatch is detected by the signature (both with and without cache)', () => {
    for (const signatureCache of [null, new SignatureCache()]) {
      const res = authenticateOnce(side(r1.cert, k1, t0), side(r2.cert, k1, t0), new Rng(2), { signatureCache });
      expect(res).toMatchObject({ ok: false, failedSide: 'responder', detectedBy: 'initiator', reason: 'key-mismatch' });
    }
  });
  it('rollover: new key with old cert fails; new key with new cert succeeds once valid', () => {
    const cache = new SignatureCache();
    expect(authenticateOnce(side(r1.cert, k1b, t0), side(r2.cert, k2, t0), new Rng(3), { signatureCache: cache })).toMatchObject({ ok: false, failedSide: 'initiator', reason: 'key-mismatch' });
    expect(authenticateOnce(side(r1new.cert, k1b, t0), side(r2.cert, k2, t0), new Rng(3), { signatureCache: cache })).toMatchObject({ ok: false, failedSide: 'initiator', detectedBy: 'responder', reason: 'not-yet-valid' });
    expect(authenticateOnce(side(r1new.cert, k1b, t0 + 21 * DAY), side(r2.cert, k2, t0 + 21 * DAY), new Rng(3), { signatureCache: cache })).toMatchObject({ ok: true });
    // old cert after expiry, checked at the PEER's wall clock
    expect(authenticateOnce(side(r1.cert, k1, t0), side(r2.cert, k2, t0 + 31 * DAY), new Rng(3))).toMatchObject({ ok: false, failedSide: 'initiator', reason: 'expired' });
  });
  it('missing local credential, wrong CA, revoked, identity', () => {
    const other = makeCa('Other');
    expect(authenticateOnce({ credentials: { none: 'no certificate' }, anchors: [ca.cert], wallNow: t0 }, side(r2.cert, k2, t0), new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'initiator', detectedBy: 'initiator', reason: 'no-certificate' });
    expect(authenticateOnce(side(r1.cert, k1, t0), { credentials: { none: 'expired' }, anchors: [ca.cert], wallNow: t0 }, new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'responder', reason: 'expired' });
    expect(authenticateOnce(side(r1.cert, k1, t0, { anchors: [other.cert] }), side(r2.cert, k2, t0), new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'responder', detectedBy: 'initiator', reason: 'untrusted' });
    expect(authenticateOnce(side(r1.cert, k1, t0), side(r2.cert, k2, t0, { anchors: [] }), new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'initiator', reason: 'ca-cert-missing' });
    const r1serial = authenticateOnce(side(r1.cert, k1, t0), side(r2.cert, k2, t0), new Rng(4)).initiatorPeer!.serialHex;
    expect(authenticateOnce(side(r1.cert, k1, t0), side(r2.cert, k2, t0, { revokedSerials: [r1serial] }), new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'initiator', reason: 'revoked' });
    expect(authenticateOnce(side(r1.cert, k1, t0, { expectedPeerId: { type: 'fqdn', value: 'r3.twin.test' } }), side(r2.cert, k2, t0), new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'responder', reason: 'identity-mismatch' });
    expect(authenticateOnce({ ...side(r1.cert, k1, t0), credentials: { certChain: [r1.cert], privateKey: k1.privateKey, id: { type: 'fqdn', value: 'evil.test' } } }, side(r2.cert, k2, t0), new Rng(4)))
      .toMatchObject({ ok: false, failedSide: 'initiator', reason: 'identity-mismatch' });
  });
  it('never throws on junk', () => {
    const junk = { credentials: { certChain: [Buffer.from('zz')], privateKey: k1.privateKey }, anchors: [Buffer.alloc(3)], wallNow: NaN };
    expect(authenticateOnce(junk, junk, new Rng(5)).ok).toBe(false);
    expect(authenticateOnce(side(r1.cert, k1, t0), junk, new Rng(5)).ok).toBe(false);
  });
  it('deterministic and fast: a simulated year every 10 minutes', () => {
    const n = 52_560;
    const vc = new ValidationCache();
    const sc = new SignatureCache();
    const rng = new Rng(42);
    let ok = 0, expired = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const t = t0 + i * 600_000;
      const useNew = t >= t0 + 25 * DAY;
      const i1 = useNew ? side(r1new.cert, k1b, t) : side(r1.cert, k1, t);
      const res = authenticateOnce(i1, side(r2.cert, k2, t), rng, { signatureCache: sc, validationCache: vc });
      if (res.ok) ok++; else if (res.reason === 'expired') expired++;
    }
    const ms = performance.now() - start;
    console.log(`level0: ${n} attempts in ${ms.toFixed(0)} ms (${(n / ms * 1000).toFixed(0)}/s), real signatures: ${sc.signs}`);
    expect(ok + expired).toBe(n);
    expect(expired).toBe(n - Math.floor(300 * DAY / 600_000) - 1); // r1new expires at +300d
  });
});
