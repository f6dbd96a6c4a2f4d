/**
 * Test PKI for IKE tests: a CA and end-entity certificates built with node-forge and keys from
 * node:crypto. Everything is DER Buffers + KeyObjects so a chain from anywhere (e.g. the twin
 * CA over SCEP) can be passed to the same test helpers instead.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

export interface TestKey {
  privateKey: KeyObject;
  pem: string;
  forgePriv: forge.pki.rsa.PrivateKey;
  forgePub: forge.pki.rsa.PublicKey;
}

export function genKey(bits = 2048): TestKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }) as string;
  const forgePriv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  const forgePub = forge.pki.setRsaPublicKey(forgePriv.n, forgePriv.e);
  return { privateKey: createPrivateKey(pem), pem, forgePriv, forgePub };
}

export interface CertSpec {
  subject: Record<string, string> | Array<[string, string]>;
  key: TestKey;
  issuer?: { cert: Buffer; key: TestKey };
  ca?: boolean;
  pathLen?: number;
  noBasicConstraints?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  serial?: string;
  dns?: string[];
  ip?: string[];
  email?: string[];
  /** keyUsage names (forge style); undefined → default (EE: digitalSignature+keyEncipherment; CA: keyCertSign+cRLSign); null → no KU ext. */
  keyUsage?: string[] | null;
  hash?: 'sha256' | 'sha1';
}

const SHORT: Record<string, string> = { CN: 'commonName', C: 'countryName', O: 'organizationName', OU: 'organizationalUnitName', L: 'localityName', ST: 'stateOrProvinceName' };

let serialCounter = 1000;

export function issueCert(spec: CertSpec): Buffer {
  const c = forge.pki.createCertificate();
  c.publicKey = spec.key.forgePub;
  c.serialNumber = spec.serial ?? (serialCounter++).toString(16).padStart(4, '0');
  const nb = spec.notBefore ?? new Date(Date.now() - 3600_000);
  const na = spec.notAfter ?? new Date(Date.now() + 365 * 86400_000);
  c.validity.notBefore = nb;
  c.validity.notAfter = na;
  const entries = Array.isArray(spec.subject) ? spec.subject : Object.entries(spec.subject);
  const attrs = entries.map(([k, v]) => (k === 'unstructuredName' ? { type: '1.2.840.113549.1.9.2', value: v, valueTagClass: 22 as forge.asn1.Type } : { name: SHORT[k] ?? k, value: v }));
  c.setSubject(attrs as forge.pki.CertificateField[]);
  const issuerCert = spec.issuer ? forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(spec.issuer.cert.toString('binary')))) : undefined;
  c.setIssuer(issuerCert ? issuerCert.subject.attributes : (attrs as forge.pki.CertificateField[]));
  const exts: object[] = [];
  if (!spec.noBasicConstraints) exts.push({ name: 'basicConstraints', cA: !!spec.ca, critical: true, ...(spec.pathLen !== undefined ? { pathLenConstraint: spec.pathLen } : {}) });
  if (spec.keyUsage !== null) {
    const ku = spec.keyUsage ?? (spec.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']);
    const o: Record<string, unknown> = { name: 'keyUsage', critical: true };
    for (const k of ku) o[k] = true;
    exts.push(o);
  }
  const alt: object[] = [];
  for (const d of spec.dns ?? []) alt.push({ type: 2, value: d });
  for (const e of spec.email ?? []) alt.push({ type: 1, value: e });
  for (const ip of spec.ip ?? []) alt.push({ type: 7, ip });
  if (alt.length) exts.push({ name: 'subjectAltName', altNames: alt });
  exts.push({ name: 'subjectKeyIdentifier' });
  if (issuerCert) {
    const ski = issuerCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
    if (ski?.subjectKeyIdentifier) exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ski.subjectKeyIdentifier) });
  }
  c.setExtensions(exts);
  const md = spec.hash === 'sha1' ? forge.md.sha1.create() : forge.md.sha256.create();
  c.sign((spec.issuer?.key ?? spec.key).forgePriv, md);
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary');
}

export function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export interface TestCa {
  key: TestKey;
  cert: Buffer;
  issue(spec: Omit<CertSpec, 'issuer' | 'key'> & { key?: TestKey }): { cert: Buffer; key: TestKey };
}

export function makeCa(name = 'TwinLab Root CA', opts: { bits?: number; notBefore?: Date; notAfter?: Date } = {}): TestCa {
  const key = genKey(opts.bits ?? 2048);
  const cert = issueCert({
    subject: [['C', 'US'], ['O', 'TwinLab'], ['CN', name]], key, ca: true,
    notBefore: opts.notBefore ?? new Date(Date.now() - 86400_000), notAfter: opts.notAfter ?? new Date(Date.now() + 10 * 365 * 86400_000),
  });
  return {
    key,
    cert,
    issue(spec) {
      const k = spec.key ?? genKey(opts.bits ?? 2048);
      return { cert: issueCert({ ...spec, key: k, issuer: { cert, key } }), key: k };
    },
  };
}
