/**
 * IKEv2 cryptography on node:crypto: PRFs and prf+ (RFC 7296 §2.13), key derivation (§2.14),
 * Diffie-Hellman groups 14 (MODP-2048), 19 (ECP-256) and 31 (Curve25519) with private values
 * drawn from an injected random source, and the SK payload (AES-CBC + HMAC-SHA2 truncated ICV,
 * AES-GCM-16). All randomness comes from the caller's RandomSource.
 */
import {
  createCipheriv, createDecipheriv, createDiffieHellman, createHash, createECDH, createHmac, createPrivateKey, createPublicKey,
  diffieHellman, getDiffieHellman, timingSafeEqual, type KeyObject,
} from 'node:crypto';
import { DH, ENCR, INTEG, PRF } from './constants.js';

export interface RandomSource {
  bytes(n: number): Buffer;
}

const PRF_HASH: Record<number, { hash: string; len: number }> = {
  [PRF.HMAC_SHA1]: { hash: 'sha1', len: 20 },
  [PRF.HMAC_SHA2_256]: { hash: 'sha256', len: 32 },
  [PRF.HMAC_SHA2_384]: { hash: 'sha384', len: 48 },
  [PRF.HMAC_SHA2_512]: { hash: 'sha512', len: 64 },
};

const INTEG_ALG: Record<number, { hash: string; keyLen: number; icvLen: number }> = {
  [INTEG.HMAC_SHA1_96]: { hash: 'sha1', keyLen: 20, icvLen: 12 },
  [INTEG.HMAC_SHA2_256_128]: { hash: 'sha256', keyLen: 32, icvLen: 16 },
  [INTEG.HMAC_SHA2_384_192]: { hash: 'sha384', keyLen: 48, icvLen: 24 },
  [INTEG.HMAC_SHA2_512_256]: { hash: 'sha512', keyLen: 64, icvLen: 32 },
};

export function prfSupported(id: number): boolean { return id in PRF_HASH; }
export function integSupported(id: number): boolean { return id in INTEG_ALG; }
export function encrSupported(id: number, keyLength?: number): boolean {
  return (id === ENCR.AES_CBC || id === ENCR.AES_GCM_16) && (keyLength === 128 || keyLength === 192 || keyLength === 256);
}
export function dhSupported(id: number): boolean { return id === DH.MODP_2048 || id === DH.ECP_256 || id === DH.CURVE_25519; }
export function isAead(encrId: number): boolean { return encrId === ENCR.AES_GCM_16; }

export function prfLen(id: number): number { return PRF_HASH[id]!.len; }

export function prf(id: number, key: Buffer, data: Buffer): Buffer {
  return createHmac(PRF_HASH[id]!.hash, key).update(data).digest();
}

/** prf+(K, S) = T1 | T2 | ... with Tn = prf(K, T(n-1) | S | n); at most 255 blocks. */
export function prfPlus(id: number, key: Buffer, seed: Buffer, length: number): Buffer {
  const hash = PRF_HASH[id]!.hash;
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  let got = 0;
  for (let n = 1; got < length; n++) {
    if (n > 255) throw new Error('prf+ output too long');
    t = createHmac(hash, key).update(t).update(seed).update(Buffer.from([n])).digest();
    out.push(t);
    got += t.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** Negotiated IKE SA algorithms. */
export interface IkeSuite {
  encr: number;
  keyLength: number;
  /** 0 for AEAD. */
  integ: number;
  prf: number;
  dh: number;
}

export interface IkeKeys {
  skD: Buffer; skAi: Buffer; skAr: Buffer; skEi: Buffer; skEr: Buffer; skPi: Buffer; skPr: Buffer;
  skeyseed: Buffer;
}

export function encrKeyLen(s: IkeSuite): number {
  return s.keyLength / 8 + (isAead(s.encr) ? 4 : 0);
}
export function integKeyLen(s: IkeSuite): number {
  return isAead(s.encr) ? 0 : INTEG_ALG[s.integ]!.keyLen;
}
export function icvLen(s: IkeSuite): number {
  return isAead(s.encr) ? 16 : INTEG_ALG[s.integ]!.icvLen;
}

/** SKEYSEED = prf(Ni | Nr, g^ir); {SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr} = prf+(SKEYSEED, Ni|Nr|SPIi|SPIr). */
export function deriveIkeKeys(s: IkeSuite, ni: Buffer, nr: Buffer, shared: Buffer, spiI: Buffer, spiR: Buffer): IkeKeys {
  const skeyseed = prf(s.prf, Buffer.concat([ni, nr]), shared);
  const pl = prfLen(s.prf), al = integKeyLen(s), el = encrKeyLen(s);
  const km = prfPlus(s.prf, skeyseed, Buffer.concat([ni, nr, spiI, spiR]), pl * 3 + al * 2 + el * 2);
  let o = 0;
  const take = (n: number) => { const b = km.subarray(o, o + n); o += n; return Buffer.from(b); };
  const skD = take(pl), skAi = take(al), skAr = take(al), skEi = take(el), skEr = take(el), skPi = take(pl), skPr = take(pl);
  return { skD, skAi, skAr, skEi, skEr, skPi, skPr, skeyseed };
}

// ---------------------------------------------------------------------------------------------
// Diffie-Hellman

export interface DhKey {
  group: number;
  /** KE payload data: MODP left-padded to 256 bytes; ECP-256 x|y (64); Curve25519 32 bytes. */
  publicValue: Buffer;
  /** Shared secret g^ir, or undefined when the peer value is invalid. */
  computeSecret(peer: Buffer): Buffer | undefined;
}

const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
let modp2048Prime: Buffer | undefined;

export function modp2048(): Buffer {
  return (modp2048Prime ??= getDiffieHellman('modp14').getPrime());
}

/**
 * X25519 keys via JWK import: OpenSSL 3's DER decoder costs ~0.4 ms per key, the raw (JWK) path
 * ~0.02 ms. OpenSSL derives the public value from `d`; `x` is only type-checked by Node, so a
 * placeholder is passed. Falls back to PKCS#8 DER should Node ever validate `x`.
 */
const X_PLACEHOLDER = Buffer.alloc(32).toString('base64url');
function x25519Private(d: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: d.toString('base64url'), x: X_PLACEHOLDER }, format: 'jwk' });
  } catch {
    return createPrivateKey({ key: Buffer.concat([X25519_PKCS8, d]), format: 'der', type: 'pkcs8' });
  }
}
function x25519Public(x: Buffer): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: x.toString('base64url') }, format: 'jwk' });
  } catch {
    return createPublicKey({ key: Buffer.concat([X25519_SPKI, x]), format: 'der', type: 'spki' });
  }
}

function leftPad(b: Buffer, n: number): Buffer {
  if (b.length >= n) return b;
  return Buffer.concat([Buffer.alloc(n - b.length), b]);
}

export function dhExpectedLength(group: number): number {
  return group === DH.MODP_2048 ? 256 : group === DH.ECP_256 ? 64 : group === DH.CURVE_25519 ? 32 : -1;
}

export function createDh(group: number, rng: RandomSource): DhKey {
  if (group === DH.CURVE_25519) {
    const priv = x25519Private(rng.bytes(32));
    const pub = Buffer.from(createPublicKey(priv).export({ format: 'jwk' }).x!, 'base64url');
    return {
      group,
      publicValue: pub,
      computeSecret(peer) {
        if (peer.length !== 32) return undefined;
        try {
          const s = diffieHellman({ privateKey: priv, publicKey: x25519Public(peer) });
          if (s.every((x) => x === 0)) return undefined;
          return s;
        } catch {
          return undefined;
        }
      },
    };
  }
  if (group === DH.MODP_2048) {
    const p = modp2048();
    const dh = createDiffieHellman(p, 2);
    // 256-bit private exponent (what strongSwan uses for MODP-2048); force a non-zero top bit range.
    const x = rng.bytes(32);
    x[0] = (x[0]! | 0x80) >>> 0;
    dh.setPrivateKey(x);
    dh.generateKeys();
    const pub = leftPad(dh.getPublicKey(), 256);
    return {
      group,
      publicValue: pub,
      computeSecret(peer) {
        if (peer.length !== 256) return undefined;
        // reject 0, 1 and >= p-1 (RFC 7296 §5 / SP 800-56A checks)
        let allZero = true;
        for (let i = 0; i < 255; i++) if (peer[i] !== 0) { allZero = false; break; }
        if (allZero && peer[255]! <= 1) return undefined;
        const pm1 = Buffer.from(p);
        pm1[255] = pm1[255]! - 1;
        if (Buffer.compare(peer, pm1) >= 0) return undefined;
        try {
          return leftPad(dh.computeSecret(peer), 256);
        } catch {
          return undefined;
        }
      },
    };
  }
  if (group === DH.ECP_256) {
    const ecdh = createECDH('prime256v1');
    for (let i = 0; ; i++) {
      try {
        ecdh.setPrivateKey(rng.bytes(32));
        break;
      } catch (e) {
        if (i > 16) throw e;
      }
    }
    const pub = ecdh.getPublicKey().subarray(1);
    return {
      group,
      publicValue: Buffer.from(pub),
      computeSecret(peer) {
        if (peer.length !== 64) return undefined;
        try {
          return ecdh.computeSecret(Buffer.concat([Buffer.from([4]), peer]));
        } catch {
          return undefined;
        }
      },
    };
  }
  throw new Error(`unsupported DH group ${group}`);
}

// ---------------------------------------------------------------------------------------------
// SK payload

export interface SkKeys {
  encKey: Buffer;
  integKey: Buffer;
}

function cbcName(keyLen: number): string {
  return `aes-${keyLen * 8}-cbc`;
}

/**
 * Build the SK payload data and finish the message. `prefix` is the IKE header (Length and Next
 * Payload are rewritten here) plus any plaintext payloads before SK; `skNext` is the type of the
 * first inner payload; `inner` the encoded inner chain.
 */
export function sealMessage(
  s: IkeSuite, k: SkKeys, header: Buffer, skNext: number, inner: Buffer, rng: RandomSource,
): Buffer {
  const aead = isAead(s.encr);
  const ivLen = aead ? 8 : 16;
  const icv = icvLen(s);
  const block = aead ? 4 : 16;
  const padLen = (block - ((inner.length + 1) % block)) % block;
  const plain = Buffer.concat([inner, Buffer.alloc(padLen), Buffer.from([padLen])]);
  const iv = rng.bytes(ivLen);
  const totalLen = header.length + 4 + ivLen + plain.length + icv;
  const hdr = Buffer.from(header);
  hdr[16] = 46; // SK (when the SK payload is the first payload)
  hdr.writeUInt32BE(totalLen, 24);
  const skHdr = Buffer.from([skNext, 0, 0, 0]);
  skHdr.writeUInt16BE(4 + ivLen + plain.length + icv, 2);
  if (aead) {
    const keyLen = k.encKey.length - 4;
    const c = createCipheriv(`aes-${keyLen * 8}-gcm` as 'aes-128-gcm', k.encKey.subarray(0, keyLen), Buffer.concat([k.encKey.subarray(keyLen), iv]), { authTagLength: 16 });
    c.setAAD(Buffer.concat([hdr, skHdr]));
    const ct = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([hdr, skHdr, iv, ct, c.getAuthTag()]);
  }
  const c = createCipheriv(cbcName(k.encKey.length), k.encKey, iv);
  c.setAutoPadding(false);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  const body = Buffer.concat([hdr, skHdr, iv, ct]);
  const mac = createHmac(INTEG_ALG[s.integ]!.hash, k.integKey).update(body).digest().subarray(0, icv);
  return Buffer.concat([body, mac]);
}

/**
 * Check the ICV and decrypt the SK payload of `msg` whose generic header is at `skOffset`.
 * Returns the inner payload bytes or undefined on any integrity / format failure.
 */
export function openMessage(s: IkeSuite, k: SkKeys, msg: Buffer, skOffset: number): Buffer | undefined {
  const aead = isAead(s.encr);
  const ivLen = aead ? 8 : 16;
  const icv = icvLen(s);
  const start = skOffset + 4;
  if (msg.length - start < ivLen + icv + (aead ? 1 : 16)) return undefined;
  const iv = msg.subarray(start, start + ivLen);
  const ct = msg.subarray(start + ivLen, msg.length - icv);
  const tag = msg.subarray(msg.length - icv);
  let plain: Buffer;
  try {
    if (aead) {
      const keyLen = k.encKey.length - 4;
      const d = createDecipheriv(`aes-${keyLen * 8}-gcm` as 'aes-128-gcm', k.encKey.subarray(0, keyLen), Buffer.concat([k.encKey.subarray(keyLen), iv]), { authTagLength: 16 });
      d.setAAD(msg.subarray(0, start));
      d.setAuthTag(tag);
      plain = Buffer.concat([d.update(ct), d.final()]);
    } else {
      if (ct.length % 16 !== 0) return undefined;
      const mac = createHmac(INTEG_ALG[s.integ]!.hash, k.integKey).update(msg.subarray(0, msg.length - icv)).digest().subarray(0, icv);
      if (!timingSafeEqual(mac, tag)) return undefined;
      const d = createDecipheriv(cbcName(k.encKey.length), k.encKey, iv);
      d.setAutoPadding(false);
      plain = Buffer.concat([d.update(ct), d.final()]);
    }
  } catch {
    return undefined;
  }
  const padLen = plain[plain.length - 1]!;
  if (padLen + 1 > plain.length) return undefined;
  return plain.subarray(0, plain.length - 1 - padLen);
}

/** NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port). */
export function natDetectionHash(spiI: Buffer, spiR: Buffer, address: string, port: number): Buffer {
  const ip = ipBytes(address);
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port & 0xffff, 0);
  return createHash('sha1').update(Buffer.concat([spiI, spiR, ip, p])).digest();
}

export function ipBytes(address: string): Buffer {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (m) return Buffer.from(m.slice(1).map((x) => Number(x) & 0xff));
  // IPv6
  const parts = a.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const groups = [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(parseInt(groups[i] ?? '0', 16) & 0xffff || 0, i * 2);
  return out;
}
