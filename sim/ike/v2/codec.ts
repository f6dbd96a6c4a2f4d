/**
 * IKEv2 message codec (RFC 7296 §3). Decoding is strict about lengths and never reads out of
 * bounds; it throws IkeDecodeError, which callers turn into INVALID_SYNTAX /
 * UNSUPPORTED_CRITICAL_PAYLOAD or a silent drop. Unknown non-critical payloads are kept as
 * `{ type, raw }` and otherwise ignored.
 */
import { PT } from './constants.js';

export class IkeDecodeError extends Error {
  constructor(message: string, readonly kind: 'syntax' | 'critical' = 'syntax', readonly payloadType = 0) {
    super(message);
  }
}

export interface IkeHeader {
  spiI: Buffer;
  spiR: Buffer;
  nextPayload: number;
  version: number;
  exchange: number;
  flags: number;
  mid: number;
  length: number;
}

export interface Transform {
  type: number;
  id: number;
  keyLength?: number;
}

export interface Proposal {
  num: number;
  protocol: number;
  spi: Buffer;
  transforms: Transform[];
}

export interface TrafficSelector {
  tsType: number;
  ipProto: number;
  startPort: number;
  endPort: number;
  start: Buffer;
  end: Buffer;
}

export interface CpAttribute {
  type: number;
  value: Buffer;
}

export interface SaPayload { type: typeof PT.SA; critical?: boolean; proposals: Proposal[] }
export interface KePayload { type: typeof PT.KE; critical?: boolean; group: number; data: Buffer }
export interface IdPayload { type: typeof PT.IDi | typeof PT.IDr; critical?: boolean; body: Buffer }
export interface CertPayload { type: typeof PT.CERT | typeof PT.CERTREQ; critical?: boolean; encoding: number; data: Buffer }
export interface AuthPayload { type: typeof PT.AUTH; critical?: boolean; method: number; data: Buffer }
export interface NoncePayload { type: typeof PT.NONCE; critical?: boolean; data: Buffer }
export interface NotifyPayload { type: typeof PT.NOTIFY; critical?: boolean; protocol: number; spi: Buffer; notifyType: number; data: Buffer }
export interface DeletePayload { type: typeof PT.DELETE; critical?: boolean; protocol: number; spiSize: number; spis: Buffer[] }
export interface VendorPayload { type: typeof PT.VENDOR; critical?: boolean; data: Buffer }
export interface TsPayload { type: typeof PT.TSi | typeof PT.TSr; critical?: boolean; selectors: TrafficSelector[] }
export interface CpPayload { type: typeof PT.CP; critical?: boolean; cfgType: number; attributes: CpAttribute[] }
/** SK: `data` is IV | ciphertext | ICV; `firstInner` is the Next Payload field of the SK header. */
export interface SkPayload { type: typeof PT.SK; critical?: boolean; firstInner: number; data: Buffer }
/** Any payload type we do not interpret (kept raw, skipped by the state machines). */
export interface UnknownPayload { type: number; critical?: boolean; raw: Buffer; unknown: true }

export type Payload =
  | SaPayload | KePayload | IdPayload | CertPayload | AuthPayload | NoncePayload | NotifyPayload | DeletePayload
  | VendorPayload | TsPayload | CpPayload | SkPayload | UnknownPayload;

export interface PayloadMap {
  33: SaPayload; 34: KePayload; 35: IdPayload; 36: IdPayload; 37: CertPayload; 38: CertPayload; 39: AuthPayload;
  40: NoncePayload; 41: NotifyPayload; 42: DeletePayload; 43: VendorPayload; 44: TsPayload; 45: TsPayload;
  46: SkPayload; 47: CpPayload;
}
export type PayloadOf<T extends number> = T extends keyof PayloadMap ? PayloadMap[T] : UnknownPayload;

/** Type guard: `p` is a decoded (known) payload of type t. */
export function isPayload<T extends keyof PayloadMap>(p: Payload, t: T): p is PayloadMap[T] {
  return p.type === t && !('unknown' in p);
}

export const HEADER_LEN = 28;
export const MAX_MESSAGE = 65_535;

export function decodeHeader(buf: Buffer): IkeHeader {
  if (buf.length < HEADER_LEN) throw new IkeDecodeError('message shorter than the IKE header');
  return {
    spiI: buf.subarray(0, 8),
    spiR: buf.subarray(8, 16),
    nextPayload: buf[16]!,
    version: buf[17]!,
    exchange: buf[18]!,
    flags: buf[19]!,
    mid: buf.readUInt32BE(20),
    length: buf.readUInt32BE(24),
  };
}

export function encodeHeader(h: Omit<IkeHeader, 'version'> & { version?: number }): Buffer {
  const b = Buffer.alloc(HEADER_LEN);
  h.spiI.copy(b, 0, 0, 8);
  h.spiR.copy(b, 8, 0, 8);
  b[16] = h.nextPayload;
  b[17] = h.version ?? 0x20;
  b[18] = h.exchange;
  b[19] = h.flags;
  b.writeUInt32BE(h.mid >>> 0, 20);
  b.writeUInt32BE(h.length >>> 0, 24);
  return b;
}

const KNOWN = new Set<number>([PT.SA, PT.KE, PT.IDi, PT.IDr, PT.CERT, PT.CERTREQ, PT.AUTH, PT.NONCE, PT.NOTIFY, PT.DELETE, PT.VENDOR, PT.TSi, PT.TSr, PT.SK, PT.CP]);

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new IkeDecodeError(what);
}

function decodeProposals(b: Buffer): Proposal[] {
  const out: Proposal[] = [];
  let p = 0;
  let last = false;
  while (!last) {
    need(p + 8 <= b.length, 'truncated proposal');
    const more = b[p]!;
    need(more === 0 || more === 2, 'bad proposal last/more');
    last = more === 0;
    const plen = b.readUInt16BE(p + 2);
    need(plen >= 8 && p + plen <= b.length, 'bad proposal length');
    const num = b[p + 4]!, protocol = b[p + 5]!, spiSize = b[p + 6]!, ntr = b[p + 7]!;
    need(8 + spiSize <= plen, 'bad SPI size');
    const spi = Buffer.from(b.subarray(p + 8, p + 8 + spiSize));
    const transforms: Transform[] = [];
    let q = p + 8 + spiSize;
    const pend = p + plen;
    for (let i = 0; i < ntr; i++) {
      need(q + 8 <= pend, 'truncated transform');
      const tmore = b[q]!;
      need(tmore === 0 || tmore === 3, 'bad transform last/more');
      const tlen = b.readUInt16BE(q + 2);
      need(tlen >= 8 && q + tlen <= pend, 'bad transform length');
      const t: Transform = { type: b[q + 4]!, id: b.readUInt16BE(q + 6) };
      let a = q + 8;
      while (a < q + tlen) {
        need(a + 4 <= q + tlen, 'truncated attribute');
        const at = b.readUInt16BE(a);
        if (at & 0x8000) {
          if ((at & 0x7fff) === 14) t.keyLength = b.readUInt16BE(a + 2);
          a += 4;
        } else {
          const alen = b.readUInt16BE(a + 2);
          need(a + 4 + alen <= q + tlen, 'truncated TLV attribute');
          a += 4 + alen;
        }
      }
      transforms.push(t);
      q += tlen;
      if (tmore === 0 && i !== ntr - 1) throw new IkeDecodeError('transform count mismatch');
    }
    need(q === pend, 'proposal length mismatch');
    out.push({ num, protocol, spi, transforms });
    p = pend;
    need(out.length <= 64, 'too many proposals');
  }
  need(p === b.length, 'trailing bytes in SA payload');
  return out;
}

function encodeProposals(ps: Proposal[]): Buffer {
  const parts: Buffer[] = [];
  ps.forEach((pr, pi) => {
    const tparts = pr.transforms.map((t, ti) => {
      const attr = t.keyLength !== undefined ? Buffer.from([0x80, 0x0e, t.keyLength >> 8, t.keyLength & 0xff]) : Buffer.alloc(0);
      const h = Buffer.alloc(8);
      h[0] = ti === pr.transforms.length - 1 ? 0 : 3;
      h.writeUInt16BE(8 + attr.length, 2);
      h[4] = t.type;
      h.writeUInt16BE(t.id, 6);
      return Buffer.concat([h, attr]);
    });
    const body = Buffer.concat(tparts);
    const h = Buffer.alloc(8);
    h[0] = pi === ps.length - 1 ? 0 : 2;
    h.writeUInt16BE(8 + pr.spi.length + body.length, 2);
    h[4] = pr.num;
    h[5] = pr.protocol;
    h[6] = pr.spi.length;
    h[7] = pr.transforms.length;
    parts.push(h, pr.spi, body);
  });
  return Buffer.concat(parts);
}

function decodeTs(b: Buffer): TrafficSelector[] {
  need(b.length >= 4, 'truncated TS payload');
  const n = b[0]!;
  const out: TrafficSelector[] = [];
  let p = 4;
  for (let i = 0; i < n; i++) {
    need(p + 8 <= b.length, 'truncated TS');
    const tsType = b[p]!;
    const len = b.readUInt16BE(p + 2);
    need(len >= 8 && p + len <= b.length, 'bad TS length');
    const alen = (len - 8) / 2;
    need(Number.isInteger(alen), 'odd TS address length');
    out.push({
      tsType, ipProto: b[p + 1]!, startPort: b.readUInt16BE(p + 4), endPort: b.readUInt16BE(p + 6),
      start: Buffer.from(b.subarray(p + 8, p + 8 + alen)), end: Buffer.from(b.subarray(p + 8 + alen, p + len)),
    });
    p += len;
  }
  need(p === b.length, 'trailing bytes in TS payload');
  return out;
}

function encodeTs(ts: TrafficSelector[]): Buffer {
  const parts: Buffer[] = [Buffer.from([ts.length, 0, 0, 0])];
  for (const t of ts) {
    const h = Buffer.alloc(8);
    h[0] = t.tsType;
    h[1] = t.ipProto;
    h.writeUInt16BE(8 + t.start.length + t.end.length, 2);
    h.writeUInt16BE(t.startPort, 4);
    h.writeUInt16BE(t.endPort, 6);
    parts.push(h, t.start, t.end);
  }
  return Buffer.concat(parts);
}

function decodeBody(type: number, critical: boolean, b: Buffer, next: number): Payload {
  switch (type) {
    case PT.SA: return { type, critical, proposals: decodeProposals(b) };
    case PT.KE:
      need(b.length >= 4, 'truncated KE');
      return { type, critical, group: b.readUInt16BE(0), data: Buffer.from(b.subarray(4)) };
    case PT.IDi: case PT.IDr:
      need(b.length >= 4, 'truncated ID');
      return { type, critical, body: Buffer.from(b) };
    case PT.CERT: case PT.CERTREQ:
      need(b.length >= 1, 'truncated CERT');
      return { type, critical, encoding: b[0]!, data: Buffer.from(b.subarray(1)) };
    case PT.AUTH:
      need(b.length >= 4, 'truncated AUTH');
      return { type, critical, method: b[0]!, data: Buffer.from(b.subarray(4)) };
    case PT.NONCE: return { type, critical, data: Buffer.from(b) };
    case PT.NOTIFY: {
      need(b.length >= 4, 'truncated Notify');
      const spiSize = b[1]!;
      need(4 + spiSize <= b.length, 'bad Notify SPI size');
      return { type, critical, protocol: b[0]!, spi: Buffer.from(b.subarray(4, 4 + spiSize)), notifyType: b.readUInt16BE(2), data: Buffer.from(b.subarray(4 + spiSize)) };
    }
    case PT.DELETE: {
      need(b.length >= 4, 'truncated Delete');
      const spiSize = b[1]!, n = b.readUInt16BE(2);
      need(b.length === 4 + spiSize * n, 'bad Delete length');
      const spis: Buffer[] = [];
      for (let i = 0; i < n; i++) spis.push(Buffer.from(b.subarray(4 + i * spiSize, 4 + (i + 1) * spiSize)));
      return { type, critical, protocol: b[0]!, spiSize, spis };
    }
    case PT.VENDOR: return { type, critical, data: Buffer.from(b) };
    case PT.TSi: case PT.TSr: return { type, critical, selectors: decodeTs(b) };
    case PT.CP: {
      need(b.length >= 4, 'truncated CP');
      const attributes: CpAttribute[] = [];
      let p = 4;
      while (p < b.length) {
        need(p + 4 <= b.length, 'truncated CP attribute');
        const len = b.readUInt16BE(p + 2);
        need(p + 4 + len <= b.length, 'bad CP attribute length');
        attributes.push({ type: b.readUInt16BE(p) & 0x7fff, value: Buffer.from(b.subarray(p + 4, p + 4 + len)) });
        p += 4 + len;
        need(attributes.length <= 256, 'too many CP attributes');
      }
      return { type, critical, cfgType: b[0]!, attributes };
    }
    case PT.SK: return { type, critical, firstInner: next, data: Buffer.from(b) };
    default: return { type, critical, raw: Buffer.from(b), unknown: true };
  }
}

export interface DecodedChain {
  payloads: Payload[];
  /** For an SK payload: offset (in the buffer given) of its generic header. */
  skOffset?: number;
}

/**
 * Decode a payload chain starting with type `first` in buf[start, end). An SK payload must be
 * last (its Next Payload names the first inner payload). Unknown critical → IkeDecodeError('critical').
 */
export function decodeChain(buf: Buffer, first: number, start: number, end: number): DecodedChain {
  const payloads: Payload[] = [];
  let type = first;
  let p = start;
  let skOffset: number | undefined;
  while (type !== PT.NONE) {
    need(p + 4 <= end, 'truncated payload header');
    const next = buf[p]!;
    const critical = (buf[p + 1]! & 0x80) !== 0;
    const len = buf.readUInt16BE(p + 2);
    need(len >= 4 && p + len <= end, `bad payload length for type ${type}`);
    if (!KNOWN.has(type) && critical) throw new IkeDecodeError(`unsupported critical payload ${type}`, 'critical', type);
    const pl = decodeBody(type, critical, buf.subarray(p + 4, p + len), next);
    payloads.push(pl);
    if (type === PT.SK) {
      skOffset = p;
      need(p + len === end, 'SK payload is not the last payload');
      p = end;
      break;
    }
    p += len;
    type = next;
    need(payloads.length <= 256, 'too many payloads');
  }
  need(p === end, 'trailing bytes after the last payload');
  return skOffset === undefined ? { payloads } : { payloads, skOffset };
}

export interface DecodedMessage {
  header: IkeHeader;
  payloads: Payload[];
  skOffset?: number;
  raw: Buffer;
}

export function decodeMessage(buf: Buffer): DecodedMessage {
  const header = decodeHeader(buf);
  if (header.version >> 4 !== 2) throw new IkeDecodeError(`unsupported IKE version 0x${header.version.toString(16)}`);
  need(header.length === buf.length, 'length field does not match the datagram');
  const c = decodeChain(buf, header.nextPayload, HEADER_LEN, buf.length);
  return { header, payloads: c.payloads, ...(c.skOffset !== undefined ? { skOffset: c.skOffset } : {}), raw: buf };
}

/** Encode one payload's body (without the generic header). */
export function encodeBody(pl: Payload): Buffer {
  if ('unknown' in pl) return pl.raw;
  switch (pl.type) {
    case PT.SA: return encodeProposals(pl.proposals);
    case PT.KE: {
      const h = Buffer.alloc(4);
      h.writeUInt16BE(pl.group, 0);
      return Buffer.concat([h, pl.data]);
    }
    case PT.IDi: case PT.IDr: return pl.body;
    case PT.CERT: case PT.CERTREQ: return Buffer.concat([Buffer.from([pl.encoding]), pl.data]);
    case PT.AUTH: return Buffer.concat([Buffer.from([pl.method, 0, 0, 0]), pl.data]);
    case PT.NONCE: case PT.VENDOR: return pl.data;
    case PT.NOTIFY: {
      const h = Buffer.from([pl.protocol, pl.spi.length, 0, 0]);
      h.writeUInt16BE(pl.notifyType, 2);
      return Buffer.concat([h, pl.spi, pl.data]);
    }
    case PT.DELETE: {
      const h = Buffer.from([pl.protocol, pl.spiSize, 0, 0]);
      h.writeUInt16BE(pl.spis.length, 2);
      return Buffer.concat([h, ...pl.spis]);
    }
    case PT.TSi: case PT.TSr: return encodeTs(pl.selectors);
    case PT.CP: {
      const parts: Buffer[] = [Buffer.from([pl.cfgType, 0, 0, 0])];
      for (const a of pl.attributes) {
        const h = Buffer.alloc(4);
        h.writeUInt16BE(a.type & 0x7fff, 0);
        h.writeUInt16BE(a.value.length, 2);
        parts.push(h, a.value);
      }
      return Buffer.concat(parts);
    }
    case PT.SK: return pl.data;
    default: throw new Error(`cannot encode payload type ${(pl as { type: number }).type}`);
  }
}

/** Encode a payload chain; returns the bytes and the type of the first payload. */
export function encodeChain(payloads: Payload[]): { first: number; bytes: Buffer } {
  const parts: Buffer[] = [];
  payloads.forEach((pl, i) => {
    const body = encodeBody(pl);
    const h = Buffer.alloc(4);
    const nxt = isPayload(pl, PT.SK) ? pl.firstInner : (payloads[i + 1]?.type ?? PT.NONE);
    h[0] = nxt;
    h[1] = pl.critical ? 0x80 : 0;
    h.writeUInt16BE(4 + body.length, 2);
    parts.push(h, body);
  });
  return { first: payloads[0]?.type ?? PT.NONE, bytes: Buffer.concat(parts) };
}

/** Encode a complete plaintext message (the header Length and Next Payload are filled in). */
export function encodeMessage(h: Omit<IkeHeader, 'nextPayload' | 'length' | 'version'>, payloads: Payload[]): Buffer {
  const c = encodeChain(payloads);
  const hdr = encodeHeader({ ...h, nextPayload: c.first, length: HEADER_LEN + c.bytes.length });
  return Buffer.concat([hdr, c.bytes]);
}

export function findNotify(payloads: Payload[], notifyType: number): NotifyPayload | undefined {
  return payloads.find((p): p is NotifyPayload => isPayload(p, PT.NOTIFY) && p.notifyType === notifyType);
}

export function findPayload<T extends keyof PayloadMap>(payloads: Payload[], type: T): PayloadMap[T] | undefined {
  return payloads.find((p): p is PayloadMap[T] => isPayload(p, type));
}

export function filterPayloads<T extends keyof PayloadMap>(payloads: Payload[], type: T): PayloadMap[T][] {
  return payloads.filter((p): p is PayloadMap[T] => isPayload(p, type));
}

export function notify(notifyType: number, data: Buffer = Buffer.alloc(0), protocol = 0, spi: Buffer = Buffer.alloc(0)): NotifyPayload {
  return { type: PT.NOTIFY, protocol, spi, notifyType, data };
}
