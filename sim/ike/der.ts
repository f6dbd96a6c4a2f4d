/**
 * Minimal, bounds-checked DER reader (definite lengths only). Used for X.509 parsing in the
 * IKE layer: every accessor throws DerError on malformed input and never reads out of bounds.
 */
export class DerError extends Error {}

export interface Tlv {
  /** Full identifier octet (class | constructed | number); multi-byte tags are rejected. */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(buf: Uint8Array, off: number, limit = buf.length): Tlv {
  if (off + 2 > limit) throw new DerError('truncated TLV header');
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tag');
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported length form');
    if (p + n > limit) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > limit) throw new DerError('content past end');
  return { tag, start: off, contentStart: p, end: p + len };
}

/** Children of a constructed TLV. */
export function children(buf: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = t.contentStart;
  let guard = 0;
  while (p < t.end) {
    if (++guard > 10_000) throw new DerError('too many elements');
    const c = readTlv(buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

export function content(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + t.contentStart, t.end - t.contentStart);
}

export function whole(buf: Uint8Array, t: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + t.start, t.end - t.start);
}

export function decodeOid(b: Uint8Array): string {
  if (b.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) throw new DerError('OID arc too large');
    if (!(b[i]! & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

import { daysFromCivil } from '../kernel/clock.js';

export { daysFromCivil };

/** Milliseconds since the epoch for UTCTime (0x17) or GeneralizedTime (0x18), 'Z' forms. */
export function decodeTime(tag: number, b: Uint8Array): number {
  const s = Buffer.from(b).toString('latin1');
  let m: RegExpMatchArray | null;
  let y: number;
  if (tag === 0x17) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    y = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (tag === 0x18) {
    m = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(s);
    if (!m) throw new DerError('bad GeneralizedTime');
    y = Number(m[1]);
  } else throw new DerError('expected time');
  const mo = Number(m[2]), d = Number(m[3]), h = Number(m[4]), mi = Number(m[5]), se = Number(m[6] ?? '0');
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) throw new DerError('bad time field');
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + se * 1000;
}

/** ms since epoch → 'YYYY-MM-DD HH:MM:SS' UTC (for logs; no Date). */
export function formatUtc(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rem = ms - days * 86_400_000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3_600_000); rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000); rem -= mi * 60_000;
  const s = Math.floor(rem / 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m)}-${p(d)} ${p(h)}:${p(mi)}:${p(s)}`;
}
