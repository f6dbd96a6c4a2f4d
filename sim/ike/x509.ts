/**
 * X.509 certificate parsing for IKE: just what chain validation and identity matching need.
 * Times are integer ms since the epoch computed from the DER (no Date). Parsed certificates are
 * memoised by DER content (bounded LRU), so repeated validation of the same chain is cheap.
 */
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { DerError, children, content, decodeOid, decodeTime, expectTag, readTlv, whole } from './der.js';

export interface GeneralNames {
  dns: string[];
  ip: string[];
  email: string[];
  uri: string[];
  dirNames: Buffer[];
}

export interface ParsedCert {
  der: Buffer;
  /** SHA-256 of the DER, hex: the cache key and the "fingerprint". */
  fingerprint: string;
  tbs: Buffer;
  sigAlgOid: string;
  signature: Buffer;
  /** Serial as upper-case hex without leading zero bytes (IOS style, e.g. '1A2B'). */
  serialHex: string;
  issuerDer: Buffer;
  subjectDer: Buffer;
  issuer: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  spki: Buffer;
  /** SHA-1 of the SubjectPublicKeyInfo DER (the CERTREQ / keyid hash). */
  spkiSha1: Buffer;
  /** basicConstraints: undefined when the extension is absent. */
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** keyUsage bits (bit 0 = digitalSignature ... 8 = decipherOnly) or undefined when absent. */
  keyUsage?: number;
  san: GeneralNames;
  ski?: Buffer;
  aki?: Buffer;
  /** OIDs of critical extensions we do not understand. */
  unknownCritical: string[];
}

export const KU_DIGITAL_SIGNATURE = 1 << 0;
export const KU_NON_REPUDIATION = 1 << 1;
export const KU_KEY_CERT_SIGN = 1 << 5;

const DN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '2.5.4.12': 'T', '2.5.4.42': 'G', '2.5.4.4': 'SN', '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E', '1.2.840.113549.1.9.2': 'unstructuredName', '1.2.840.113549.1.9.8': 'unstructuredAddress',
};

function decodeString(tag: number, b: Buffer): string {
  if (tag === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b.readUInt16BE(i));
    return s;
  }
  if (tag === 0x0c) return b.toString('utf8');
  return b.toString('latin1');
}

/** Format a DER Name the way strongSwan prints it: "C=US, O=TwinLab, CN=resp.lab" (encoding order). */
export function formatName(der: Uint8Array): string {
  const top = readTlv(der, 0);
  expectTag(top, 0x30, 'Name');
  const parts: string[] = [];
  for (const rdn of children(der, top)) {
    expectTag(rdn, 0x31, 'RDN');
    for (const atv of children(der, rdn)) {
      const [oidT, valT] = children(der, expectTag(atv, 0x30, 'AttributeTypeAndValue'));
      const oid = decodeOid(content(der, expectTag(oidT, 0x06, 'OID')));
      if (!valT) throw new DerError('attribute without value');
      parts.push(`${DN_NAMES[oid] ?? oid}=${decodeString(valT.tag, content(der, valT))}`);
    }
  }
  return parts.join(', ');
}

/** Normalise a DN string for comparison: case-insensitive, whitespace around separators ignored. */
export function normalizeDnString(s: string): string {
  return s
    .split(/\s*[,/]\s*/)
    .filter((x) => x.length > 0)
    .map((x) => {
      const i = x.indexOf('=');
      if (i < 0) return x.trim().toLowerCase();
      let k = x.slice(0, i).trim().toLowerCase();
      if (k === 'emailaddress') k = 'e';
      if (k === 'hostname') k = 'unstructuredname';
      if (k === 'ipaddress') k = 'unstructuredaddress';
      return `${k}=${x.slice(i + 1).trim().toLowerCase()}`;
    })
    .join(',');
}

function ipToString(b: Buffer): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length === 16) {
    const g: string[] = [];
    for (let i = 0; i < 16; i += 2) g.push(b.readUInt16BE(i).toString(16));
    return g.join(':');
  }
  return b.toString('hex');
}

function parseGeneralNames(der: Buffer, t: { contentStart: number; end: number; tag: number; start: number }, out: GeneralNames): void {
  for (const gn of children(der, t)) {
    const v = content(der, gn);
    switch (gn.tag) {
      case 0x81: out.email.push(v.toString('latin1')); break;
      case 0x82: out.dns.push(v.toString('latin1')); break;
      case 0x86: out.uri.push(v.toString('latin1')); break;
      case 0x87: out.ip.push(ipToString(v)); break;
      case 0xa4: {
        const inner = readTlv(der, gn.contentStart, gn.end);
        out.dirNames.push(Buffer.from(whole(der, inner)));
        break;
      }
      default: break;
    }
  }
}

function parseUncached(derIn: Uint8Array): ParsedCert {
  const der = Buffer.from(derIn);
  const cert = readTlv(der, 0);
  expectTag(cert, 0x30, 'Certificate');
  if (cert.end !== der.length) throw new DerError('trailing data after certificate');
  const [tbsT, algT, sigT] = children(der, cert);
  expectTag(tbsT, 0x30, 'TBSCertificate');
  const sigAlgOid = decodeOid(content(der, expectTag(children(der, expectTag(algT, 0x30, 'AlgorithmIdentifier'))[0], 0x06, 'OID')));
  const sigBits = content(der, expectTag(sigT, 0x03, 'BIT STRING'));
  if (sigBits.length < 1 || sigBits[0] !== 0) throw new DerError('bad signature bit string');
  const tbsEls = children(der, tbsT!);
  let i = 0;
  if (tbsEls[0]?.tag === 0xa0) i++;
  const serialT = expectTag(tbsEls[i++], 0x02, 'serial');
  let serial = content(der, serialT);
  let z = 0;
  while (z < serial.length - 1 && serial[z] === 0) z++;
  serial = serial.subarray(z);
  expectTag(tbsEls[i++], 0x30, 'signature alg');
  const issuerT = expectTag(tbsEls[i++], 0x30, 'issuer');
  const validityT = expectTag(tbsEls[i++], 0x30, 'validity');
  const subjectT = expectTag(tbsEls[i++], 0x30, 'subject');
  const spkiT = expectTag(tbsEls[i++], 0x30, 'subjectPublicKeyInfo');
  const [nbT, naT] = children(der, validityT);
  if (!nbT || !naT) throw new DerError('bad validity');
  const issuerDer = Buffer.from(whole(der, issuerT));
  const subjectDer = Buffer.from(whole(der, subjectT));
  const spki = Buffer.from(whole(der, spkiT));
  const pc: ParsedCert = {
    der,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    tbs: whole(der, tbsT!),
    sigAlgOid,
    signature: sigBits.subarray(1),
    serialHex: serial.toString('hex').toUpperCase(),
    issuerDer,
    subjectDer,
    issuer: formatName(issuerDer),
    subject: formatName(subjectDer),
    notBefore: decodeTime(nbT.tag, content(der, nbT)),
    notAfter: decodeTime(naT.tag, content(der, naT)),
    spki,
    spkiSha1: createHash('sha1').update(spki).digest(),
    san: { dns: [], ip: [], email: [], uri: [], dirNames: [] },
    unknownCritical: [],
  };
  for (; i < tbsEls.length; i++) {
    const t = tbsEls[i]!;
    if (t.tag !== 0xa3) continue;
    const extsT = expectTag(readTlv(der, t.contentStart, t.end), 0x30, 'Extensions');
    for (const ext of children(der, extsT)) {
      const els = children(der, expectTag(ext, 0x30, 'Extension'));
      const oid = decodeOid(content(der, expectTag(els[0], 0x06, 'extnID')));
      let critical = false;
      let vi = 1;
      if (els[1]?.tag === 0x01) { critical = content(der, els[1])[0] !== 0; vi = 2; }
      const valT = expectTag(els[vi], 0x04, 'extnValue');
      const inner = readTlv(der, valT.contentStart, valT.end);
      switch (oid) {
        case '2.5.29.19': { // basicConstraints
          const bc: { ca: boolean; pathLen?: number } = { ca: false };
          for (const c of children(der, expectTag(inner, 0x30, 'BasicConstraints'))) {
            if (c.tag === 0x01) bc.ca = content(der, c)[0] !== 0;
            else if (c.tag === 0x02) { const v = content(der, c); bc.pathLen = v.length <= 4 ? v.readUIntBE(0, Math.max(1, v.length)) : 1 << 30; }
          }
          pc.basicConstraints = bc;
          break;
        }
        case '2.5.29.15': { // keyUsage
          const v = content(der, expectTag(inner, 0x03, 'KeyUsage'));
          let bits = 0;
          for (let b = 0; b < 9; b++) {
            const byte = v[1 + (b >> 3)];
            if (byte !== undefined && byte & (0x80 >> (b & 7))) bits |= 1 << b;
          }
          pc.keyUsage = bits;
          break;
        }
        case '2.5.29.17': parseGeneralNames(der, expectTag(inner, 0x30, 'SubjectAltName'), pc.san); break;
        case '2.5.29.14': pc.ski = Buffer.from(content(der, expectTag(inner, 0x04, 'SKI'))); break;
        case '2.5.29.35': {
          for (const c of children(der, expectTag(inner, 0x30, 'AKI'))) if (c.tag === 0x80) pc.aki = Buffer.from(content(der, c));
          break;
        }
        default:
          if (critical && !KNOWN_CRITICAL_OK.has(oid)) pc.unknownCritical.push(oid);
      }
    }
  }
  return pc;
}

/** Critical extensions we accept without interpreting (policies, EKU, name constraints left to callers). */
const KNOWN_CRITICAL_OK = new Set(['2.5.29.37', '2.5.29.32', '2.5.29.30', '2.5.29.36', '2.5.29.54']);

const CACHE_MAX = 4096;
const parseCache = new Map<string, ParsedCert>();
const bufferKeys = new WeakMap<Uint8Array, string>();
const pubKeys = new WeakMap<ParsedCert, KeyObject>();

function cacheKeyFor(der: Uint8Array): string {
  let k = bufferKeys.get(der);
  if (k === undefined) {
    k = createHash('sha256').update(der).digest('hex');
    bufferKeys.set(der, k);
  }
  return k;
}

/** Parse (memoised by content). Throws DerError on malformed input. */
export function parseCert(der: Uint8Array): ParsedCert {
  const key = cacheKeyFor(der);
  const hit = parseCache.get(key);
  if (hit) return hit;
  const pc = parseUncached(der);
  if (parseCache.size >= CACHE_MAX) parseCache.delete(parseCache.keys().next().value!);
  parseCache.set(key, pc);
  return pc;
}

export function tryParseCert(der: Uint8Array): ParsedCert | undefined {
  try {
    return parseCert(der);
  } catch {
    return undefined;
  }
}

export function publicKeyOf(c: ParsedCert): KeyObject {
  let k = pubKeys.get(c);
  if (!k) {
    k = createPublicKey({ key: c.spki, format: 'der', type: 'spki' });
    pubKeys.set(c, k);
  }
  return k;
}

const SIG_HASH: Record<string, string | null> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

/** True when `child`'s signature verifies with `issuer`'s public key. Never throws. */
export function verifyCertSignature(child: ParsedCert, issuer: ParsedCert): boolean {
  if (!(child.sigAlgOid in SIG_HASH)) return false;
  try {
    return cryptoVerify(SIG_HASH[child.sigAlgOid] ?? null, child.tbs, publicKeyOf(issuer), child.signature);
  } catch {
    return false;
  }
}

/** PEM text → DER buffers (all CERTIFICATE blocks), or a DER buffer passed through. */
export function pemToDer(pem: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(pem)) !== null) out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return out;
}
