/**
 * Stand-alone twin IKEv2 responder over UDP (for interop labs and the IKE bench):
 *
 *   node --import tsx test/interop/strongswan/twin-ike.ts --listen 127.0.0.1:4500 \
 *        --cert gw.pem [--cert inter.pem] --key gw.key --ca ca.pem [--marker auto|always|never] [--quiet]
 *
 * Prints "READY <host>:<port>" once bound, then one JSON line per IKE event (unless --quiet),
 * and exits on SIGTERM/SIGINT. Real clock and OS randomness (this is a test/lab tool).
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IkeEngine } from '../../../sim/ike/v2/engine.js';
import { pemToDer } from '../../../sim/ike/x509.js';
import { IkeUdpTransport, type MarkerMode } from '../../../sim/transport/ike-udp.js';

function args(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const k = a[i]!;
    if (!k.startsWith('--')) continue;
    const v = a[i + 1] && !a[i + 1]!.startsWith('--') ? a[++i]! : 'true';
    m.set(k.slice(2), [...(m.get(k.slice(2)) ?? []), v]);
  }
  return m;
}

async function main(): Promise<void> {
  const a = args();
  const [host, port] = (a.get('listen')?.[0] ?? '127.0.0.1:4500').split(':');
  const quiet = a.has('quiet');
  const engine = new IkeEngine({
    name: 'twin',
    rng: { bytes: (n) => randomBytes(n) },
    now: Date.now,
    credentials: {
      certChain: (a.get('cert') ?? []).flatMap((f) => pemToDer(readFileSync(f, 'utf8'))),
      privateKey: createPrivateKey(readFileSync(a.get('key')![0]!, 'utf8')),
    },
    trust: { anchors: (a.get('ca') ?? []).flatMap((f) => pemToDer(readFileSync(f, 'utf8'))) },
    maxSas: Number(a.get('max-sas')?.[0] ?? 65_536),
    maxHalfOpen: Number(a.get('max-half-open')?.[0] ?? 4096),
    cookieThreshold: Number(a.get('cookie-threshold')?.[0] ?? 4096),
    ...(quiet ? {} : { log: (l: string) => process.stderr.write(`${l}\n`) }),
    onEvent: (e) => { if (!quiet) process.stdout.write(`${JSON.stringify({ type: e.type, sa: e.sa })}\n`); },
  });
  const t = new IkeUdpTransport(engine, { host: host!, ports: [{ port: Number(port), marker: (a.get('marker')?.[0] ?? 'auto') as MarkerMode }] });
  const [ep] = await t.start();
  process.stdout.write(`READY ${ep!.address}:${ep!.port}\n`);
  const stop = async () => {
    await t.close();
    process.stdout.write(`STATS ${JSON.stringify(engine.stats)}\n`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
