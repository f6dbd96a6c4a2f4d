/**
 * Property-style checks over the whole fixture: every spelled-out form of every command matches,
 * and every unique abbreviation of each keyword gives the same id and args.
 */
import { describe, expect, it } from 'vitest';
import { Grammar, ParamRegistry, expandSyntax, parseSyntax, type FormToken } from '../../cli-grammar/engine.js';
import type { ArgValue, Args } from '../../cli-grammar/types.js';
import { COMMANDS, MODES } from './fixture.js';

const g = new Grammar(MODES, COMMANDS);
const reg = new ParamRegistry();

/** A sample word for a placeholder and the value it binds. */
function sample(t: FormToken & { t: 'param' }, pos: number): { text: string; value: ArgValue } {
  switch (t.type.name) {
    case 'WORD': return { text: `Val${pos}`, value: `Val${pos}` };
    case 'LINE': return { text: 'free  text here', value: 'free  text here' };
    case 'A.B.C.D': return { text: `10.1.2.${pos}`, value: `10.1.2.${pos}` };
    case 'HH:MM:SS': return { text: '12:34:56', value: '12:34:56' };
    case 'MONTH': return { text: 'March', value: 'March' };
    case 'INTERFACE': return { text: 'FastEthernet0/1', value: 'FastEthernet0/1' };
    case 'URL': return { text: 'http://10.0.0.1:80/cgi-bin', value: 'http://10.0.0.1:80/cgi-bin' };
    case 'DURATION': return { text: '1d12h', value: 129_600_000 };
  }
  const m = /^<(\d+)-(\d+)>$/.exec(t.type.name);
  if (m) { const n = Math.floor((Number(m[1]) + Number(m[2])) / 2); return { text: String(n), value: n }; }
  throw new Error(`no sample for ${t.type.name}`);
}

interface Case { id: string; mode: string; words: string[]; kwAt: boolean[]; args: Args; prefix?: 'no' | 'default' }

const cases: Case[] = [];
for (const spec of COMMANDS) {
  const forms = expandSyntax(parseSyntax(spec.syntax, spec.id, reg), spec.id);
  for (const mode of spec.modes) {
    for (const form of forms) {
      const words: string[] = [];
      const kwAt: boolean[] = [];
      const args: Args = {};
      form.forEach((t, i) => {
        if (t.t === 'kw') {
          words.push(t.word); kwAt.push(true);
          if (t.var !== undefined) args[t.var] = t.word;
          if (t.var === undefined || t.choiceVar) args[t.word] = true;
        } else {
          const s = sample(t, i);
          words.push(s.text); kwAt.push(false);
          args[t.var ?? t.text] = s.value;
        }
      });
      cases.push({ id: spec.id, mode, words, kwAt, args });
      for (const p of ['no', 'default'] as const) {
        if (spec[p]) cases.push({ id: spec.id, mode, words: [p, ...words], kwAt: [true, ...kwAt], args, prefix: p });
      }
    }
  }
}

describe('property: spelled-out forms and abbreviations', () => {
  it('has a non-trivial number of cases', () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  it('every full form matches with the expected id and args', () => {
    for (const c of cases) {
      const r = g.match(c.mode, c.words.join(' '), 15);
      expect(r, `${c.mode}: ${c.words.join(' ')}`).toEqual({
        kind: 'ok', id: c.id, args: c.args, negated: c.prefix !== undefined, mode: c.mode,
        ...(c.prefix ? { prefix: c.prefix } : {}),
      });
    }
  });

  it('every unique abbreviation of each keyword matches the same id and args', () => {
    let checked = 0;
    for (const c of cases) {
      const full = g.match(c.mode, c.words.join(' '), 15);
      for (let i = 0; i < c.words.length; i++) {
        if (!c.kwAt[i]) continue;
        const before = c.words.slice(0, i).join(' ');
        const cands = g.keywordsAt(c.mode, before, 15, true).map((k) => k.toLowerCase());
        const kw = c.words[i]!.toLowerCase();
        expect(cands, `${c.mode}: '${before}' offers '${kw}'`).toContain(kw);
        for (let n = 1; n < kw.length; n++) {
          const p = kw.slice(0, n);
          if (cands.filter((k) => k.startsWith(p)).length !== 1) continue;
          const words = c.words.slice();
          words[i] = p.toUpperCase().slice(0, 1) + p.slice(1); // mixed case too
          const line = words.join(' ');
          expect(g.match(c.mode, line, 15), `${c.mode}: ${line}`).toEqual(full);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('every incomplete prefix of a form that does not end a command is incomplete, never ok with another id', () => {
    for (const c of cases) {
      for (let n = 1; n < c.words.length; n++) {
        const r = g.match(c.mode, c.words.slice(0, n).join(' '), 15);
        if (r.kind === 'ok') continue; // optional tails / `no` forms end early
        expect(['incomplete', 'ambiguous'], `${c.mode}: ${c.words.slice(0, n).join(' ')}`).toContain(r.kind);
      }
    }
  });
});
