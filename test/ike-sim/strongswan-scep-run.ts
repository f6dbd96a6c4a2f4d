/**
 * strongSwan 5.9.8 ↔ twin router R1 with certificates issued by the TWIN CA over SCEP, across a
 * key rollover. Runs INSIDE `unshare --net --mount --fork` (test/interop/strongswan-scep.test.ts):
 *
 *   unshare --net --mount --fork node --import tsx test/ike-sim/strongswan-scep-run.ts SPEC.json
 *
 * The twin is a real lab (sim/lab/world.ts createLabWorld, the `twin serve` path): CA router with
 * `crypto pki server CA` whose SCEP listens on http://127.0.0.1:8080, router R1 with its IKEv2
 * endpoint on 127.0.0.1:4500 (lab device `ike: { udp }`), time in REAL mode. R1 enrolls by SCEP
 * (`auto-enroll 90 regenerate`); strongSwan's certificate comes from `pki --scep` against the
 * same CA over HTTP. The world's epoch is set so that R1's first certificate ends DELTA after it
 * is issued (in real time): strongSwan checks validity against the real clock.
 *
 * Phases (one RESULT line of JSON on stdout at the end):
 *   A  swanctl → R1 and R1 → charon, both ESTABLISHED with the first SCEP certificates;
 *   B  `simulation advance 335d` on R1: renewal at 90 % with key rollover; strongSwan re-enrolls by
 *      SCEP; a fresh swanctl initiation authenticates R1's NEW certificate; R1 → charon again;
 *   C  once R1's old certificate has expired in real time, a responder presenting that old
 *      certificate (with its old key, captured before the rollover) is rejected by strongSwan.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabSchema } from '../../sim/lab/schema.js';
import { createLabWorld } from '../../sim/lab/world.js';
import type { World } from '../../sim/world/world.js';
import { term, type Term } from '../core/helpers.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { onIkeAttempt, type IkeAttemptRecord } from '../../sim/features/ike/records.js';
import { privateKeyPem } from '../../pki/keys.js';
import { toPem } from '../../pki/x509.js';
import { IkeEngine } from '../../sim/ike/v2/engine.js';
import { IkeUdpTransport } from '../../sim/transport/ike-udp.js';
import { charonSection, sh, sleep, swanctlLoadAll, waitFor } from '../interop/strongswan/common.js';

export interface ScepInteropSpec {
  workDir: string;
  /** Real ms between R1's first enrollment and the end of its first certificate. */
  deltaMs: number;
}

export interface PhaseResult {
  label: string;
  exitCode: number | null;
  output: string;
  listSas: string;
  ssEstablished: boolean;
  records: IkeAttemptRecord[];
  charonLog: string;
  info: Record<string, unknown>;
}

const CHARON = '/usr/lib/ipsec/charon';
const DAY = 86_400_000;


const CA_CONFIG = `hostname CA
ip domain name twin.test
interface FastEthernet0/0
 ip address 10.0.0.1 255.255.255.0
crypto pki server CA
 issuer-name CN=TwinLab CA,O=TwinLab,C=US
 grant auto
 lifetime certificate 365
 lifetime ca-certificate 3650
line vty 0 4
 exec-timeout 0 0
end
`;
const R1_CONFIG = `hostname R1
ip domain name twin.test
interface FastEthernet0/0
 ip address 10.0.0.2 255.255.255.0
line vty 0 4
 exec-timeout 0 0
end
`;

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ScepInteropSpec;
  const W = spec.workDir;
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', '/run']);

  // ---- the twin lab (real time; R1's first certificate ends deltaMs after it is issued)
  const lab = LabSchema.parse({
    name: 'ss-scep',
    seed: 11,
    epoch: Date.now() - 365 * DAY + spec.deltaMs,
    rate: 1,
    devices: [
      { name: 'CA', role: 'ca', ssh: { port: 22001 }, scep: { host: '127.0.0.1', port: 8080 }, startupConfig: CA_CONFIG },
      { name: 'R1', ssh: { port: 22002 }, startupConfig: R1_CONFIG, ike: { udp: { host: '127.0.0.1', port: 4500 } } },
    ],
    ike: { peers: [{ name: 'strongswan', router: 'R1', version: 2, remote: { host: '127.0.0.1', port: 5500 } }] },
  });
  const twinLog: string[] = [];
  const lw = await createLabWorld(lab, { stateDir: join(W, 'state'), log: (m) => twinLog.push(m) });
  lw.start?.();
  const world = lw.world as World;
  const r1 = world.device('R1')!;
  const records: IkeAttemptRecord[] = [];
  onIkeAttempt(world, (r) => records.push(r));
  const results: PhaseResult[] = [];
  const info: Record<string, unknown> = {};
  let fatal: string | undefined;
  let charon: ChildProcess | undefined;
  let oldResponder: IkeUdpTransport | undefined;
  const sw = join(W, 'swanctl');
  const charonLog = join(W, 'charon.log');
  const env = { STRONGSWAN_CONF: join(W, 'strongswan.conf'), SWANCTL_DIR: sw };
  const uri = ['--uri', 'unix:///run/charon.vici'];
  try {
    // CA running?
    await waitFor(() => !!pkiState(world.device('CA')!).ca, 10_000);
    const t: Term = await term(r1);
    const cfg = await t.type(
      [
        'configure terminal',
        'crypto pki trustpoint TP',
        ' enrollment url http://127.0.0.1:8080',
        ' subject-name CN=R1.twin.test,O=TwinLab,C=US',
        ' serial-number none',
        ' ip-address none',
        ' revocation-check none',
        ' rsakeypair TP 2048',
        ' auto-enroll 90 regenerate',
        'exit',
        'crypto ikev2 profile TWIN',
        ' match identity remote any',
        ' authentication remote rsa-sig',
        ' authentication local rsa-sig',
        ' pki trustpoint TP',
        'exit',
        'crypto pki authenticate TP',
        '',
      ].join('\r'),
    );
    await t.cmd('yes');
    await t.cmd('end');
    info.configure = cfg;
    const tp = () => pkiState(r1).trustpoints.get('TP')!;
    if (!(await waitFor(() => tp().certs.ids.length > 0, 15_000))) throw new Error('R1 did not enroll');
    const cert1 = tp().certs.ids[0]!.cert;
    const key1 = pkiState(r1).keys.get('TP')!.main;
    info.cert1 = { serial: cert1.serialHex, notBefore: cert1.notBefore, notAfter: cert1.notAfter, subject: cert1.subjectDn, dns: cert1.dnsSans };

    // ---- strongSwan: key, certificate by SCEP from the twin CA (over HTTP), config
    for (const d of ['x509ca', 'x509', 'private', 'conf.d']) mkdirSync(join(sw, d), { recursive: true });
    const caDer = pkiState(world.device('CA')!).ca!.caCert.der;
    writeFileSync(join(W, 'ca.der'), caDer);
    writeFileSync(join(sw, 'x509ca', 'twinca.pem'), toPem(caDer));
    const enrollSs = async (tag: string) => {
      const key = join(W, `client-${tag}.key`);
      const g = await sh('pki', ['--gen', '--type', 'rsa', '--size', '2048', '--outform', 'pem'], undefined, 60_000);
      if (g.code !== 0) throw new Error(`pki --gen: ${g.out}`);
      writeFileSync(key, g.out.slice(g.out.indexOf('-----BEGIN')));
      const r = await sh('pki', ['--scep', '--url', 'http://127.0.0.1:8080/cgi-bin/pkiclient.exe', '--in', key, '--dn', 'C=US, O=TwinLab, CN=client.twin.test', '--san', 'client.twin.test',
        '--cacert-enc', join(W, 'ca.der'), '--cacert-sig', join(W, 'ca.der'), '--cipher', 'des3', '--outform', 'pem', '--interval', '1', '--maxpolltime', '20'], undefined, 60_000);
      const pem = r.out.slice(r.out.indexOf('-----BEGIN CERTIFICATE-----'));
      if (r.code !== 0 || !pem.startsWith('-----BEGIN CERTIFICATE-----')) throw new Error(`pki --scep (${tag}) failed: ${r.out}`);
      writeFileSync(join(sw, 'x509', 'client.pem'), pem);
      writeFileSync(join(sw, 'private', 'client.key'), readFileSync(key));
      info[`scep-${tag}`] = r.out.split('\n').filter((l) => !/BEGIN|END|^[A-Za-z0-9+/=]{40,}$/.test(l)).join('\n').slice(-2000);
      return pem;
    };
    info.clientCert1 = await enrollSs('1');
    writeFileSync(join(W, 'strongswan.conf'), `${charonSection(charonLog)}swanctl {
  socket = unix:///run/charon.vici
}
`);
    const conn = (name: string, port: number) => `  ${name} {
    version = 2
    remote_addrs = 127.0.0.1
    remote_port = ${port}
    proposals = default
    local {
      auth = pubkey
      certs = client.pem
      id = client.twin.test
    }
    remote {
      auth = pubkey
      id = R1.twin.test
    }
  }
`;
    writeFileSync(join(sw, 'swanctl.conf'), `connections {
${conn('twin', 4500)}${conn('oldcert', 4700)}  fromtwin {
    version = 2
    local {
      auth = pubkey
      certs = client.pem
      id = client.twin.test
    }
    remote {
      auth = pubkey
      id = R1.twin.test
    }
  }
}
`);
    charon = spawn(CHARON, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
    if (!(await waitFor(() => existsSync('/run/charon.vici'), 10_000))) throw new Error('charon did not create its vici socket');
    const load = await swanctlLoadAll(env);
    if (load.code !== 0) throw new Error(`swanctl --load-all: ${load.out}`);

    const logLen = () => (existsSync(charonLog) ? readFileSync(charonLog).length : 0);
    const phase = async (label: string, body: () => Promise<{ code: number | null; out: string; listSas: string; established: boolean }>) => {
      const r0 = records.length;
      const l0 = logLen();
      const r = await body();
      await sleep(300);
      results.push({
        label,
        exitCode: r.code,
        output: r.out,
        listSas: r.listSas,
        ssEstablished: r.established,
        records: records.slice(r0),
        charonLog: existsSync(charonLog) ? readFileSync(charonLog).subarray(l0).toString('utf8') : '',
        info: { r1Serial: tp().certs.ids[0]?.cert.serialHex, realNow: Date.now(), r1Wall: r1.wallNow() },
      });
    };
    const swanInitiate = (connName: string, expectRecords: boolean) => async () => {
      await sh('swanctl', ['--flush-certs', ...uri], env);
      const r0 = records.length;
      const r = await sh('swanctl', ['--initiate', '--ike', connName, '--timeout', '20', ...uri], env, 30_000);
      if (expectRecords) await waitFor(() => records.length > r0, 3000);
      const listSas = (await sh('swanctl', ['--list-sas', ...uri], env)).out;
      const established = new RegExp(`${connName}: #\\d+, ESTABLISHED, IKEv2`).test(listSas);
      await sh('swanctl', ['--terminate', '--ike', connName, '--timeout', '5', ...uri], env);
      return { code: r.code, out: r.out, listSas, established };
    };
    const twinInitiate = async () => {
      const r0 = records.length;
      const out = await t.cmd('simulation ike initiate strongswan');
      await waitFor(() => records.slice(r0).some((x) => x.router === 'R1' && x.direction === 'outbound'), 15_000);
      await sleep(200);
      const listSas = (await sh('swanctl', ['--list-sas', ...uri], env)).out;
      // charon may file R1's initiation under `twin` or `fromtwin` (both match R1's identity).
      const established = /(fromtwin|twin): #\d+, ESTABLISHED, IKEv2/.test(listSas);
      const rec = records.slice(r0).find((x) => x.router === 'R1' && x.direction === 'outbound');
      const sa = await t.cmd('show crypto ikev2 sa');
      for (const c of ['fromtwin', 'twin']) await sh('swanctl', ['--terminate', '--ike', c, '--timeout', '5', ...uri], env);
      return { code: rec?.ok ? 0 : 1, out: `${out}\n${sa}`, listSas, established };
    };

    // ---- phase A: first certificates
    await phase('A: strongSwan -> R1', swanInitiate('twin', true));
    await phase('A: R1 -> strongSwan', twinInitiate);

    // ---- phase B: R1 rolls over (simulated 335 days), strongSwan re-enrolls, fresh initiations
    info.advance = await t.cmd('simulation advance 335d');
    const cert2 = tp().certs.ids[0]!.cert;
    info.cert2 = { serial: cert2.serialHex, notBefore: cert2.notBefore, notAfter: cert2.notAfter, keyChanged: !cert2.spkiDer.equals(cert1.spkiDer) };
    info.r1Logs = r1.syslog.entries().map((e) => e.text).filter((l) => /PKI|CRYPTO/.test(l)).slice(-12);
    info.clientCert2 = await enrollSs('2');
    await sh('swanctl', ['--load-creds', '--clear', ...uri], env);
    await phase('B: strongSwan -> R1 after rollover', swanInitiate('twin', true));
    await phase('B: R1 -> strongSwan after rollover', twinInitiate);
    info.showSim = await t.cmd('show simulation ike');

    // ---- phase C: R1's OLD certificate (expired in real time now) presented to strongSwan
    const wait = cert1.notAfter + 2000 - Date.now();
    info.waitedForExpiryMs = Math.max(0, wait);
    if (wait > 0) await sleep(wait);
    const old = new IkeEngine({
      name: 'R1-old-cert',
      rng: r1.rng.fork('ike.oldcert'),
      now: () => world.now(),
      wallNow: () => r1.wallNow(),
      credentials: { certChain: [cert1.der], privateKey: key1.privateKey },
      trust: { anchors: [caDer] },
      log: (l) => twinLog.push(l),
      onEvent: (e) => twinLog.push(`old-cert responder: ${e.type} ${e.sa.auth?.reason ?? ''}`),
    });
    oldResponder = new IkeUdpTransport(old, { host: '127.0.0.1', ports: [{ port: 4700, marker: 'auto' }] });
    await oldResponder.start();
    info.oldKeyPem = privateKeyPem(key1).length;
    await phase('C: strongSwan -> expired old certificate', swanInitiate('oldcert', false));
  } catch (e) {
    fatal = (e as Error).stack ?? String(e);
  } finally {
    if (charon && charon.exitCode === null && charon.pid) {
      process.kill(charon.pid, 'SIGTERM');
      await waitFor(() => charon!.exitCode !== null || charon!.signalCode !== null, 5000);
    }
    await oldResponder?.close();
    await lw.stop?.();
  }
  process.stdout.write(`\nRESULT ${JSON.stringify({ fatal, results, info, twinLog: twinLog.slice(-200) })}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stdout.write(`\nRESULT ${JSON.stringify({ fatal: (e as Error).stack ?? String(e), results: [] })}\n`);
    process.exit(1);
  },
);
