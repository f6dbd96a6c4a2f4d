/**
 * Interop (b): the twin SCEP client (what the router runs) enrols against Debian's micromdm
 * `scepserver` (path /scep, private netns + socat bridge, -allowrenew 0): PKCSReq by POST and by GET,
 * wrong challenge, RenewalReq with a new key, PKCSReq signed by the old certificate (IOS style).
 * The CertRep comes back DES-encrypted with sha1WithRSA and an echoed senderNonce — all accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool } from '../../pki/keys.js';
import { enroll, getCaCaps, getCaCert, type CaCertResult } from '../../pki/scep/client.js';
import { MessageType } from '../../pki/scep/message.js';
import { isIssuedBy, toPem, type CertInfo } from '../../pki/x509.js';
import { httpTransport } from '../../sim/transport/http-client.js';
import { debianScepServerMissing, run, startDebianScepServer, which, type DebianScepServer } from './scep-helpers.js';

const missing = debianScepServerMissing() ?? (which('openssl') ? undefined : 'openssl not installed');
if (missing) console.warn(`SKIP scep-debian-server: ${missing}`);

describe.skipIf(!!missing)('twin SCEP client → Debian scepserver', () => {
  const pool = KeyPool.load();
  const transport = httpTransport({ timeoutMs: 15_000 });
  let srv: DebianScepServer;
  let ca: CaCertResult;
  let caps: Set<string>;
  let dir: string;
  let first: CertInfo | undefined;

  beforeAll(async () => {
    srv = await startDebianScepServer({ challenge: 's3cret', allowRenewDays: 0 });
    dir = mkdtempSync(join(tmpdir(), 'twinclient-'));
    ca = await getCaCert({ url: srv.url, transport, caIdent: 'scep' });
    caps = await getCaCaps({ url: srv.url, transport });
  }, 60_000);
  afterAll(async () => {
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function opensslVerify(cert: CertInfo): Promise<string> {
    const p = join(dir, `${cert.serialHex}.pem`);
    writeFileSync(p, toPem(cert.der));
    const r = await run('openssl', ['verify', '-CAfile', srv.caPem, p]);
    return r.stdout + r.stderr;
  }

  it('reads the CA certificate and capabilities', () => {
    expect(ca.caCert.subjectDn).toBe('ou=SCEP CA,o=TwinInterop,c=US');
    expect(ca.contentType).toBe('application/x-x509-ca-cert');
    expect([...caps].sort()).toEqual(['AES', 'DES3', 'POSTPKIOPERATION', 'RENEWAL', 'SCEPSTANDARD', 'SHA-1', 'SHA-256']);
  });

  it('PKCSReq by POST with the challenge → issued, verifies with openssl', async () => {
    const key = pool.at(2048, 40);
    const r = await enroll({ url: srv.url, transport, caCert: ca.caCert, caps, csrKey: key, subject: { subjectName: 'CN=R1,O=Lab', fqdn: 'R1.lab.local', ipAddress: '10.0.0.1' }, challenge: 's3cret', rng: new Rng(1), now: Date.now() });
    expect(r.status, JSON.stringify(r.status === 'failed' ? r : {})).toBe('issued');
    if (r.status !== 'issued') return;
    expect(r.session).toMatchObject({ cipher: 'aes-128-cbc', digest: 'sha256', post: true });
    expect(r.cert.spkiDer.equals(key.spkiDer)).toBe(true);
    expect(isIssuedBy(r.cert, ca.caCert)).toBe(true);
    expect(r.cert.ipSans).toEqual(['10.0.0.1']);
    expect(r.cert.dnsSans).toEqual(['R1.lab.local']);
    expect(await opensslVerify(r.cert)).toContain(': OK');
    first = r.cert;
  });

  it('PKCSReq by GET (legacy DES/SHA-1) → issued', async () => {
    const key = pool.at(2048, 41);
    const r = await enroll({ url: srv.url, transport, caCert: ca.caCert, caps, csrKey: key, subject: { fqdn: 'R2.lab.local' }, challenge: 's3cret', rng: new Rng(2), now: Date.now(), method: 'GET', cipher: 'des-cbc', digest: 'sha1' });
    expect(r.status).toBe('issued');
    if (r.status === 'issued') expect(await opensslVerify(r.cert)).toContain(': OK');
  });

  it('wrong challenge → FAILURE badRequest', async () => {
    const r = await enroll({ url: srv.url, transport, caCert: ca.caCert, caps, csrKey: pool.at(2048, 42), subject: { fqdn: 'R3.lab.local' }, challenge: 'wrong', rng: new Rng(3), now: Date.now() });
    expect(r).toMatchObject({ status: 'failed', failInfo: 'badRequest' });
  });

  it('RenewalReq with a new key, signed by the current certificate → issued', async () => {
    expect(first).toBeDefined();
    const newKey = pool.at(2048, 43);
    const r = await enroll({ url: srv.url, transport, caCert: ca.caCert, caps, csrKey: newKey, subject: { subjectName: 'CN=R1,O=Lab', fqdn: 'R1.lab.local' }, challenge: 's3cret', signerCert: first!, signerKey: pool.at(2048, 40), renewal: true, rng: new Rng(4), now: Date.now() });
    expect(r.session.messageType).toBe(MessageType.RenewalReq);
    expect(r.status).toBe('issued');
    if (r.status !== 'issued') return;
    expect(r.cert.spkiDer.equals(newKey.spkiDer)).toBe(true);
    expect(r.cert.serialHex).not.toBe(first!.serialHex);
    expect(await opensslVerify(r.cert)).toContain(': OK');
  });

  it('PKCSReq signed by the old certificate (IOS re-enrolment) → issued', async () => {
    const newKey = pool.at(2048, 44);
    const r = await enroll({ url: srv.url, transport, caCert: ca.caCert, caps, csrKey: newKey, subject: { subjectName: 'CN=R1,O=Lab', fqdn: 'R1.lab.local' }, challenge: 's3cret', signerCert: first!, signerKey: pool.at(2048, 40), rng: new Rng(5), now: Date.now() });
    expect(r.session.messageType).toBe(MessageType.PKCSReq);
    expect(r.status).toBe('issued');
  });
});
