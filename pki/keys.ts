/**
 * RSA key pairs and the deterministic key source.
 *
 * RSA key generation cannot be seeded, so simulations draw keys from a pool of pregenerated real
 * keys shipped in scenarios/fixtures/rsa-key-pool.json (regenerate with pki/tools/gen-key-pool.ts),
 * picked by an injected Rng. Sizes not in the pool go to an injected fallback generator (the real,
 * non-deterministic edge lives in sim/transport/keygen.ts).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rng } from '../sim/kernel/rng.js';

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Modulus size in bits. */
  bits: number;
  /** DER SubjectPublicKeyInfo. */
  spkiDer: Buffer;
}

export function keyPairFromPrivate(privateKey: KeyObject): RsaKeyPair {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA private key');
  const publicKey = createPublicKey(privateKey);
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  return { privateKey, publicKey, bits, spkiDer: publicKey.export({ type: 'spki', format: 'der' }) };
}

/** Import a PEM (PKCS#1 or PKCS#8, unencrypted) or DER PKCS#1/PKCS#8 private key. */
export function keyPairFromPem(pem: string | Buffer): RsaKeyPair {
  let key: KeyObject;
  try {
    if (typeof pem === 'string' || pem.subarray(0, 10).toString('latin1').includes('-----')) key = createPrivateKey(pem);
    else {
      try {
        key = createPrivateKey({ key: pem, format: 'der', type: 'pkcs1' });
      } catch {
        key = createPrivateKey({ key: pem, format: 'der', type: 'pkcs8' });
      }
    }
  } catch (e) {
    throw new Error(`cannot read RSA private key: ${(e as Error).message}`);
  }
  return keyPairFromPrivate(key);
}

/** PKCS#1 PEM ("-----BEGIN RSA PRIVATE KEY-----"), the form micromdm scepclient and IOS export use. */
export function privateKeyPem(k: RsaKeyPair): string {
  return k.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
}

export function publicKeyPem(k: RsaKeyPair): string {
  return k.publicKey.export({ type: 'spki', format: 'pem' }) as string;
}

/** SHA-1 over the DER SubjectPublicKeyInfo, upper-case hex: links keys and certificates. */
export function spkiSha1Hex(spkiDer: Uint8Array): string {
  return createHash('sha1').update(spkiDer).digest('hex').toUpperCase();
}

export interface KeySource {
  /** A fresh RSA key pair of `bits` bits. */
  generate(bits: number): Promise<RsaKeyPair>;
}

export interface KeyPoolFile {
  version: 1;
  /** bits → PKCS#1 PEM private keys. */
  keys: Record<string, string[]>;
}

export const DEFAULT_POOL_PATH = fileURLToPath(new URL('../scenarios/fixtures/rsa-key-pool.json', import.meta.url));

/**
 * A pool of pregenerated keys. take() picks an unused key of the wanted size by rng; once every key
 * of that size has been handed out it starts reusing (still by rng), and `reused` counts that.
 * Share one pool per world so two devices never get the same key while the pool lasts.
 */
export class KeyPool {
  private readonly pems = new Map<number, string[]>();
  private readonly parsed = new Map<string, RsaKeyPair>();
  private readonly used = new Map<number, Set<number>>();
  reused = 0;

  constructor(file: KeyPoolFile) {
    if (!file || file.version !== 1 || typeof file.keys !== 'object') throw new Error('bad key pool file');
    for (const [bits, list] of Object.entries(file.keys)) {
      const b = Number(bits);
      if (!Number.isInteger(b) || !Array.isArray(list)) throw new Error(`bad key pool entry ${bits}`);
      this.pems.set(b, list.slice());
    }
  }

  static load(path: string = DEFAULT_POOL_PATH): KeyPool {
    return new KeyPool(JSON.parse(readFileSync(path, 'utf8')) as KeyPoolFile);
  }

  sizes(): number[] {
    return [...this.pems.keys()].sort((a, b) => a - b);
  }

  count(bits: number): number {
    return this.pems.get(bits)?.length ?? 0;
  }

  /** Key #i of a size (stable, for fixtures and benchmarks). */
  at(bits: number, i: number): RsaKeyPair {
    const list = this.pems.get(bits);
    if (!list || list.length === 0) throw new Error(`no ${bits}-bit keys in the pool`);
    const pem = list[((i % list.length) + list.length) % list.length]!;
    let k = this.parsed.get(pem);
    if (!k) {
      k = keyPairFromPem(pem);
      this.parsed.set(pem, k);
    }
    return k;
  }

  /** Draw a key by rng; undefined when the pool has no key of that size. */
  take(bits: number, rng: Rng): RsaKeyPair | undefined {
    const list = this.pems.get(bits);
    if (!list || list.length === 0) return undefined;
    let used = this.used.get(bits);
    if (!used) this.used.set(bits, (used = new Set()));
    const free: number[] = [];
    for (let i = 0; i < list.length; i++) if (!used.has(i)) free.push(i);
    let idx: number;
    if (free.length === 0) {
      this.reused++;
      idx = rng.int(0, list.length - 1);
    } else {
      idx = free[rng.int(0, free.length - 1)]!;
      used.add(idx);
    }
    return this.at(bits, idx);
  }
}

/** KeySource backed by a KeyPool; other sizes go to `fallback` (e.g. sim/transport/keygen.ts). */
export class PoolKeySource implements KeySource {
  constructor(
    private readonly pool: KeyPool,
    private readonly rng: Rng,
    private readonly fallback?: (bits: number) => Promise<RsaKeyPair>,
  ) {}

  async generate(bits: number): Promise<RsaKeyPair> {
    if (!Number.isInteger(bits) || bits < 512 || bits > 16384) throw new Error(`unsupported RSA key size ${bits}`);
    const k = this.pool.take(bits, this.rng);
    if (k) return k;
    if (!this.fallback) throw new Error(`no ${bits}-bit keys in the pool and no real key generator configured`);
    return this.fallback(bits);
  }
}
