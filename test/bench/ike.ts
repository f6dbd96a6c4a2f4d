/**
 * IKE bench section (register as `{ name: 'ike', load: () => import('./ike.js') }`).
 *
 * Figures:
 *  - level 0: authenticateOnce() attempts per second over a simulated year (every 10 min,
 *    52,560 attempts, one key/cert rollover) — what the simulation pays per IKE attempt;
 *  - level 1 in memory: full IKEv2 handshakes (initiator + responder engines in this process,
 *    no sockets) per second, and the same with signatures forced to AUTH method 1;
 *  - level 1/2 over loopback UDP inside a private netns: the same twin initiator establishing
 *    childless IKE SAs against (a) the twin responder in its own node process and (b) strongSwan
 *    5.9.8 charon, same algorithms (AES-CBC-128/HMAC-SHA2-256-128/PRF-HMAC-SHA2-256/Curve25519,
 *    RSA-2048, AUTH method 14). Needs root + strongSwan; otherwise reported as skipped.
 *    Both responder figures are bounded by the single-process twin initiator driving them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { authenticateOnce, SignatureCache, type AttemptSide } from '../../sim/ike/attempt.js';
import { ValidationCache } from '../../sim/ike/credentials.js';
import { IkeEngine } from '../../sim/ike/v2/engine.js';
import { Rng } from '../../sim/kernel/rng.js';
import { makeCa, genKey } from '../ike/helpers/pki.js';
import { pump, I_EP, R_EP } from '../ike/helpers/twins.js';
import { round, type BenchContext, type BenchSection, type Figure } from './types.js';

const DAY = 86_400_000;

function level0(): Figure[] {
  const ca = makeCa('Bench L0 CA');
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const k1 = genKey(), k1b = genKey(), k2 = genKey();
  const a = ca.issue({ key: k1, subject: { CN: 'r1' }, dns: ['r1'], notBefore: new Date(t0 - DAY), notAfter: new Date(t0 + 200 * DAY) });
  const b = ca.issue({ key: k1b, subject: { CN: 'r1' }, dns: ['r1'], notBefore: new Date(t0 + 150 * DAY), notAfter: new Date(t0 + 600 * DAY) });
  const c = ca.issue({ key: k2, subject: { CN: 'r2' }, dns: ['r2'], notBefore: new Date(t0 - DAY), notAfter: new Date(t0 + 600 * DAY) });
  const side = (cert: Buffer, key: typeof k1, wallNow: number): AttemptSide => ({ credentials: { certChain: [cert], privateKey: key.privateKey }, anchors: [ca.cert], wallNow });
  const run = (signatureCache: SignatureCache | null, n: number) => {
    const rng = new Rng(1);
    const vc = new ValidationCache();
    let ok = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const t = t0 + i * 600_000;
      const mine = t < t0 + 175 * DAY ? side(a.cert, k1, t) : side(b.cert, k1b, t);
      if (authenticateOnce(mine, side(c.cert, k2, t), rng, { signatureCache, validationCache: vc }).ok) ok++;
    }
    return { ms: performance.now() - start, ok };
  };
  const year = run(new SignatureCache(), 52_560);
  const fresh = run(null, 2_000);
  return [
    { metric: 'level 0: simulated year, attempt every 10 min (52,560)', value: round(year.ms), unit: 'ms', target: { op: '<=', value: 2000 }, note: `${year.ok} ok; signature memo per (key, cert)` },
    { metric: 'level 0: attempts per second (memoised signatures)', value: round(52_560 / (year.ms / 1000), 0), unit: 'ops/s' },
    { metric: 'level 0: attempts per second (fresh RSA-2048 signatures)', value: round(2_000 / (fresh.ms / 1000), 0), unit: 'ops/s', note: 'signatureCache: null' },
  ];
}

function inMemory(quick: boolean): Figure[] {
  const ca = makeCa('Bench L1 CA');
  const ki = genKey(), kr = genKey();
  const ic = ca.issue({ key: ki, subject: { CN: 'r1' }, dns: ['r1'] });
  const rc = ca.issue({ key: kr, subject: { CN: 'r2' }, dns: ['r2'] });
  const figs: Figure[] = [];
  for (const method of [14, 1] as const) {
    const clock = { t: Date.now() };
    const mk = (name: string, cert: Buffer, key: typeof ki) => new IkeEngine({
      name, rng: new Rng(7).fork(name), now: () => clock.t, credentials: { certChain: [cert], privateKey: key.privateKey },
      trust: { anchors: [ca.cert] }, authMethod: method, proposals: [{ encr: [{ id: 12, keyLength: 128 }], integ: [12], prf: [5], dh: [31] }], maxSas: 1 << 16,
    });
    const I = mk('I', ic.cert, ki), R = mk('R', rc.cert, kr);
    const n = quick ? 300 : 2000;
    let ok = 0;
    let start = performance.now();
    for (let k = -100; k < n; k++) {
      if (k === 0) { start = performance.now(); ok = 0; } // after 100 warm-up handshakes
      const { id, out } = I.initiate(R_EP, I_EP);
      pump(I, R, out);
      if (I.get(id)?.state === 'ESTABLISHED') ok++;
      I.delete(id);
      R.delete(R.list()[0]!.id);
      pump(R, I, []);
    }
    const s = (performance.now() - start) / 1000;
    figs.push({ metric: `level 1 in memory: IKEv2 handshakes/s, both sides in one process (AUTH method ${method})`, value: round(ok / s, 0), unit: 'ops/s', note: `${ok}/${n} established, Curve25519, RSA-2048` });
  }
  return figs;
}

function udp(quick: boolean, log: (m: string) => void): Figure[] {
  const why = process.getuid?.() !== 0 ? 'not root' : !existsSync('/usr/lib/ipsec/charon') ? 'strongSwan charon missing' : undefined;
  if (why) return [{ metric: 'UDP establishments/s (twin vs charon)', value: NaN, unit: 'ops/s', note: `skipped: ${why}` }];
  const n = quick ? 300 : 2000;
  const c = 16;
  const script = join(import.meta.dirname, '..', 'interop', 'strongswan', 'bench-netns.ts');
  log(`ike: ${n} establishments per responder, ${c} in flight, inside unshare --net --mount`);
  const r = spawnSync('unshare', ['--net', '--mount', '--fork', process.execPath, '--import', 'tsx', script, String(n), String(c)], {
    encoding: 'utf8', timeout: 600_000, cwd: join(import.meta.dirname, '..', '..'),
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) return [{ metric: 'UDP establishments/s (twin vs charon)', value: NaN, unit: 'ops/s', note: `failed: ${(r.stderr ?? '').slice(-300)}` }];
  const res = JSON.parse(line.slice(7)) as { results: Record<string, { perSecond?: number; perCpuSecond?: number; responderCpuSeconds?: number; ok?: number; failed?: number; error?: string }> };
  const fig = (name: string, label: string): Figure => {
    const x = res.results[name]!;
    return x.error
      ? { metric: label, value: NaN, unit: 'ops/s', note: x.error }
      : { metric: label, value: round(x.perSecond!, 0), unit: 'ops/s', note: `${x.ok} ok, ${x.failed} failed; twin initiator, ${c} in flight` };
  };
  // Per responder CPU second: what each responder pays per establishment (user + system time of
  // its process, all threads). The wall-clock figures above are bounded by the one twin initiator
  // driving both responders; this one is not, so it is the fair side-by-side comparison.
  const cpu = (name: string, label: string): Figure => {
    const x = res.results[name]!;
    return x.perCpuSecond === undefined
      ? { metric: label, value: NaN, unit: 'ops/s', note: x.error ?? 'no CPU figure (/proc unreadable)' }
      : { metric: label, value: round(x.perCpuSecond, 0), unit: 'ops/cpu-s', note: `${x.ok} establishments in ${round(x.responderCpuSeconds!, 2)} responder CPU s` };
  };
  const tw = res.results.twin, ch = res.results.charon;
  const ratio = tw?.perCpuSecond && ch?.perCpuSecond ? tw.perCpuSecond / ch.perCpuSecond : NaN;
  const wallRatio = tw?.perSecond && ch?.perSecond ? tw.perSecond / ch.perSecond : NaN;
  return [
    fig('twin', 'UDP loopback: twin responder, IKE SA establishments/s'),
    fig('charon', 'UDP loopback: strongSwan 5.9.8 charon responder, establishments/s'),
    { metric: 'UDP loopback: twin / charon establishments/s (goal >= 1)', value: round(wallRatio, 2), unit: 'x', target: { op: '>=', value: 1 } },
    cpu('twin', 'UDP loopback: twin responder, establishments per responder CPU second'),
    cpu('charon', 'UDP loopback: charon responder, establishments per responder CPU second'),
    { metric: 'UDP loopback: twin / charon per responder CPU second (goal >= 1)', value: round(ratio, 2), unit: 'x', target: { op: '>=', value: 1 } },
  ];
}

export async function run(ctx: BenchContext = { quick: false, log: () => {} }): Promise<Figure[]> {
  return [...level0(), ...inMemory(ctx.quick), ...udp(ctx.quick, ctx.log)];
}

const section: BenchSection = {
  name: 'ike',
  description: 'IKE: level-0 attempts, in-memory IKEv2 handshakes, twin vs strongSwan charon responder over UDP',
  run,
};
export default section;

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  void run({ quick: process.argv.includes('--quick'), log: (m) => process.stderr.write(`${m}\n`) }).then((f) => {
    for (const x of f) process.stdout.write(`${x.metric.padEnd(80)} ${String(x.value).padStart(8)} ${x.unit}${x.note ? `  (${x.note})` : ''}\n`);
  });
}
