/**
 * SCEP enrolments per second: the twin CA versus Debian's micromdm `scepserver`, same machine,
 * same client (the twin SCEP client), same key size (2048-bit CA keys, 2048-bit pregenerated
 * request keys, so key generation is not measured). One enrolment = one PKIOperation round trip
 * (PKCSReq → CertRep SUCCESS), with GetCACert/GetCACaps done once beforehand.
 *
 * scepserver binds every address, so it runs in a private netns behind a socat bridge that forks
 * and execs per connection; the twin CA is measured both directly and behind an identical bridge,
 * so the "via bridge" rows compare like with like.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool } from '../../pki/keys.js';
import { ScepCa } from '../../pki/ca.js';
import { enroll, getCaCaps, getCaCert, inProcessTransport, type ScepTransport } from '../../pki/scep/client.js';
import { httpTransport } from '../../sim/transport/http-client.js';
import { debianScepServerMissing, freePort, startDebianScepServer } from '../interop/scep-helpers.js';
import { round, type BenchSection, type Figure } from './types.js';

const pool = KeyPool.load();

interface Measured {
  opsPerSec: number;
  failures: number;
  firstFailure?: string;
}

async function measure(url: string, transport: ScepTransport, n: number, concurrency: number, seedBase: number): Promise<Measured> {
  const { caCert } = await getCaCert({ url, transport });
  const caps = await getCaCaps({ url, transport });
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const r = await enroll({
        url,
        transport,
        caCert,
        caps,
        csrKey: pool.at(2048, i % pool.count(2048)),
        subject: { subjectName: `CN=bench-${seedBase}-${i}`, fqdn: `bench${i}.lab` },
        rng: new Rng(seedBase * 100_000 + i),
        now: Date.now(),
      });
      if (r.status !== 'issued') {
        failures++;
        firstFailure ??= r.status === 'failed' ? `${r.failInfo}: ${r.failInfoText ?? ''}` : r.status;
      }
    }
  };
  // warm-up (connection setup, JIT)
  await enroll({ url, transport, caCert, caps, csrKey: pool.at(2048, 0), subject: { subjectName: `CN=warm-${seedBase}` }, rng: new Rng(seedBase), now: Date.now() });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const dt = (performance.now() - t0) / 1000;
  return { opsPerSec: n / dt, failures, ...(firstFailure ? { firstFailure } : {}) };
}

async function startTwinChild(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./scep-ca-child.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('twin CA child did not start')), 30_000);
    rl.once('line', (l) => (clearTimeout(t), resolve(l)));
    child.once('exit', (c) => reject(new Error(`twin CA child exited ${c}`)));
  });
  return { port: (JSON.parse(line) as { port: number }).port, child };
}

/** socat bridge 127.0.0.1:<free> → 127.0.0.1:port with a fork + exec per connection (same shape as the netns bridge). */
async function bridge(port: number): Promise<{ port: number; child: ChildProcess }> {
  const p = await freePort();
  const child = spawn('socat', [`TCP-LISTEN:${p},bind=127.0.0.1,fork,reuseaddr`, `EXEC:'socat STDIO TCP:127.0.0.1:${port}'`], { stdio: 'ignore', detached: true });
  await new Promise((r) => setTimeout(r, 300));
  return { port: p, child };
}

function stop(c: ChildProcess, group = false): void {
  if (c.pid && c.exitCode === null) {
    try {
      process.kill(group ? -c.pid : c.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}

const section: BenchSection = {
  name: 'scep',
  description: 'SCEP enrolments/s: twin CA vs Debian scepserver (2048-bit keys, pregenerated)',
  async run(ctx) {
    const n = ctx.quick ? 40 : 200;
    const figs: Figure[] = [];
    const transport = httpTransport({ timeoutMs: 30_000 });
    const row = (metric: string, r: Measured, note: string): void => {
      figs.push({ metric, value: round(r.opsPerSec, 1), unit: 'ops/s', note: `${note}, n=${n}${r.failures ? `, ${r.failures} FAILED (${r.firstFailure})` : ''}` });
      ctx.log(`${metric}: ${round(r.opsPerSec, 1)} ops/s`);
    };

    // in process, no HTTP: the cost the simulator pays per enrolment (client + CA, one thread)
    {
      const ca = ScepCa.create({ config: { name: 'INPROC', grant: 'auto' }, key: pool.at(2048, 62), clock: () => Date.now(), rng: new Rng(1) });
      row('twin CA in process (client+CA, no HTTP)', await measure('http://lab-ca', inProcessTransport(ca), n, 1, 1), 'single thread');
    }

    const twin = await startTwinChild();
    const twinBridge = await bridge(twin.port);
    try {
      const direct = `http://127.0.0.1:${twin.port}/scep`;
      row('twin CA over HTTP, 1 client', await measure(direct, transport, n, 1, 2), 'CA in its own node process');
      row('twin CA over HTTP, 8 concurrent', await measure(direct, transport, n, 8, 3), 'CA in its own node process');
      const viaBridge = `http://127.0.0.1:${twinBridge.port}/scep`;
      row('twin CA via socat bridge, 1 client', await measure(viaBridge, transport, n, 1, 4), 'fork+exec per connection');
      row('twin CA via socat bridge, 8 concurrent', await measure(viaBridge, transport, n, 8, 5), 'fork+exec per connection');
    } finally {
      stop(twinBridge.child, true);
      stop(twin.child);
    }

    const missing = debianScepServerMissing();
    if (missing) {
      ctx.log(`Debian scepserver skipped: ${missing}`);
      figs.push({ metric: 'Debian scepserver', value: NaN, unit: 'ops/s', note: `skipped: ${missing}` });
      return figs;
    }
    const deb = await startDebianScepServer({ allowRenewDays: 0, keySize: 2048 });
    try {
      row('Debian scepserver via netns bridge, 1 client', await measure(deb.url, transport, n, 1, 6), 'fork+exec per connection');
      row('Debian scepserver via netns bridge, 8 concurrent', await measure(deb.url, transport, n, 8, 7), 'fork+exec per connection; failures, if any, are micromdm\'s file-depot serial race ("serial: file exists")');
    } finally {
      await deb.close();
    }
    return figs;
  },
};
export default section;

/** Standalone: `node --import tsx test/bench/scep.bench.ts [--quick]`. */
export async function run(quick = false): Promise<Figure[]> {
  return section.run({ quick, log: (m) => process.stderr.write(`  ${m}\n`) });
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const figs = await run(process.argv.includes('--quick'));
  for (const f of figs) console.log(`${f.metric.padEnd(52)} ${String(f.value).padStart(8)} ${f.unit}  ${f.note ?? ''}`);
}
