/**
 * strongSwan <-> twin interop orchestrator. Runs INSIDE a private network + mount namespace:
 *
 *   unshare --net --mount --fork node --import tsx test/interop/strongswan/scenario.ts SPEC.json
 *
 * (the vitest file test/interop/strongswan.test.ts does exactly that). It brings `lo` up, mounts
 * a tmpfs on /run (private pid file and vici socket), starts the twin IKE engine in this process
 * (responder on 127.0.0.1:4500 with the NAT-T marker rule, initiator on 127.0.0.1:4600), starts
 * charon (/usr/lib/ipsec/charon, ports 5500/5501 via STRONGSWAN_CONF) and drives it with
 * swanctl (SWANCTL_DIR), and optionally charon-cmd (ports 1500/14500) — then prints one JSON
 * result line on stdout. Certificates come from the spec (PEM), so any chain — e.g. one issued
 * by the twin CA over SCEP — can be passed in.
 *
 * Spec steps:
 *   { op: 'swanctl-initiate', label, responder?: Cred | { none: reason }, twinTrust?: PEM[], proposals?, conn? }
 *   { op: 'twin-initiate', label, initiator?: Cred }
 *   { op: 'charon-cmd', label }
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IkeEngine, type IkeEvent, type IkeSaInfo } from '../../../sim/ike/v2/engine.js';
import type { IkeProposalConfig } from '../../../sim/ike/v2/proposals.js';
import type { LocalCredentials } from '../../../sim/ike/credentials.js';
import { pemToDer } from '../../../sim/ike/x509.js';
import { IkeUdpTransport } from '../../../sim/transport/ike-udp.js';
import { charonSection, sh, sleep, swanctlLoadAll, waitFor } from './common.js';

export interface CredSpec {
  chain: string[];
  key: string;
}
export type StepSpec =
  | { op: 'swanctl-initiate'; label: string; holdMs?: number; holdUntil?: string; responder?: CredSpec | { none: 'no certificate' | 'expired' | 'key/cert mismatch' }; twinTrust?: string[]; proposals?: IkeProposalConfig[] }
  | { op: 'twin-initiate'; label: string; initiator?: CredSpec }
  | { op: 'charon-cmd'; label: string };

export interface ScenarioSpec {
  workDir: string;
  /** CA certificates (PEM) strongSwan trusts. */
  ssTrust: string[];
  /** CA certificates (PEM) the twin trusts. */
  twinTrust: string[];
  ss: { cert: string; key: string; id: string };
  twinResponder: CredSpec & { id: string };
  twinInitiator: CredSpec & { id: string };
  steps: StepSpec[];
}

export interface StepResult {
  label: string;
  op: string;
  exitCode: number | null;
  output: string;
  twinEvents: Array<{ type: string; sa: IkeSaInfo }>;
  ssEstablished: boolean;
  listSas: string;
  twinLog: string[];
  /** charon's file log written during this step. */
  charonLog: string;
}

const CHARON = '/usr/lib/ipsec/charon';




function toCred(c: CredSpec | { none: 'no certificate' | 'expired' | 'key/cert mismatch' }): LocalCredentials {
  if ('none' in c) return { none: c.none };
  return { certChain: c.chain.flatMap((p) => pemToDer(p)), privateKey: createPrivateKey(c.key) };
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ScenarioSpec;
  const W = spec.workDir;
  // --- namespace plumbing (we are root inside `unshare --net --mount --fork`)
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', '/run']);
  // --- strongSwan files
  const sw = join(W, 'swanctl');
  for (const d of ['x509ca', 'x509', 'private', 'conf.d']) mkdirSync(join(sw, d), { recursive: true });
  spec.ssTrust.forEach((p, i) => writeFileSync(join(sw, 'x509ca', `ca${i}.pem`), p));
  writeFileSync(join(sw, 'x509', 'client.pem'), spec.ss.cert);
  writeFileSync(join(sw, 'private', 'client.key'), spec.ss.key);
  const charonLog = join(W, 'charon.log');
  const cmdLog = join(W, 'charon-cmd.log');
  writeFileSync(join(W, 'strongswan.conf'), `${charonSection(charonLog)}charon-cmd {
  port = 1500
  port_nat_t = 14500
  # RFC 7427 off: charon-cmd signs and expects classic AUTH method 1 (RSA digital signature),
  # so the interop exercises both methods (swanctl/charon: method 14).
  signature_authentication = no
  install_routes = no
  install_virtual_ip = no
  retransmit_tries = 2
  retransmit_timeout = 2
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints kdf hmac sha1 sha2 aes gmp curve25519 kernel-netlink socket-default resolve
  filelog {
    cmdlog {
      path = ${cmdLog}
      default = 1
      ike = 2
      cfg = 2
      flush_line = yes
    }
  }
}
swanctl {
  socket = unix:///run/charon.vici
}
`);
  const swanctlConf = (proposals: string) => `connections {
  twin {
    version = 2
    remote_addrs = 127.0.0.1
    remote_port = 4500
    proposals = ${proposals}
    dpd_delay = 1s
    local {
      auth = pubkey
      certs = client.pem
      id = ${spec.ss.id}
    }
    remote {
      auth = pubkey
      id = ${spec.twinResponder.id}
    }
  }
  fromtwin {
    version = 2
    local {
      auth = pubkey
      certs = client.pem
      id = ${spec.ss.id}
    }
    remote {
      auth = pubkey
      id = ${spec.twinInitiator.id}
    }
  }
}
`;
  writeFileSync(join(sw, 'swanctl.conf'), swanctlConf('default'));
  const env = { STRONGSWAN_CONF: join(W, 'strongswan.conf'), SWANCTL_DIR: sw };
  const uri = ['--uri', 'unix:///run/charon.vici'];

  // --- the twin
  const twinLog: string[] = [];
  const events: IkeEvent[] = [];
  let respCred: LocalCredentials = toCred(spec.twinResponder);
  let respTrust = spec.twinTrust.flatMap((p) => pemToDer(p));
  let respProposals: IkeProposalConfig[] | undefined;
  const rng = { bytes: (n: number) => randomBytes(n) };
  const responder = new IkeEngine({
    name: 'twin-R', rng, now: Date.now, log: (l) => twinLog.push(l), onEvent: (e) => events.push(e),
    credentials: () => respCred,
    trust: () => ({ anchors: respTrust }),
    get proposals() { return respProposals; },
  } as ConstructorParameters<typeof IkeEngine>[0]);
  let captured = 0;
  const rt = new IkeUdpTransport(responder, {
    ports: [{ port: 4500, marker: 'auto' }], log: (l) => twinLog.push(l),
    // keep the first few datagrams strongSwan sent (fixtures for codec tests)
    onPacket: (dir, data) => { if (dir === 'in' && captured < 8) writeFileSync(join(W, `capture-${captured++}.bin`), data); },
  });
  await rt.start();
  let initCred: LocalCredentials = toCred(spec.twinInitiator);
  const initiator = new IkeEngine({
    name: 'twin-I', rng, now: Date.now, log: (l) => twinLog.push(l), onEvent: (e) => events.push(e),
    credentials: () => initCred, trust: { anchors: spec.twinTrust.flatMap((p) => pemToDer(p)) },
  });
  const it = new IkeUdpTransport(initiator, { ports: [{ port: 4600, marker: 'auto' }], log: (l) => twinLog.push(l) });
  await it.start();

  // --- charon
  let charon: ChildProcess | undefined;
  const startCharon = async () => {
    // /run is this namespace's private tmpfs: a socket file left by a previous charon would make
    // the existence check below pass before the new daemon is up.
    rmSync('/run/charon.vici', { force: true });
    charon = spawn(CHARON, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const ok = await waitFor(() => existsSync('/run/charon.vici'), 10_000);
    if (!ok) throw new Error('charon did not create its vici socket');
    const l = await swanctlLoadAll(env);
    if (l.code !== 0) throw new Error(`swanctl --load-all failed: ${l.out}`);
  };
  const stopCharon = async () => {
    if (charon && charon.exitCode === null && charon.pid) {
      process.kill(charon.pid, 'SIGTERM');
      const gone = () => charon!.exitCode !== null || charon!.signalCode !== null;
      // a charon still shutting down would keep /run/charon.pid and the vici socket: the next
      // startCharon would then talk to the dying daemon. Escalate (bounded) instead of moving on.
      if (!(await waitFor(gone, 5000))) {
        process.kill(charon.pid, 'SIGKILL');
        await waitFor(gone, 5000);
      }
    }
    charon = undefined;
  };
  const results: StepResult[] = [];
  let fatal: string | undefined;
  try {
    await startCharon();
    for (const step of spec.steps) {
      const ev0 = events.length, log0 = twinLog.length;
      const clog0 = existsSync(charonLog) ? readFileSync(charonLog).length : 0;
      let r: { code: number | null; out: string } = { code: null, out: '' };
      let listSas = '';
      let ssEstablished = false;
      respCred = toCred((step.op === 'swanctl-initiate' && step.responder) || spec.twinResponder);
      respTrust = ((step.op === 'swanctl-initiate' && step.twinTrust) || spec.twinTrust).flatMap((p) => pemToDer(p));
      respProposals = step.op === 'swanctl-initiate' ? step.proposals : undefined;
      if (step.op === 'swanctl-initiate') {
        // strongSwan caches peer certificates received earlier (same subject after a rollover):
        // flush them so each step validates exactly what the twin sends now.
        await sh('swanctl', ['--flush-certs', ...uri], env);
        r = await sh('swanctl', ['--initiate', '--ike', 'twin', '--timeout', '20', ...uri], env, 30_000);
        await waitFor(() => events.length > ev0, 3000);
        if (step.holdMs) await sleep(step.holdMs);
        // holdMs is a minimum: on a busy machine charon's timers (e.g. DPD) may run late, so keep
        // the SA up until charon's log shows what the step waits for (bounded).
        if (step.holdUntil) {
          const re = new RegExp(step.holdUntil);
          await waitFor(() => existsSync(charonLog) && re.test(readFileSync(charonLog).subarray(clog0).toString('utf8')), 15_000);
        }
        listSas = (await sh('swanctl', ['--list-sas', ...uri], env)).out;
        ssEstablished = /twin: #\d+, ESTABLISHED, IKEv2/.test(listSas);
        await sh('swanctl', ['--terminate', '--ike', 'twin', '--timeout', '5', ...uri], env);
        await waitFor(() => responder.list().every((s) => s.state !== 'ESTABLISHED'), 3000);
      } else if (step.op === 'twin-initiate') {
        initCred = toCred(step.initiator ?? spec.twinInitiator);
        const id = it.initiate({ address: '127.0.0.1', port: 5500 });
        await waitFor(() => { const s = initiator.get(id); return !s || s.state === 'ESTABLISHED' || s.state === 'FAILED'; }, 15_000);
        await sleep(200);
        listSas = (await sh('swanctl', ['--list-sas', ...uri], env)).out;
        ssEstablished = /fromtwin: #\d+, ESTABLISHED, IKEv2/.test(listSas);
        r = { code: initiator.get(id)?.state === 'ESTABLISHED' ? 0 : 1, out: '' };
        it.send(initiator.delete(id));
        await waitFor(() => initiator.size.total === 0, 5000);
      } else if (step.op === 'charon-cmd') {
        await stopCharon();
        const ca = join(sw, 'x509ca', 'ca0.pem');
        const cmd = spawn('charon-cmd', ['--host', '127.0.0.1', '--identity', spec.ss.id, '--remote-identity', spec.twinResponder.id,
          '--cert', ca, '--cert', join(sw, 'x509', 'client.pem'), '--rsa', join(sw, 'private', 'client.key'), '--remote-ts', '10.99.0.0/24'],
        { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        cmd.stdout!.on('data', (d) => { out += d; });
        cmd.stderr!.on('data', (d) => { out += d; });
        const logText = () => (existsSync(cmdLog) ? readFileSync(cmdLog, 'utf8') : '') + out;
        await waitFor(() => /IKE_SA .* established|establishing connection .* failed|AUTHENTICATION_FAILED/i.test(logText()) && events.length > ev0, 20_000);
        await sleep(500);
        out = logText();
        ssEstablished = /IKE_SA cmd\[\d+\] established/.test(out);
        if (cmd.pid && cmd.exitCode === null) cmd.kill('SIGINT');
        await waitFor(() => cmd.exitCode !== null || cmd.signalCode !== null, 5000);
        if (cmd.exitCode === null && cmd.signalCode === null && cmd.pid) cmd.kill('SIGKILL');
        r = { code: cmd.exitCode, out: logText() };
        await startCharon();
      }
      results.push({
        label: step.label, op: step.op, exitCode: r.code, output: r.out, listSas, ssEstablished,
        twinEvents: events.slice(ev0).map((e) => ({ type: e.type, sa: e.sa })), twinLog: twinLog.slice(log0),
        charonLog: existsSync(charonLog) ? readFileSync(charonLog).subarray(clog0).toString('utf8') : '',
      });
    }
  } catch (e) {
    fatal = (e as Error).stack ?? String(e);
  } finally {
    await stopCharon();
    await rt.close();
    await it.close();
  }
  const charonLogText = existsSync(charonLog) ? readFileSync(charonLog, 'utf8') : '';
  process.stdout.write(`\nRESULT ${JSON.stringify({ fatal, results, charonLog: charonLogText.slice(-100_000) })}\n`);
}

main().then(() => process.exit(0), (e) => {
  process.stdout.write(`\nRESULT ${JSON.stringify({ fatal: (e as Error).stack ?? String(e), results: [] })}\n`);
  process.exit(1);
});
