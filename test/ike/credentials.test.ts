import { describe, expect, it } from 'vitest';
import { validatePeerChain, ValidationCache, certReqHashes } from '../../sim/ike/credentials.js';
import { parseCert } from '../../sim/ike/x509.js';
import { decodeTime, formatUtc, daysFromCivil } from '../../sim/ike/der.js';
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { makeCa, genKey, issueCert } from './helpers/pki.js';

const DAY = 86_400_000;
const ca = makeCa('Test Root CA');
const otherCa = makeCa('Other CA');
const now = Date.now();
const r1 = ca.issue({ subject: { C: 'US', O: 'TwinLab', CN: 'r1.twin.test' }, dns: ['r1.twin.test'], ip: ['10.0.0.1'], serial: '0a1b' });

describe('x509 parsing', () => {
  it('matches node X509Certificate', () => {
    const p = parseCert(r1.cert);
    const x = new X509Certificate(r1.cert);
    expect(p.serialHex).toBe(x.serialNumber.toUpperCase());
    expect(p.serialHex).toBe('0A1B');
    expect(p.notAfter).toBe(Date.parse(x.validTo));
    expect(p.notBefore).toBe(Date.parse(x.validFrom));
    expect(p.subject).toBe('C=US, O=TwinLab, CN=r1.twin.test');
    expect(p.issuer).toBe('C=US, O=TwinLab, CN=Test Root CA');
    expect(p.san.dns).toEqual(['r1.twin.test']);
    expect(p.san.ip).toEqual(['10.0.0.1']);
    expect(p.basicConstraints).toEqual({ ca: false });
    expect(p.keyUsage! & 1).toBe(1);
    const spki = createPublicKey(r1.key.privateKey).export({ format: 'der', type: 'spki' });
    expect(p.spkiSha1.equals(createHash('sha1').update(spki).digest())).toBe(true);
    expect(certReqHashes([ca.cert])[0]!.equals(parseCert(ca.cert).spkiSha1)).toBe(true);
    expect(parseCert(ca.cert).basicConstraints?.ca).toBe(true);
  });
  it('time helpers', () => {
    expect(decodeTime(0x17, Buffer.from('491231235959Z'))).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(decodeTime(0x17, Buffer.from('500101000000Z'))).toBe(Date.UTC(1950, 0, 1));
    expect(decodeTime(0x18, Buffer.from('20991231235959Z'))).toBe(Date.UTC(2099, 11, 31, 23, 59, 59));
    expect(daysFromCivil(2000, 3, 1)).toBe(Date.UTC(2000, 2, 1) / DAY);
    expect(formatUtc(Date.UTC(2024, 1, 29, 13, 5, 9))).toBe('2024-02-29 13:05:09');
  });
  it('rejects garbage without throwing through tryParse paths', () => {
    const res = validatePeerChain([Buffer.from('3003020100', 'hex')], [ca.cert], now);
    expect(res).toMatchObject({ ok: false, reason: 'untrusted' });
  });
});

describe('validatePeerChain', () => {
  it('accepts a good chain and reports subject/serial', () => {
    const v = validatePeerChain([r1.cert], [ca.cert], now);
    expect(v).toMatchObject({ ok: true, subject: 'C=US, O=TwinLab, CN=r1.twin.test', serialHex: '0A1B' });
  });
  it('no certificate / ca missing / untrusted', () => {
    expect(validatePeerChain([], [ca.cert], now)).toMatchObject({ ok: false, reason: 'no-certificate' });
    expect(validatePeerChain([r1.cert], [], now)).toMatchObject({ ok: false, reason: 'ca-cert-missing' });
    expect(validatePeerChain([r1.cert], [otherCa.cert], now)).toMatchObject({ ok: false, reason: 'untrusted' });
  });
  it('bad signature: same CA name, different key', () => {
    const tampered = Buffer.from(r1.cert);
    tampered[tampered.length - 5] ^= 0x40;
    const v = validatePeerChain([tampered], [ca.cert], now);
    expect(v).toMatchObject({ ok: false, reason: 'bad-signature' });
    // an imposter CA with the same name but another key (AKI differs) is simply not our CA
    const imposter = makeCa('Test Root CA');
    const fake = imposter.issue({ subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'] });
    expect(validatePeerChain([fake.cert], [ca.cert], now)).toMatchObject({ ok: false, reason: 'untrusted' });
  });
  it('validity is evaluated exactly at atMs, cached or not', () => {
    const nb = new Date(Math.floor(now / 1000) * 1000 + 10 * DAY), na = new Date(Math.floor(now / 1000) * 1000 + 20 * DAY);
    const c = ca.issue({ subject: { CN: 'later' }, notBefore: nb, notAfter: na });
    const cache = new ValidationCache();
    for (const opt of [{ cache }, { cache }, { cache: null }]) {
      expect(validatePeerChain([c.cert], [ca.cert], nb.getTime() - 1, opt)).toMatchObject({ ok: false, reason: 'not-yet-valid' });
      expect(validatePeerChain([c.cert], [ca.cert], nb.getTime(), opt)).toMatchObject({ ok: true });
      expect(validatePeerChain([c.cert], [ca.cert], na.getTime(), opt)).toMatchObject({ ok: true });
      expect(validatePeerChain([c.cert], [ca.cert], na.getTime() + 1, opt)).toMatchObject({ ok: false, reason: 'expired' });
    }
    expect(cache.hits).toBeGreaterThan(0);
  });
  it('expired CA fails the chain', () => {
    const oldCa = makeCa('Old CA', { notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - DAY) });
    const c = oldCa.issue({ subject: { CN: 'x' } });
    const v = validatePeerChain([c.cert], [oldCa.cert], now);
    expect(v).toMatchObject({ ok: false, reason: 'expired' });
    if (!v.ok) expect(v.detail).toContain('Old CA');
  });
  it('intermediate CA chain; issuer without CA flag is rejected', () => {
    const ik = genKey();
    const inter = issueCert({ subject: { CN: 'Inter CA' }, key: ik, ca: true, issuer: { cert: ca.cert, key: ca.key } });
    const ee = issueCert({ subject: { CN: 'leaf' }, key: genKey(), issuer: { cert: inter, key: ik }, dns: ['leaf.test'] });
    expect(validatePeerChain([ee, inter], [ca.cert], now)).toMatchObject({ ok: true });
    expect(validatePeerChain([ee], [ca.cert], now)).toMatchObject({ ok: false, reason: 'untrusted' });
    const nk = genKey();
    const notCa = issueCert({ subject: { CN: 'Not CA' }, key: nk, ca: false, issuer: { cert: ca.cert, key: ca.key } });
    const ee2 = issueCert({ subject: { CN: 'leaf2' }, key: genKey(), issuer: { cert: notCa, key: nk } });
    const v = validatePeerChain([ee2, notCa], [ca.cert], now);
    expect(v).toMatchObject({ ok: false, reason: 'untrusted' });
    if (!v.ok) expect(v.detail).toContain('not a CA');
    // pathLen 0 on the root forbids an intermediate
    const pl0 = makeCa('PL0 CA');
    const pl0cert = issueCert({ subject: { CN: 'PL0 CA' }, key: pl0.key, ca: true, pathLen: 0 });
    const ik2 = genKey();
    const inter2 = issueCert({ subject: { CN: 'Inter2' }, key: ik2, ca: true, issuer: { cert: pl0cert, key: pl0.key } });
    const ee3 = issueCert({ subject: { CN: 'leaf3' }, key: genKey(), issuer: { cert: inter2, key: ik2 } });
    expect(validatePeerChain([ee3, inter2], [pl0cert], now)).toMatchObject({ ok: false, reason: 'untrusted' });
  });
  it('keyUsage without digitalSignature is rejected; absent KU is fine', () => {
    const a = ca.issue({ subject: { CN: 'ku' }, keyUsage: ['keyEncipherment'] });
    expect(validatePeerChain([a.cert], [ca.cert], now)).toMatchObject({ ok: false, reason: 'key-usage' });
    const b = ca.issue({ subject: { CN: 'noku' }, keyUsage: null });
    expect(validatePeerChain([b.cert], [ca.cert], now)).toMatchObject({ ok: true });
  });
  it('revoked-by-config serials', () => {
    expect(validatePeerChain([r1.cert], [ca.cert], now, { revokedSerials: ['0A1B'] })).toMatchObject({ ok: false, reason: 'revoked' });
    expect(validatePeerChain([r1.cert], [ca.cert], now, { revokedSerials: ['a1b'] })).toMatchObject({ ok: false, reason: 'revoked' });
    expect(validatePeerChain([r1.cert], [ca.cert], now, { revokedSerials: ['a1c'] })).toMatchObject({ ok: true });
  });
  it('identity vs SAN / DN; never the CN for FQDN', () => {
    const ok = (id: object) => validatePeerChain([r1.cert], [ca.cert], now, { expectedId: id as never }).ok;
    expect(ok({ type: 'fqdn', value: 'R1.twin.test' })).toBe(true);
    expect(ok({ type: 'fqdn', value: 'r2.twin.test' })).toBe(false);
    expect(ok({ type: 'ipv4', value: '10.0.0.1' })).toBe(true);
    expect(ok({ type: 'ipv4', value: '10.0.0.2' })).toBe(false);
    expect(ok({ type: 'dn', value: 'C=US, O=TwinLab, CN=r1.twin.test' })).toBe(true);
    expect(ok({ type: 'dn', value: 'c=us,o=twinlab,cn=R1.twin.test' })).toBe(true);
    expect(ok({ type: 'dn', value: parseCert(r1.cert).subjectDer })).toBe(true);
    expect(ok({ type: 'dn', value: 'CN=r1.twin.test' })).toBe(false);
    const cnOnly = ca.issue({ subject: { CN: 'cn-only.twin.test' } });
    expect(validatePeerChain([cnOnly.cert], [ca.cert], now, { presentedId: { type: 'fqdn', value: 'cn-only.twin.test' } })).toMatchObject({ ok: false, reason: 'identity-mismatch' });
  });
});
