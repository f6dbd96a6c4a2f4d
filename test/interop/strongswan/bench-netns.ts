/**
 * IKE bench driver, run INSIDE `unshare --net --mount --fork` (test/bench/ike.ts starts it):
 * the same twin initiator (this process) establishes N childless IKE SAs, C in flight, against
 *   1. the twin responder (twin-ike.ts, a separate node process, 127.0.0.1:4500, NAT-T marker), and
 *   2. strongSwan's charon responder (127.0.0.1:500, anti-DoS cookie thresholds raised),
 * with the same algorithms (AES-CBC-128 / HMAC-SHA2-256-128 / PRF-HMAC-SHA2-256 / Curve25519,
 * RSA-2048 certificates, AUTH method 14). Prints "RESULT {json}".
 *
 *   node --import tsx test/interop/strongswan/bench-netns.ts N C
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { IkeEngine, type Endpoint, type IkeEvent } from '../../../sim/ike/v2/engine.js';
import { IkeUdpTransport } from '../../../sim/transport/ike-udp.js';
import { makeCa, toPem } from '../../ike/helpers/pki.js';

const SUITE = [{ encr: [{ id: 12, keyLength: 128 }], integ: [12], prf: [5], dh: [31] }];

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  firstFailure?: string;
  /** CPU seconds (user + system, all threads) the RESPONDER process used during the run. */
  responderCpuSeconds?: number;
  /** Establishments per responder CPU second: the responder's own cost, whatever bounds the wall-clock rate. */
  perCpuSecond?: number;
}

/** utime + stime of a process (all threads), in seconds, from /proc/PID/stat. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // fields 14 and 15, USER_HZ = 100 on Linux
  } catch {
    return undefined;
  }
}

async function measured(pid: number | undefined, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const c0 = cpuSeconds(pid);
  const r = await run();
  const c1 = cpuSeconds(pid);
  if (c0 === undefined || c1 === undefined || c1 <= c0) return r;
  return { ...r, responderCpuSeconds: c1 - c0, perCpuSecond: r.ok / (c1 - c0) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Establish n IKE SAs against `target`, keeping c in flight. */
let onEvent: (e: IkeEvent) => void = () => {};

async function load(engine: IkeEngine, t: IkeUdpTransport, target: Endpoint, n: number, c: number): Promise<LoadResult> {
  let started = 0, ok = 0, failed = 0;
  let firstFailure: string | undefined;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const pending = new Set<number>();
    const launch = () => {
      while (pending.size < c && started < n) {
        started++;
        pending.add(t.initiate(target));
      }
      if (ok + failed >= n) {
        const seconds = (performance.now() - t0) / 1000;
        resolve({ ok, failed, seconds, perSecond: ok / seconds, ...(firstFailure ? { firstFailure } : {}) });
      }
    };
    onEvent = (e) => {
      if (!pending.has(e.sa.id)) return;
      if (e.type === 'established') ok++;
      else if (e.type === 'failed' || e.type === 'auth-failed') { failed++; firstFailure ??= `${e.type}: ${e.sa.auth?.detail}`; }
      else return;
      pending.delete(e.sa.id);
      // forget our side right away (a half-finished SA is dropped silently; established ones are
      // left in the table: no DELETE exchange, so both responders keep their SA, alike)
      if (e.type !== 'established') engine.delete(e.sa.id);
      setImmediate(launch);
    };
    launch();
  });
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 500);
  const c = Number(process.argv[3] ?? 8);
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', '/run']);
  const W = mkdtempSync(join(tmpdir(), 'ike-bench-'));
  const ca = makeCa('Bench CA');
  const gw = ca.issue({ subject: [['C', 'US'], ['O', 'TwinLab'], ['CN', 'gw.twin.test']], dns: ['gw.twin.test'] });
  const cl = ca.issue({ subject: [['C', 'US'], ['O', 'TwinLab'], ['CN', 'r1.twin.test']], dns: ['r1.twin.test'] });
  writeFileSync(join(W, 'ca.pem'), toPem(ca.cert));
  writeFileSync(join(W, 'gw.pem'), toPem(gw.cert));
  writeFileSync(join(W, 'gw.key'), gw.key.pem);

  const initiator = new IkeEngine({
    name: 'bench-I', rng: { bytes: (k) => randomBytes(k) }, now: Date.now,
    credentials: { certChain: [cl.cert], privateKey: cl.key.privateKey }, trust: { anchors: [ca.cert] },
    proposals: SUITE, maxSas: 1 << 16, retransmitTimeoutMs: 2000, onEvent: (e) => onEvent(e),
  });
  const it = new IkeUdpTransport(initiator, { ports: [{ port: 4600, marker: 'auto' }] });
  await it.start();
  const results: Record<string, LoadResult | { error: string }> = {};

  // 1. twin responder in its own process
  const script = join(import.meta.dirname, 'twin-ike.ts');
  const twin = spawn(process.execPath, ['--import', 'tsx', script, '--listen', '127.0.0.1:4500', '--cert', join(W, 'gw.pem'), '--key', join(W, 'gw.key'), '--ca', join(W, 'ca.pem'), '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await new Promise<boolean>((resolve) => {
    const rl = createInterface({ input: twin.stdout! });
    rl.on('line', (l) => { if (l.startsWith('READY')) resolve(true); });
    twin.on('exit', () => resolve(false));
    setTimeout(() => resolve(false), 20_000);
  });
  if (ready) {
    await load(initiator, it, { address: '127.0.0.1', port: 4500 }, Math.min(50, n), c); // warm-up
    results.twin = await measured(twin.pid, () => load(initiator, it, { address: '127.0.0.1', port: 4500 }, n, c));
  } else results.twin = { error: 'twin responder did not start' };
  twin.kill('SIGTERM');

  // 2. charon responder
  const sw = join(W, 'swanctl');
  for (const d of ['x509ca', 'x509', 'private']) mkdirSync(join(sw, d), { recursive: true });
  writeFileSync(join(sw, 'x509ca', 'ca.pem'), toPem(ca.cert));
  writeFileSync(join(sw, 'x509', 'gw.pem'), toPem(gw.cert));
  writeFileSync(join(sw, 'private', 'gw.key'), gw.key.pem);
  writeFileSync(join(sw, 'swanctl.conf'), `connections {
  bench {
    version = 2
    proposals = aes128-sha256-x25519
    local {
      auth = pubkey
      certs = gw.pem
      id = gw.twin.test
    }
    remote {
      auth = pubkey
      id = %any
    }
  }
}
`);
  writeFileSync(join(W, 'strongswan.conf'), `charon {
  port = 500
  port_nat_t = 4500
  install_routes = no
  install_virtual_ip = no
  cookie_threshold = 1000000
  cookie_threshold_ip = 1000000
  block_threshold = 1000000
  init_limit_half_open = 0
  ikesa_table_size = 4096
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints kdf hmac sha1 sha2 aes gmp curve25519 kernel-netlink socket-default vici
  plugins {
    vici {
      socket = unix:///run/charon.vici
    }
  }
  syslog {
    daemon {
      default = -1
    }
  }
  filelog {
    quiet {
      path = ${join(W, 'charon.log')}
      default = 0
    }
  }
}
`);
  const env = { ...process.env, STRONGSWAN_CONF: join(W, 'strongswan.conf'), SWANCTL_DIR: sw };
  let charon: ChildProcess | undefined;
  try {
    charon = spawn('/usr/lib/ipsec/charon', [], { env, stdio: 'ignore' });
    for (let i = 0; i < 500 && !existsSync('/run/charon.vici'); i++) await sleep(20);
    // the socket file appears before charon accepts on it: retry briefly (bounded)
    for (let i = 0; ; i++) {
      try {
        execFileSync('swanctl', ['--load-all', '--uri', 'unix:///run/charon.vici'], { env, stdio: 'ignore' });
        break;
      } catch (e) {
        if (i >= 50) throw e;
        await sleep(200);
      }
    }
    await load(initiator, it, { address: '127.0.0.1', port: 500 }, Math.min(50, n), c); // warm-up
    results.charon = await measured(charon.pid, () => load(initiator, it, { address: '127.0.0.1', port: 500 }, n, c));
  } catch (e) {
    results.charon = { error: (e as Error).message };
  } finally {
    if (charon?.pid && charon.exitCode === null) charon.kill('SIGTERM');
  }
  await it.close();
  process.stdout.write(`RESULT ${JSON.stringify({ n, c, results })}\n`);
  process.exit(0);
}

void main();
