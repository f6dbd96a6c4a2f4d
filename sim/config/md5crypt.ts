/**
 * Password hashing as IOS stores it: type 5 = FreeBSD md5-crypt (`$1$salt$hash`), type 7 =
 * the reversible Vigenère-style obfuscation. Salts come from the device Rng (determinism).
 */
import { createHash } from 'node:crypto';
import type { Rng } from '../kernel/rng.js';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function to64(v: number, n: number): string {
  let s = '';
  while (n-- > 0) {
    s += ITOA64[v & 0x3f];
    v >>>= 6;
  }
  return s;
}

const md5 = (...parts: Buffer[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** md5-crypt of `password` with `salt` (at most 8 chars) → `$1$salt$hash`. */
export function md5crypt(password: string, salt: string): string {
  const pw = Buffer.from(password, 'utf8');
  const sl = Buffer.from(salt.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  const alt = md5(pw, sl, pw);
  const parts: Buffer[] = [pw, magic, sl];
  for (let pl = pw.length; pl > 0; pl -= 16) parts.push(alt.subarray(0, Math.min(16, pl)));
  for (let i = pw.length; i; i >>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let fin = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const p: Buffer[] = [];
    p.push(i & 1 ? pw : fin);
    if (i % 3) p.push(sl);
    if (i % 7) p.push(pw);
    p.push(i & 1 ? fin : pw);
    fin = md5(...p);
  }
  const f = fin;
  let out = '';
  out += to64((f[0]! << 16) | (f[6]! << 8) | f[12]!, 4);
  out += to64((f[1]! << 16) | (f[7]! << 8) | f[13]!, 4);
  out += to64((f[2]! << 16) | (f[8]! << 8) | f[14]!, 4);
  out += to64((f[3]! << 16) | (f[9]! << 8) | f[15]!, 4);
  out += to64((f[4]! << 16) | (f[10]! << 8) | f[5]!, 4);
  out += to64(f[11]!, 2);
  return `$1$${salt.slice(0, 8)}$${out}`;
}

/** IOS uses 4-character salts for `secret 5` (e.g. `$1$mERr$...`). */
export function newSalt(rng: Rng, len = 4): string {
  let s = '';
  for (let i = 0; i < len; i++) s += ITOA64[rng.int(0, 63)];
  return s;
}

export function md5verify(password: string, hash: string): boolean {
  const m = /^\$1\$([^$]{0,8})\$[./0-9A-Za-z]{22}$/.exec(hash);
  if (!m) return false;
  return md5crypt(password, m[1]!) === hash;
}

export function isMd5Crypt(s: string): boolean {
  return /^\$1\$[^$]{0,8}\$[./0-9A-Za-z]{22}$/.test(s);
}

// Type 7 ---------------------------------------------------------------------------------------
const XLAT = 'dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87';

export function type7Decode(hex: string): string | undefined {
  if (!/^\d\d([0-9A-Fa-f]{2})*$/.test(hex)) return undefined;
  let seed = Number(hex.slice(0, 2));
  if (seed > 15) return undefined;
  let out = '';
  for (let i = 2; i < hex.length; i += 2) {
    out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16) ^ XLAT.charCodeAt(seed++ % XLAT.length));
  }
  return out;
}

export function type7Encode(plain: string, seed: number): string {
  let out = String(seed).padStart(2, '0');
  for (let i = 0; i < plain.length; i++) {
    out += (plain.charCodeAt(i) ^ XLAT.charCodeAt((seed + i) % XLAT.length)).toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
