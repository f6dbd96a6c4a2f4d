/**
 * AUTH payload (RFC 7296 §2.15; RFC 7427). Signed octets are
 *   RealMessage | peer NonceData | prf(SK_p, ID')
 * Method 1: RSASSA-PKCS1-v1_5 with SHA-1. Method 14: 1-byte AlgorithmIdentifier length, the DER
 * AlgorithmIdentifier, then the signature (sha256WithRSAEncryption / ecdsa-with-SHA256 when signing;
 * SHA-1/256/384/512 with RSA or ECDSA accepted when verifying).
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { AUTH_METHOD } from './constants.js';
import { prf } from './crypto.js';

export function authOctets(realMessage: Buffer, peerNonce: Buffer, prfId: number, skP: Buffer, idBody: Buffer): Buffer {
  return Buffer.concat([realMessage, peerNonce, prf(prfId, skP, idBody)]);
}

const ALG_IDS: Array<{ der: Buffer; hash: string; key: 'rsa' | 'ec' }> = [
  { der: Buffer.from('300d06092a864886f70d01010b0500', 'hex'), hash: 'sha256', key: 'rsa' },
  { der: Buffer.from('300d06092a864886f70d01010c0500', 'hex'), hash: 'sha384', key: 'rsa' },
  { der: Buffer.from('300d06092a864886f70d01010d0500', 'hex'), hash: 'sha512', key: 'rsa' },
  { der: Buffer.from('300d06092a864886f70d0101050500', 'hex'), hash: 'sha1', key: 'rsa' },
  { der: Buffer.from('300a06082a8648ce3d040302', 'hex'), hash: 'sha256', key: 'ec' },
  { der: Buffer.from('300a06082a8648ce3d040303', 'hex'), hash: 'sha384', key: 'ec' },
  { der: Buffer.from('300a06082a8648ce3d040304', 'hex'), hash: 'sha512', key: 'ec' },
];
/** Also accept the RSA AlgorithmIdentifiers without the NULL parameter. */
for (const a of ALG_IDS.slice(0, 4)) ALG_IDS.push({ der: Buffer.concat([Buffer.from([0x30, 0x0b]), a.der.subarray(2, 13)]), hash: a.hash, key: 'rsa' });

export const SHA256_WITH_RSA_ALGID = ALG_IDS[0]!.der;

export interface AuthData {
  method: number;
  data: Buffer;
}

/** Sign the AUTH octets. method 14 uses SHA-256; method 1 RSA/SHA-1. */
export function signAuth(method: number, key: KeyObject, octets: Buffer): AuthData {
  const kt = key.asymmetricKeyType;
  if (method === AUTH_METHOD.RSA_SIG) {
    return { method, data: cryptoSign('sha1', octets, key) };
  }
  const alg = kt === 'ec' ? ALG_IDS[4]! : ALG_IDS[0]!;
  const sig = cryptoSign('sha256', octets, key);
  return { method: AUTH_METHOD.DIGITAL_SIGNATURE, data: Buffer.concat([Buffer.from([alg.der.length]), alg.der, sig]) };
}

export type VerifyResult = { ok: true; detail: string } | { ok: false; detail: string };

/** Verify an AUTH payload with the peer's public key. Never throws. */
export function verifyAuth(method: number, data: Buffer, pub: KeyObject, octets: Buffer): VerifyResult {
  try {
    const kt = pub.asymmetricKeyType;
    if (method === AUTH_METHOD.RSA_SIG) {
      if (kt !== 'rsa') return { ok: false, detail: 'RSA signature AUTH with a non-RSA certificate key' };
      return cryptoVerify('sha1', octets, pub, data) ? { ok: true, detail: 'RSA_EMSA_PKCS1_SHA1' } : { ok: false, detail: 'RSA/SHA-1 signature verification failed' };
    }
    if (method === AUTH_METHOD.DIGITAL_SIGNATURE) {
      if (data.length < 1) return { ok: false, detail: 'empty AUTH data' };
      const alen = data[0]!;
      if (data.length < 1 + alen) return { ok: false, detail: 'truncated AlgorithmIdentifier' };
      const algDer = data.subarray(1, 1 + alen);
      const alg = ALG_IDS.find((a) => a.der.equals(algDer));
      if (!alg) return { ok: false, detail: `unsupported signature AlgorithmIdentifier ${algDer.toString('hex')}` };
      if ((alg.key === 'rsa') !== (kt === 'rsa')) return { ok: false, detail: 'signature algorithm does not match the certificate key type' };
      const ok = cryptoVerify(alg.hash, octets, pub, data.subarray(1 + alen));
      const name = `${alg.key === 'rsa' ? 'RSA_EMSA_PKCS1' : 'ECDSA_WITH'}_${alg.hash.toUpperCase().replace('SHA', 'SHA2_').replace('SHA2_1', 'SHA1')}`;
      return ok ? { ok: true, detail: name } : { ok: false, detail: `${name} signature verification failed` };
    }
    return { ok: false, detail: `unsupported AUTH method ${method}` };
  } catch (e) {
    return { ok: false, detail: `signature check error: ${(e as Error).message}` };
  }
}
