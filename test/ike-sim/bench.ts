/**
 * IKE simulation figures (prints, asserts nothing):
 *   node --import tsx test/ike-sim/bench.ts
 * - level-0 attempts per second on the full stack (R1 trustpoint 1024-bit, client peer 1024/2048),
 *   with real RSA signatures on every attempt ('every', the default) and memoised ('memo');
 * - a simulated year of a peer connecting every 10 minutes (52 560 attempts) with each mode.
 */
import { lab, setupTrustpoint } from '../pki-router/lab.js';
import { installIkeLab } from '../../sim/features/ike/lab.js';
import { ikePeerStats } from '../../sim/features/ike/records.js';

async function rate(signatures: 'every' | 'memo', keyBits: number, n: number): Promise<number> {
  const { world, t } = await lab({ seed: 5 });
  await setupTrustpoint(t, { autoEnroll: '90' });
  const ike = installIkeLab(world, { signatures, peers: [{ name: 'c', router: 'R1', ca: 'CA', keyBits }] });
  world.advance(5000);
  ike.attempt('c', 'inbound'); // warm-up (chain memo, first signature)
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ike.attempt('c', i % 2 ? 'inbound' : 'outbound');
  const ms = performance.now() - t0;
  if (ikePeerStats(world)[0]!.failures) throw new Error('unexpected failures');
  return (n / ms) * 1000;
}

async function year(signatures: 'every' | 'memo'): Promise<{ ms: number; attempts: number }> {
  const { world, t } = await lab({ seed: 5 });
  await setupTrustpoint(t, { autoEnroll: '90 regenerate' });
  installIkeLab(world, { signatures, peers: [{ name: 'c', router: 'R1', ca: 'CA', connect: { every: '10m' } }] });
  world.advance(5000);
  const t0 = performance.now();
  world.advance(365 * 86_400_000);
  return { ms: performance.now() - t0, attempts: ikePeerStats(world)[0]!.attempts };
}

const out: string[] = [];
for (const bits of [1024, 2048]) {
  for (const mode of ['every', 'memo'] as const) {
    const r = await rate(mode, bits, mode === 'every' ? 2000 : 20000);
    out.push(`level-0 attempt, R1 1024-bit / peer ${bits}-bit, signatures=${mode}: ${r.toFixed(0)} attempts/s (${(1000 / r).toFixed(3)} ms each)`);
  }
}
for (const mode of ['every', 'memo'] as const) {
  const y = await year(mode);
  out.push(`simulated year, peer every 10 min, signatures=${mode}: ${y.attempts} attempts in ${(y.ms / 1000).toFixed(1)} s real`);
}
console.log(out.join('\n'));
