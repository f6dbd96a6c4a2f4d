/**
 * Cryptographic primitives for SCEP envelopes, all deterministic given an Rng:
 *  - content ciphers DES-CBC (node-forge: not in Node's OpenSSL 3 default provider), 3DES-CBC and
 *    AES-128/192/256-CBC (node:crypto), PKCS#7 padding;
 *  - RSA PKCS#1 v1.5 key transport. Padding is built here from the Rng and applied with raw RSA
 *    (node refuses PKCS#1 v1.5 private decryption since CVE-2023-46809, and its own padding
 *    would draw OS randomness), so envelopes are reproducible.
 */
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { Rng } from '../../sim/kernel/rng.js';
import { OID } from '../oids.js';

export type ContentCipher = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

export const CIPHERS: Record<ContentCipher, { oid: string; keyLen: number; ivLen: number }> = {
  'des-cbc': { oid: OID.desCBC, keyLen: 8, ivLen: 8 },
  'des-ede3-cbc': { oid: OID.desEde3CBC, keyLen: 24, ivLen: 8 },
  'aes-128-cbc': { oid: OID.aes128CBC, keyLen: 16, ivLen: 16 },
  'aes-192-cbc': { oid: OID.aes192CBC, keyLen: 24, ivLen: 16 },
  'aes-256-cbc': { oid: OID.aes256CBC, keyLen: 32, ivLen: 16 },
};

export function cipherFromOid(oid: string): ContentCipher | undefined {
  for (const [k, v] of Object.entries(CIPHERS)) if (v.oid === oid) return k as ContentCipher;
  return undefined;
}

export class CryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoError';
  }
}

/** Set DES odd parity on each key byte (cosmetic; DES ignores parity bits). */
function desParity(key: Buffer): Buffer {
  const out = Buffer.from(key);
  for (let i = 0; i < out.length; i++) {
    let b = out[i]! & 0xfe;
    let ones = 0;
    for (let x = b; x; x >>= 1) ones += x & 1;
    if (ones % 2 === 0) b |= 1;
    out[i] = b;
  }
  return out;
}

export function randomContentKey(cipher: ContentCipher, rng: Rng): Buffer {
  const k = rng.bytes(CIPHERS[cipher].keyLen);
  return cipher.startsWith('des') ? desParity(k) : k;
}

function forgeDes(encrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const k = forge.util.createBuffer(key.toString('binary'));
  const c = encrypt ? forge.cipher.createCipher('DES-CBC', k) : forge.cipher.createDecipher('DES-CBC', k);
  c.start({ iv: forge.util.createBuffer(iv.toString('binary')) });
  c.update(forge.util.createBuffer(data.toString('binary')));
  if (!c.finish()) throw new CryptoError('DES-CBC decryption failed (bad padding: wrong key?)');
  return Buffer.from(c.output.getBytes(), 'binary');
}

export function encryptContent(cipher: ContentCipher, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const info = CIPHERS[cipher];
  if (key.length !== info.keyLen || iv.length !== info.ivLen) throw new CryptoError(`bad key/IV length for ${cipher}`);
  if (cipher === 'des-cbc') return forgeDes(true, key, iv, data);
  const c = createCipheriv(cipher, key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

export function decryptContent(cipher: ContentCipher, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const info = CIPHERS[cipher];
  if (key.length !== info.keyLen) throw new CryptoError(`content key has ${key.length} bytes, ${cipher} needs ${info.keyLen}`);
  if (iv.length !== info.ivLen) throw new CryptoError(`IV has ${iv.length} bytes, ${cipher} needs ${info.ivLen}`);
  const block = info.ivLen;
  if (data.length === 0 || data.length % block) throw new CryptoError(`encrypted content length ${data.length} is not a multiple of ${block}`);
  if (cipher === 'des-cbc') return forgeDes(false, key, iv, data);
  try {
    const d = createDecipheriv(cipher, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch (e) {
    throw new CryptoError(`${cipher} decryption failed: ${(e as Error).message}`);
  }
}

function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits || key.asymmetricKeyType !== 'rsa') throw new CryptoError('key transport needs an RSA key');
  return Math.ceil(bits / 8);
}

/** RSAES-PKCS1-v1_5 encryption with padding bytes drawn from rng. */
export function rsaEncryptPkcs1(pub: KeyObject, data: Buffer, rng: Rng): Buffer {
  const k = modulusBytes(pub);
  if (data.length > k - 11) throw new CryptoError(`message too long for a ${k * 8}-bit RSA key`);
  const ps = Buffer.alloc(k - 3 - data.length);
  for (let i = 0; i < ps.length; i++) {
    let b = 0;
    for (let guard = 0; b === 0 && guard < 64; guard++) b = rng.u32() & 0xff;
    ps[i] = b || 0x5a;
  }
  const em = Buffer.concat([Buffer.from([0, 2]), ps, Buffer.from([0]), data]);
  return publicEncrypt({ key: pub, padding: constants.RSA_NO_PADDING }, em);
}

/** RSAES-PKCS1-v1_5 decryption via raw RSA; throws CryptoError on any padding problem. */
export function rsaDecryptPkcs1(priv: KeyObject, ct: Buffer): Buffer {
  const k = modulusBytes(priv);
  if (ct.length !== k) throw new CryptoError(`encrypted key has ${ct.length} bytes, RSA modulus has ${k}`);
  let em: Buffer;
  try {
    em = privateDecrypt({ key: priv, padding: constants.RSA_NO_PADDING }, ct);
  } catch (e) {
    throw new CryptoError(`RSA decryption failed: ${(e as Error).message}`);
  }
  if (em.length < k) em = Buffer.concat([Buffer.alloc(k - em.length), em]);
  if (em[0] !== 0 || em[1] !== 2) throw new CryptoError('RSA PKCS#1 v1.5 padding error (wrong recipient key?)');
  const sep = em.indexOf(0, 2);
  if (sep < 10) throw new CryptoError('RSA PKCS#1 v1.5 padding error (wrong recipient key?)');
  return em.subarray(sep + 1);
}
