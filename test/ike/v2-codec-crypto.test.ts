import { describe, expect, it } from 'vitest';
import { createCipheriv, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, decodeChain, encodeChain, findNotify, findPayload, IkeDecodeError, type Payload } from '../../sim/ike/v2/codec.js';
import { IkeEngine, describeMessage } from '../../sim/ike/v2/engine.js';
import { PT, EXCH, FLAG_INITIATOR, NOTIFY, TRANSFORM } from '../../sim/ike/v2/constants.js';
import { createDh, deriveIkeKeys, openMessage, prf, prfPlus, sealMessage, type IkeSuite } from '../../sim/ike/v2/crypto.js';
import { authOctets, signAuth, verifyAuth, SHA256_WITH_RSA_ALGID } from '../../sim/ike/v2/auth.js';
import { encodeIdentity, decodeIdentity } from '../../sim/ike/identity.js';
import { Rng } from '../../sim/kernel/rng.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const fixed = (b: Buffer) => ({ bytes: (n: number) => b.subarray(0, n) });

describe('codec', () => {
  const all: Payload[] = [
    { type: PT.NOTIFY, protocol: 0, spi: Buffer.alloc(0), notifyType: NOTIFY.COOKIE, data: hex('00112233') },
    { type: PT.SA, proposals: [
      { num: 1, protocol: 1, spi: Buffer.alloc(0), transforms: [
        { type: TRANSFORM.ENCR, id: 12, keyLength: 128 }, { type: TRANSFORM.ENCR, id: 12, keyLength: 256 },
        { type: TRANSFORM.INTEG, id: 12 }, { type: TRANSFORM.PRF, id: 5 }, { type: TRANSFORM.DH, id: 31 }, { type: TRANSFORM.DH, id: 14 }] },
      { num: 2, protocol: 3, spi: hex('c0ffee01'), transforms: [{ type: TRANSFORM.ENCR, id: 20, keyLength: 256 }, { type: TRANSFORM.ESN, id: 0 }] }] },
    { type: PT.KE, group: 31, data: Buffer.alloc(32, 7) },
    { type: PT.NONCE, data: Buffer.alloc(32, 9) },
    { type: PT.IDi, body: encodeIdentity({ type: 'fqdn', value: 'client.twin.test' }) },
    { type: PT.IDr, body: encodeIdentity({ type: 'ipv4', value: '127.0.0.2' }) },
    { type: PT.CERT, encoding: 4, data: hex('3082') },
    { type: PT.CERTREQ, encoding: 4, data: Buffer.alloc(40, 1) },
    { type: PT.AUTH, method: 14, data: Buffer.concat([Buffer.from([15]), SHA256_WITH_RSA_ALGID, Buffer.alloc(256, 3)]) },
    { type: PT.DELETE, protocol: 3, spiSize: 4, spis: [hex('01020304'), hex('05060708')] },
    { type: PT.VENDOR, data: Buffer.from('twin') },
    { type: PT.TSi, selectors: [{ tsType: 7, ipProto: 0, startPort: 0, endPort: 65535, start: hex('00000000'), end: hex('ffffffff') }] },
    { type: PT.TSr, selectors: [{ tsType: 7, ipProto: 6, startPort: 80, endPort: 80, start: hex('0a630000'), end: hex('0a6300ff') }] },
    { type: PT.CP, cfgType: 1, attributes: [{ type: 1, value: Buffer.alloc(0) }, { type: 3, value: Buffer.alloc(0) }] },
  ];
  it('round-trips every payload type', () => {
    const msg = encodeMessage({ spiI: hex('0102030405060708'), spiR: Buffer.alloc(8), exchange: EXCH.IKE_SA_INIT, flags: FLAG_INITIATOR, mid: 0 }, all);
    const d = decodeMessage(msg);
    expect(d.header.length).toBe(msg.length);
    expect(d.header.nextPayload).toBe(PT.NOTIFY);
    expect(d.payloads.map((p) => ({ ...p, critical: undefined }))).toEqual(all.map((p) => ({ ...p, critical: undefined })));
    expect(encodeMessage({ spiI: hex('0102030405060708'), spiR: Buffer.alloc(8), exchange: EXCH.IKE_SA_INIT, flags: FLAG_INITIATOR, mid: 0 }, d.payloads)).toEqual(msg);
    expect(decodeIdentity((d.payloads[4] as { body: Buffer }).body)).toEqual({ type: 'fqdn', value: 'client.twin.test' });
    // key-length attribute on the wire: 80 0e 00 80
    expect(msg.includes(hex('800e0080'))).toBe(true);
  });
  it('skips unknown non-critical payloads, rejects unknown critical ones', () => {
    const unk = { type: 200, raw: Buffer.from('abc'), unknown: true as const };
    const c = encodeChain([{ type: PT.NONCE, data: Buffer.alloc(16) }, unk, { type: PT.VENDOR, data: Buffer.alloc(2) }]);
    const d = decodeChain(c.bytes, c.first, 0, c.bytes.length);
    expect(d.payloads.map((p) => p.type)).toEqual([PT.NONCE, 200, PT.VENDOR]);
    const crit = encodeChain([{ type: PT.NONCE, data: Buffer.alloc(16) }, { ...unk, critical: true }]);
    try {
      decodeChain(crit.bytes, crit.first, 0, crit.bytes.length);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IkeDecodeError);
      expect((e as IkeDecodeError).kind).toBe('critical');
      expect((e as IkeDecodeError).payloadType).toBe(200);
    }
  });
  it('rejects truncations without throwing anything but IkeDecodeError', () => {
    const msg = encodeMessage({ spiI: hex('0102030405060708'), spiR: Buffer.alloc(8), exchange: 34, flags: 8, mid: 0 }, all);
    for (let n = 0; n < msg.length; n++) {
      const t = Buffer.from(msg.subarray(0, n));
      if (t.length >= 28) t.writeUInt32BE(n, 24);
      expect(() => decodeMessage(t)).toThrow(IkeDecodeError);
    }
  });
});

describe('crypto primitives (published vectors)', () => {
  it('HMAC-SHA2-256 and -128 truncation (RFC 4231 case 1 / RFC 4868)', () => {
    const mac = prf(5, Buffer.alloc(20, 0x0b), Buffer.from('Hi There'));
    expect(mac.toString('hex')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });
  it('prf+ matches the RFC 7296 §2.13 definition', () => {
    const k = Buffer.from('key'), s = Buffer.from('seed');
    const t1 = createHmac('sha256', k).update(Buffer.concat([s, Buffer.from([1])])).digest();
    const t2 = createHmac('sha256', k).update(Buffer.concat([t1, s, Buffer.from([2])])).digest();
    const t3 = createHmac('sha256', k).update(Buffer.concat([t2, s, Buffer.from([3])])).digest();
    expect(prfPlus(5, k, s, 80)).toEqual(Buffer.concat([t1, t2, t3]).subarray(0, 80));
  });
  it('X25519 (RFC 7748 §6.1)', () => {
    const a = createDh(31, fixed(hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')));
    expect(a.publicValue.toString('hex')).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    const s = a.computeSecret(hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'));
    expect(s!.toString('hex')).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    expect(a.computeSecret(Buffer.alloc(32))).toBeUndefined(); // all-zero shared secret rejected
    expect(a.computeSecret(Buffer.alloc(31))).toBeUndefined();
  });
  it('ECP-256 (RFC 5903 §8.1)', () => {
    const i = createDh(19, fixed(hex('C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433')));
    expect(i.publicValue.toString('hex').toUpperCase()).toBe('DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180' + '5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3');
    const s = i.computeSecret(hex('D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63' + '56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB'));
    expect(s!.toString('hex').toUpperCase()).toBe('D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE');
    expect(i.computeSecret(Buffer.alloc(64, 1))).toBeUndefined();
  });
  it('MODP-2048: two sides agree, KE left-padded, bad values rejected', () => {
    const rng = new Rng(7);
    for (let k = 0; k < 5; k++) {
      const a = createDh(14, rng), b = createDh(14, rng);
      expect(a.publicValue.length).toBe(256);
      const s1 = a.computeSecret(b.publicValue)!, s2 = b.computeSecret(a.publicValue)!;
      expect(s1.length).toBe(256);
      expect(s1).toEqual(s2);
      expect(a.computeSecret(Buffer.alloc(256))).toBeUndefined();
      expect(a.computeSecret(Buffer.alloc(256, 0xff))).toBeUndefined();
    }
  });
  it('DH is deterministic from the rng', () => {
    expect(createDh(31, new Rng(3)).publicValue).toEqual(createDh(31, new Rng(3)).publicValue);
    expect(createDh(14, new Rng(3)).publicValue).toEqual(createDh(14, new Rng(3)).publicValue);
  });
  it('AES-CBC-128 (RFC 3602 case 1) via the SK payload path', () => {
    // Check the raw cipher through a one-block SK payload whose plaintext is fixed.
    const key = hex('06a9214036b8a15b512e03d534120006'), iv = hex('3dafba429d9eb430b422da802c9fac41');
    const suite: IkeSuite = { encr: 12, keyLength: 128, integ: 12, prf: 5, dh: 31 };
    const c = createCipheriv('aes-128-cbc', key, iv); c.setAutoPadding(false);
    expect(Buffer.concat([c.update(Buffer.from('Single block msg')), c.final()]).toString('hex')).toBe('e353779c1079aeb82708942dbe77181a');
    const hdr = encodeMessage({ spiI: Buffer.alloc(8, 1), spiR: Buffer.alloc(8, 2), exchange: EXCH.IKE_AUTH, flags: 8, mid: 1 }, []);
    const inner = encodeChain([{ type: PT.NONCE, data: Buffer.alloc(5) }]);
    const keys = { encKey: key, integKey: Buffer.alloc(32, 4) };
    const msg = sealMessage(suite, keys, hdr, inner.first, inner.bytes, fixed(iv));
    const d = decodeMessage(msg);
    expect(d.skOffset).toBe(28);
    expect(openMessage(suite, keys, msg, 28)).toEqual(inner.bytes);
    // ICV is checked before decrypting: any flipped bit fails
    for (const pos of [0, 20, 30, 50, msg.length - 1]) {
      const bad = Buffer.from(msg); bad[pos]! ^= 1;
      expect(openMessage(suite, keys, bad, 28)).toBeUndefined();
    }
  });
  it('AES-GCM-16 SK round trip and tamper detection', () => {
    const suite: IkeSuite = { encr: 20, keyLength: 256, integ: 0, prf: 5, dh: 31 };
    const keys = { encKey: Buffer.alloc(36, 5), integKey: Buffer.alloc(0) };
    const hdr = encodeMessage({ spiI: Buffer.alloc(8, 1), spiR: Buffer.alloc(8, 2), exchange: EXCH.INFORMATIONAL, flags: 8, mid: 2 }, []);
    const msg = sealMessage(suite, keys, hdr, 0, Buffer.alloc(0), new Rng(1));
    expect(openMessage(suite, keys, msg, 28)).toEqual(Buffer.alloc(0));
    const bad = Buffer.from(msg); bad[5]! ^= 1;
    expect(openMessage(suite, keys, bad, 28)).toBeUndefined();
  });
  it('key schedule sizes for AES-128/SHA-256 (protocols.md §6.4)', () => {
    const k = deriveIkeKeys({ encr: 12, keyLength: 128, integ: 12, prf: 5, dh: 31 }, Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3), Buffer.alloc(8, 4), Buffer.alloc(8, 5));
    expect([k.skD, k.skAi, k.skAr, k.skEi, k.skEr, k.skPi, k.skPr].map((b) => b.length)).toEqual([32, 32, 32, 16, 16, 32, 32]);
    const km = prfPlus(5, k.skeyseed, Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(8, 4), Buffer.alloc(8, 5)]), 192);
    expect(Buffer.concat([k.skD, k.skAi, k.skAr, k.skEi, k.skEr, k.skPi, k.skPr])).toEqual(km);
    expect(k.skeyseed).toEqual(prf(5, Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32, 2)]), Buffer.alloc(32, 3)));
    const g = deriveIkeKeys({ encr: 20, keyLength: 128, integ: 0, prf: 5, dh: 31 }, Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3), Buffer.alloc(8, 4), Buffer.alloc(8, 5));
    expect([g.skAi.length, g.skEi.length]).toEqual([0, 20]);
  });
});

describe('AUTH methods 1 and 14', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const octets = authOctets(Buffer.from('msg1'), Buffer.alloc(32, 1), 5, Buffer.alloc(32, 2), encodeIdentity({ type: 'fqdn', value: 'a.test' }));
  it('method 14 = len | sha256WithRSAEncryption AlgId (with NULL) | PKCS#1 v1.5 SHA-256', () => {
    const a = signAuth(14, privateKey, octets);
    expect(a.data[0]).toBe(15);
    expect(a.data.subarray(1, 16).toString('hex')).toBe('300d06092a864886f70d01010b0500');
    expect(a.data.subarray(16)).toEqual(sign('sha256', octets, privateKey));
    expect(verifyAuth(14, a.data, publicKey, octets)).toMatchObject({ ok: true });
    expect(verifyAuth(14, a.data, other.publicKey, octets)).toMatchObject({ ok: false });
    const tampered = Buffer.from(octets); tampered[0]! ^= 1;
    expect(verifyAuth(14, a.data, publicKey, tampered)).toMatchObject({ ok: false });
  });
  it('method 1 = RSA PKCS#1 v1.5 SHA-1', () => {
    const a = signAuth(1, privateKey, octets);
    expect(a.data).toEqual(sign('sha1', octets, privateKey));
    expect(verifyAuth(1, a.data, publicKey, octets)).toMatchObject({ ok: true });
    expect(verifyAuth(1, a.data, other.publicKey, octets)).toMatchObject({ ok: false });
  });
  it('ECDSA via method 14 and garbage never throws', () => {
    const a = signAuth(14, ec.privateKey, octets);
    expect(verifyAuth(14, a.data, ec.publicKey, octets)).toMatchObject({ ok: true });
    expect(verifyAuth(14, a.data, publicKey, octets)).toMatchObject({ ok: false });
    for (const d of [Buffer.alloc(0), Buffer.from([200]), Buffer.from([3, 1, 2, 3])]) expect(verifyAuth(14, d, publicKey, octets).ok).toBe(false);
    expect(verifyAuth(2, Buffer.alloc(10), publicKey, octets).ok).toBe(false);
  });
});

describe('strongSwan 5.9.8 fixture (captured swanctl IKE_SA_INIT request, 892 bytes)', () => {
  const raw = readFileSync(join(import.meta.dirname, 'fixtures', 'strongswan-5.9.8-swanctl-ike-sa-init.bin'));
  it('decodes to the payloads strongSwan sends and re-encodes byte for byte', () => {
    expect(raw.length).toBe(892);
    expect(describeMessage(raw)).toBe('IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(FRAGMENTATION_SUPPORTED) N(SIGNATURE_HASH_ALGORITHMS) N(REDIRECT_SUPPORTED) ]');
    const m = decodeMessage(raw);
    const sa = findPayload(m.payloads, PT.SA)!;
    expect(sa.proposals.map((p) => p.num)).toEqual([1, 2]);
    expect(sa.proposals[0]!.transforms).toContainEqual({ type: TRANSFORM.ENCR, id: 12, keyLength: 128 });
    expect(findPayload(m.payloads, PT.KE)).toMatchObject({ group: 31 });
    expect(findPayload(m.payloads, PT.NONCE)!.data.length).toBe(32);
    expect(findNotify(m.payloads, NOTIFY.SIGNATURE_HASH_ALGORITHMS)!.data.toString('hex')).toBe('0002000300040005');
    const { header: h } = m;
    expect(encodeMessage({ spiI: h.spiI, spiR: h.spiR, exchange: h.exchange, flags: h.flags, mid: h.mid }, m.payloads)).toEqual(raw);
  });
  it('a twin responder answers it with the expected selection', () => {
    const R = new IkeEngine({ rng: new Rng(1), now: () => 0, credentials: { none: 'no certificate' }, trust: { anchors: [] } });
    const out = R.receive(raw, { address: '127.0.0.1', port: 5500 }, { address: '127.0.0.1', port: 4500 });
    expect(describeMessage(out[0]!.data)).toBe('IKE_SA_INIT response 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) CERTREQ N(SIGNATURE_HASH_ALGORITHMS) N(CHILDLESS_IKEV2_SUPPORTED) ]');
    expect(R.list()[0]).toMatchObject({ suite: 'AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519', natDetected: false });
  });
});
