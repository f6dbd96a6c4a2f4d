/**
 * Real RSA key generation: the non-deterministic edge (OS entropy, libuv thread pool).
 * Async `crypto.generateKeyPair` never blocks the event loop, so other simulated devices keep
 * running while a 2048/4096-bit key is being made. Simulations normally use the seeded KeyPool
 * (pki/keys.ts) and reach this only for sizes the pool lacks.
 */
import { generateKeyPair } from 'node:crypto';
import { keyPairFromPrivate, type KeySource, type RsaKeyPair } from '../../pki/keys.js';

export function generateRsaKeyPair(bits: number): Promise<RsaKeyPair> {
  if (!Number.isInteger(bits) || bits < 512 || bits > 16384) return Promise.reject(new Error(`unsupported RSA key size ${bits}`));
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (err, _pub, priv) => {
      if (err) reject(err);
      else resolve(keyPairFromPrivate(priv));
    });
  });
}

/** A KeySource that always generates real keys. */
export const realKeySource: KeySource = { generate: generateRsaKeyPair };
