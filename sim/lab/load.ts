/**
 * Lab file loading: YAML → zod validation → Lab, with every problem reported as
 * `FILE:LINE:COLUMN: message` (a LabError carrying all of them).
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { LabSchema, type Lab } from './schema.js';

export class LabError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { line: number; col: number; message: string }[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
    this.name = 'LabError';
  }
}

/** Reads and validates a lab file. Throws LabError (with positions) or a plain Error (I/O). */
export function loadLabFile(path: string): Lab {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`lab file ${path} not found`);
    if (code === 'EISDIR') throw new Error(`lab file ${path} is a directory`);
    throw new Error(`cannot read lab file ${path}: ${(e as Error).message}`);
  }
  return parseLab(text, path);
}

/** Parses lab YAML text; `file` is only used in messages. */
export function parseLab(text: string, file = '<lab>'): Lab {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new LabError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        return { line: pos.line, col: pos.col, message: firstLine(e.message) };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) throw new LabError(file, [{ line: 1, col: 1, message: 'the lab file is empty' }]);
  const res = LabSchema.safeParse(data, { reportInput: true });
  if (res.success) return res.data;
  throw new LabError(file, issuesToProblems(res.error.issues, doc, lc));
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function issuesToProblems(issues: z.core.$ZodIssue[], doc: Document, lc: LineCounter) {
  const out: { line: number; col: number; message: string }[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    let node = nodeAt(doc, path);
    let message = issue.message;
    const where = path.length ? path.join('.') : 'lab';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const keyNode = keyNodeAt(doc, path, key);
        const pos = keyNode?.range ? lc.linePos(keyNode.range[0]) : posOf(node, lc);
        out.push({ ...pos, message: `${where}: unknown key "${key}"` });
      }
      continue;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      // missing key: point at the object that lacks it
      node = nodeAt(doc, path.slice(0, -1));
      message = `${where}: required`;
    } else {
      message = `${where}: ${message}`;
    }
    out.push({ ...posOf(node, lc), message });
  }
  out.sort((a, b) => a.line - b.line || a.col - b.col);
  return out;
}

function posOf(node: YamlNode | undefined, lc: LineCounter): { line: number; col: number } {
  if (node?.range) return lc.linePos(node.range[0]);
  return { line: 1, col: 1 };
}

/** Deepest existing node along `path`. */
function nodeAt(doc: Document, path: (string | number)[]): YamlNode | undefined {
  let node = doc.contents as YamlNode | null;
  let best = node ?? undefined;
  for (const p of path) {
    if (isMap(node)) node = node.get(p, true) as YamlNode | null;
    else if (isSeq(node)) node = node.get(p, true) as YamlNode | null;
    else break;
    if (!node) break;
    best = node;
  }
  return best;
}

function keyNodeAt(doc: Document, path: (string | number)[], key: string): YamlNode | undefined {
  const parent = nodeAt(doc, path);
  if (!isMap(parent)) return undefined;
  for (const pair of parent.items) {
    const k = pair.key as YamlNode & { value?: unknown };
    if (k && k.value === key) return k;
  }
  return undefined;
}
