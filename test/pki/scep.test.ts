import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool, privateKeyPem, type RsaKeyPair } from '../../pki/keys.js';
import { ScepCa, type CaConfig } from '../../pki/ca.js';
import {
  chooseAlgorithms,
  enroll,
  getCaCaps,
  getCaCert,
  inProcessTransport,
  parseCaCaps,
  poll,
  scepEndpoint,
  ScepClientError,
  type EnrollRequest,
} from '../../pki/scep/client.js';
import { buildCsr, createCaCertificate, createSelfSigned, isIssuedBy, parseCertificate, toPem, type CertInfo } from '../../pki/x509.js';
import { buildPkiMessage, MessageType, parsePkiMessage } from '../../pki/scep/message.js';
import { buildCertsOnly, buildEnvelopedData, decryptEnvelopedData } from '../../pki/scep/cms.js';
import type { ContentCipher } from '../../pki/scep/crypto.js';
import type { HashName } from '../../pki/oids.js';

const pool = KeyPool.load();
const T0 = 1_767_225_600_000; // 2026-01-01

function makeCa(config: Partial<CaConfig> = {}, seed = 1) {
  let now = T0;
  const clock = { now: () => now, set: (t: number) => (now = t) };
  const ca = ScepCa.create({ config: { name: 'LABCA', issuerName: 'CN=LABCA,O=Lab,C=US', grant: 'auto', ...config }, key: pool.at(2048, 1), clock: () => now, rng: new Rng(seed) });
  return { ca, clock };
}

function base(ca: ScepCa, key: RsaKeyPair, extra: Partial<EnrollRequest> = {}): EnrollRequest {
  return {
    url: 'http://ca.lab',
    transport: inProcessTransport(ca),
    caCert: ca.caCert,
    csrKey: key,
    subject: { fqdn: 'R1.lab.local', ipAddress: '10.0.0.1' },
    rng: new Rng(99),
    now: T0,
    ...extra,
  };
}

describe('SCEP endpoint rules', () => {
  it('maps IOS enrollment URLs', () => {
    expect(scepEndpoint('http://10.0.0.3')).toBe('http://10.0.0.3/cgi-bin/pkiclient.exe');
    expect(scepEndpoint('http://10.0.0.3:8080/')).toBe('http://10.0.0.3:8080/cgi-bin/pkiclient.exe');
    expect(scepEndpoint('http://10.0.0.3:8080/scep/myscep')).toBe('http://10.0.0.3:8080/scep/myscep/pkiclient.exe');
    expect(scepEndpoint('http://127.0.0.1:18080/scep')).toBe('http://127.0.0.1:18080/scep');
    expect(scepEndpoint('http://h/certsrv/mscep/mscep.dll/pkiclient.exe')).toBe('http://h/certsrv/mscep/mscep.dll/pkiclient.exe');
    expect(scepEndpoint('http://h/scep', 'ios')).toBe('http://h/scep/pkiclient.exe');
    expect(scepEndpoint('http://h/x/y', 'verbatim')).toBe('http://h/x/y');
    expect(() => scepEndpoint('https://h/')).toThrow(ScepClientError);
    expect(() => scepEndpoint('not a url')).toThrow(/bad enrollment URL/);
  });

  it('parses caps and chooses algorithms', () => {
    const c = parseCaCaps('Renewal\r\nsha-1\nSHA-256\nAES\nDES3\nSCEPStandard\nPOSTPKIOperation\nWhatever');
    expect(chooseAlgorithms(c)).toEqual({ cipher: 'aes-128-cbc', digest: 'sha256', post: true });
    expect(chooseAlgorithms(parseCaCaps(''))).toEqual({ cipher: 'des-cbc', digest: 'md5', post: false });
    expect(chooseAlgorithms(parseCaCaps('DES3\nSHA-1'))).toEqual({ cipher: 'des-ede3-cbc', digest: 'sha1', post: false });
  });
});

describe('CMS envelope', () => {
  const { ca } = makeCa();
  for (const cipher of ['des-cbc', 'des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'] as ContentCipher[]) {
    it(`round-trips ${cipher}, decryptable by openssl cms`, () => {
      const env = buildEnvelopedData({ content: Buffer.from('hello scep world'), recipients: [ca.caCert], cipher, rng: new Rng(3) });
      expect(decryptEnvelopedData(env, ca.key.privateKey, ca.caCert).content.toString()).toBe('hello scep world');
      const dir = mkdtempSync(join(tmpdir(), 'env-'));
      try {
        writeFileSync(join(dir, 'env.der'), env);
        writeFileSync(join(dir, 'key.pem'), privateKeyPem(ca.key));
        const out = execFileSync('openssl', ['cms', '-decrypt', '-provider', 'legacy', '-provider', 'default', '-inform', 'DER', '-in', 'env.der', '-inkey', 'key.pem', '-binary'], { cwd: dir });
        expect(out.toString()).toBe('hello scep world');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      // deterministic
      expect(buildEnvelopedData({ content: Buffer.from('hello scep world'), recipients: [ca.caCert], cipher, rng: new Rng(3) }).equals(env)).toBe(true);
    });
  }
  it('refuses the wrong key', () => {
    const env = buildEnvelopedData({ content: Buffer.from('x'), recipients: [ca.caCert], cipher: 'aes-128-cbc', rng: new Rng(3) });
    expect(() => decryptEnvelopedData(env, pool.at(2048, 2).privateKey)).toThrow(/cannot decrypt/);
  });
});

describe('twin client ↔ twin CA (in process)', () => {
  it('GetCACaps / GetCACert', async () => {
    const { ca } = makeCa();
    const ep = { url: 'http://ca.lab', transport: inProcessTransport(ca) };
    const caps = await getCaCaps(ep);
    expect([...caps]).toContain('SCEPSTANDARD');
    const r = await getCaCert({ ...ep, caIdent: 'LABCA' });
    expect(r.caCert.der.equals(ca.caCert.der)).toBe(true);
    expect(r.contentType).toBe('application/x-x509-ca-cert');
  });

  it('GetCACert: degenerate PKCS#7 chain (x-x509-ca-ra-cert) → CA and RA certificates', async () => {
    const { ca } = makeCa();
    const ra = await enroll(base(ca, pool.at(1024, 20), { subject: { subjectName: 'CN=RA' } }));
    if (ra.status !== 'issued') throw new Error('expected issued');
    const handler = () => ({ status: 200, headers: { 'Content-Type': 'application/x-x509-ca-ra-cert' }, body: buildCertsOnly([ra.cert.der, ca.caCert.der]) });
    const r = await getCaCert({ url: 'http://ca.lab', transport: inProcessTransport(handler) });
    expect(r.caCert.der.equals(ca.caCert.der)).toBe(true);
    expect(r.raCerts.map((c) => c.subjectDn)).toEqual(['cn=RA']);
    expect(r.chain).toHaveLength(2);
    const junk = () => ({ status: 200, headers: { 'Content-Type': 'application/x-x509-ca-cert' }, body: Buffer.from('nope') });
    await expect(getCaCert({ url: 'http://ca.lab', transport: inProcessTransport(junk) })).rejects.toMatchObject({ kind: 'protocol' });
  });

  const combos: [ContentCipher, HashName, 'GET' | 'POST'][] = [
    ['des-cbc', 'md5', 'GET'],
    ['des-cbc', 'sha1', 'POST'],
    ['des-ede3-cbc', 'sha1', 'GET'],
    ['aes-128-cbc', 'sha256', 'POST'],
    ['aes-256-cbc', 'sha256', 'GET'],
    ['aes-128-cbc', 'sha512', 'POST'],
  ];
  for (const [cipher, digest, method] of combos) {
    it(`enrolls with ${cipher} / ${digest} / ${method}`, async () => {
      const { ca } = makeCa();
      const key = pool.at(1024, 3);
      const r = await enroll(base(ca, key, { cipher, digest, method }));
      expect(r.status).toBe('issued');
      if (r.status !== 'issued') return;
      expect(r.cert.serialHex).toBe('02');
      expect(r.cert.spkiDer.equals(key.spkiDer)).toBe(true);
      expect(isIssuedBy(r.cert, ca.caCert)).toBe(true);
      expect(r.cert.subjectDn).toBe('hostname=R1.lab.local+ipaddress=10.0.0.1');
      expect(r.cert.ipSans).toEqual(['10.0.0.1']);
      expect(r.chain.map((c) => c.der.equals(ca.caCert.der))).toEqual([true]);
      expect(ca.issued()).toHaveLength(1);
    });
  }

  it('picks AES/SHA-256/POST from caps and legacy DES/MD5/GET without caps', async () => {
    const seen: { method: string; body?: Buffer; url: string }[] = [];
    for (const caps of [undefined, [] as string[]]) {
      const { ca } = makeCa(caps ? { caps } : {});
      const inner = inProcessTransport(ca);
      const r = await enroll(base(ca, pool.at(1024, 4), { transport: async (q) => (seen.push(q), inner(q)) }));
      expect(r.status).toBe('issued');
      expect(r.session.cipher).toBe(caps ? 'des-cbc' : 'aes-128-cbc');
      expect(r.session.digest).toBe(caps ? 'md5' : 'sha256');
      expect(r.session.post).toBe(!caps);
    }
    const get = seen.find((s) => s.url.includes('PKIOperation') && s.method === 'GET')!;
    expect(get.url).toMatch(/message=[A-Za-z0-9%]+%0A/); // IOS-style wrapped, escaped
    expect(get.url).not.toMatch(/message=.*[+/=]/);
  });

  it('manual grant: PENDING, CertPoll until granted, same cert again on re-poll', async () => {
    const { ca, clock } = makeCa({ grant: 'manual' });
    const key = pool.at(1024, 5);
    const r = await enroll(base(ca, key, { subject: { subjectName: 'CN=R15,O=Otus,C=RU', fqdn: 'R15', serialNumber: 'FTX1' } }));
    expect(r.status).toBe('pending');
    const reqs = ca.listRequests();
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({ id: 1, state: 'pending', subject: 'serialNumber=FTX1+hostname=R15,cn=R15,o=Otus,c=RU' });
    expect(reqs[0]!.fingerprint).toMatch(/^[0-9A-F]{32}$/);
    expect(reqs[0]!.transactionId).toBe(r.session.transactionId);
    const p1 = await poll({ url: 'http://ca.lab', transport: inProcessTransport(ca), caCert: ca.caCert, session: r.session, signerKey: key, rng: new Rng(5), now: T0 });
    expect(p1.status).toBe('pending');
    clock.set(T0 + 120_000);
    expect(ca.grant(1)).toEqual([1]);
    expect(ca.grant('all')).toEqual([]);
    const p2 = await poll({ url: 'http://ca.lab', transport: inProcessTransport(ca), caCert: ca.caCert, session: r.session, signerKey: key, rng: new Rng(6), now: T0 });
    expect(p2.status).toBe('issued');
    if (p2.status !== 'issued') return;
    expect(p2.cert.notBefore).toBe(T0 + 120_000); // issued at grant time on the CA clock
    const p3 = await poll({ url: 'http://ca.lab', transport: inProcessTransport(ca), caCert: ca.caCert, session: r.session, signerKey: key, rng: new Rng(7), now: T0 });
    expect(p3.status === 'issued' && p3.cert.der.equals(p2.cert.der)).toBe(true);
    expect(ca.issued()).toHaveLength(1);
    // re-sending the identical PKCSReq (same signer, CSR and transaction ID: a lost reply) gets the same certificate
    const again = await enroll({ ...base(ca, key), csr: r.session.csrDer });
    expect(again.status === 'issued' && again.cert.der.equals(p2.cert.der)).toBe(true);
    expect(ca.listRequests()).toHaveLength(1);
  });

  it('manual reject → FAILURE badRequest; unknown transaction → badCertId', async () => {
    const { ca } = makeCa({ grant: 'manual' });
    const key = pool.at(1024, 6);
    const r = await enroll(base(ca, key));
    expect(r.status).toBe('pending');
    expect(ca.reject('all')).toEqual([1]);
    const p = await poll({ url: 'http://ca.lab', transport: inProcessTransport(ca), caCert: ca.caCert, session: r.session, signerKey: key, rng: new Rng(5), now: T0 });
    expect(p).toMatchObject({ status: 'failed', failInfo: 'badRequest' });
    const p2 = await poll({ url: 'http://ca.lab', transport: inProcessTransport(ca), caCert: ca.caCert, session: { ...r.session, transactionId: 'NOPE' }, signerKey: key, rng: new Rng(5), now: T0 });
    expect(p2).toMatchObject({ status: 'failed', failInfo: 'badCertId' });
  });

  it('challenge password: missing/wrong → badRequest, right → issued', async () => {
    const { ca } = makeCa({ challengePassword: 's3cret' });
    expect(await enroll(base(ca, pool.at(1024, 7)))).toMatchObject({ status: 'failed', failInfo: 'badRequest', failInfoText: 'challenge password missing' });
    expect(await enroll(base(ca, pool.at(1024, 7), { challenge: 'nope' }))).toMatchObject({ status: 'failed', failInfo: 'badRequest', failInfoText: 'invalid challenge password' });
    expect((await enroll(base(ca, pool.at(1024, 7), { challenge: 's3cret' }))).status).toBe('issued');
    expect(ca.issued()).toHaveLength(1);
  });

  it('renewal with key rollover: RenewalReq and IOS-style PKCSReq signed by the current cert', async () => {
    const { ca, clock } = makeCa({ grant: 'manual', challengePassword: 'pw' });
    const k1 = pool.at(1024, 8);
    const first = await enroll(base(ca, k1, { challenge: 'pw' }));
    expect(first.status).toBe('pending');
    ca.grant('all');
    const got = await poll({ url: 'http://ca.lab', transport: inProcessTransport(ca), caCert: ca.caCert, session: first.session, signerKey: k1, rng: new Rng(1), now: T0 });
    if (got.status !== 'issued') throw new Error('expected issued');
    clock.set(T0 + 86_400_000);
    // RenewalReq (17), new key, no challenge, auto-granted because signed by a valid cert of this CA
    const k2 = pool.at(1024, 9);
    const ren = await enroll(base(ca, k2, { signerCert: got.cert, signerKey: k1, renewal: true }));
    expect(ren.session.messageType).toBe(MessageType.RenewalReq);
    expect(ren.status).toBe('issued');
    if (ren.status !== 'issued') return;
    expect(ren.cert.spkiDer.equals(k2.spkiDer)).toBe(true);
    expect(ren.cert.serialHex).toBe('03');
    // PKCSReq (19) signed by the renewed cert, new key again
    const k3 = pool.at(1024, 10);
    const ren2 = await enroll(base(ca, k3, { signerCert: ren.cert, signerKey: k2 }));
    expect(ren2.session.messageType).toBe(MessageType.PKCSReq);
    expect(ren2.status).toBe('issued');
    expect(ca.listRequests().map((r) => [r.renewal, r.state])).toEqual([
      [false, 'granted'],
      [true, 'granted'],
      [true, 'granted'],
    ]);
    // revoked signer → refused; expired signer → badTime
    ca.revoke(4);
    if (ren2.status !== 'issued') return;
    expect(await enroll(base(ca, pool.at(1024, 11), { signerCert: ren2.cert, signerKey: k3, renewal: true }))).toMatchObject({ status: 'failed', failInfo: 'badRequest', failInfoText: 'signer certificate is revoked' });
    clock.set(T0 + 400 * 86_400_000);
    expect(await enroll(base(ca, pool.at(1024, 11), { signerCert: ren.cert, signerKey: k2, renewal: true }))).toMatchObject({ status: 'failed', failInfo: 'badTime' });
  });

  it('refuses RenewalReq signed by a self-signed or foreign certificate', async () => {
    const { ca } = makeCa();
    const k = pool.at(1024, 12);
    const selfCert = parseCertificate(createSelfSigned({ key: k, subjectDer: ca.caCert.subjectDer, serial: 5, notBefore: T0 - 1000, notAfter: T0 + 1e9 }));
    expect(await enroll(base(ca, k, { signerCert: selfCert, signerKey: k, renewal: true }))).toMatchObject({ status: 'failed', failInfo: 'badRequest' });
    const otherCaKey = pool.at(2048, 3);
    const other = parseCertificate(createCaCertificate({ key: otherCaKey, issuerName: 'CN=OTHER', now: T0 - 1000, lifetimeDays: 30 }));
    const other2 = ScepCa.create({ config: { name: 'OTHER', grant: 'auto' }, key: otherCaKey, clock: () => T0, rng: new Rng(4) });
    const foreign = await enroll(base(other2, k));
    if (foreign.status !== 'issued') throw new Error('expected issued');
    expect(isIssuedBy(foreign.cert, other)).toBe(true);
    expect(await enroll(base(ca, pool.at(1024, 13), { signerCert: foreign.cert, signerKey: k, renewal: true }))).toMatchObject({
      status: 'failed',
      failInfo: 'badRequest',
      failInfoText: 'signer certificate was not issued by this CA',
    });
    expect(ca.issued()).toHaveLength(0);
  });

  it('refuses a self-signed PKCSReq whose CSR key differs from the signer key', async () => {
    const { ca } = makeCa();
    const signerKey = pool.at(1024, 14);
    const csrKey = pool.at(1024, 15);
    const csrDer = buildCsr({ key: csrKey, fqdn: 'R9.lab' });
    const signer = parseCertificate(createSelfSigned({ key: signerKey, subjectDer: ca.caCert.subjectDer, serial: 9, notBefore: T0 - 1000, notAfter: T0 + 1e9 }));
    const msg = buildPkiMessage({
      messageType: MessageType.PKCSReq,
      transactionId: 'T1',
      senderNonce: Buffer.alloc(16, 1),
      messageData: csrDer,
      recipients: [ca.caCert],
      cipher: 'aes-128-cbc',
      digest: 'sha256',
      signerCert: signer,
      signerKey: signerKey.privateKey,
      rng: new Rng(1),
    });
    const res = ca.handleScep({ method: 'POST', path: '/scep', query: 'operation=PKIOperation', body: msg });
    expect(res.status).toBe(200);
    const rep = parsePkiMessage(res.body, { trusted: [ca.caCert] });
    expect(rep).toMatchObject({ pkiStatus: 'FAILURE', failInfo: 'badRequest', failInfoText: 'certificate request key differs from the signer key', signatureOk: true });
    expect(rep.recipientNonce?.equals(Buffer.alloc(16, 1))).toBe(true);
    expect(ca.issued()).toHaveLength(0);
  });

  it('state survives JSON round trip and the CA is deterministic', async () => {
    const run = async () => {
      const { ca } = makeCa({ grant: 'manual' }, 42);
      const r1 = await enroll(base(ca, pool.at(1024, 16)));
      ca.grant('all');
      const r2 = await enroll(base(ca, pool.at(1024, 17), { subject: { fqdn: 'R2.lab' } }));
      return { ca, r1, r2 };
    };
    const a = await run();
    const b = await run();
    expect(JSON.stringify(a.ca.toJSON())).toBe(JSON.stringify(b.ca.toJSON()));
    const json = JSON.parse(JSON.stringify(a.ca.toJSON()));
    const restored = ScepCa.fromJSON(json, { clock: () => T0 + 5000, rng: new Rng(8) });
    expect(restored.caCert.der.equals(a.ca.caCert.der)).toBe(true);
    expect(restored.listRequests().map((r) => r.state)).toEqual(['granted', 'pending']);
    expect(restored.grant(2)).toEqual([2]);
    expect(restored.issued().map((i) => i.serialHex)).toEqual(['02', '03']);
    expect(() => ScepCa.fromJSON({ ...json, nextSerial: 'x' }, { clock: () => 0, rng: new Rng(1) })).toThrow(/bad CA state: nextSerial/);
  });

  it('fault switches and shutdown', async () => {
    const { ca } = makeCa();
    const ep = base(ca, pool.at(1024, 18));
    ca.faults.down = '503';
    await expect(getCaCert(ep)).rejects.toMatchObject({ kind: 'http', status: 503 });
    ca.faults.down = 'drop';
    await expect(getCaCert(ep)).rejects.toMatchObject({ kind: 'transport' });
    ca.faults.down = false;
    ca.faults.slowMs = 2500;
    expect(ca.handleScep({ method: 'GET', path: '/x', query: 'operation=GetCACaps' }).delayMs).toBe(2500);
    const delays: number[] = [];
    await getCaCert({ ...ep, transport: inProcessTransport(ca, { delay: async (ms) => void delays.push(ms) }) });
    expect(delays).toEqual([2500]);
    ca.faults.slowMs = 0;
    ca.faults.rejectAll = true;
    expect(await enroll(ep)).toMatchObject({ status: 'failed', failInfo: 'badRequest' });
    ca.faults.rejectAll = false;
    ca.enabled = false;
    expect(ca.handleScep({ method: 'GET', path: '/', query: 'operation=GetCACert' }).status).toBe(503);
    ca.enabled = true;
    expect((await enroll(ep)).status).toBe('issued');
  });

  it('CertRep verifies with openssl cms and the request decrypts with openssl', async () => {
    const { ca } = makeCa();
    const key = pool.at(1024, 19);
    let reqDer: Buffer | undefined;
    let repDer: Buffer | undefined;
    const inner = inProcessTransport(ca);
    const r = await enroll(
      base(ca, key, {
        cipher: 'des-cbc',
        digest: 'sha1',
        method: 'POST',
        transport: async (q) => {
          const res = await inner(q);
          if (q.url.includes('PKIOperation')) {
            reqDer = q.body;
            repDer = res.body;
          }
          return res;
        },
      }),
    );
    expect(r.status).toBe('issued');
    const dir = mkdtempSync(join(tmpdir(), 'cms-'));
    try {
      writeFileSync(join(dir, 'req.der'), reqDer!);
      writeFileSync(join(dir, 'rep.der'), repDer!);
      writeFileSync(join(dir, 'ca.pem'), toPem(ca.caCert.der));
      writeFileSync(join(dir, 'ca.key'), privateKeyPem(ca.key));
      writeFileSync(join(dir, 'client.key'), privateKeyPem(key));
      const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const printed = sh('openssl cms -cmsout -print -inform DER -in req.der');
      expect(printed).toContain('2.16.840.1.113733.1.9.2');
      sh('openssl cms -verify -noverify -inform DER -in req.der -binary -out env.der');
      sh('openssl cms -decrypt -provider legacy -provider default -inform DER -in env.der -inkey ca.key -binary -out csr.der');
      expect(sh('openssl req -inform DER -in csr.der -noout -verify -subject')).toMatch(/unstructuredName\s*=\s*R1\.lab\.local/);
      sh(`openssl cms -verify -inform DER -in rep.der -CAfile ca.pem -purpose any -attime ${Math.floor(T0 / 1000) + 60} -binary -out renv.der`);
      sh('openssl cms -decrypt -provider legacy -provider default -inform DER -in renv.der -inkey client.key -binary -out certs.der');
      const certs = sh('openssl pkcs7 -inform DER -in certs.der -print_certs');
      expect(certs).toContain('subject=unstructuredName');
      expect(readFileSync(join(dir, 'certs.der')).length).toBeGreaterThan(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

export type { CertInfo };
