/**
 * Parser for the syntax mini-language of CommandSpec.syntax (documented in types.ts), and the
 * expansion of a parsed syntax into its linear forms (which the engine merges into a trie).
 */
import type { ParamRegistry, ParamType } from './params.js';

export type SyntaxNode =
  | { t: 'kw'; word: string; var?: string; /** bound by a `<a|b>$var` group */ choiceVar?: boolean }
  | { t: 'param'; type: ParamType; text: string; var?: string }
  | { t: 'opt'; alts: SyntaxSeq[] }
  | { t: 'choice'; alts: SyntaxSeq[] }
  | { t: 'any'; alts: SyntaxSeq[] };
export type SyntaxSeq = SyntaxNode[];

/** One token of a linear form. */
export type FormToken =
  | { t: 'kw'; word: string; var?: string; choiceVar?: boolean }
  | { t: 'param'; type: ParamType; text: string; var?: string };

export class GrammarSyntaxError extends Error {}

type Lex =
  | { k: 'punct'; v: '[' | ']' | '{' | '}' | '|' | '<' }
  | { k: 'close'; var?: string } // '>' with optional $var
  | { k: 'word'; text: string; var?: string; pos: number };

const VAR_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const RANGE_RE = /^<(\d+)-(\d+)>/;
const PLACEHOLDER_RE = /^[A-Z][A-Z0-9.:_/-]*$/;
const KEYWORD_RE = /^[A-Za-z0-9][A-Za-z0-9._:/+@#=*-]*$/;
const STOP = new Set([' ', '\t', '[', ']', '{', '}', '|', '<', '>']);

function lex(src: string, id: string): Lex[] {
  const out: Lex[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new GrammarSyntaxError(`command '${id}': malformed syntax "${src}": ${msg} (at ${i})`);
  };
  const readVar = (): string | undefined => {
    if (src[i] !== '$') return undefined;
    i++;
    const s = i;
    while (i < src.length && !STOP.has(src[i]!)) i++;
    const v = src.slice(s, i);
    if (!VAR_RE.test(v)) fail(`bad variable name '$${v}'`);
    return v;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '<') {
      const m = RANGE_RE.exec(src.slice(i));
      if (m) {
        const pos = i;
        i += m[0].length;
        const v = readVar();
        out.push({ k: 'word', text: m[0], var: v, pos });
        continue;
      }
      out.push({ k: 'punct', v: '<' });
      i++;
      continue;
    }
    if (c === '>') {
      i++;
      out.push({ k: 'close', var: readVar() });
      continue;
    }
    if (c === '[' || c === ']' || c === '{' || c === '}' || c === '|') {
      out.push({ k: 'punct', v: c });
      i++;
      continue;
    }
    const pos = i;
    while (i < src.length && !STOP.has(src[i]!) && src[i] !== '$') i++;
    const text = src.slice(pos, i);
    if (text.length === 0) fail(`unexpected '${src[i]}'`);
    out.push({ k: 'word', text, var: readVar(), pos });
  }
  return out;
}

/** Parse a syntax string. Throws an Error naming the command id when malformed. */
export function parseSyntax(src: string, id: string, reg: ParamRegistry): SyntaxSeq {
  if (typeof src !== 'string' || src.trim().length === 0) {
    throw new GrammarSyntaxError(`command '${id}': empty syntax`);
  }
  const toks = lex(src, id);
  let p = 0;
  const fail = (msg: string): never => {
    throw new GrammarSyntaxError(`command '${id}': malformed syntax "${src}": ${msg}`);
  };

  const parseAlts = (close: ']' | '}' | '>'): { alts: SyntaxSeq[]; var?: string } => {
    const alts: SyntaxSeq[] = [];
    for (;;) {
      const seq = parseSeq();
      if (seq.length === 0) fail(`empty alternative before '${close}'`);
      alts.push(seq);
      const t = toks[p];
      if (!t) fail(`missing '${close}'`);
      if (t!.k === 'punct' && t!.v === '|') { p++; continue; }
      if (close === '>' && t!.k === 'close') { p++; return { alts, var: t!.var }; }
      if (t!.k === 'punct' && t!.v === close) { p++; return { alts }; }
      fail(`expected '|' or '${close}'`);
    }
  };

  const parseSeq = (): SyntaxSeq => {
    const seq: SyntaxSeq = [];
    while (p < toks.length) {
      const t = toks[p]!;
      if (t.k === 'close') break;
      if (t.k === 'punct') {
        if (t.v === '|' || t.v === ']' || t.v === '}') break;
        p++;
        if (t.v === '[') seq.push({ t: 'opt', alts: parseAlts(']').alts });
        else if (t.v === '{') seq.push({ t: 'any', alts: parseAlts('}').alts });
        else {
          const { alts, var: v } = parseAlts('>');
          seq.push({ t: 'choice', alts: v ? alts.map((a) => bindChoice(a, v)) : alts });
        }
        continue;
      }
      p++;
      seq.push(wordNode(t.text, t.var));
    }
    return seq;
  };

  const wordNode = (text: string, v: string | undefined): SyntaxNode => {
    if (text.startsWith('<') || PLACEHOLDER_RE.test(text)) {
      const type = reg.get(text);
      if (!type) fail(`unknown placeholder type '${text}'`);
      return { t: 'param', type: type!, text, var: v };
    }
    if (!KEYWORD_RE.test(text)) fail(`bad keyword '${text}'`);
    return { t: 'kw', word: text, var: v };
  };

  const bindChoice = (alt: SyntaxSeq, v: string): SyntaxSeq => {
    const first = alt[0]!;
    if (first.t === 'kw' && first.var === undefined) return [{ ...first, var: v, choiceVar: true }, ...alt.slice(1)];
    if (first.t === 'param' && first.var === undefined) return [{ ...first, var: v }, ...alt.slice(1)];
    return alt;
  };

  const seq = parseSeq();
  if (p < toks.length) {
    const t = toks[p]!;
    fail(`unexpected '${t.k === 'close' ? '>' : t.k === 'punct' ? t.v : t.text}'`);
  }
  if (seq.length === 0) fail('no tokens');
  // LINE must be last.
  checkRestLast(seq, fail);
  return seq;
}

function checkRestLast(seq: SyntaxSeq, fail: (m: string) => never): void {
  // Checked on the expanded forms in the engine as well; here only the simple top-level case.
  for (let i = 0; i < seq.length - 1; i++) {
    const n = seq[i]!;
    if (n.t === 'param' && n.type.rest) fail(`'${n.text}' must be the last token`);
  }
}

/** Upper bound on linear forms per command (guards against `{a|b|c|d|e|f|g}` blow-up). */
export const MAX_FORMS = 4096;

/** Expand a parsed syntax into all its linear forms. */
export function expandSyntax(seq: SyntaxSeq, id: string): FormToken[][] {
  const tooMany = (): never => {
    throw new GrammarSyntaxError(`command '${id}': syntax expands to more than ${MAX_FORMS} forms`);
  };
  const expSeq = (s: SyntaxSeq): FormToken[][] => {
    let acc: FormToken[][] = [[]];
    for (const n of s) {
      const parts = expNode(n);
      const next: FormToken[][] = [];
      for (const a of acc) for (const b of parts) {
        next.push(a.concat(b));
        if (next.length > MAX_FORMS) tooMany();
      }
      acc = next;
    }
    return acc;
  };
  const expAlts = (alts: SyntaxSeq[]): FormToken[][] => {
    const out: FormToken[][] = [];
    for (const a of alts) for (const f of expSeq(a)) {
      out.push(f);
      if (out.length > MAX_FORMS) tooMany();
    }
    return out;
  };
  const expNode = (n: SyntaxNode): FormToken[][] => {
    switch (n.t) {
      case 'kw': return [[{ t: 'kw', word: n.word, var: n.var, choiceVar: n.choiceVar }]];
      case 'param': return [[{ t: 'param', type: n.type, text: n.text, var: n.var }]];
      case 'opt': return [[], ...expAlts(n.alts)];
      case 'choice': return expAlts(n.alts);
      case 'any': {
        // Any subset (including none) of the alternatives, each at most once, in any order.
        const altForms = n.alts.map(expSeq);
        const out: FormToken[][] = [];
        const rec = (used: boolean[], cur: FormToken[]): void => {
          out.push(cur);
          if (out.length > MAX_FORMS) tooMany();
          for (let i = 0; i < altForms.length; i++) {
            if (used[i]) continue;
            used[i] = true;
            for (const f of altForms[i]!) rec(used, cur.concat(f));
            used[i] = false;
          }
        };
        rec(altForms.map(() => false), []);
        return out;
      }
    }
  };
  const forms = expSeq(seq);
  for (const f of forms) {
    if (f.length === 0) throw new GrammarSyntaxError(`command '${id}': syntax allows an empty command`);
    for (let i = 0; i < f.length - 1; i++) {
      const tk = f[i]!;
      if (tk.t === 'param' && tk.type.rest) {
        throw new GrammarSyntaxError(`command '${id}': '${tk.text}' must be the last token`);
      }
    }
  }
  return forms;
}
