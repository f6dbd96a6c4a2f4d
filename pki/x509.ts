/**
 * X.509 certificates and PKCS#10 requests: build (CA, issued, self-signed, IOS-style CSR), parse
 * into a model, verify, and IOS-style formatting helpers.
 *
 * Encoding is done with the small DER codec in ./der.ts so that subject Names are copied byte
 * for byte (IOS uses multi-valued RDNs such as hostname=…+ipaddress=…). Signing uses node:crypto
 * RSA PKCS#1 v1.5, which is deterministic: same inputs → same certificate bytes.
 */
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as D from './der.js';
import { DerError, TAG, type Node } from './der.js';
import { OID, SIG_OID, hashFromSigOid, type HashName } from './oids.js';
import { spkiSha1Hex, type RsaKeyPair } from './keys.js';
import { civilFromMs } from './civil.js';

export const DAY_MS = 86_400_000;

// ====================================================================== names

/** One attribute (AVA) of a distinguished name, in DER order; `set` = index of its RDN. */
export interface Ava {
  short: string;
  oid: string;
  value: string;
  set: number;
}

const SHORT_TO_OID: Record<string, string> = {
  cn: '2.5.4.3',
  sn: '2.5.4.4',
  serialnumber: '2.5.4.5',
  c: '2.5.4.6',
  l: '2.5.4.7',
  st: '2.5.4.8',
  street: '2.5.4.9',
  o: '2.5.4.10',
  ou: '2.5.4.11',
  title: '2.5.4.12',
  gn: '2.5.4.42',
  dc: '0.9.2342.19200300.100.1.25',
  uid: '0.9.2342.19200300.100.1.1',
  e: OID.emailAddress,
  ea: OID.emailAddress,
  emailaddress: OID.emailAddress,
  hostname: OID.unstructuredName,
  unstructuredname: OID.unstructuredName,
  ipaddress: OID.unstructuredAddress,
  unstructuredaddress: OID.unstructuredAddress,
};

/** Short names as IOS prints them (lower case except serialNumber). */
const OID_TO_SHORT: Record<string, string> = {
  '2.5.4.3': 'cn',
  '2.5.4.4': 'sn',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'c',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.9': 'street',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '2.5.4.12': 'title',
  '2.5.4.42': 'gn',
  '0.9.2342.19200300.100.1.25': 'dc',
  '0.9.2342.19200300.100.1.1': 'uid',
  [OID.emailAddress]: 'e',
  [OID.unstructuredName]: 'hostname',
  [OID.unstructuredAddress]: 'ipaddress',
};

export function shortNameOf(oid: string): string {
  return OID_TO_SHORT[oid] ?? oid;
}

export function oidOfShortName(name: string): string {
  const k = name.trim().toLowerCase();
  const o = SHORT_TO_OID[k];
  if (o) return o;
  if (/^\d+(\.\d+)+$/.test(k)) return k;
  throw new Error(`unknown attribute name "${name}" in distinguished name`);
}

const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function encodeAvaValue(oid: string, value: string): Buffer {
  if (oid === OID.emailAddress || oid === OID.unstructuredName) {
    return /^[\x00-\x7f]*$/.test(value) ? D.ia5(value) : D.utf8(value);
  }
  if (oid === '2.5.4.6') {
    if (!/^[A-Za-z]{2}$/.test(value)) throw new Error(`country must be two letters, got "${value}"`);
    return D.printable(value.toUpperCase());
  }
  return PRINTABLE_RE.test(value) ? D.printable(value) : D.utf8(value);
}

/** Encode a Name from RDNs in DER order; each inner array is one (possibly multi-valued) RDN. */
export function encodeName(rdns: { oid: string; value: string }[][]): Buffer {
  return D.seq(...rdns.map((rdn) => D.setOrdered(...rdn.map((a) => D.seq(D.oid(a.oid), encodeAvaValue(a.oid, a.value))))));
}

/**
 * Parse a DN string as typed in IOS (`subject-name`, `issuer-name`): RFC 4514 order, most
 * specific first, e.g. `CN=R1,OU=VPN,O=Example,C=US`; `+` joins AVAs of one RDN; `\,` escapes.
 * Returns RDNs in DER order (reversed).
 */
export function parseDnString(s: string): { oid: string; value: string }[][] {
  const rdns: { oid: string; value: string }[][] = [];
  let cur: { oid: string; value: string }[] = [];
  let buf = '';
  let quoted = false;
  const flushAva = (): void => {
    const t = buf.trim();
    buf = '';
    if (!t) return;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`bad distinguished name component "${t}"`);
    const value = t.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    cur.push({ oid: oidOfShortName(t.slice(0, eq)), value });
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      buf += s[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === ',' || ch === ';' || ch === '+')) {
      flushAva();
      if (ch !== '+' && cur.length) {
        rdns.push(cur);
        cur = [];
      }
      continue;
    }
    buf += ch;
  }
  flushAva();
  if (cur.length) rdns.push(cur);
  if (rdns.length === 0) throw new Error('empty distinguished name');
  return rdns.reverse();
}

export function dnStringToDer(s: string): Buffer {
  return encodeName(parseDnString(s));
}

export function parseName(n: Node): Ava[] {
  D.expect(n, TAG.SEQUENCE, 'Name');
  const out: Ava[] = [];
  n.children.forEach((rdn, set) => {
    D.expect(rdn, TAG.SET, 'RelativeDistinguishedName');
    for (const atv of rdn.children) {
      D.expect(atv, TAG.SEQUENCE, 'AttributeTypeAndValue');
      const oid = D.readOid(D.child(atv, 0, 'attribute type'));
      const vnode = D.child(atv, 1, 'attribute value');
      let value: string;
      try {
        value = D.readString(vnode);
      } catch {
        value = '#' + vnode.raw.toString('hex');
      }
      out.push({ short: shortNameOf(oid), oid, value, set });
    }
  });
  return out;
}

function escapeDnValue(v: string): string {
  return v.replace(/([,+\\;"])/g, '\\$1');
}

/** IOS-style DN string: RDNs most-specific first (reverse DER order), `+` inside an RDN. */
export function formatDn(avas: Ava[]): string {
  const sets = new Map<number, Ava[]>();
  for (const a of avas) {
    const l = sets.get(a.set) ?? [];
    l.push(a);
    sets.set(a.set, l);
  }
  return [...sets.keys()]
    .sort((a, b) => b - a)
    .map((k) => sets.get(k)!.map((a) => `${a.short}=${escapeDnValue(a.value)}`).join('+'))
    .join(',');
}

/** The lines IOS prints under `Subject:` / `Issuer:` (display order, one RDN per line). */
export function dnLines(avas: Ava[]): string[] {
  return formatDn(avas).split(/(?<!\\),/);
}

// ====================================================================== extensions

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KU_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? D.seq(D.oid(oid), D.bool(true), D.octets(value)) : D.seq(D.oid(oid), D.octets(value));
}

export function extKeyUsage(names: KeyUsageName[], critical = true): Buffer {
  let bits = 0;
  let max = -1;
  for (const n of names) {
    const i = KU_BITS.indexOf(n);
    if (i < 0) throw new Error(`unknown key usage ${n}`);
    bits |= 1 << i;
    max = Math.max(max, i);
  }
  const nbytes = max < 0 ? 0 : Math.floor(max / 8) + 1;
  const bytes = Buffer.alloc(nbytes);
  for (let i = 0; i <= max; i++) if (bits & (1 << i)) bytes[i >> 3]! |= 0x80 >> (i & 7);
  const unused = max < 0 ? 0 : 7 - (max % 8);
  return extension(OID.keyUsage, critical, D.bitString(bytes, unused));
}

export function extBasicConstraints(ca: boolean, pathLen?: number): Buffer {
  const inner: Buffer[] = [];
  if (ca) inner.push(D.bool(true));
  if (ca && pathLen !== undefined) inner.push(D.int(pathLen));
  return extension(OID.basicConstraints, true, D.seq(...inner));
}

export function extSki(spkiDer: Uint8Array): Buffer {
  return extension(OID.subjectKeyIdentifier, false, D.octets(keyIdentifier(spkiDer)));
}

export function extAki(keyId: Uint8Array): Buffer {
  return extension(OID.authorityKeyIdentifier, false, D.seq(D.implicitP(0, keyId)));
}

export function extEku(oids: string[]): Buffer {
  return extension(OID.extKeyUsage, false, D.seq(...oids.map((o) => D.oid(o))));
}

export function ipToBytes(ip: string): Buffer {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) throw new Error(`bad IPv4 address ${ip}`);
    return Buffer.from(b);
  }
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const fill = tail === undefined ? 0 : 8 - h.length - t.length;
    const groups = [...h, ...Array(Math.max(fill, 0)).fill('0'), ...t];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw new Error(`bad IPv6 address ${ip}`);
    const out = Buffer.alloc(16);
    groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
    return out;
  }
  throw new Error(`bad IP address ${ip}`);
}

export function bytesToIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i).toString(16));
    return g.join(':');
  }
  return '#' + b.toString('hex');
}

export function extSan(dns: string[], ips: string[]): Buffer {
  const names = [...dns.map((d) => D.tlv(0x82, Buffer.from(d, 'latin1'))), ...ips.map((ip) => D.tlv(0x87, ipToBytes(ip)))];
  return extension(OID.subjectAltName, false, D.seq(...names));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spkiDer: Uint8Array): Buffer {
  const spki = D.parse(spkiDer);
  const bits = D.readBitString(D.child(spki, 1, 'subjectPublicKey'));
  return createHash('sha1').update(bits).digest();
}

interface ParsedExtensions {
  keyUsage: KeyUsageName[];
  extKeyUsage: string[];
  dnsSans: string[];
  ipSans: string[];
  isCa: boolean;
  pathLen: number | undefined;
  skiHex: string | undefined;
  akiHex: string | undefined;
  critical: string[];
}

function parseExtensions(list: Node[]): ParsedExtensions {
  const r: ParsedExtensions = {
    keyUsage: [],
    extKeyUsage: [],
    dnsSans: [],
    ipSans: [],
    isCa: false,
    pathLen: undefined,
    skiHex: undefined,
    akiHex: undefined,
    critical: [],
  };
  for (const ext of list) {
    D.expect(ext, TAG.SEQUENCE, 'Extension');
    const oid = D.readOid(D.child(ext, 0, 'extension id'));
    let i = 1;
    if (ext.children[1]?.tag === TAG.BOOLEAN) {
      if (ext.children[1].value[0]) r.critical.push(oid);
      i = 2;
    }
    const val = D.readOctets(D.expect(ext.children[i], TAG.OCTET_STRING, 'extension value'));
    const v = D.parse(val);
    switch (oid) {
      case OID.keyUsage: {
        const bytes = D.readBitString(v);
        KU_BITS.forEach((name, bit) => {
          const byte = bytes[bit >> 3];
          if (byte !== undefined && byte & (0x80 >> (bit & 7))) r.keyUsage.push(name);
        });
        break;
      }
      case OID.extKeyUsage:
        for (const c of v.children) r.extKeyUsage.push(D.readOid(c));
        break;
      case OID.subjectAltName:
        for (const gn of v.children) {
          if (gn.tag === 0x82) r.dnsSans.push(gn.value.toString('latin1'));
          else if (gn.tag === 0x87) r.ipSans.push(bytesToIp(gn.value));
        }
        break;
      case OID.basicConstraints:
        for (const c of v.children) {
          if (c.tag === TAG.BOOLEAN) r.isCa = c.value[0] !== 0;
          else if (c.tag === TAG.INTEGER) r.pathLen = D.readSmallInt(c);
        }
        break;
      case OID.subjectKeyIdentifier:
        r.skiHex = D.readOctets(v).toString('hex').toUpperCase();
        break;
      case OID.authorityKeyIdentifier:
        for (const c of v.children) if (c.tag === 0x80) r.akiHex = c.value.toString('hex').toUpperCase();
        break;
    }
  }
  return r;
}

// ====================================================================== certificates

export interface CertInfo {
  der: Buffer;
  tbsDer: Buffer;
  /** Upper-case hex of the serial magnitude, even number of digits (as IOS prints). */
  serialHex: string;
  serial: Buffer;
  /** The serialNumber INTEGER exactly as encoded (for issuerAndSerialNumber). */
  serialRaw: Buffer;
  subjectRdns: Ava[];
  issuerRdns: Ava[];
  /** IOS-style strings, e.g. `hostname=R1.lab+ipaddress=10.0.0.1,cn=R1,o=Lab`. */
  subjectDn: string;
  issuerDn: string;
  subjectDer: Buffer;
  issuerDer: Buffer;
  notBefore: number;
  notAfter: number;
  spkiDer: Buffer;
  publicKey: KeyObject;
  publicKeyPem: string;
  bits: number;
  spkiSha1Hex: string;
  ipSans: string[];
  dnsSans: string[];
  md5Hex: string;
  sha1Hex: string;
  sha256Hex: string;
  keyUsage: KeyUsageName[];
  extKeyUsage: string[];
  isCa: boolean;
  pathLen: number | undefined;
  skiHex: string | undefined;
  akiHex: string | undefined;
  sigAlgOid: string;
  signature: Buffer;
  /** issuer Name bytes equal subject Name bytes */
  selfIssued: boolean;
}

function hashHex(alg: string, data: Uint8Array): string {
  return createHash(alg).update(data).digest('hex').toUpperCase();
}

export function serialHexOf(mag: Buffer): string {
  const h = mag.toString('hex').toUpperCase();
  return h.length % 2 ? '0' + h : h;
}

/**
 * Public keys by SPKI DER (bounded LRU). The same keys come back all the time (the CA key in every
 * SCEP message and chain check, a router's key in its CSR, its certificate and every show), and
 * createPublicKey + the PEM export dominated enrolment and rollover profiles. KeyObjects are
 * immutable, so sharing them is safe; the cache changes timing only, never results.
 */
interface SpkiEntry {
  key: KeyObject;
  pem: string;
  bits: number;
}
const SPKI_CACHE_MAX = 4096;
const spkiCache = new Map<string, SpkiEntry>();

function spkiEntry(spkiDer: Buffer): SpkiEntry {
  const k = spkiDer.toString('base64');
  const hit = spkiCache.get(k);
  if (hit) {
    spkiCache.delete(k);
    spkiCache.set(k, hit);
    return hit;
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  } catch (e) {
    throw new DerError(`unusable public key: ${(e as Error).message}`);
  }
  const entry: SpkiEntry = { key, pem: key.export({ type: 'spki', format: 'pem' }) as string, bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
  spkiCache.set(k, entry);
  if (spkiCache.size > SPKI_CACHE_MAX) spkiCache.delete(spkiCache.keys().next().value!);
  return entry;
}

function pubKeyFromSpki(spkiDer: Buffer): KeyObject {
  return spkiEntry(spkiDer).key;
}

/** Accepts DER or PEM. */
export function toDer(input: Uint8Array | string): Buffer {
  if (typeof input === 'string' || (input.length > 10 && Buffer.from(input.subarray(0, 11)).toString('latin1') === '-----BEGIN ')) {
    const s = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
    const m = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/.exec(s);
    if (!m) throw new DerError('no PEM block found');
    return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  }
  return Buffer.from(input);
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

export function parseCertificate(input: Uint8Array | string): CertInfo {
  const der = toDer(input);
  const cert = D.parse(der);
  D.expect(cert, TAG.SEQUENCE, 'Certificate');
  const tbs = D.expect(cert.children[0], TAG.SEQUENCE, 'TBSCertificate');
  const sigAlg = D.readAlgId(D.child(cert, 1, 'signatureAlgorithm'));
  const signature = D.readBitString(D.child(cert, 2, 'signatureValue'));
  let i = 0;
  if (tbs.children[0]?.tag === D.ctxC(0)) i++;
  const serialNode = D.child(tbs, i++, 'serialNumber');
  const serial = D.readUnsigned(serialNode);
  i++; // signature alg
  const issuer = D.child(tbs, i++, 'issuer');
  const validity = D.expect(tbs.children[i++], TAG.SEQUENCE, 'validity');
  const subject = D.child(tbs, i++, 'subject');
  const spki = D.expect(tbs.children[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  let exts: Node[] = [];
  for (; i < tbs.children.length; i++) {
    const c = tbs.children[i]!;
    if (c.tag === D.ctxC(3)) exts = D.expect(c.children[0], TAG.SEQUENCE, 'extensions').children;
  }
  const { key: publicKey, pem: publicKeyPem, bits } = spkiEntry(spki.raw);
  const e = parseExtensions(exts);
  const subjectRdns = parseName(subject);
  const issuerRdns = parseName(issuer);
  return {
    der,
    tbsDer: tbs.raw,
    serial,
    serialRaw: serialNode.raw,
    serialHex: serialHexOf(serial),
    subjectRdns,
    issuerRdns,
    subjectDn: formatDn(subjectRdns),
    issuerDn: formatDn(issuerRdns),
    subjectDer: subject.raw,
    issuerDer: issuer.raw,
    notBefore: D.readTime(D.child(validity, 0, 'notBefore')),
    notAfter: D.readTime(D.child(validity, 1, 'notAfter')),
    spkiDer: spki.raw,
    publicKey,
    publicKeyPem,
    bits,
    spkiSha1Hex: spkiSha1Hex(spki.raw),
    ipSans: e.ipSans,
    dnsSans: e.dnsSans,
    md5Hex: hashHex('md5', der),
    sha1Hex: hashHex('sha1', der),
    sha256Hex: hashHex('sha256', der),
    keyUsage: e.keyUsage,
    extKeyUsage: e.extKeyUsage,
    isCa: e.isCa,
    pathLen: e.pathLen,
    skiHex: e.skiHex,
    akiHex: e.akiHex,
    sigAlgOid: sigAlg.oid,
    signature,
    selfIssued: issuer.raw.equals(subject.raw),
  };
}

/** Verify an RSA signature over `data` given a signature AlgorithmIdentifier OID. */
export function verifyRsa(sigAlgOid: string, data: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  const h = hashFromSigOid(sigAlgOid);
  if (!h) return false;
  try {
    return cryptoVerify(h, data, key, signature);
  } catch {
    return false;
  }
}

export function verifyCertSignature(cert: CertInfo, issuerKey: KeyObject): boolean {
  return verifyRsa(cert.sigAlgOid, cert.tbsDer, cert.signature, issuerKey);
}

/** Does `cert` chain to `issuer` (names match and signature verifies)? */
export function isIssuedBy(cert: CertInfo, issuer: CertInfo): boolean {
  return cert.issuerDer.equals(issuer.subjectDer) && verifyCertSignature(cert, issuer.publicKey);
}

export interface TbsInput {
  serial: Uint8Array | number;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  notBefore: number;
  notAfter: number;
  spkiDer: Uint8Array;
  extensions: Buffer[];
  hash?: HashName;
}

/** Build and sign a v3 certificate. */
export function signCertificate(t: TbsInput, signKey: KeyObject): Buffer {
  const hash = t.hash ?? 'sha256';
  const sigAlg = D.algId(SIG_OID[hash], 'null');
  const tbs = D.seq(
    D.explicit(0, D.int(2)),
    typeof t.serial === 'number' ? D.int(t.serial) : D.uintBytes(t.serial),
    sigAlg,
    Buffer.from(t.issuerDer),
    D.seq(D.time(t.notBefore), D.time(t.notAfter)),
    Buffer.from(t.subjectDer),
    Buffer.from(t.spkiDer),
    ...(t.extensions.length ? [D.explicit(3, D.seq(...t.extensions))] : []),
  );
  const sig = cryptoSign(hash, tbs, signKey);
  return D.seq(tbs, sigAlg, D.bitString(sig));
}

export interface CaCertOptions {
  key: RsaKeyPair;
  /** IOS `issuer-name`, e.g. `CN=R1CA,L=Lab,C=US` (default `CN=<name>`). */
  issuerName: string;
  now: number;
  lifetimeDays: number;
  serial?: number;
  hash?: HashName;
}

/** Self-signed CA certificate as `crypto pki server` makes it (serial 01). */
export function createCaCertificate(o: CaCertOptions): Buffer {
  const name = dnStringToDer(o.issuerName);
  return signCertificate(
    {
      serial: o.serial ?? 1,
      issuerDer: name,
      subjectDer: name,
      notBefore: o.now,
      notAfter: o.now + o.lifetimeDays * DAY_MS,
      spkiDer: o.key.spkiDer,
      hash: o.hash ?? 'sha256',
      extensions: [
        extBasicConstraints(true),
        extKeyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']),
        extSki(o.key.spkiDer),
        extAki(keyIdentifier(o.key.spkiDer)),
      ],
    },
    o.key.privateKey,
  );
}

export interface SelfSignedOptions {
  key: RsaKeyPair;
  subjectDer: Uint8Array;
  serial: Uint8Array | number;
  notBefore: number;
  notAfter: number;
  hash?: HashName;
  extensions?: Buffer[];
}

/** A plain self-signed certificate (e.g. the throw-away SCEP signer cert, IOS self-signed cert). */
export function createSelfSigned(o: SelfSignedOptions): Buffer {
  return signCertificate(
    {
      serial: o.serial,
      issuerDer: o.subjectDer,
      subjectDer: o.subjectDer,
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      spkiDer: o.key.spkiDer,
      hash: o.hash ?? 'sha256',
      extensions: o.extensions ?? [],
    },
    o.key.privateKey,
  );
}

export interface IssueOptions {
  csr: CsrInfo;
  caCert: CertInfo;
  caKey: KeyObject;
  serial: number | Uint8Array;
  now: number;
  lifetimeMs: number;
  /** EKU OIDs to add (none by default, as the IOS CA). */
  eku?: string[];
  hash?: HashName;
}

/**
 * Issue a certificate for a CSR: subject copied verbatim; SANs = CSR extensionRequest SANs plus
 * dNSName from `hostname=` (unstructuredName) and iPAddress from `ipaddress=`; KU
 * digitalSignature+keyEncipherment; SKI/AKI; validity [now, now+lifetime] clamped to the CA's.
 */
export function issueCertificate(o: IssueOptions): Buffer {
  const dns = new Set<string>(o.csr.requestedDnsSans);
  const ips = new Set<string>(o.csr.requestedIpSans);
  for (const a of o.csr.subjectRdns) {
    if (a.oid === OID.unstructuredName && /^[A-Za-z0-9.-]+$/.test(a.value)) dns.add(a.value);
    if (a.oid === OID.unstructuredAddress) {
      try {
        ipToBytes(a.value);
        ips.add(a.value);
      } catch {
        /* not an IP: ignore */
      }
    }
  }
  const exts: Buffer[] = [extKeyUsage(['digitalSignature', 'keyEncipherment'])];
  if (dns.size || ips.size) exts.push(extSan([...dns], [...ips]));
  if (o.eku && o.eku.length) exts.push(extEku(o.eku));
  exts.push(extSki(o.csr.spkiDer));
  exts.push(extAki(o.caCert.skiHex ? Buffer.from(o.caCert.skiHex, 'hex') : keyIdentifier(o.caCert.spkiDer)));
  const notAfter = Math.min(o.now + o.lifetimeMs, o.caCert.notAfter);
  return signCertificate(
    {
      serial: o.serial,
      issuerDer: o.caCert.subjectDer,
      subjectDer: o.csr.subjectDer,
      notBefore: o.now,
      notAfter,
      spkiDer: o.csr.spkiDer,
      hash: o.hash ?? 'sha256',
      extensions: exts,
    },
    o.caKey,
  );
}

// ====================================================================== PKCS#10

export interface CsrInfo {
  der: Buffer;
  subjectRdns: Ava[];
  subjectDn: string;
  subjectDer: Buffer;
  spkiDer: Buffer;
  publicKey: KeyObject;
  bits: number;
  spkiSha1Hex: string;
  challengePassword: string | undefined;
  requestedDnsSans: string[];
  requestedIpSans: string[];
  requestedKeyUsage: KeyUsageName[];
  sigAlgOid: string;
  /** The CSR's self-signature verifies with its own public key (proof of possession). */
  signatureValid: boolean;
  /** IOS "Certificate Request Fingerprint": hashes of the CSR DER, upper-case hex. */
  md5Hex: string;
  sha1Hex: string;
}

export function parseCsr(input: Uint8Array | string): CsrInfo {
  const der = toDer(input);
  const req = D.parse(der);
  D.expect(req, TAG.SEQUENCE, 'CertificationRequest');
  const info = D.expect(req.children[0], TAG.SEQUENCE, 'CertificationRequestInfo');
  const sigAlg = D.readAlgId(D.child(req, 1, 'signatureAlgorithm'));
  const signature = D.readBitString(D.child(req, 2, 'signature'));
  const subject = D.child(info, 1, 'subject');
  const spki = D.expect(info.children[2], TAG.SEQUENCE, 'subjectPKInfo');
  const publicKey = pubKeyFromSpki(spki.raw);
  let challengePassword: string | undefined;
  let ext: ParsedExtensions | undefined;
  const attrs = info.children[3];
  if (attrs && attrs.tag === D.ctxC(0)) {
    for (const a of attrs.children) {
      const type = D.readOid(D.child(a, 0, 'attribute type'));
      const values = D.child(a, 1, 'attribute values');
      const v0 = values.children[0];
      if (!v0) continue;
      if (type === OID.challengePassword) challengePassword = D.readString(v0);
      else if (type === OID.extensionRequest) ext = parseExtensions(v0.children);
    }
  }
  const subjectRdns = parseName(subject);
  return {
    der,
    subjectRdns,
    subjectDn: formatDn(subjectRdns),
    subjectDer: subject.raw,
    spkiDer: spki.raw,
    publicKey,
    bits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
    spkiSha1Hex: spkiSha1Hex(spki.raw),
    challengePassword,
    requestedDnsSans: ext?.dnsSans ?? [],
    requestedIpSans: ext?.ipSans ?? [],
    requestedKeyUsage: ext?.keyUsage ?? [],
    sigAlgOid: sigAlg.oid,
    signatureValid: verifyRsa(sigAlg.oid, info.raw, signature, publicKey),
    md5Hex: hashHex('md5', der),
    sha1Hex: hashHex('sha1', der),
  };
}

export interface IosSubjectOptions {
  /** Configured `subject-name` (RFC 4514 order), e.g. `CN=R1,OU=VPN,O=Example,C=US`. */
  subjectName?: string;
  /** Router FQDN, sent as hostname= (unstructuredName). */
  fqdn?: string;
  /** Chassis serial number, sent as serialNumber=. */
  serialNumber?: string;
  /** Interface address, sent as ipaddress= (unstructuredAddress). */
  ipAddress?: string;
}

/**
 * Subject Name the IOS way: the configured subject-name RDNs, then one multi-valued RDN holding
 * serialNumber / hostname / ipaddress (printed first by IOS: `serialNumber=X+hostname=R1.lab,cn=R1`).
 */
export function iosSubjectDer(o: IosSubjectOptions): Buffer {
  const rdns = o.subjectName ? parseDnString(o.subjectName) : [];
  const unstructured: { oid: string; value: string }[] = [];
  if (o.serialNumber) unstructured.push({ oid: '2.5.4.5', value: o.serialNumber });
  if (o.fqdn) unstructured.push({ oid: OID.unstructuredName, value: o.fqdn });
  if (o.ipAddress) unstructured.push({ oid: OID.unstructuredAddress, value: o.ipAddress });
  if (unstructured.length) rdns.push(unstructured);
  if (!rdns.length) throw new Error('certificate request needs a subject (subject-name or FQDN)');
  return encodeName(rdns);
}

export interface CsrOptions extends IosSubjectOptions {
  key: RsaKeyPair;
  /** Use this subject Name (DER) instead of the IOS-style one. */
  subjectDer?: Uint8Array;
  challengePassword?: string;
  /** Add SAN dNSName = fqdn and iPAddress = ipAddress in an extensionRequest (default true). */
  includeSan?: boolean;
  extraDnsSans?: string[];
  extraIpSans?: string[];
  hash?: HashName;
}

export function buildCsr(o: CsrOptions): Buffer {
  const subjectDer = o.subjectDer ? Buffer.from(o.subjectDer) : iosSubjectDer(o);
  const attrs: Buffer[] = [];
  if (o.challengePassword !== undefined) {
    const v = PRINTABLE_RE.test(o.challengePassword) ? D.printable(o.challengePassword) : D.utf8(o.challengePassword);
    attrs.push(D.seq(D.oid(OID.challengePassword), D.setOf(v)));
  }
  const dns = [...(o.includeSan !== false && o.fqdn ? [o.fqdn] : []), ...(o.extraDnsSans ?? [])];
  const ips = [...(o.includeSan !== false && o.ipAddress ? [o.ipAddress] : []), ...(o.extraIpSans ?? [])];
  if (dns.length || ips.length) {
    attrs.push(D.seq(D.oid(OID.extensionRequest), D.setOf(D.seq(extSan(dns, ips)))));
  }
  const info = D.seq(D.int(0), subjectDer, Buffer.from(o.key.spkiDer), D.implicitC(0, Buffer.concat(attrs)));
  const hash = o.hash ?? 'sha256';
  const sig = cryptoSign(hash, info, o.key.privateKey);
  return D.seq(info, D.algId(SIG_OID[hash], 'null'), D.bitString(sig));
}

// ====================================================================== formatting

/** IOS fingerprint: upper-case hex in groups of 8, e.g. `A792544F 9A2D75F5 …`. */
export function iosFingerprint(hex: string): string {
  return hex.replace(/\s+/g, '').toUpperCase().replace(/(.{8})(?=.)/g, '$1 ');
}

/** IOS date: `01:36:54 UTC Apr 6 2024` (day not zero-padded). */
export function iosDate(ms: number): string {
  const c = civilFromMs(ms);
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][c.month - 1];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(c.hour)}:${p(c.minute)}:${p(c.second)} UTC ${mon} ${c.day} ${c.year}`;
}
