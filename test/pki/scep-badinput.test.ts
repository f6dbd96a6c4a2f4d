/**
 * Bad input against the twin CA: every case ends in an HTTP 4xx or a CertRep FAILURE with the right
 * failInfo, never an exception or a 5xx; afterwards the CA still issues and its state (issued store,
 * serial counter, request queue) is exactly what it was.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool, type RsaKeyPair } from '../../pki/keys.js';
import { ScepCa, type CaConfig } from '../../pki/ca.js';
import { enroll, inProcessTransport } from '../../pki/scep/client.js';
import { buildPkiMessage, MessageType, parsePkiMessage, type FailInfo } from '../../pki/scep/message.js';
import { attribute, buildEnvelopedData, buildSignedData } from '../../pki/scep/cms.js';
import * as D from '../../pki/der.js';
import { OID } from '../../pki/oids.js';
import { buildCsr, createSelfSigned, parseCertificate, parseCsr, type CertInfo } from '../../pki/x509.js';
import type { ContentCipher } from '../../pki/scep/crypto.js';

const pool = KeyPool.load();
const T0 = 1_767_225_600_000;

function setup(config: Partial<CaConfig> = {}) {
  const ca = ScepCa.create({ config: { name: 'BADCA', grant: 'auto', challengePassword: 'pw', ...config }, key: pool.at(2048, 6), clock: () => T0, rng: new Rng(5) });
  return ca;
}

function signerFor(key: RsaKeyPair, subjectDer: Buffer): CertInfo {
  return parseCertificate(createSelfSigned({ key, subjectDer, serial: 77, notBefore: T0 - 1000, notAfter: T0 + 1e10 }));
}

interface MsgOpts {
  key?: RsaKeyPair;
  csr?: Buffer;
  messageData?: Buffer;
  messageType?: number;
  cipher?: ContentCipher;
  digest?: 'md5' | 'sha1' | 'sha256';
  signer?: CertInfo;
  signerKey?: RsaKeyPair;
  recipients?: CertInfo[];
  transactionId?: string;
}

function request(ca: ScepCa, o: MsgOpts = {}): Buffer {
  const key = o.key ?? pool.at(1024, 30);
  const csr = o.csr ?? buildCsr({ key, fqdn: 'R1.lab', challengePassword: 'pw' });
  const signer = o.signer ?? signerFor(key, parseCsr(csr).subjectDer);
  return buildPkiMessage({
    messageType: o.messageType ?? MessageType.PKCSReq,
    transactionId: o.transactionId ?? 'TXN1',
    senderNonce: Buffer.alloc(16, 7),
    messageData: o.messageData ?? csr,
    recipients: o.recipients ?? [ca.caCert],
    cipher: o.cipher ?? 'aes-128-cbc',
    digest: o.digest ?? 'sha256',
    signerCert: signer,
    signerKey: (o.signerKey ?? key).privateKey,
    rng: new Rng(9),
  });
}

function post(ca: ScepCa, body: Buffer) {
  return ca.handleScep({ method: 'POST', path: '/cgi-bin/pkiclient.exe', query: 'operation=PKIOperation', body });
}

function expectFailure(ca: ScepCa, body: Buffer, failInfo: FailInfo, text?: RegExp) {
  const res = post(ca, body);
  expect(res.status, res.body.toString()).toBe(200);
  const rep = parsePkiMessage(res.body, { trusted: [ca.caCert] });
  expect(rep.signatureOk).toBe(true);
  expect(rep.messageType).toBe(MessageType.CertRep);
  expect(rep.pkiStatus).toBe('FAILURE');
  expect(rep.failInfo).toBe(failInfo);
  if (text) expect(rep.failInfoText).toMatch(text);
  expect(rep.envelope).toBeUndefined();
  return rep;
}

/** Replace every occurrence of one byte pattern by another of the same length. */
function patch(buf: Buffer, from: Buffer, to: Buffer): Buffer {
  expect(from.length).toBe(to.length);
  const out = Buffer.from(buf);
  let i = out.indexOf(from);
  expect(i).toBeGreaterThanOrEqual(0);
  while (i >= 0) {
    to.copy(out, i);
    i = out.indexOf(from, i + 1);
  }
  return out;
}

async function stillWorks(ca: ScepCa) {
  const r = await enroll({ url: 'http://ca', transport: inProcessTransport(ca), caCert: ca.caCert, csrKey: pool.at(1024, 31), subject: { fqdn: 'ok.lab' }, challenge: 'pw', rng: new Rng(1), now: T0 });
  expect(r.status).toBe('issued');
}

describe('twin CA under bad input', () => {
  it('garbage, empty and non-CMS bodies → HTTP 400', () => {
    const ca = setup();
    const before = JSON.stringify(ca.toJSON());
    for (const body of [Buffer.from('hello'), Buffer.alloc(0), Buffer.from([0x30, 0x82, 0xff, 0xff, 0x01]), D.seq(D.oid(OID.data)), D.seq(D.int(1)), Buffer.alloc(64, 0xff)]) {
      const res = post(ca, body);
      expect([400], res.body.toString()).toContain(res.status);
    }
    expect(ca.handleScep({ method: 'GET', path: '/', query: 'operation=PKIOperation&message=' }).status).toBe(400);
    expect(ca.handleScep({ method: 'GET', path: '/', query: 'operation=PKIOperation' }).status).toBe(400);
    expect(ca.handleScep({ method: 'GET', path: '/', query: 'operation=PKIOperation&message=%E0%A4%A' }).status).toBe(400);
    expect(ca.handleScep({ method: 'GET', path: '/', query: 'operation=PKIOperation&message=@@@@' }).status).toBe(400);
    expect(JSON.stringify(ca.toJSON())).toBe(before);
  });

  it('huge bodies and parameters → 413', () => {
    const ca = setup();
    expect(post(ca, Buffer.alloc(300 * 1024, 0x30)).status).toBe(413);
    expect(ca.handleScep({ method: 'GET', path: '/', query: 'operation=PKIOperation&message=' + 'A'.repeat(600 * 1024) }).status).toBe(413);
  });

  it('every truncation of a valid request → 400 or FAILURE, never a crash', async () => {
    const ca = setup();
    const good = request(ca);
    const before = JSON.stringify(ca.toJSON());
    const seen = new Set<number>();
    for (let n = 0; n < good.length; n += 13) {
      const res = post(ca, good.subarray(0, n));
      seen.add(res.status);
      expect([400, 413]).toContain(res.status);
    }
    expect(JSON.stringify(ca.toJSON())).toBe(before);
    await stillWorks(ca);
  });

  it('random byte corruption → 400 or a signed FAILURE; the store only ever gains valid issues', async () => {
    const ca = setup();
    const good = request(ca);
    const rng = new Rng(1234);
    const statuses: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(good);
      const flips = rng.int(1, 3);
      for (let f = 0; f < flips; f++) bad[rng.int(0, bad.length - 1)] ^= 1 << rng.int(0, 7);
      const res = post(ca, bad);
      expect(res.status === 200 || res.status === 400, `status ${res.status}: ${res.body.toString('latin1', 0, 100)}`).toBe(true);
      let key = String(res.status);
      if (res.status === 200) {
        const rep = parsePkiMessage(res.body, { trusted: [ca.caCert] });
        expect(rep.signatureOk).toBe(true);
        key = `${rep.pkiStatus}:${rep.failInfo ?? ''}`;
      }
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    // most corruptions are caught by the signature / digest check
    expect(statuses['FAILURE:badMessageCheck'] ?? 0).toBeGreaterThan(50);
    for (const i of ca.issued()) expect(i.subject === 'hostname=R1.lab' || i.subject === 'hostname=ok.lab').toBe(true);
    expect(ca.issued().map((i) => i.serial)).toEqual(ca.issued().map((_, n) => n + 2));
    await stillWorks(ca);
  });

  it('wrongly signed messages → FAILURE badMessageCheck', () => {
    const ca = setup();
    const before = JSON.stringify(ca.toJSON());
    const key = pool.at(1024, 32);
    const csr = buildCsr({ key, fqdn: 'R1.lab', challengePassword: 'pw' });
    // signed with another key than the embedded signer certificate's
    expectFailure(ca, request(ca, { key, csr, signerKey: pool.at(1024, 33) }), 'badMessageCheck', /signature does not verify/);
    // signature bytes flipped
    const good = request(ca, { key, csr });
    const sigTail = good.length - 5;
    const flipped = Buffer.from(good);
    flipped[sigTail] ^= 0x01;
    expectFailure(ca, flipped, 'badMessageCheck');
    // envelope swapped after signing: messageDigest mismatch
    const other = buildEnvelopedData({ content: csr, recipients: [ca.caCert], cipher: 'aes-128-cbc', rng: new Rng(77) });
    const orig = buildEnvelopedData({ content: csr, recipients: [ca.caCert], cipher: 'aes-128-cbc', rng: new Rng(9) });
    expect(good.indexOf(orig)).toBeGreaterThan(0);
    expectFailure(ca, Buffer.from(patch(good, orig, other)), 'badMessageCheck', /messageDigest/);
    // signer certificate missing from the message
    const signer = signerFor(key, parseCsr(csr).subjectDer);
    const noCert = buildSignedData({
      content: orig,
      certificates: [],
      signer: {
        cert: signer,
        key: key.privateKey,
        digest: 'sha256',
        attributes: [
          attribute(OID.scepTransactionId, D.printable('T')),
          attribute(OID.scepMessageType, D.printable('19')),
          attribute(OID.scepSenderNonce, D.octets(Buffer.alloc(16, 1))),
        ],
      },
    });
    expectFailure(ca, noCert, 'badMessageCheck', /signer certificate not included/);
    // a self-signed signer certificate whose own signature is broken
    const brokenSigner = Buffer.from(signer.der);
    brokenSigner[brokenSigner.length - 3] ^= 0xff;
    expectFailure(ca, request(ca, { key, csr, signer: parseCertificate(brokenSigner) }), 'badRequest', /not issued by this CA/);
    expect(JSON.stringify(ca.toJSON())).toBe(before);
  });

  it('policy failures: wrong/missing challenge, CSR key ≠ signer key, bad CSR → FAILURE', async () => {
    const ca = setup();
    const before = JSON.stringify(ca.toJSON());
    const key = pool.at(1024, 34);
    expectFailure(ca, request(ca, { key, csr: buildCsr({ key, fqdn: 'R1.lab', challengePassword: 'wrong' }) }), 'badRequest', /invalid challenge/);
    expectFailure(ca, request(ca, { key, csr: buildCsr({ key, fqdn: 'R1.lab' }) }), 'badRequest', /challenge password missing/);
    const other = pool.at(1024, 35);
    expectFailure(ca, request(ca, { key, csr: buildCsr({ key: other, fqdn: 'R1.lab', challengePassword: 'pw' }), signer: signerFor(key, D.seq()) }), 'badRequest', /differs from the signer key/);
    expectFailure(ca, request(ca, { key, messageData: Buffer.from('definitely not a CSR') }), 'badRequest', /bad certificate request/);
    const csr = buildCsr({ key, fqdn: 'R1.lab', challengePassword: 'pw' });
    const badCsr = Buffer.from(csr);
    badCsr[badCsr.length - 2] ^= 0x40; // break the CSR self-signature
    expectFailure(ca, request(ca, { key, csr: badCsr, signer: signerFor(key, parseCsr(csr).subjectDer) }), 'badMessageCheck', /request signature/);
    expect(JSON.stringify(ca.toJSON())).toBe(before);
    await stillWorks(ca);
  });

  it('envelope problems: wrong recipient → badMessageCheck, unknown cipher → badAlg, no envelope → badRequest', () => {
    const ca = setup();
    const before = JSON.stringify(ca.toJSON());
    const key = pool.at(1024, 36);
    const stranger = parseCertificate(createSelfSigned({ key: pool.at(1024, 37), subjectDer: D.seq(), serial: 3, notBefore: T0, notAfter: T0 + 1e9 }));
    expectFailure(ca, request(ca, { key, recipients: [stranger] }), 'badMessageCheck', /cannot decrypt/);
    // RC2-CBC (1.2.840.113549.3.2) instead of 3DES (…3.7): same length OID, re-signed
    const csr = buildCsr({ key, fqdn: 'R1.lab', challengePassword: 'pw' });
    const env = patch(buildEnvelopedData({ content: csr, recipients: [ca.caCert], cipher: 'des-ede3-cbc', rng: new Rng(1) }), D.oid(OID.desEde3CBC), D.oid('1.2.840.113549.3.2'));
    const signer = signerFor(key, parseCsr(csr).subjectDer);
    const attrs = (type: string) => [
      attribute(OID.scepTransactionId, D.printable('T2')),
      attribute(OID.scepMessageType, D.printable(type)),
      attribute(OID.scepSenderNonce, D.octets(Buffer.alloc(16, 2))),
    ];
    const rc2 = buildSignedData({ content: env, certificates: [signer.der], signer: { cert: signer, key: key.privateKey, digest: 'sha256', attributes: attrs('19') } });
    expectFailure(ca, rc2, 'badAlg', /unsupported content encryption/);
    const empty = buildSignedData({ content: Buffer.alloc(0), certificates: [signer.der], signer: { cert: signer, key: key.privateKey, digest: 'sha256', attributes: attrs('19') } });
    expectFailure(ca, empty, 'badRequest', /envelope missing/i);
    expect(JSON.stringify(ca.toJSON())).toBe(before);
  });

  it('algorithm and type problems: unknown digest / MD5 when refused → badAlg; unknown type → badRequest; unknown poll → badCertId', () => {
    const ca = setup();
    const before = JSON.stringify(ca.toJSON());
    const key = pool.at(1024, 38);
    // sha256 → sha3-256 (2.16.840.1.101.3.4.2.8), same length
    expectFailure(ca, patch(request(ca, { key }), D.oid(OID.sha256), D.oid('2.16.840.1.101.3.4.2.8')), 'badAlg', /unsupported digest/);
    const strict = setup({ allowMd5: false });
    expectFailure(strict, request(strict, { key, digest: 'md5' }), 'badAlg', /MD5/);
    expectFailure(ca, request(ca, { key, messageType: 99 }), 'badRequest', /type 99 not supported/);
    expectFailure(ca, request(ca, { key, messageType: MessageType.GetCRL }), 'badRequest');
    expectFailure(ca, request(ca, { key, messageType: MessageType.CertPoll, messageData: D.seq(ca.caCert.subjectDer, D.seq()) }), 'badCertId');
    expect(JSON.stringify(ca.toJSON())).toBe(before);
  });

  it('rejects bad persisted state with a clear error', () => {
    expect(() => ScepCa.fromJSON(null, { clock: () => 0, rng: new Rng(1) })).toThrow(/bad CA state/);
    expect(() => ScepCa.fromJSON({ version: 2 }, { clock: () => 0, rng: new Rng(1) })).toThrow(/bad CA state/);
    const j = setup().toJSON();
    expect(() => ScepCa.fromJSON({ ...j, keyPem: 'nope' }, { clock: () => 0, rng: new Rng(1) })).toThrow(/cannot read RSA private key/);
    expect(() => ScepCa.fromJSON({ ...j, caCert: Buffer.from('x').toString('base64') }, { clock: () => 0, rng: new Rng(1) })).toThrow();
    expect(() => ScepCa.fromJSON({ ...j, caCert: setup().toJSON().caCert, keyPem: j.keyPem.replace('MII', 'MIJ') }, { clock: () => 0, rng: new Rng(1) })).toThrow();
    const used = setup({ grant: 'manual', challengePassword: undefined });
    post(used, request(used, { csr: buildCsr({ key: pool.at(1024, 30), fqdn: 'R1.lab' }) }));
    const uj = used.toJSON();
    expect(uj.requests).toHaveLength(1);
    expect(() => ScepCa.fromJSON({ ...uj, requests: [{ ...uj.requests[0]!, csrDer: 'AAAA' }] }, { clock: () => 0, rng: new Rng(1) })).toThrow(/bad CA state: request 1/);
    expect(ScepCa.fromJSON(uj, { clock: () => 0, rng: new Rng(1) }).listRequests()).toHaveLength(1);
  });
});
