/**
 * The CLI grammar engine: builds one graph (a trie of tokens) per mode from CommandSpec data and
 * answers match / `?` help / Tab completion with IOS rules, plus IOS error and help rendering.
 *
 * Pure: no I/O, no clock, no randomness. Graphs are built once in the constructor; matching is a
 * bounded depth-first walk over the mode's trie (FRR `command_match.c` style):
 *   - every path that consumes the whole line survives (look-ahead: `s i b 1.2.3.4`);
 *   - surviving paths are ranked word by word with the FRR precedence
 *     keyword exact (4) > keyword partial (3) > typed placeholder (2) > WORD/LINE (1);
 *   - if the best paths chose different keywords for some word, the line is ambiguous
 *     (IOS: `show i` with `show interfaces` and `show ip …` is ambiguous even though
 *     `show interfaces` alone could run);
 *   - otherwise a path that ends a command wins; none → incomplete; no path → invalid at the
 *     column where the input stopped matching.
 *
 * Public API (see the doc comment of each):
 *   new Grammar(modes, commands, paramTypes?, { doMode?, doHelp? })   throws on malformed syntax
 *       (message names the command id), unknown modes, duplicate syntax within a mode.
 *   grammar.match(mode, line, priv)     → MatchResult (walks up parent modes; `do` in config modes)
 *   grammar.help(mode, line, priv)      → list | words | ambiguous | invalid
 *   grammar.complete(mode, line, priv)  → new line | null
 *   grammar.keywordsAt(mode, line, priv, includeHidden?), grammar.dump(mode), grammar.mode(id)
 *   checkGrammar(g, { strictIds? }), renderHelp(items, width = 80), renderWordHelp(words),
 *   renderError(result, promptLen, line); parameter types re-exported from params.ts.
 *
 * Arguments: a bare keyword sets args[keyword] = true; `kw$var` sets args.var = 'kw'; a keyword chosen
 * by `<a|b>$var` sets both args.var = 'a' and args.a = true; a placeholder sets args[var] (or
 * args[placeholder text] without `$var`) to its parsed value. `no`/`default` set negated = true and
 * prefix. A blank line matches as { kind: 'incomplete' } — callers skip blank lines themselves.
 */
import type {
  ArgValue, Args, CommandSpec, GrammarApi, HelpItem, MatchResult, ModeId, ModeSpec,
} from './types.js';
import { ParamRegistry, type ParamType } from './params.js';
import { expandSyntax, parseSyntax, type FormToken } from './syntax.js';

export * from './params.js';
export { parseSyntax, expandSyntax, MAX_FORMS, GrammarSyntaxError } from './syntax.js';
export type { FormToken, SyntaxNode, SyntaxSeq } from './syntax.js';

/** Extension of CommandSpec accepted by the engine (compatible: extra optional field). */
export interface CommandSpecExt extends CommandSpec {
  /**
   * Explicit syntax of the `no`/`default` form (without the prefix), e.g. 'crypto pki trustpoint WORD$name'.
   * Without it the `no` form is the positive syntax where everything after the leading keywords may be
   * omitted (`no ip address`, `no username admin`).
   */
  noSyntax?: string;
}

export interface GrammarOptions {
  /** The privileged EXEC mode that `do <line>` runs in (default: exec mode with id 'exec', else the exec mode with prompt '#'). */
  doMode?: ModeId;
  /** Help text of the `do` keyword listed in config modes. */
  doHelp?: string;
}

export type HelpResult =
  | { kind: 'list'; items: HelpItem[] }
  | { kind: 'words'; words: string[] }
  | { kind: 'ambiguous' }
  | { kind: 'invalid'; column: number };

// ---------------------------------------------------------------------------------------------
// Graph

type PrefixWord = 'no' | 'default';
type NodeTok = FormToken | { t: 'prefix'; word: PrefixWord };

interface Compiled {
  spec: CommandSpecExt;
  index: number;
  hidden: boolean;
  /** Bare keywords of the command (a `$var` with the same name takes its help only from help['$var']). */
  keywords: Set<string>;
}

interface End {
  cmd: Compiled;
  priv: number;
  /** A `no`-form leaf made by omitting trailing arguments. */
  implicit: boolean;
  prefix?: PrefixWord;
}

interface GNode {
  key: string;
  tok: NodeTok | null;
  /** Lower-case keyword ('' for placeholders and the root). */
  lw: string;
  isKw: boolean;
  /** Precedence level of a placeholder: 2 typed, 1 WORD/LINE. */
  plevel: number;
  type?: ParamType;
  children: GNode[];
  byKey: Map<string, GNode>;
  ends: End[];
  /** Lowest privilege of any command through this node (visibility). */
  minPriv: number;
  /** Lowest privilege of any non-hidden command through this node (help/Tab). */
  minPrivShown: number;
  help: string;
  /** Command ids through this node (for checkGrammar messages). */
  firstCmd: string;
}

interface ModeGraph {
  mode: ModeSpec;
  root: GNode;
  sigs: Map<string, string>;
}

const PREFIX_HELP: Record<PrefixWord, string> = {
  no: 'Negate a command or set its defaults',
  default: 'Set a command to its defaults',
};
const DEFAULT_DO_HELP = 'To run exec commands in config mode';

function newNode(key: string, tok: NodeTok | null, firstCmd: string): GNode {
  let lw = '';
  let isKw = false;
  let plevel = 0;
  let type: ParamType | undefined;
  if (tok) {
    if (tok.t === 'kw' || tok.t === 'prefix') { lw = tok.word.toLowerCase(); isKw = true; }
    else { type = tok.type; plevel = tok.type.precedence === 'any' ? 1 : 2; }
  }
  return {
    key, tok, lw, isKw, plevel, type, children: [], byKey: new Map(), ends: [],
    minPriv: Infinity, minPrivShown: Infinity, help: '', firstCmd,
  };
}

function tokKey(t: NodeTok): string {
  if (t.t === 'prefix') return `x:${t.word}`;
  if (t.t === 'kw') return `k:${t.word.toLowerCase()}$${t.var ?? ''}${t.choiceVar ? '!' : ''}`;
  return `p:${t.type.name}$${t.var ?? ''}`;
}
function tokSig(t: NodeTok): string {
  if (t.t === 'prefix') return t.word;
  if (t.t === 'kw') return t.word.toLowerCase();
  return t.type.name;
}

function helpFor(t: NodeTok, cmd: Compiled): string {
  const spec = cmd.spec;
  const h = spec.help ?? {};
  if (t.t === 'prefix') return PREFIX_HELP[t.word];
  if (t.t === 'kw') return h[t.word] ?? h[t.word.toLowerCase()] ?? (t.var !== undefined && !t.choiceVar ? h[t.var] : undefined) ?? '';
  if (t.var !== undefined) {
    const own = h[`$${t.var}`] ?? (cmd.keywords.has(t.var.toLowerCase()) ? undefined : h[t.var]);
    if (own !== undefined) return own;
  }
  return h[t.text] ?? t.type.help ?? '';
}

// ---------------------------------------------------------------------------------------------
// Line scanning

interface Word { text: string; lower: string; start: number; end: number }

function splitWords(line: string): Word[] {
  const out: Word[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) { i++; continue; }
    const s = i;
    while (i < n) { c = line.charCodeAt(i); if (c === 32 || c === 9) break; i++; }
    const text = line.slice(s, i);
    out.push({ text, lower: text.toLowerCase(), start: s, end: i });
  }
  return out;
}

/** A privilege that is not a finite number sees only privilege-0 commands. */
function normPriv(p: number): number {
  return typeof p === 'number' && Number.isFinite(p) ? p : 0;
}

function stripEol(line: string): string {
  let e = line.length;
  while (e > 0 && (line.charCodeAt(e - 1) === 10 || line.charCodeAt(e - 1) === 13)) e--;
  return e === line.length ? line : line.slice(0, e);
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

interface Step { node: GNode; wi: number; nw: number; value?: ArgValue }
interface Move { ch: GNode; lvl: number; nw: number; value?: ArgValue }
interface Path { node: GNode; steps: Step[]; levels: number[] }

/** Max DFS node visits per walk (bounded work on pathological grammars / lines). */
const WALK_BUDGET = 100_000;

function walk(root: GNode, words: Word[], line: string, from: number, to: number, priv: number): { paths: Path[]; failCol: number } {
  const paths: Path[] = [];
  let failCol = -1;
  const steps: Step[] = [];
  const levels: number[] = [];
  let budget = WALK_BUDGET;
  const scratch: Move[][] = [];

  const rec = (node: GNode, wi: number): void => {
    if (--budget < 0) return;
    if (wi === to) {
      paths.push({ node, steps: steps.slice(), levels: levels.slice() });
      return;
    }
    const w = words[wi]!;
    let col = w.start;
    // First collect every way a child can take the word, then follow only the best level
    // (IOS/FRR precedence at one position: an exact keyword shuts out partial keywords, a keyword
    // shuts out placeholders, a typed placeholder shuts out WORD/LINE). Equal levels all continue,
    // which is the look-ahead that settles `s i i b`.
    // Scratch arrays per word index (calls at one index never nest), so no allocation per visit.
    const moves = (scratch[wi] ??= []);
    moves.length = 0;
    let top = 0;
    for (const ch of node.children) {
      if (ch.minPriv > priv) continue;
      if (ch.isKw) {
        let lvl: number;
        if (ch.lw === w.lower) lvl = 4;
        else if (ch.lw.startsWith(w.lower)) lvl = 3;
        else {
          const c = w.start + commonPrefix(w.lower, ch.lw);
          if (c > col) col = c;
          continue;
        }
        moves.push({ ch, lvl, nw: 1 });
        if (lvl > top) top = lvl;
        continue;
      }
      const type = ch.type!;
      if (type.rest) {
        const value = type.parse(line.slice(w.start, words[to - 1]!.end));
        if (value === undefined) continue;
        moves.push({ ch, lvl: ch.plevel, nw: to - wi, value });
        if (ch.plevel > top) top = ch.plevel;
        continue;
      }
      const v1 = type.parse(w.text);
      if (v1 !== undefined) {
        moves.push({ ch, lvl: ch.plevel, nw: 1, value: v1 });
        if (ch.plevel > top) top = ch.plevel;
      }
      if ((type.maxWords ?? 1) >= 2 && wi + 1 < to) {
        const v2 = type.parse(`${w.text} ${words[wi + 1]!.text}`);
        if (v2 !== undefined) {
          moves.push({ ch, lvl: ch.plevel, nw: 2, value: v2 });
          if (ch.plevel > top) top = ch.plevel;
        }
      }
    }
    const count = moves.length;
    for (let i = 0; i < count; i++) {
      const mv = moves[i]!;
      if (mv.lvl !== top) continue;
      steps.push({ node: mv.ch, wi, nw: mv.nw, value: mv.value });
      for (let k = 0; k < mv.nw; k++) levels.push(mv.lvl);
      rec(mv.ch, wi + mv.nw);
      levels.length -= mv.nw;
      steps.pop();
    }
    const matched = moves.length > 0;
    if (!matched && col > failCol) failCol = col;
  };
  rec(root, from);
  return { paths, failCol };
}

function cmpLevels(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function bestPaths(paths: Path[]): Path[] {
  if (paths.length <= 1) return paths;
  let best: Path[] = [];
  for (const p of paths) {
    if (best.length === 0) { best = [p]; continue; }
    const c = cmpLevels(p.levels, best[0]!.levels);
    if (c > 0) best = [p];
    else if (c === 0) best.push(p);
  }
  return best;
}

/** Did the best paths pick different keywords for some word? (IOS: ambiguous) */
function keywordsDiffer(paths: Path[]): boolean {
  if (paths.length <= 1) return false;
  const chosen = new Map<number, string>();
  for (const p of paths) {
    for (const s of p.steps) {
      if (!s.node.isKw) continue;
      const prev = chosen.get(s.wi);
      if (prev === undefined) chosen.set(s.wi, s.node.lw);
      else if (prev !== s.node.lw) return true;
    }
  }
  return false;
}

function buildArgs(p: Path): { args: Args; prefix?: PrefixWord } {
  const args: Args = {};
  let prefix: PrefixWord | undefined;
  for (const s of p.steps) {
    const t = s.node.tok!;
    if (t.t === 'prefix') { prefix = t.word; continue; }
    if (t.t === 'kw') {
      if (t.var !== undefined) args[t.var] = t.word;
      if (t.var === undefined || t.choiceVar) args[t.word] = true;
      continue;
    }
    args[t.var ?? t.text] = s.value!;
  }
  return { args, prefix };
}

function kwCompare(a: string, b: string): number {
  const la = a.toLowerCase(), lb = b.toLowerCase();
  if (la < lb) return -1;
  if (la > lb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Grammar

export class Grammar implements GrammarApi {
  readonly modes: ReadonlyMap<ModeId, ModeSpec>;
  readonly commands: readonly CommandSpecExt[];
  readonly registry: ParamRegistry;
  /** The privileged EXEC mode used by `do` (undefined when none could be found). */
  readonly doMode: ModeId | undefined;
  private readonly graphs = new Map<ModeId, ModeGraph>();
  private readonly doHelp: string;
  /**
   * Ids declared by more than one spec. Several specs may share an id on purpose (aliases such as
   * `exit`/`logout`/`quit` → one intent); checkGrammar reports only exact duplicates unless strictIds.
   */
  readonly duplicateIds: readonly string[];
  /** Specs repeated verbatim (same id, same syntax, a shared mode): always a declaration mistake. */
  private readonly repeatedSpecs: string[] = [];

  constructor(modes: readonly ModeSpec[], commands: readonly CommandSpec[], paramTypes?: readonly ParamType[], options: GrammarOptions = {}) {
    if (!Array.isArray(modes) || !Array.isArray(commands)) throw new Error('Grammar: modes and commands must be arrays');
    this.registry = new ParamRegistry(paramTypes ?? []);
    const modeMap = new Map<ModeId, ModeSpec>();
    for (const m of modes) {
      if (!m || typeof m.id !== 'string' || m.id.length === 0) throw new Error(`Grammar: bad mode ${JSON.stringify(m)}`);
      if (modeMap.has(m.id)) throw new Error(`Grammar: mode '${m.id}' declared twice`);
      modeMap.set(m.id, m);
    }
    for (const m of modes) {
      if (m.parent !== undefined && !modeMap.has(m.parent)) throw new Error(`Grammar: mode '${m.id}' has unknown parent '${m.parent}'`);
      // parent chain must be acyclic
      const seen = new Set<ModeId>([m.id]);
      let p = m.parent;
      while (p !== undefined) {
        if (seen.has(p)) throw new Error(`Grammar: mode parent cycle through '${m.id}'`);
        seen.add(p);
        p = modeMap.get(p)?.parent;
      }
    }
    this.modes = modeMap;
    this.commands = commands;
    this.doHelp = options.doHelp ?? DEFAULT_DO_HELP;
    if (options.doMode !== undefined) {
      if (!modeMap.has(options.doMode)) throw new Error(`Grammar: doMode '${options.doMode}' is not a declared mode`);
      this.doMode = options.doMode;
    } else {
      const ex = modeMap.get('exec');
      this.doMode = ex && ex.kind === 'exec' ? ex.id
        : modes.find((m) => m.kind === 'exec' && m.prompt === '#')?.id;
    }
    for (const m of modes) {
      this.graphs.set(m.id, { mode: m, root: newNode('', null, ''), sigs: new Map() });
    }

    const ids = new Set<string>();
    const dups: string[] = [];
    const specKeys = new Set<string>();
    commands.forEach((raw, index) => {
      const spec = raw as CommandSpecExt;
      if (!spec || typeof spec.id !== 'string' || spec.id.length === 0) throw new Error(`Grammar: command #${index} has no id`);
      if (ids.has(spec.id) && !dups.includes(spec.id)) dups.push(spec.id);
      ids.add(spec.id);
      if (Array.isArray(spec.modes)) {
        for (const mid of spec.modes) {
          const k = `${spec.id}\u0000${mid}\u0000${spec.syntax}`;
          if (specKeys.has(k)) this.repeatedSpecs.push(`command '${spec.id}' declared twice in mode '${mid}' with syntax "${spec.syntax}"`);
          specKeys.add(k);
        }
      }
      if (!Array.isArray(spec.modes) || spec.modes.length === 0) throw new Error(`command '${spec.id}': no modes`);
      const forms = expandSyntax(parseSyntax(spec.syntax, spec.id, this.registry), spec.id);
      const noForms = spec.noSyntax !== undefined
        ? expandSyntax(parseSyntax(spec.noSyntax, spec.id, this.registry), spec.id)
        : forms;
      const cmd: Compiled = { spec, index, hidden: spec.hidden === true, keywords: new Set() };
      for (const f of forms) for (const t of f) if (t.t === 'kw' && (t.var === undefined || t.choiceVar)) cmd.keywords.add(t.word.toLowerCase());
      for (const mid of spec.modes) {
        const g = this.graphs.get(mid);
        if (!g) throw new Error(`command '${spec.id}': unknown mode '${mid}'`);
        const priv = spec.privilege ?? (g.mode.kind === 'exec' ? 1 : 15);
        for (const f of forms) this.insert(g, f, cmd, priv, undefined, false);
        for (const pw of ['no', 'default'] as const) {
          if (spec[pw] !== true) continue;
          for (const f of noForms) this.insert(g, f, cmd, priv, pw, spec.noSyntax === undefined);
        }
      }
    });
    this.duplicateIds = dups;
  }

  private insert(g: ModeGraph, form: FormToken[], cmd: Compiled, priv: number, prefix: PrefixWord | undefined, implicit: boolean): void {
    const toks: NodeTok[] = prefix ? [{ t: 'prefix', word: prefix }, ...form] : form;
    const sig = toks.map(tokSig).join(' ');
    const prev = g.sigs.get(sig);
    if (prev !== undefined && prev !== cmd.spec.id) {
      throw new Error(`Grammar: duplicate syntax in mode '${g.mode.id}': '${prev}' and '${cmd.spec.id}' both accept "${sig}"`);
    }
    g.sigs.set(sig, cmd.spec.id);

    // Leading keyword run (after the prefix): in the implicit `no` form the command may end anywhere after it.
    let lead = prefix ? 1 : 0;
    while (lead < toks.length && toks[lead]!.t === 'kw') lead++;
    const minImplicit = Math.max(lead, prefix ? 2 : 1);

    let node = g.root;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      const key = tokKey(t);
      let ch = node.byKey.get(key);
      if (!ch) {
        ch = newNode(key, t, cmd.spec.id);
        node.byKey.set(key, ch);
        node.children.push(ch);
      }
      if (priv < ch.minPriv) ch.minPriv = priv;
      if (!cmd.hidden && priv < ch.minPrivShown) ch.minPrivShown = priv;
      if (ch.help === '') ch.help = helpFor(t, cmd);
      node = ch;
      const consumed = i + 1;
      if (implicit && consumed >= minImplicit && consumed < toks.length) addEnd(node, { cmd, priv, implicit: true, prefix });
    }
    addEnd(node, { cmd, priv, implicit: false, prefix });
  }

  /** The mode spec, or a thrown Error for an unknown mode (a programming error in the caller). */
  mode(id: ModeId): ModeSpec {
    const m = this.modes.get(id);
    if (!m) throw new Error(`Grammar: unknown mode '${id}'`);
    return m;
  }

  private graph(id: ModeId): ModeGraph {
    const g = this.graphs.get(id);
    if (!g) throw new Error(`Grammar: unknown mode '${id}'`);
    return g;
  }

  /** Is this a `do …` line in a config mode? (the first word must be exactly `do`) */
  private isDo(m: ModeSpec, words: Word[]): boolean {
    return m.kind === 'config' && this.doMode !== undefined && words.length > 0 && words[0]!.lower === 'do';
  }

  // ------------------------------------------------------------------------------------ match

  match(mode: ModeId, line: string, privilege: number): MatchResult {
    privilege = normPriv(privilege);
    const m = this.mode(mode);
    const text = stripEol(String(line ?? ''));
    const words = splitWords(text);
    if (this.isDo(m, words)) {
      if (words.length === 1) return { kind: 'incomplete' };
      return this.matchIn(this.graph(this.doMode!), text, words, 1, privilege);
    }
    const first = this.matchIn(this.graph(mode), text, words, 0, privilege);
    if (first.kind === 'ok' || words.length === 0) return first;
    let p = m.parent;
    while (p !== undefined) {
      const r = this.matchIn(this.graph(p), text, words, 0, privilege);
      if (r.kind === 'ok') return r;
      p = this.modes.get(p)?.parent;
    }
    return first;
  }

  private matchIn(g: ModeGraph, line: string, words: Word[], from: number, priv: number): MatchResult {
    if (from >= words.length) return { kind: 'incomplete' };
    const { paths, failCol } = walk(g.root, words, line, from, words.length, priv);
    if (paths.length === 0) return { kind: 'invalid', column: failCol >= 0 ? failCol : words[from]!.start };
    const best = bestPaths(paths);
    if (keywordsDiffer(best)) return { kind: 'ambiguous' };
    let pick: { p: Path; e: End } | undefined;
    let explicitIds: Set<string> | undefined;
    for (const p of best) {
      for (const e of p.node.ends) {
        if (e.priv > priv) continue;
        if (!e.implicit) {
          (explicitIds ??= new Set()).add(e.cmd.spec.id);
          if (!pick || pick.e.implicit) pick = { p, e };
        } else if (!pick || (pick.e.implicit && e.cmd.index < pick.e.cmd.index)) {
          pick = { p, e };
        }
      }
    }
    if (!pick) return { kind: 'incomplete' };
    if (explicitIds && explicitIds.size > 1) return { kind: 'ambiguous' };
    const { args, prefix } = buildArgs(pick.p);
    return prefix
      ? { kind: 'ok', id: pick.e.cmd.spec.id, args, negated: true, prefix, mode: g.mode.id }
      : { kind: 'ok', id: pick.e.cmd.spec.id, args, negated: false, mode: g.mode.id };
  }

  // ------------------------------------------------------------------------------------- help

  help(mode: ModeId, line: string, privilege: number): HelpResult {
    privilege = normPriv(privilege);
    const m = this.mode(mode);
    const text = stripEol(String(line ?? ''));
    const words = splitWords(text);
    const endsInSpace = words.length === 0 || words[words.length - 1]!.end < text.length;
    if (this.isDo(m, words) && (words.length > 1 || endsInSpace)) {
      return this.helpIn(this.graph(this.doMode!), text, words, 1, endsInSpace, privilege, false);
    }
    const first = this.helpIn(this.graph(mode), text, words, 0, endsInSpace, privilege, m.kind === 'config' && this.doMode !== undefined);
    if (first.kind !== 'invalid' || words.length === 0) return first;
    let p = m.parent;
    while (p !== undefined) {
      const pm = this.modes.get(p)!;
      const r = this.helpIn(this.graph(p), text, words, 0, endsInSpace, privilege, pm.kind === 'config');
      if (r.kind !== 'invalid') return r;
      p = pm.parent;
    }
    return first;
  }

  private helpIn(g: ModeGraph, line: string, words: Word[], from: number, endsInSpace: boolean, priv: number, offerDo: boolean): HelpResult {
    const to = endsInSpace ? words.length : words.length - 1;
    const { paths, failCol } = walk(g.root, words, line, from, to, priv);
    if (paths.length === 0) return { kind: 'invalid', column: failCol >= 0 ? failCol : (words[from]?.start ?? 0) };
    const best = bestPaths(paths);
    if (keywordsDiffer(best)) return { kind: 'ambiguous' };
    const nodes = uniqueNodes(best);
    const atRoot = to === from;

    if (endsInSpace) {
      const kws: HelpItem[] = [];
      const params: HelpItem[] = [];
      let cr = false;
      const seenKw = new Set<string>();
      const seenP = new Set<string>();
      const addParam = (n: GNode): void => {
        const items = n.type!.helpItems ?? [{ token: n.type!.helpToken, text: n.help }];
        for (const it of items) {
          if (seenP.has(it.token)) continue;
          seenP.add(it.token);
          params.push({ token: it.token, text: it.text });
        }
      };
      for (const n of nodes) {
        if (n.type?.rest && !atRoot) addParam(n); // inside LINE: more text may follow
        for (const ch of n.children) {
          if (ch.minPrivShown > priv) continue;
          if (ch.isKw) {
            const tok = (ch.tok as { word: string }).word;
            if (seenKw.has(ch.lw)) continue;
            seenKw.add(ch.lw);
            kws.push({ token: tok, text: ch.help });
          } else addParam(ch);
        }
        if (n.ends.some((e) => e.priv <= priv && !e.cmd.hidden)) cr = true;
      }
      if (atRoot && offerDo && !seenKw.has('do')) kws.push({ token: 'do', text: this.doHelp });
      kws.sort((a, b) => kwCompare(a.token, b.token));
      const items = kws.concat(params);
      if (cr) items.push({ token: '<cr>', text: '' });
      return { kind: 'list', items };
    }

    // Word help: the keywords the last (partial) word can complete to.
    const w = words[words.length - 1]!;
    const found = new Map<string, string>();
    for (const n of nodes) {
      for (const ch of n.children) {
        if (ch.minPrivShown > priv) continue;
        if (ch.isKw) {
          if (ch.lw.startsWith(w.lower) && !found.has(ch.lw)) found.set(ch.lw, (ch.tok as { word: string }).word);
        } else if (ch.type!.complete) {
          for (const c of ch.type!.complete(w.text)) if (!found.has(c.toLowerCase())) found.set(c.toLowerCase(), c);
        }
      }
    }
    if (atRoot && offerDo && 'do'.startsWith(w.lower) && !found.has('do')) found.set('do', 'do');
    if (found.size > 0) return { kind: 'words', words: [...found.values()].sort(kwCompare) };
    // No keyword: does a placeholder accept the word? Then show that placeholder.
    const full = walk(g.root, words, line, from, words.length, priv);
    if (full.paths.length === 0) return { kind: 'invalid', column: full.failCol >= 0 ? full.failCol : w.start };
    const items: HelpItem[] = [];
    const seen = new Set<string>();
    for (const p of bestPaths(full.paths)) {
      const last = p.steps[p.steps.length - 1];
      if (!last || last.node.isKw) continue;
      const tok = last.node.type!.helpToken;
      if (seen.has(tok)) continue;
      seen.add(tok);
      items.push({ token: tok, text: last.node.help });
    }
    // Only hidden keywords fit: as unknown as any other word.
    if (items.length === 0) return { kind: 'invalid', column: w.start };
    return { kind: 'list', items };
  }

  // ---------------------------------------------------------------------------------- complete

  complete(mode: ModeId, line: string, privilege: number): string | null {
    privilege = normPriv(privilege);
    const m = this.mode(mode);
    const text = stripEol(String(line ?? ''));
    const words = splitWords(text);
    if (words.length === 0 || words[words.length - 1]!.end < text.length) return null;
    if (this.isDo(m, words) && words.length > 1) {
      return this.completeIn(this.graph(this.doMode!), text, words, 1, privilege, false);
    }
    const first = this.completeIn(this.graph(mode), text, words, 0, privilege, m.kind === 'config' && this.doMode !== undefined);
    if (first !== null) return first;
    let p = m.parent;
    while (p !== undefined) {
      const pm = this.modes.get(p)!;
      const r = this.completeIn(this.graph(p), text, words, 0, privilege, pm.kind === 'config');
      if (r !== null) return r;
      p = pm.parent;
    }
    return null;
  }

  private completeIn(g: ModeGraph, line: string, words: Word[], from: number, priv: number, offerDo: boolean): string | null {
    const to = words.length - 1;
    const { paths } = walk(g.root, words, line, from, to, priv);
    if (paths.length === 0) return null;
    const best = bestPaths(paths);
    if (keywordsDiffer(best)) return null;
    const w = words[to]!;
    const kws = new Map<string, string>();
    const typed = new Map<string, string>();
    for (const n of uniqueNodes(best)) {
      for (const ch of n.children) {
        if (ch.minPrivShown > priv) continue;
        if (ch.isKw) {
          if (ch.lw.startsWith(w.lower)) kws.set(ch.lw, (ch.tok as { word: string }).word);
        } else if (ch.type!.complete) {
          for (const c of ch.type!.complete(w.text)) typed.set(c.toLowerCase(), c);
        }
      }
    }
    if (to === from && offerDo && 'do'.startsWith(w.lower)) kws.set('do', 'do');
    const head = line.slice(0, w.start);
    if (kws.size > 0) {
      const exact = kws.get(w.lower);
      if (exact !== undefined) return `${head}${exact} `;
      if (kws.size === 1) return `${head}${[...kws.values()][0]!} `;
      return null;
    }
    if (typed.size === 1) {
      // IOS completes an interface type without a trailing space (the number follows).
      return `${head}${[...typed.values()][0]!}`;
    }
    return null;
  }

  // ------------------------------------------------------------------------------ introspection

  /**
   * The keywords (declared spelling, hidden ones included when asked) that may follow the complete
   * words of `line` in `mode` (no walk-up, no `do`). Empty when the words do not match.
   */
  keywordsAt(mode: ModeId, line: string, privilege: number, includeHidden = false): string[] {
    privilege = normPriv(privilege);
    const g = this.graph(mode);
    const text = stripEol(String(line ?? ''));
    const words = splitWords(text);
    const { paths } = walk(g.root, words, text, 0, words.length, privilege);
    const out = new Map<string, string>();
    for (const n of uniqueNodes(bestPaths(paths))) {
      for (const ch of n.children) {
        if (!ch.isKw) continue;
        if ((includeHidden ? ch.minPriv : ch.minPrivShown) > privilege) continue;
        out.set(ch.lw, (ch.tok as { word: string }).word);
      }
    }
    return [...out.values()].sort(kwCompare);
  }

  /** Problems in the declarations (see checkGrammar). */
  problems(opts: CheckOptions = {}): string[] {
    const out: string[] = [...this.repeatedSpecs];
    if (opts.strictIds) for (const id of this.duplicateIds) out.push(`duplicate command id '${id}'`);
    const reported = new Set<string>();
    for (const g of this.graphs.values()) {
      const seen = new Set<GNode>();
      const visit = (n: GNode, path: string): void => {
        for (const ch of n.children) {
          if (seen.has(ch)) continue;
          seen.add(ch);
          const t = ch.tok!;
          const label = t.t === 'param' ? t.type.helpToken : t.word;
          const p = path ? `${path} ${label}` : label;
          if (ch.help === '') {
            const what = t.t === 'param' ? `placeholder '${t.text}${t.var ? '$' + t.var : ''}'` : `keyword '${t.word}'`;
            const hint = t.t === 'param' && t.var ? ` (give help['$${t.var}'])` : '';
            const k = `${g.mode.id}|${ch.firstCmd}|${what}`;
            if (!reported.has(k)) reported.add(k), out.push(`mode '${g.mode.id}': ${what} in "${p}" (command '${ch.firstCmd}') has no help text${hint}`);
          }
          visit(ch, p);
        }
      };
      visit(g.root, '');
    }
    return out;
  }

  /** A textual dump of a mode's graph (one line per node, indented), for debugging. */
  dump(mode: ModeId): string {
    const lines: string[] = [];
    const visit = (n: GNode, depth: number): void => {
      for (const ch of n.children) {
        const t = ch.tok!;
        const label = t.t === 'param' ? `${t.text}${t.var ? '$' + t.var : ''}` : t.t === 'kw' && t.var ? `${t.word}$${t.var}` : t.word;
        const ends = ch.ends.map((e) => `${e.implicit ? '~' : ''}${e.cmd.spec.id}`).join(',');
        lines.push(`${'  '.repeat(depth)}${label}${ends ? '  -> ' + ends : ''}`);
        visit(ch, depth + 1);
      }
    };
    visit(this.graph(mode).root, 0);
    return lines.join('\n');
  }
}

function addEnd(node: GNode, e: End): void {
  for (const x of node.ends) {
    if (x.cmd === e.cmd && x.prefix === e.prefix) {
      if (x.implicit && !e.implicit) { x.implicit = false; }
      if (e.priv < x.priv) x.priv = e.priv;
      return;
    }
  }
  node.ends.push(e);
}

function uniqueNodes(paths: Path[]): GNode[] {
  const s = new Set<GNode>();
  for (const p of paths) s.add(p.node);
  return [...s];
}

export interface CheckOptions {
  /** Also report every id shared by several specs (by default aliases sharing an intent id are allowed). */
  strictIds?: boolean;
}

/**
 * Problems in a grammar, one message each: keywords/placeholders without help text, specs declared
 * twice (same id + syntax + mode), and with `strictIds` every id declared by more than one spec.
 */
export function checkGrammar(g: Grammar, opts: CheckOptions = {}): string[] {
  return g.problems(opts);
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * IOS `?` layout: two leading spaces, the token column padded to the longest token plus two spaces,
 * then the help text wrapped at `width` columns (lines never exceed it) with continuation lines
 * indented to the help column. An item without text (`<cr>`) prints just the token.
 */
export function renderHelp(items: readonly HelpItem[], width = 80): string[] {
  if (items.length === 0) return [];
  const tw = items.reduce((m, it) => Math.max(m, it.token.length), 0);
  const col = 2 + tw + 2;
  const out: string[] = [];
  for (const it of items) {
    const head = `  ${it.token.padEnd(tw)}  `;
    // Words keep the spaces typed before them (IOS aligns columns inside help texts, e.g. the
    // `(severity=N)` column of the logging levels); a wrapped word drops them.
    const words = it.text.trim().match(/\s*\S+/g) ?? [];
    if (words.length === 0) { out.push(`  ${it.token}`); continue; }
    let cur = head;
    let empty = true;
    for (const chunk of words) {
      const w = chunk.trimStart();
      if (empty) { cur += w; empty = false; continue; }
      if (cur.length + chunk.length > width) {
        out.push(cur);
        cur = ' '.repeat(col) + w;
      } else cur += chunk;
    }
    out.push(cur);
  }
  return out;
}

/** IOS word help (`sh?`): the words joined by two spaces, with two trailing spaces. */
export function renderWordHelp(words: readonly string[]): string {
  return words.map((w) => `${w}  `).join('');
}

/**
 * The exact IOS lines (no line ends) for a failed match. `promptLen` is the length of the prompt
 * printed before the typed line (e.g. 'Router(config)#'.length), `line` the line as typed.
 */
export function renderError(result: MatchResult, promptLen: number, line: string): string[] {
  switch (result.kind) {
    case 'invalid':
      return [`${' '.repeat(Math.max(0, promptLen + result.column))}^`, "% Invalid input detected at '^' marker.", ''];
    case 'incomplete':
      return ['% Incomplete command.', ''];
    case 'ambiguous':
      return [`% Ambiguous command:  "${stripEol(line)}"`];
    default:
      return [];
  }
}
