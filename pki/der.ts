/**
 * Minimal, strict-enough ASN.1 DER encoder and BER/DER decoder.
 *
 * The decoder accepts definite and indefinite lengths (old SCEP clients emit BER), bounds
 * nesting depth and never reads past its buffer: bad input raises DerError, never a crash.
 * Every node keeps its raw bytes (`raw`) so callers can copy Names and re-verify signatures.
 */

import { civilFromMs, msFromCivil } from './civil.js';

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;

export interface Node {
  /** Full identifier octet (class | constructed | number), numbers < 31 only. */
  tag: number;
  cls: number; // 0 universal, 1 application, 2 context, 3 private
  constructed: boolean;
  num: number;
  /** Content octets (for indefinite length: everything between header and EOC). */
  value: Buffer;
  /** Header + content (+ EOC) bytes exactly as received. */
  raw: Buffer;
  children: Node[];
}

const MAX_DEPTH = 48;

function parseOne(buf: Buffer, pos: number, depth: number): { node: Node; next: number } {
  if (depth > MAX_DEPTH) throw new DerError('ASN.1 nesting too deep');
  const start = pos;
  if (pos >= buf.length) throw new DerError('truncated ASN.1: missing tag');
  const tag = buf[pos++]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high-tag-number form not supported');
  if (pos >= buf.length) throw new DerError('truncated ASN.1: missing length');
  let len = buf[pos++]!;
  const constructed = (tag & 0x20) !== 0;
  let indefinite = false;
  if (len === 0x80) {
    if (!constructed) throw new DerError('indefinite length on primitive value');
    indefinite = true;
  } else if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new DerError('ASN.1 length too large');
    if (pos + n > buf.length) throw new DerError('truncated ASN.1 length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++]!;
  }
  const node: Node = {
    tag,
    cls: tag >> 6,
    constructed,
    num: tag & 0x1f,
    value: Buffer.alloc(0),
    raw: Buffer.alloc(0),
    children: [],
  };
  if (indefinite) {
    const contentStart = pos;
    for (let guard = 0; ; guard++) {
      if (guard > 100000) throw new DerError('too many ASN.1 elements');
      if (pos + 1 < buf.length && buf[pos] === 0 && buf[pos + 1] === 0) {
        node.value = buf.subarray(contentStart, pos);
        pos += 2;
        break;
      }
      if (pos >= buf.length) throw new DerError('truncated ASN.1: missing end-of-contents');
      const r = parseOne(buf, pos, depth + 1);
      node.children.push(r.node);
      pos = r.next;
    }
  } else {
    if (pos + len > buf.length) throw new DerError(`truncated ASN.1: need ${len} bytes, have ${buf.length - pos}`);
    node.value = buf.subarray(pos, pos + len);
    if (constructed) {
      let p = pos;
      const end = pos + len;
      let guard = 0;
      while (p < end) {
        if (++guard > 100000) throw new DerError('too many ASN.1 elements');
        const r = parseOne(buf.subarray(0, end), p, depth + 1);
        node.children.push(r.node);
        p = r.next;
      }
    }
    pos += len;
  }
  node.raw = buf.subarray(start, pos);
  return { node, next: pos };
}

/** Parse exactly one element; trailing bytes are an error unless allowTrailing. */
export function parse(input: Uint8Array, allowTrailing = false): Node {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length === 0) throw new DerError('empty ASN.1 input');
  const r = parseOne(buf, 0, 0);
  if (!allowTrailing && r.next !== buf.length) throw new DerError(`${buf.length - r.next} trailing bytes after ASN.1 element`);
  return r.node;
}

// ---------------------------------------------------------------- node helpers

export function child(n: Node, i: number, what = 'element'): Node {
  const c = n.children[i];
  if (!c) throw new DerError(`missing ${what}`);
  return c;
}

export function expect(n: Node | undefined, tag: number, what: string): Node {
  if (!n) throw new DerError(`missing ${what}`);
  if (n.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${n.tag.toString(16)}`);
  return n;
}

/** Context-specific tag helpers: [n] constructed / primitive identifier octets. */
export const ctxC = (n: number): number => 0xa0 | n;
export const ctxP = (n: number): number => 0x80 | n;

export function readOid(n: Node): string {
  if (n.tag !== TAG.OID) throw new DerError('expected OBJECT IDENTIFIER');
  const v = n.value;
  if (v.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 256) throw new DerError('OID arc too large');
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

/** Unsigned magnitude of an INTEGER (leading sign zero removed). */
export function readUnsigned(n: Node): Buffer {
  if (n.tag !== TAG.INTEGER) throw new DerError('expected INTEGER');
  let v = n.value;
  if (v.length === 0) throw new DerError('empty INTEGER');
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  return v;
}

export function readSmallInt(n: Node): number {
  const v = readUnsigned(n);
  if (v.length > 6) throw new DerError('INTEGER too large');
  let x = 0;
  for (const b of v) x = x * 256 + b;
  if (n.value[0]! & 0x80) throw new DerError('negative INTEGER not expected');
  return x;
}

/** OCTET STRING contents, joining BER constructed chunks. */
export function readOctets(n: Node): Buffer {
  if ((n.tag & 0x1f) !== TAG.OCTET_STRING && n.cls === 0) throw new DerError('expected OCTET STRING');
  if (!n.constructed) return n.value;
  return Buffer.concat(n.children.map((c) => readOctets(c)));
}

/** Same, for an implicitly tagged octet string ([n] IMPLICIT OCTET STRING). */
export function readImplicitOctets(n: Node): Buffer {
  if (!n.constructed) return n.value;
  return Buffer.concat(n.children.map((c) => (c.constructed ? readImplicitOctets(c) : c.value)));
}

export function readBitString(n: Node): Buffer {
  if (n.tag !== TAG.BIT_STRING) throw new DerError('expected BIT STRING');
  if (n.value.length < 1) throw new DerError('empty BIT STRING');
  return n.value.subarray(1);
}

export function readString(n: Node): string {
  switch (n.tag) {
    case TAG.UTF8String:
    case TAG.PrintableString:
    case TAG.IA5String:
    case 0x1a: // VisibleString
    case 0x12: // NumericString
      return n.value.toString('utf8');
    case TAG.T61String:
      return n.value.toString('latin1');
    case TAG.BMPString: {
      let s = '';
      for (let i = 0; i + 1 < n.value.length; i += 2) s += String.fromCharCode(n.value.readUInt16BE(i));
      return s;
    }
    case TAG.UniversalString: {
      let s = '';
      for (let i = 0; i + 3 < n.value.length; i += 4) s += String.fromCodePoint(n.value.readUInt32BE(i) & 0x1fffff);
      return s;
    }
    default:
      throw new DerError(`expected a string type, got tag 0x${n.tag.toString(16)}`);
  }
}

export function readTime(n: Node): number {
  const s = n.value.toString('latin1');
  let m: RegExpMatchArray | null;
  if (n.tag === TAG.UTCTime) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s);
    if (!m) throw new DerError(`bad UTCTime ${JSON.stringify(s)}`);
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return msFromCivil({ year, month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? '0') });
  }
  if (n.tag === TAG.GeneralizedTime) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s);
    if (!m) throw new DerError(`bad GeneralizedTime ${JSON.stringify(s)}`);
    return msFromCivil({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? '0') });
  }
  throw new DerError('expected a time value');
}

// ---------------------------------------------------------------- encoder

function encLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encLen(content.length), content]);
}

export const seq = (...items: Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, Buffer.concat(items));
/** SET OF with DER ordering (elements sorted by encoding). */
export const setOf = (...items: Uint8Array[]): Buffer =>
  tlv(TAG.SET, Buffer.concat([...items].map((b) => Buffer.from(b)).sort(Buffer.compare)));
/** SET preserving the given order (used for RDNs built in a caller-chosen order). */
export const setOrdered = (...items: Uint8Array[]): Buffer => tlv(TAG.SET, Buffer.concat(items));
export const octets = (b: Uint8Array): Buffer => tlv(TAG.OCTET_STRING, b);
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const bitString = (b: Uint8Array, unused = 0): Buffer => tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unused]), b]));
export const explicit = (n: number, inner: Uint8Array): Buffer => tlv(ctxC(n), inner);
export const implicitC = (n: number, content: Uint8Array): Buffer => tlv(ctxC(n), content);
export const implicitP = (n: number, content: Uint8Array): Buffer => tlv(ctxP(n), content);
export const utf8 = (s: string): Buffer => tlv(TAG.UTF8String, Buffer.from(s, 'utf8'));
export const printable = (s: string): Buffer => tlv(TAG.PrintableString, Buffer.from(s, 'latin1'));
export const ia5 = (s: string): Buffer => tlv(TAG.IA5String, Buffer.from(s, 'latin1'));

/** INTEGER from an unsigned magnitude (adds the sign byte when needed). */
export function uintBytes(mag: Uint8Array): Buffer {
  let b = Buffer.from(mag);
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(TAG.INTEGER, b);
}

export function int(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`int: ${n}`);
  const bytes: number[] = [];
  let x = n;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  return uintBytes(Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => {
    if (!/^\d+$/.test(p)) throw new RangeError(`bad OID ${dotted}`);
    return Number(p);
  });
  if (parts.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  const out: number[] = [];
  for (const a of arcs) {
    const stack: number[] = [a & 0x7f];
    let x = Math.floor(a / 128);
    while (x > 0) {
      stack.unshift((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    out.push(...stack);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** UTCTime for 1950..2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). Seconds precision. */
export function time(ms: number): Buffer {
  const c = civilFromMs(ms);
  const y = c.year;
  const rest = `${pad2(c.month)}${pad2(c.day)}${pad2(c.hour)}${pad2(c.minute)}${pad2(c.second)}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.UTCTime, Buffer.from(pad2(y % 100) + rest, 'latin1'));
  return tlv(TAG.GeneralizedTime, Buffer.from(String(y).padStart(4, '0') + rest, 'latin1'));
}

/** AlgorithmIdentifier { oid, params } ; params undefined → absent, 'null' → NULL. */
export function algId(o: string, params?: Uint8Array | 'null'): Buffer {
  if (params === undefined) return seq(oid(o));
  return seq(oid(o), params === 'null' ? nul() : params);
}

/** Read an AlgorithmIdentifier: { oid, params node? }. */
export function readAlgId(n: Node): { oid: string; params: Node | undefined } {
  expect(n, TAG.SEQUENCE, 'AlgorithmIdentifier');
  return { oid: readOid(child(n, 0, 'algorithm OID')), params: n.children[1] };
}
