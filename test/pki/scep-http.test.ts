import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool } from '../../pki/keys.js';
import { ScepCa } from '../../pki/ca.js';
import { enroll, getCaCaps, getCaCert, ScepClientError } from '../../pki/scep/client.js';
import { isIssuedBy } from '../../pki/x509.js';
import { startScepHttpServer, type ScepHttpServer } from '../../sim/transport/scep-http.js';
import { httpRequest, httpTransport } from '../../sim/transport/http-client.js';

const pool = KeyPool.load();
const T0 = 1_767_225_600_000;

/** Raw HTTP exchange (lets us speak HTTP/1.0 like IOS and read the exact response head). */
function raw(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
    s.setTimeout(10_000, () => s.destroy(new Error('raw timeout')));
    s.write(text);
  });
}

describe('SCEP over real HTTP (loopback)', () => {
  let ca: ScepCa;
  let srv: ScepHttpServer;
  beforeAll(async () => {
    ca = ScepCa.create({ config: { name: 'HTTPCA', grant: 'auto' }, key: pool.at(2048, 4), clock: () => T0, rng: new Rng(11) });
    srv = await startScepHttpServer({ handler: ca });
  });
  afterAll(() => srv.close());

  it('serves the twin client by POST and GET on IOS and verbatim paths', async () => {
    const transport = httpTransport({ timeoutMs: 10_000 });
    for (const [url, method] of [
      [srv.url, 'POST'],
      [`${srv.url}/scep`, 'GET'],
      [`${srv.url}/x/y`, 'GET'],
    ] as const) {
      const { caCert } = await getCaCert({ url, transport, caIdent: 'HTTPCA' });
      expect(caCert.der.equals(ca.caCert.der)).toBe(true);
      const r = await enroll({ url, transport, caCert, csrKey: pool.at(2048, 30), subject: { fqdn: 'R1.lab', ipAddress: '10.1.1.1' }, rng: new Rng(1), now: T0, method });
      expect(r.status).toBe('issued');
      if (r.status === 'issued') expect(isIssuedBy(r.cert, ca.caCert)).toBe(true);
    }
    expect(ca.issued().length).toBe(1); // the same request re-sent is answered from the store
  });

  it('answers HTTP/1.0 with Content-Length and no chunking', async () => {
    const res = await raw(srv.port, 'GET /cgi-bin/pkiclient.exe?operation=GetCACaps HTTP/1.0\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 5.0; Cisco PKI)\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(res).toMatch(/Content-Length: \d+/i);
    expect(res).not.toMatch(/Transfer-Encoding/i);
    expect(res).toContain('POSTPKIOperation');
    const cert = await raw(srv.port, 'GET /cgi-bin/pkiclient.exe?operation=GetCACert&message=HTTPCA HTTP/1.0\r\n\r\n');
    const len = Number(/Content-Length: (\d+)/i.exec(cert)![1]);
    expect(len).toBe(ca.caCert.der.length);
    expect(cert).toMatch(/Content-Type: application\/x-x509-ca-cert/i);
  });

  it('accepts a long IOS-style GET (4096-bit key, wrapped base64)', async () => {
    const transport = httpTransport();
    const key4k = await import('../../sim/transport/keygen.js').then((m) => m.generateRsaKeyPair(4096));
    const r = await enroll({ url: srv.url, transport, caCert: ca.caCert, csrKey: key4k, subject: { subjectName: 'CN=' + 'x'.repeat(60) + ',OU=VPN,O=Example,C=US', fqdn: 'long.example.com' }, rng: new Rng(2), now: T0, method: 'GET', caps: new Set() });
    expect(r.status).toBe('issued');
  });

  it('rejects bad input with HTTP errors and keeps serving', async () => {
    const before = JSON.stringify(ca.toJSON());
    const big = await httpRequest({ method: 'POST', url: `${srv.url}/scep?operation=PKIOperation`, body: Buffer.alloc(1024 * 1024, 0x30) }).catch((e: Error) => e);
    // Either the 413 arrives or the socket is cut while we are still sending: both are refusals.
    if (!(big instanceof Error)) expect(big.status).toBe(413);
    const garbage = await httpRequest({ method: 'POST', url: `${srv.url}/scep?operation=PKIOperation`, body: Buffer.from('not a pkcs7 message at all') });
    expect(garbage.status).toBe(400);
    const noop = await httpRequest({ method: 'GET', url: `${srv.url}/scep?operation=GetNextCACert` });
    expect(noop.status).toBe(400);
    const noOp = await httpRequest({ method: 'GET', url: `${srv.url}/scep` });
    expect(noOp.status).toBe(400);
    const badB64 = await httpRequest({ method: 'GET', url: `${srv.url}/scep?operation=PKIOperation&message=%%%` });
    expect(badB64.status).toBe(400);
    const put = await httpRequest({ method: 'PUT' as 'POST', url: `${srv.url}/scep?operation=GetCACaps`, body: Buffer.from('x') });
    expect(put.status).toBe(405);
    const junk = await raw(srv.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(junk).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.stringify(ca.toJSON())).toBe(before);
    expect((await getCaCaps({ url: srv.url, transport: httpTransport() })).has('AES')).toBe(true);
  });

  it('applies the drop and slow faults', async () => {
    ca.faults.down = 'drop';
    await expect(getCaCert({ url: srv.url, transport: httpTransport() })).rejects.toBeInstanceOf(ScepClientError);
    ca.faults.down = false;
    ca.faults.slowMs = 30;
    const r = await getCaCert({ url: srv.url, transport: httpTransport() });
    expect(r.caCert.der.equals(ca.caCert.der)).toBe(true);
    ca.faults.slowMs = 0;
  });
});

describe('http-client', () => {
  let hold: Server;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    hold = createServer((s) => sockets.push(s)); // accepts and never answers
    await new Promise<void>((r) => hold.listen(0, '127.0.0.1', () => r()));
    port = (hold.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => hold.close(() => r()));
  });

  it('times out on a silent server and reports connection errors', async () => {
    await expect(httpRequest({ method: 'GET', url: `http://127.0.0.1:${port}/x` }, { timeoutMs: 200 })).rejects.toThrow(/timeout after 200 ms/);
    const closed = await new Promise<number>((r) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    await expect(httpRequest({ method: 'GET', url: `http://127.0.0.1:${closed}/x` })).rejects.toThrow(/ECONNREFUSED/);
    await expect(httpRequest({ method: 'GET', url: 'ftp://x/' })).rejects.toThrow(/unsupported scheme/);
    await expect(getCaCaps({ url: `http://127.0.0.1:${closed}/`, transport: httpTransport() })).rejects.toMatchObject({ kind: 'transport' });
  });
});
