/**
 * Regenerate the deterministic RSA key pool fixture:
 *   node --import tsx pki/tools/gen-key-pool.ts [out.json]
 * Writes PKCS#1 PEM keys: 16×512, 16×768, 64×1024, 64×2048 (override with POOL_SIZES="512:16,1024:64").
 */
import { writeFileSync } from 'node:fs';
import { generateRsaKeyPair } from '../../sim/transport/keygen.js';
import { DEFAULT_POOL_PATH, privateKeyPem, type KeyPoolFile } from '../keys.js';

const out = process.argv[2] ?? DEFAULT_POOL_PATH;
const spec = (process.env.POOL_SIZES ?? '512:16,768:16,1024:64,2048:64').split(',').map((s) => s.split(':').map(Number) as [number, number]);
const file: KeyPoolFile = { version: 1, keys: {} };
for (const [bits, n] of spec) {
  const keys = await Promise.all(Array.from({ length: n }, () => generateRsaKeyPair(bits)));
  file.keys[String(bits)] = keys.map(privateKeyPem);
  console.log(`${n} × ${bits} bits`);
}
writeFileSync(out, JSON.stringify(file, null, 1) + '\n');
console.log(`wrote ${out}`);
