import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool, PoolKeySource } from '../../pki/keys.js';
import {
  buildCsr,
  createCaCertificate,
  dnLines,
  iosDate,
  iosFingerprint,
  issueCertificate,
  isIssuedBy,
  parseCertificate,
  parseCsr,
  parseDnString,
  toPem,
} from '../../pki/x509.js';
import * as D from '../../pki/der.js';
import { civilFromMs, msFromCivil } from '../../pki/civil.js';

const pool = KeyPool.load();
const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function openssl(args: string[], dir: string): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('key pool', () => {
  it('holds the documented sizes and draws deterministically without reuse', async () => {
    expect(pool.sizes()).toEqual([512, 768, 1024, 2048]);
    expect(pool.count(1024)).toBe(64);
    expect(pool.count(2048)).toBe(64);
    const a = new PoolKeySource(new KeyPool({ version: 1, keys: { '1024': [0, 1, 2, 3].map((i) => pool.at(1024, i).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string) } }), new Rng(7));
    const b = new PoolKeySource(new KeyPool({ version: 1, keys: { '1024': [0, 1, 2, 3].map((i) => pool.at(1024, i).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string) } }), new Rng(7));
    const ka = await Promise.all([1, 2, 3, 4].map(() => a.generate(1024)));
    const kb = await Promise.all([1, 2, 3, 4].map(() => b.generate(1024)));
    expect(ka.map((k) => k.spkiDer.toString('hex'))).toEqual(kb.map((k) => k.spkiDer.toString('hex')));
    expect(new Set(ka.map((k) => k.spkiDer.toString('hex'))).size).toBe(4);
    await expect(a.generate(4096)).rejects.toThrow(/no 4096-bit keys/);
    expect(ka[0]!.bits).toBe(1024);
  });
});

describe('civil time', () => {
  it('round-trips without Date', () => {
    for (const ms of [0, 951_782_400_000, NOW, 2_524_608_000_000, 4_102_444_800_000 + 86_399_000]) {
      expect(msFromCivil(civilFromMs(ms))).toBe(ms);
    }
    expect(iosDate(Date.UTC(2024, 3, 6, 1, 36, 54))).toBe('01:36:54 UTC Apr 6 2024');
  });
  it('encodes UTCTime before 2050 and GeneralizedTime after', () => {
    expect(D.time(NOW).toString('latin1', 2)).toBe('260101000000Z');
    expect(D.parse(D.time(NOW)).tag).toBe(0x17);
    const late = Date.UTC(2051, 0, 2, 3, 4, 5);
    expect(D.time(late).toString('latin1', 2)).toBe('20510102030405Z');
    expect(D.readTime(D.parse(D.time(late)))).toBe(late);
  });
});

describe('x509', () => {
  const caKey = pool.at(2048, 0);
  const rKey = pool.at(1024, 0);
  const caDer = createCaCertificate({ key: caKey, issuerName: 'CN=R1CA,L=Lab,C=US', now: NOW, lifetimeDays: 1095 });
  const ca = parseCertificate(caDer);

  it('builds a self-signed IOS-style CA certificate', () => {
    expect(ca.serialHex).toBe('01');
    expect(ca.subjectDn).toBe('cn=R1CA,l=Lab,c=US');
    expect(ca.issuerDn).toBe(ca.subjectDn);
    expect(ca.isCa).toBe(true);
    expect(ca.keyUsage.sort()).toEqual(['cRLSign', 'digitalSignature', 'keyCertSign']);
    expect(ca.notBefore).toBe(NOW);
    expect(ca.notAfter).toBe(NOW + 1095 * 86_400_000);
    expect(ca.bits).toBe(2048);
    expect(isIssuedBy(ca, ca)).toBe(true);
    // DER order is reversed relative to the RFC 4514 string
    expect(ca.subjectRdns.map((a) => a.short)).toEqual(['c', 'l', 'cn']);
    // deterministic bytes
    expect(createCaCertificate({ key: caKey, issuerName: 'CN=R1CA,L=Lab,C=US', now: NOW, lifetimeDays: 1095 }).equals(caDer)).toBe(true);
  });

  it('builds an IOS-style CSR and issues a certificate that openssl verifies', () => {
    const csrDer = buildCsr({
      key: rKey,
      subjectName: 'CN=R1,OU=VPN,O=Example,C=US',
      fqdn: 'R1.lab.local',
      ipAddress: '10.0.0.1',
      serialNumber: 'FTX123',
      challengePassword: 'cisco123',
    });
    const csr = parseCsr(csrDer);
    expect(csr.signatureValid).toBe(true);
    expect(csr.challengePassword).toBe('cisco123');
    expect(csr.subjectDn).toBe('serialNumber=FTX123+hostname=R1.lab.local+ipaddress=10.0.0.1,cn=R1,ou=VPN,o=Example,c=US');
    expect(dnLines(csr.subjectRdns)).toEqual(['serialNumber=FTX123+hostname=R1.lab.local+ipaddress=10.0.0.1', 'cn=R1', 'ou=VPN', 'o=Example', 'c=US']);
    expect(csr.requestedDnsSans).toEqual(['R1.lab.local']);
    expect(csr.requestedIpSans).toEqual(['10.0.0.1']);
    expect(csr.md5Hex).toMatch(/^[0-9A-F]{32}$/);

    const certDer = issueCertificate({ csr, caCert: ca, caKey: caKey.privateKey, serial: 2, now: NOW + 1000, lifetimeMs: 365 * 86_400_000 });
    const cert = parseCertificate(certDer);
    expect(cert.serialHex).toBe('02');
    expect(cert.subjectDer.equals(csr.subjectDer)).toBe(true);
    expect(cert.issuerDn).toBe('cn=R1CA,l=Lab,c=US');
    expect(cert.ipSans).toEqual(['10.0.0.1']);
    expect(cert.dnsSans).toEqual(['R1.lab.local']);
    expect(cert.keyUsage.sort()).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(cert.isCa).toBe(false);
    expect(cert.spkiSha1Hex).toBe(csr.spkiSha1Hex);
    expect(cert.notBefore).toBe(NOW + 1000);
    expect(cert.notAfter).toBe(NOW + 1000 + 365 * 86_400_000);
    expect(cert.akiHex).toBe(ca.skiHex);
    expect(isIssuedBy(cert, ca)).toBe(true);
    expect(iosFingerprint(cert.md5Hex)).toMatch(/^([0-9A-F]{8} ){3}[0-9A-F]{8}$/);
    expect(iosFingerprint(cert.sha1Hex).split(' ')).toHaveLength(5);

    const dir = mkdtempSync(join(tmpdir(), 'x509-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), toPem(caDer));
      writeFileSync(join(dir, 'cert.pem'), toPem(certDer));
      writeFileSync(join(dir, 'csr.pem'), toPem(csrDer, 'CERTIFICATE REQUEST'));
      const at = String(Math.floor(NOW / 1000) + 3600);
      expect(openssl(['verify', '-attime', at, '-CAfile', 'ca.pem', 'cert.pem'], dir)).toContain('cert.pem: OK');
      expect(openssl(['verify', '-attime', at, '-purpose', 'sslclient', '-CAfile', 'ca.pem', 'cert.pem'], dir)).toContain('OK');
      const reqText = execFileSync('openssl', ['req', '-in', 'csr.pem', '-noout', '-verify', '-text'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(reqText).toContain('challengePassword');
      expect(reqText).toMatch(/unstructuredName\s*=\s*R1\.lab\.local/);
      const text = openssl(['x509', '-in', 'cert.pem', '-noout', '-text', '-fingerprint', '-sha1'], dir);
      expect(text).toContain('IP Address:10.0.0.1');
      expect(text).toContain('DNS:R1.lab.local');
      expect(text.replace(/:/g, '')).toContain(cert.sha1Hex);
      // the node verifier agrees
      expect(new X509Certificate(certDer).verify(new X509Certificate(caDer).publicKey)).toBe(true);
      expect(new X509Certificate(certDer).serialNumber).toBe('02');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('clamps issued validity to the CA lifetime and prints serials with even digits', () => {
    const csr = parseCsr(buildCsr({ key: rKey, fqdn: 'R2.lab' }));
    const c = parseCertificate(issueCertificate({ csr, caCert: ca, caKey: caKey.privateKey, serial: 0x1ab, now: NOW, lifetimeMs: 5000 * 86_400_000 }));
    expect(c.notAfter).toBe(ca.notAfter);
    expect(c.serialHex).toBe('01AB');
    const c2 = parseCertificate(issueCertificate({ csr, caCert: ca, caKey: caKey.privateKey, serial: 0x80, now: NOW, lifetimeMs: 1 }));
    expect(c2.serialHex).toBe('80');
    expect(c.subjectDn).toBe('hostname=R2.lab');
  });

  it('parses DN strings with escapes and multi-valued RDNs', () => {
    expect(parseDnString('CN=a\\,b+O=x,C=US')).toEqual([
      [{ oid: '2.5.4.6', value: 'US' }],
      [
        { oid: '2.5.4.3', value: 'a,b' },
        { oid: '2.5.4.10', value: 'x' },
      ],
    ]);
    expect(() => parseDnString('foo')).toThrow(/bad distinguished name/);
    expect(() => parseDnString('XX=1')).toThrow(/unknown attribute/);
  });

  it('rejects garbage with clear errors', () => {
    expect(() => parseCertificate(Buffer.from('hello'))).toThrow(D.DerError);
    expect(() => parseCertificate(caDer.subarray(0, 100))).toThrow(/truncated/);
    expect(() => parseCsr(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => D.parse(Buffer.from([0x30, 0x80, 0x30, 0x80]))).toThrow(/truncated/);
    // deep nesting is bounded
    const deep = Buffer.concat([Buffer.alloc(200, 0x30).map((_, i) => (i % 2 ? 0x80 : 0x30))]);
    expect(() => D.parse(deep)).toThrow(D.DerError);
  });
});
