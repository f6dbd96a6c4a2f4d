/**
 * YAML with positions: parse a document keeping a LineCounter, validate with zod, and map any
 * problem (YAML syntax, schema issue, later semantic error) back to `FILE:LINE:COL: message`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';

export type Path = (string | number)[];

export interface Problem {
  line: number;
  col: number;
  message: string;
}

/** A file that could not be used: every problem with its position. */
export class FileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(problems.map((p) => (p.line > 0 ? `${file}:${p.line}:${p.col}: ${p.message}` : `${file}: ${p.message}`)).join('\n'));
    this.name = 'FileError';
  }
}

/** A parsed YAML document that can tell where a path is. */
export class PositionedDoc {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lc: LineCounter,
  ) {}

  /** Position of the node at `path` (or the deepest existing ancestor). */
  pos(path: Path): { line: number; col: number } {
    const node = this.nodeAt(path);
    if (node?.range) return this.lc.linePos(node.range[0]);
    return { line: 1, col: 1 };
  }

  /** Position of the KEY `key` in the map at `path` (falls back to the map). */
  keyPos(path: Path, key: string): { line: number; col: number } {
    const parent = this.nodeAt(path);
    if (isMap(parent)) {
      for (const pair of parent.items) {
        const k = pair.key as YamlNode | null;
        if (isScalar(k) && k.value === key && k.range) return this.lc.linePos(k.range[0]);
      }
    }
    return this.pos(path);
  }

  where(path: Path): string {
    const p = this.pos(path);
    return `${this.file}:${p.line}:${p.col}`;
  }

  problem(path: Path, message: string): Problem {
    return { ...this.pos(path), message };
  }

  /** Deepest existing node along `path`. */
  nodeAt(path: Path): YamlNode | undefined {
    let node = this.doc.contents as YamlNode | null;
    let best = node ?? undefined;
    for (const p of path) {
      if (isMap(node) || isSeq(node)) node = node.get(p, true) as YamlNode | null;
      else break;
      if (!node) break;
      best = node;
    }
    return best;
  }
}

/** Parse YAML text; syntax errors throw FileError with positions. */
export function parseYaml(text: string, file: string): { data: unknown; pdoc: PositionedDoc } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FileError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        return { line: pos.line, col: pos.col, message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') };
      }),
    );
  }
  const pdoc = new PositionedDoc(file, doc, lc);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new FileError(file, [{ line: 1, col: 1, message: (e as Error).message }]);
  }
  if (data === null || data === undefined) throw new FileError(file, [{ line: 1, col: 1, message: 'the file is empty' }]);
  return { data, pdoc };
}

/** Validate with zod; issues become positioned problems (thrown as FileError). */
export function validate<S extends z.ZodType>(schema: S, data: unknown, pdoc: PositionedDoc, hint?: (issue: z.core.$ZodIssue, path: Path) => string | undefined): z.output<S> {
  const res = schema.safeParse(data, { reportInput: true });
  if (res.success) return res.data;
  throw new FileError(pdoc.file, issuesToProblems(res.error.issues, pdoc, hint));
}

export function issuesToProblems(issues: readonly z.core.$ZodIssue[], pdoc: PositionedDoc, hint?: (issue: z.core.$ZodIssue, path: Path) => string | undefined): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem) => {
    const k = `${p.line}:${p.col}:${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  };
  for (const issue of flatten(issues)) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const where = path.length ? path.join('.') : 'file';
    const custom = hint?.(issue, path);
    if (custom !== undefined) {
      push({ ...pdoc.pos(path), message: custom });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) push({ ...pdoc.keyPos(path, key), message: `${where}: unknown key "${key}"` });
      continue;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      push({ ...pdoc.pos(path.slice(0, -1)), message: `${where}: required` });
      continue;
    }
    push({ ...pdoc.pos(path), message: `${where}: ${issue.message}` });
  }
  out.sort((a, b) => a.line - b.line || a.col - b.col);
  return out;
}

/**
 * A union error hides the useful message in its branches: take the branch whose issues got
 * furthest (deepest path), or the object branch when the input is an object.
 */
function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const input = (issue as { input?: unknown }).input;
      const branches = issue.errors.map((errs) => errs.map((e) => ({ ...e, path: [...issue.path, ...e.path] }) as z.core.$ZodIssue));
      // Prefer branches that did not fail on the type itself.
      const typed = branches.filter((b) => !b.every((e) => e.code === 'invalid_type' && e.path.length === issue.path.length));
      const pool = typed.length ? typed : [];
      if (pool.length === 0) {
        const kinds = describeUnion(branches, input);
        out.push({ ...issue, message: kinds } as z.core.$ZodIssue);
        continue;
      }
      const best = pool.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      out.push(...flatten(best));
      continue;
    }
    out.push(issue);
  }
  return out;
}

function depth(b: z.core.$ZodIssue[]): number {
  return Math.max(...b.map((e) => e.path.length));
}

function describeUnion(branches: z.core.$ZodIssue[][], input: unknown): string {
  const expected = new Set<string>();
  for (const b of branches) for (const e of b) if (e.code === 'invalid_type') expected.add(String(e.expected));
  const got = input === null ? 'null' : Array.isArray(input) ? 'list' : typeof input;
  return `expected ${[...expected].map((e) => (e === 'array' ? 'a list' : e === 'object' ? 'a map' : `a ${e}`)).join(' or ')}, got ${got === 'object' ? 'a map' : got}`;
}
