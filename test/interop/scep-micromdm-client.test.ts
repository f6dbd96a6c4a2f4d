/**
 * Interop (a): Debian's micromdm `scepclient` enrols against the twin CA served by
 * sim/transport/scep-http.ts on a free loopback port: PKCSReq with and without a challenge,
 * RenewalReq with the issued certificate, wrong challenge. Issued certs pass `openssl verify`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool, privateKeyPem } from '../../pki/keys.js';
import { ScepCa } from '../../pki/ca.js';
import { MessageType } from '../../pki/scep/message.js';
import { parseCertificate, toPem } from '../../pki/x509.js';
import { startScepHttpServer, type ScepHttpServer } from '../../sim/transport/scep-http.js';
import { run, which } from './scep-helpers.js';

const SCEPCLIENT = which('scepclient');
const OPENSSL = which('openssl');
if (!SCEPCLIENT || !OPENSSL) console.warn(`SKIP scep-micromdm-client: ${!SCEPCLIENT ? 'scepclient' : 'openssl'} not installed (apt-get install scep openssl)`);

describe.skipIf(!SCEPCLIENT || !OPENSSL)('micromdm scepclient → twin CA over HTTP', () => {
  const pool = KeyPool.load();
  let dir: string;
  const servers: ScepHttpServer[] = [];
  const cas: Record<string, ScepCa> = {};
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scepclient-'));
    for (const [name, challenge] of [
      ['open', undefined],
      ['pw', 's3cret'],
    ] as const) {
      // the CA clock is the real clock here: scepclient and openssl check validity against it
      const ca = ScepCa.create({
        config: { name: `TWIN-${name}`, issuerName: `CN=TWIN-${name},O=Router Twin,C=US`, grant: 'auto', challengePassword: challenge },
        key: pool.at(2048, 10),
        clock: () => Date.now(),
        rng: new Rng(name.length),
      });
      const s = await startScepHttpServer({ handler: ca, host: '127.0.0.1', port: 0 });
      servers.push(s);
      cas[name] = ca;
      urls[name] = `${s.url}/scep`;
      writeFileSync(join(dir, `ca-${name}.pem`), toPem(ca.caCert.der));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** One directory per identity: scepclient keeps csr.pem/self.pem next to the key. */
  function identity(name: string, keyIndex: number): string {
    const d = join(dir, name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    writeFileSync(join(d, 'key.pem'), privateKeyPem(pool.at(2048, keyIndex)));
    return d;
  }

  async function scepclient(d: string, args: string[]) {
    return run(SCEPCLIENT!, ['-private-key', join(d, 'key.pem'), '-certificate', join(d, 'cert.pem'), ...args], { cwd: d, timeoutMs: 60_000 });
  }

  async function verify(caName: string, certPath: string) {
    return run(OPENSSL!, ['verify', '-CAfile', join(dir, `ca-${caName}.pem`), certPath]);
  }

  it('enrols without a challenge; cert verifies; then renews with RenewalReq', async () => {
    const d = identity('r1', 20);
    const r = await scepclient(d, ['-server-url', urls.open!, '-cn', 'R1.lab.local', '-organization', 'Lab']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const v = await verify('open', join(d, 'cert.pem'));
    expect(v.stdout).toContain(': OK');
    const cert = parseCertificate(readFileSync(join(d, 'cert.pem'), 'utf8'));
    expect(cert.subjectDn).toBe('cn=R1.lab.local,ou=MDM,o=Lab,c=US');
    expect(cert.issuerDn).toBe('cn=TWIN-open,o=Router Twin,c=US');
    expect(cert.spkiDer.equals(pool.at(2048, 20).spkiDer)).toBe(true);
    expect(cert.keyUsage.sort()).toEqual(['digitalSignature', 'keyEncipherment']);
    const ca = cas.open!;
    expect(ca.listRequests().at(-1)).toMatchObject({ messageType: MessageType.PKCSReq, renewal: false, state: 'granted' });

    // second run with the certificate present: RenewalReq signed by it
    copyFileSync(join(d, 'cert.pem'), join(d, 'cert-1.pem'));
    const r2 = await scepclient(d, ['-server-url', urls.open!, '-cn', 'R1.lab.local', '-organization', 'Lab']);
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    const renewed = parseCertificate(readFileSync(join(d, 'cert.pem'), 'utf8'));
    expect(renewed.serialHex).not.toBe(cert.serialHex);
    expect((await verify('open', join(d, 'cert.pem'))).stdout).toContain(': OK');
    expect(ca.listRequests().at(-1)).toMatchObject({ messageType: MessageType.RenewalReq, renewal: true, state: 'granted' });
  });

  it('enrols with the right challenge and is refused with a wrong one', async () => {
    const d = identity('r2', 21);
    const bad = await scepclient(d, ['-server-url', urls.pw!, '-cn', 'R2', '-challenge', 'wrong']);
    expect(bad.stdout + bad.stderr).toMatch(/failInfo: badRequest/);
    expect(existsSync(join(d, 'cert.pem'))).toBe(false);
    expect(cas.pw!.issued()).toHaveLength(0);

    const d2 = identity('r2b', 21);
    const ok = await scepclient(d2, ['-server-url', urls.pw!, '-cn', 'R2', '-challenge', 's3cret']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect((await verify('pw', join(d2, 'cert.pem'))).stdout).toContain(': OK');
    expect(cas.pw!.issued()).toHaveLength(1);
  });

  it('pins the CA by SHA-256 fingerprint (-ca-fingerprint)', async () => {
    const d = identity('r3', 22);
    const fp = cas.open!.caCert.sha256Hex.toLowerCase();
    const ok = await scepclient(d, ['-server-url', urls.open!, '-cn', 'R3', '-ca-fingerprint', fp]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const d2 = identity('r3b', 22);
    const bad = await scepclient(d2, ['-server-url', urls.open!, '-cn', 'R3', '-ca-fingerprint', '00'.repeat(32)]);
    expect(bad.code).not.toBe(0);
    expect(existsSync(join(d2, 'cert.pem'))).toBe(false);
  });
});
