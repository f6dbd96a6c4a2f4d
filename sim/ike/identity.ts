/**
 * IKE identities (RFC 7296 §3.5) and the strongSwan rules for "this certificate proves this ID":
 * ID_FQDN ↔ dNSName SAN, ID_IPV4_ADDR/ID_IPV6_ADDR ↔ iPAddress SAN, ID_RFC822_ADDR ↔ rfc822Name SAN,
 * ID_DER_ASN1_DN ↔ subject DN (or a directoryName SAN). The CN is never matched against an FQDN.
 */
import { formatName, normalizeDnString, type ParsedCert } from './x509.js';

export type IkeIdentity =
  | { type: 'fqdn'; value: string }
  | { type: 'ipv4'; value: string }
  | { type: 'ipv6'; value: string }
  | { type: 'email'; value: string }
  /** A DN: a string like "C=US, O=TwinLab, CN=r1" (compared normalised) or the DER Name. */
  | { type: 'dn'; value: string | Buffer }
  | { type: 'keyid'; value: Buffer };

export const ID_TYPE = { ipv4: 1, fqdn: 2, email: 3, ipv6: 5, dn: 9, keyid: 11 } as const;

function ipv4Bytes(s: string): Buffer | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return undefined;
  return Buffer.from(b);
}

function ipv6Bytes(s: string): Buffer | undefined {
  const parts = s.split('::');
  if (parts.length > 2) return undefined;
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const fill = parts.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (parts.length === 1 && head.length !== 8)) return undefined;
  const groups = [...head, ...Array(fill).fill('0'), ...tail];
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.writeUInt16BE(parseInt(g, 16), i * 2);
  }
  return out;
}

/** ID payload body without the generic header: type, 3 reserved bytes, data (the ID' of §2.15). */
export function encodeIdentity(id: IkeIdentity): Buffer {
  let data: Buffer;
  switch (id.type) {
    case 'ipv4': data = ipv4Bytes(id.value) ?? Buffer.alloc(4); break;
    case 'ipv6': data = ipv6Bytes(id.value) ?? Buffer.alloc(16); break;
    case 'fqdn': case 'email': data = Buffer.from(id.value, 'latin1'); break;
    case 'dn':
      if (typeof id.value === 'string') throw new Error('ID_DER_ASN1_DN needs the DER Name (use identityFromCert)');
      data = id.value;
      break;
    case 'keyid': data = id.value; break;
  }
  return Buffer.concat([Buffer.from([ID_TYPE[id.type], 0, 0, 0]), data]);
}

/** Parse an ID payload body. Returns undefined for unknown/malformed types. */
export function decodeIdentity(body: Buffer): IkeIdentity | undefined {
  if (body.length < 4) return undefined;
  const data = body.subarray(4);
  switch (body[0]) {
    case 1: return data.length === 4 ? { type: 'ipv4', value: `${data[0]}.${data[1]}.${data[2]}.${data[3]}` } : undefined;
    case 2: return { type: 'fqdn', value: data.toString('latin1') };
    case 3: return { type: 'email', value: data.toString('latin1') };
    case 5: {
      if (data.length !== 16) return undefined;
      const g: string[] = [];
      for (let i = 0; i < 16; i += 2) g.push(data.readUInt16BE(i).toString(16));
      return { type: 'ipv6', value: g.join(':') };
    }
    case 9: return { type: 'dn', value: Buffer.from(data) };
    case 11: return { type: 'keyid', value: Buffer.from(data) };
    default: return undefined;
  }
}

export function identityToString(id: IkeIdentity): string {
  if (id.type === 'dn') {
    if (typeof id.value === 'string') return id.value;
    try { return formatName(id.value); } catch { return `<bad DN ${id.value.toString('hex').slice(0, 32)}>`; }
  }
  if (id.type === 'keyid') return `keyid:${id.value.toString('hex')}`;
  return id.value;
}

/** The default ID for a certificate: first dNSName SAN as ID_FQDN, else the subject DN. */
export function identityFromCert(c: ParsedCert, prefer?: IkeIdentity['type']): IkeIdentity {
  if (prefer === 'dn') return { type: 'dn', value: c.subjectDer };
  if (prefer === 'ipv4' && c.san.ip.find((x) => x.includes('.'))) return { type: 'ipv4', value: c.san.ip.find((x) => x.includes('.'))! };
  if (prefer === 'email' && c.san.email[0]) return { type: 'email', value: c.san.email[0] };
  if (c.san.dns[0]) return { type: 'fqdn', value: c.san.dns[0] };
  return { type: 'dn', value: c.subjectDer };
}

/** Resolve a DN-string identity into DER using the certificate, when they name the same subject. */
export function concreteIdentity(id: IkeIdentity, c: ParsedCert): IkeIdentity {
  if (id.type === 'dn' && typeof id.value === 'string') return { type: 'dn', value: c.subjectDer };
  return id;
}

function dnEquals(a: string | Buffer, b: Buffer): boolean {
  if (Buffer.isBuffer(a)) {
    if (a.equals(b)) return true;
    try { return normalizeDnString(formatName(a)) === normalizeDnString(formatName(b)); } catch { return false; }
  }
  try { return normalizeDnString(a) === normalizeDnString(formatName(b)); } catch { return false; }
}

/** Does the certificate contain (prove) this identity? (strongSwan x509_cert.c: has_subject) */
export function certHasIdentity(c: ParsedCert, id: IkeIdentity): boolean {
  switch (id.type) {
    case 'fqdn': {
      const v = id.value.toLowerCase().replace(/\.$/, '');
      return c.san.dns.some((d) => d.toLowerCase().replace(/\.$/, '') === v);
    }
    case 'email': return c.san.email.some((e) => e.toLowerCase() === id.value.toLowerCase());
    case 'ipv4': case 'ipv6': {
      const want = id.type === 'ipv4' ? ipv4Bytes(id.value) : ipv6Bytes(id.value);
      return !!want && c.san.ip.some((s) => {
        const b = s.includes(':') ? ipv6Bytes(s) : ipv4Bytes(s);
        return !!b && b.equals(want);
      });
    }
    case 'dn': return dnEquals(id.value, c.subjectDer) || c.san.dirNames.some((d) => dnEquals(id.value, d));
    case 'keyid': return id.value.equals(c.spkiSha1);
  }
}

/** Identity equality (for matching a received ID against a configured one). */
export function identitiesMatch(want: IkeIdentity, got: IkeIdentity): boolean {
  if (want.type !== got.type) return false;
  if (want.type === 'dn' && got.type === 'dn') {
    if (Buffer.isBuffer(got.value)) return dnEquals(want.value, got.value);
    if (Buffer.isBuffer(want.value)) return dnEquals(got.value, want.value);
    return normalizeDnString(want.value) === normalizeDnString(got.value);
  }
  if (want.type === 'keyid' && got.type === 'keyid') return want.value.equals(got.value);
  return String(want.value).toLowerCase() === String(got.value).toLowerCase();
}
