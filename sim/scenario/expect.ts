/**
 * Expectation helpers: text normalisation, substring / regex / golden matching, line diffs,
 * count specs and the `/regex/` literal convention used by log and event matchers.
 */
import type { CountSpec } from './load.js';

/** Terminal output → plain text: CRLF → LF, backspace-overwrites applied, trailing spaces kept. */
export function plainText(raw: string): string {
  let s = raw.replace(/\r\n/g, '\n').replace(/\r/g, '');
  // `\b` erases the previous character (line editor redraws, pager wipes).
  if (s.includes('\b')) {
    const out: string[] = [];
    for (const ch of s) {
      if (ch === '\b') {
        if (out.length && out[out.length - 1] !== '\n') out.pop();
      } else out.push(ch);
    }
    s = out.join('');
  }
  return s;
}

/** `/re/flags` → RegExp; anything else → undefined (a plain substring). */
export function regexLiteral(s: string): RegExp | undefined {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(s);
  if (!m) return undefined;
  return new RegExp(m[1]!, m[2]);
}

/** Substring, or /regex/ literal. */
export function textMatches(text: string, pattern: string): boolean {
  const re = regexLiteral(pattern);
  return re ? re.test(text) : text.includes(pattern);
}

/** Does `value` match `want` (subset match for objects; strings: substring or /regex/; numbers equal)? */
export function valueMatches(value: unknown, want: unknown): boolean {
  if (want === null || want === undefined) return value === want;
  if (typeof want === 'string') {
    if (value === undefined || value === null) return false;
    return textMatches(typeof value === 'string' ? value : JSON.stringify(value), want);
  }
  if (typeof want === 'number' || typeof want === 'boolean') return value === want;
  if (Array.isArray(want)) {
    if (!Array.isArray(value)) return false;
    return want.every((w) => value.some((v) => valueMatches(v, w)));
  }
  if (typeof want === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(want as Record<string, unknown>).every(([k, w]) => valueMatches((value as Record<string, unknown>)[k], w));
  }
  return false;
}

export function countOk(n: number, c: CountSpec): boolean {
  if (c === undefined) return n >= 1;
  if (typeof c === 'number') return n === c;
  return (c.min === undefined || n >= c.min) && (c.max === undefined || n <= c.max);
}

export function describeCount(c: CountSpec): string {
  if (c === undefined) return 'at least 1';
  if (typeof c === 'number') return `exactly ${c}`;
  if (c.min !== undefined && c.max !== undefined) return `${c.min}..${c.max}`;
  if (c.min !== undefined) return `at least ${c.min}`;
  if (c.max !== undefined) return `at most ${c.max}`;
  return 'any number';
}

/** Minimal unified line diff (LCS), `-` expected / `+` actual, with 2 lines of context. */
export function lineDiff(expected: string, actual: string, context = 2): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return `--- expected (${n} lines)\n+++ actual (${m} lines)\n(too large to diff)`;
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  }
  const ops: { op: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i]![j + 1]! >= dp[i + 1]![j]!)) {
      ops.push({ op: '+', text: b[j]! });
      j++;
    } else {
      ops.push({ op: '-', text: a[i]! });
      i++;
    }
  }
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach((o, k) => {
    if (o.op !== ' ') for (let x = Math.max(0, k - context); x <= Math.min(ops.length - 1, k + context); x++) keep[x] = true;
  });
  const out = ['--- expected', '+++ actual'];
  let skipped = false;
  ops.forEach((o, k) => {
    if (!keep[k]) {
      if (!skipped) out.push('@@');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${o.op}${visible(o.text)}`);
  });
  return out.join('\n');
}

/** Make trailing spaces and control characters visible in diffs. */
function visible(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/ +$/, (sp) => '·'.repeat(sp.length));
}

/** The last `n` lines of a text. */
export function tail(text: string, n: number): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}
