/**
 * Interop (extra): strongSwan 5.9.8 `pki --scep` enrols against the twin CA with manual approval.
 * It is the real client that sends CertPoll (20) while PENDING, and RenewalReq (17) with --cert/--key;
 * its PKCS#7 parser accepts only rsaEncryption SignerInfos, which the twin CA emits.
 * (`--cipher des3` works around its AES capability bug, protocols.md §5.3.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool, privateKeyPem } from '../../pki/keys.js';
import { ScepCa, parseScepQuery, decodeMessageParam, type ScepHttpRequest } from '../../pki/ca.js';
import { MessageType, parsePkiMessage } from '../../pki/scep/message.js';
import { isIssuedBy, parseCertificate, toPem } from '../../pki/x509.js';
import { startScepHttpServer, type ScepHttpServer } from '../../sim/transport/scep-http.js';
import { run, which } from './scep-helpers.js';

const PKI = which('pki');
if (!PKI) console.warn('SKIP scep-strongswan: strongSwan pki not installed (apt-get install strongswan-pki)');

describe.skipIf(!PKI)('strongSwan pki --scep → twin CA (manual grant, CertPoll, RenewalReq)', () => {
  const pool = KeyPool.load();
  let dir: string;
  let srv: ScepHttpServer;
  let ca: ScepCa;
  const seen: { type: number; tid: string }[] = [];
  let autoDecision: 'grant' | 'reject' = 'grant';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sspki-'));
    ca = ScepCa.create({ config: { name: 'SWANCA', issuerName: 'CN=SWANCA,O=Twin', grant: 'manual', challengePassword: 'pw' }, key: pool.at(2048, 12), clock: () => Date.now(), rng: new Rng(3) });
    // the "operator" approves (or rejects) one second after a request turns pending
    ca.onEvent((e) => {
      if (e.type === 'pending' && e.requestId !== undefined) {
        const id = e.requestId;
        setTimeout(() => (autoDecision === 'grant' ? ca.grant(id) : ca.reject(id)), 1000);
      }
    });
    const record = (r: ScepHttpRequest) => {
      try {
        const q = parseScepQuery(r.query);
        if (q.get('operation') === 'PKIOperation') {
          const der = r.method === 'POST' ? Buffer.from(r.body ?? []) : decodeMessageParam(q.get('message') ?? '');
          const m = parsePkiMessage(der);
          seen.push({ type: m.messageType, tid: m.transactionId });
        }
      } catch {
        /* recorded only */
      }
      return ca.handleScep(r);
    };
    srv = await startScepHttpServer({ handler: record });
    writeFileSync(join(dir, 'ca.der'), ca.caCert.der);
    writeFileSync(join(dir, 'ca.pem'), toPem(ca.caCert.der));
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pki = (args: string[]) =>
    run(PKI!, ['--scep', '--url', `${srv.url}/cgi-bin/pkiclient.exe`, '--cacert-enc', join(dir, 'ca.der'), '--cacert-sig', join(dir, 'ca.der'), '--cipher', 'des3', '--outform', 'pem', '--interval', '1', '--maxpolltime', '30', ...args], { cwd: dir, timeoutMs: 60_000 });

  it('PKCSReq → PENDING → CertPoll until granted → certificate', async () => {
    writeFileSync(join(dir, 'k1.pem'), privateKeyPem(pool.at(2048, 50)));
    seen.length = 0;
    const r = await pki(['--in', join(dir, 'k1.pem'), '--dn', 'CN=r1.example', '--san', 'r1.example', '--password', 'pw']);
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(join(dir, 'c1.pem'), r.stdout);
    const cert = parseCertificate(r.stdout);
    expect(isIssuedBy(cert, ca.caCert)).toBe(true);
    expect(cert.dnsSans).toEqual(['r1.example']);
    expect(cert.spkiDer.equals(pool.at(2048, 50).spkiDer)).toBe(true);
    expect(seen[0]!.type).toBe(MessageType.PKCSReq);
    expect(seen.slice(1).every((s) => s.type === MessageType.CertPoll && s.tid === seen[0]!.tid)).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const v = await run('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'c1.pem')]);
    expect(v.stdout).toContain(': OK');
  });

  it('RenewalReq with --cert/--key and a new key is granted at once', async () => {
    writeFileSync(join(dir, 'k2.pem'), privateKeyPem(pool.at(2048, 51)));
    seen.length = 0;
    const r = await pki(['--in', join(dir, 'k2.pem'), '--dn', 'CN=r1.example', '--san', 'r1.example', '--cert', join(dir, 'c1.pem'), '--key', join(dir, 'k1.pem')]);
    expect(r.code, r.stderr).toBe(0);
    const cert = parseCertificate(r.stdout);
    expect(cert.spkiDer.equals(pool.at(2048, 51).spkiDer)).toBe(true);
    expect(seen.map((s) => s.type)).toEqual([MessageType.RenewalReq]);
    expect(ca.listRequests().at(-1)).toMatchObject({ renewal: true, state: 'granted' });
  });

  it('a rejected request ends the client with an error', async () => {
    autoDecision = 'reject';
    writeFileSync(join(dir, 'k3.pem'), privateKeyPem(pool.at(2048, 52)));
    const r = await pki(['--in', join(dir, 'k3.pem'), '--dn', 'CN=r3.example', '--password', 'pw']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/fail|reject|badRequest/i);
    expect(ca.listRequests().at(-1)).toMatchObject({ state: 'rejected' });
  });
});
