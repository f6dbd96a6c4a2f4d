/**
 * Scenario loading: YAML → zod (ScenarioSchema) → semantic checks (devices, sessions, CA) →
 * a compiled Scenario whose steps carry their file position. Every problem is reported as
 * `FILE:LINE:COL: message` (FileError); nothing here throws a bare stack trace for bad input.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { parseDuration } from '../kernel/scheduler.js';
import { parseIsoUtc } from '../kernel/clock.js';
import { LabError, loadLabFile } from '../lab/load.js';
import type { LabDevice } from '../lab/schema.js';
import { FileError, parseYaml, validate, type Path, type PositionedDoc, type Problem } from './yaml.js';
import {
  ScenarioSchema,
  STEP_ACTIONS,
  type Predicate,
  type ScenarioFile,
  type StepAction,
  type StepInput,
} from './schema.js';

export const DEFAULT_EPOCH_ISO = '2026-01-01T00:00:00Z';

export type CountSpec = number | { min?: number | undefined; max?: number | undefined } | undefined;

export interface OutputExpectation {
  contains: string[];
  regex: string[];
  not: string[];
  golden?: string | undefined;
  /** Resolved absolute path of the golden file. */
  goldenPath?: string | undefined;
  session: string;
  of: 'step' | 'session';
}

export interface StepBase {
  index: number;
  /** `file:line:col` of the step. */
  where: string;
  line: number;
  col: number;
  name?: string | undefined;
}

export type Step = StepBase &
  (
    | { kind: 'phase'; phase: string }
    | { kind: 'note'; text: string }
    | {
        kind: 'open';
        device: string;
        as: string;
        user: string;
        password?: string | undefined;
        privilege: number;
        lineKind: 'vty' | 'con';
        peer: string;
        cols?: number | undefined;
        rows: number;
      }
    | { kind: 'close'; session: string }
    | { kind: 'input'; session: string; data: string; lines?: string[]; expect?: OutputExpectation | undefined }
    | { kind: 'expect'; expect: OutputExpectation }
    | { kind: 'advance'; byMs?: number; toWall?: number }
    | {
        kind: 'ca';
        device: string;
        server: string;
        action: 'grant' | 'reject' | 'down' | 'up' | 'slow' | 'accept' | 'reject-all';
        id?: number | 'all';
        delayMs?: number;
      }
    | { kind: 'reload'; device: string; save: boolean }
    | { kind: 'restart' }
    | { kind: 'expectEvent'; type: string; device?: string | undefined; match: Record<string, unknown>; count: CountSpec; within: 'phase' | 'step' | 'run' }
    | { kind: 'expectLog'; device?: string | undefined; message: string; count: CountSpec; within: 'phase' | 'step' | 'run' }
    | { kind: 'check'; predicate: Predicate }
    | {
        kind: 'expectIke';
        peer: string;
        router?: string | undefined;
        attempts?: CountSpec;
        successes?: CountSpec;
        failures?: CountSpec;
        longestOutage?: { min?: number | undefined; max?: number | undefined } | undefined;
        totalOutage?: { min?: number | undefined; max?: number | undefined } | undefined;
        last?: 'ok' | 'failed' | undefined;
      }
  );

export interface ScenarioDeviceSpec extends LabDevice {
  clockOffsetMs?: number;
}

export interface Scenario {
  file: string;
  dir: string;
  name: string;
  description?: string | undefined;
  tags: string[];
  seed: number;
  /** World time 0 as ms since the Unix epoch. */
  epoch: number;
  devices: ScenarioDeviceSpec[];
  ca?: { device: string; server: string } | undefined;
  ike?: unknown;
  steps: Step[];
}

/** Read, validate and compile a scenario file. Throws FileError (positions) for bad files. */
export function loadScenarioFile(path: string): Scenario {
  const file = path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileError(file, [{ line: 0, col: 0, message: 'file not found' }]);
    if (code === 'EISDIR') throw new FileError(file, [{ line: 0, col: 0, message: 'is a directory, not a scenario file' }]);
    throw new FileError(file, [{ line: 0, col: 0, message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseScenario(text, file);
}

const ACTION_LIST = STEP_ACTIONS.join(', ');

export function stepHint(issue: z.core.$ZodIssue, path: Path): string | undefined {
  if (issue.code === 'unrecognized_keys' && path.length === 2 && (path[0] === 'steps' || path[0] === 'setup' || path[0] === 'solution')) {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${path[0]}.${path[1]}: unknown step ${keys} (a step is one of: ${ACTION_LIST})`;
  }
  return undefined;
}

/** Parse scenario YAML text; `file` is used in messages and to resolve relative paths. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const { data, pdoc } = parseYaml(text, file);
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new FileError(file, [{ ...pdoc.pos([]), message: 'a scenario file is a map with name, lab and steps' }]);
  }
  // Unknown step kinds first: clearer than zod's generic message, with the key's position.
  const problems: Problem[] = precheckSteps((data as { steps?: unknown }).steps, ['steps'], pdoc);
  if (problems.length) {
    // Report schema problems elsewhere in the file together with these.
    const res = ScenarioSchema.safeParse(data);
    if (!res.success) {
      try {
        validate(ScenarioSchema, data, pdoc, stepHint);
      } catch (e) {
        if (e instanceof FileError) {
          for (const p of e.problems) if (!/unknown step|unknown key/.test(p.message) || !problems.some((q) => q.line === p.line)) problems.push(p);
        }
      }
    }
    throw new FileError(file, dedupe(problems));
  }
  const sf = validate(ScenarioSchema, data, pdoc, stepHint);
  return compile(sf, pdoc);
}

/** Step shape problems zod would word poorly: unknown step kinds, zero or two actions. */
export function precheckSteps(steps: unknown, root: Path, pdoc: PositionedDoc): Problem[] {
  const problems: Problem[] = [];
  if (!Array.isArray(steps)) return problems;
  const where = root.join('.');
  steps.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      problems.push(pdoc.problem([...root, i], `${where}.${i}: a step is a map with one of: ${ACTION_LIST}`));
      return;
    }
    const keys = Object.keys(s);
    const unknown = keys.filter((k) => !(k in STEP_KEYS));
    for (const k of unknown) {
      problems.push({ ...pdoc.keyPos([...root, i], k), message: `${where}.${i}: unknown step "${k}" (a step is one of: ${ACTION_LIST})` });
    }
    if (unknown.length) return;
    const actions = keys.filter((k) => (STEP_ACTIONS as readonly string[]).includes(k));
    // `expect` is a modifier when paired with type/keys.
    const main = actions.filter((k) => !(k === 'expect' && (actions.includes('type') || actions.includes('keys'))));
    if (main.length === 0) problems.push(pdoc.problem([...root, i], `${where}.${i}: a step needs one of: ${ACTION_LIST}`));
    else if (main.length > 1) {
      problems.push({ ...pdoc.keyPos([...root, i], main[1]!), message: `${where}.${i}: one action per step (found ${main.join(' and ')})` });
    }
  });
  return problems;
}

const STEP_KEYS: Record<string, true> = Object.fromEntries(
  [...STEP_ACTIONS, 'session', 'name'].map((k) => [k, true as const]),
);

function dedupe(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps
    .filter((p) => {
      const k = `${p.line}:${p.col}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

function arr(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Semantic checks and step compilation. */
function compile(sf: ScenarioFile, pdoc: PositionedDoc): Scenario {
  const file = pdoc.file;
  const dir = dirname(resolve(file));
  const problems: Problem[] = [];
  let devices: ScenarioDeviceSpec[];
  let ca = sf.ca;
  let ike: unknown;
  if (typeof sf.lab === 'string') {
    const labPath = resolve(dir, sf.lab);
    ike = sf.ike;
    try {
      const lab = loadLabFile(labPath);
      devices = lab.devices;
    } catch (e) {
      const msg = e instanceof LabError ? `lab file: ${e.message}` : `lab: ${(e as Error).message}`;
      throw new FileError(file, [pdoc.problem(['lab'], msg)]);
    }
  } else {
    devices = sf.lab.devices.map((d, i) => {
      const { clockOffset, ...rest } = d;
      const out: ScenarioDeviceSpec = { ...rest, ssh: rest.ssh ?? { host: '127.0.0.1', port: 1 } } as ScenarioDeviceSpec;
      if (clockOffset !== undefined) {
        const neg = clockOffset.startsWith('-');
        const ms = parseDuration(neg ? clockOffset.slice(1) : clockOffset);
        if (ms === undefined) problems.push(pdoc.problem(['lab', 'devices', i, 'clockOffset'], 'bad duration'));
        else out.clockOffsetMs = neg ? -ms : ms;
      }
      return out;
    });
    if (sf.lab.ca) {
      if (ca) problems.push(pdoc.problem(['ca'], 'ca: given both here and in lab'));
      ca = sf.lab.ca;
    }
    ike = sf.lab.ike ?? sf.ike;
    const names = new Set<string>();
    sf.lab.devices.forEach((d, i) => {
      if (names.has(d.name.toLowerCase())) problems.push(pdoc.problem(['lab', 'devices', i, 'name'], `duplicate device name ${d.name}`));
      names.add(d.name.toLowerCase());
    });
  }
  const deviceNames = new Set(devices.map((d) => d.name));
  const known = [...deviceNames].join(', ');
  const checkDevice = (name: string | undefined, path: Path) => {
    if (name !== undefined && !deviceNames.has(name)) problems.push(pdoc.problem(path, `unknown device "${name}" (the lab has: ${known})`));
  };
  const caPath: Path = typeof sf.lab === 'string' ? ['ca'] : ['lab', 'ca'];
  if (ca) checkDevice(ca.device, [...caPath, 'device']);

  let epoch: number;
  if (sf.epoch !== undefined) {
    const e = parseIsoUtc(sf.epoch.replace(/[+-]00:?00$/, 'Z'));
    if (e === undefined) problems.push(pdoc.problem(['epoch'], 'epoch: not a valid date'));
    epoch = e ?? 0;
  } else epoch = parseIsoUtc(DEFAULT_EPOCH_ISO)!;

  const steps = compileSteps(sf.steps, ['steps'], { pdoc, dir, devices, ca, problems });
  if (problems.length) throw new FileError(file, dedupe(problems));
  return { file, dir, name: sf.name, description: sf.description, tags: sf.tags ?? [], seed: sf.seed, epoch, devices, ca, ike, steps };
}

function checkRegexLiteral(s: string, path: Path, pdoc: PositionedDoc, problems: Problem[]): void {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(s);
  if (!m) return;
  try {
    new RegExp(m[1]!, m[2]);
  } catch (e) {
    problems.push(pdoc.problem(path, (e as Error).message));
  }
}

/** Device names used inside a predicate must exist. */
export function checkPredicateDevices(p: Predicate, path: Path, names: Set<string>, pdoc: PositionedDoc, problems: Problem[]): void {
  const known = [...names].join(', ');
  const dev = (d: string | undefined, at: Path) => {
    if (d !== undefined && !names.has(d)) problems.push(pdoc.problem(at, `unknown device "${d}" (the lab has: ${known})`));
  };
  if (p.running) dev(p.running.device, [...path, 'running', 'device']);
  if (p.startup) dev(p.startup.device, [...path, 'startup', 'device']);
  if (p.saved) dev(p.saved.device, [...path, 'saved', 'device']);
  if (p.log) {
    dev(p.log.device, [...path, 'log', 'device']);
    checkRegexLiteral(p.log.message, [...path, 'log', 'message'], pdoc, problems);
  }
  if (p.event) dev(p.event.device, [...path, 'event', 'device']);
  if (p.cert) dev(p.cert.device, [...path, 'cert', 'device']);
  p.all?.forEach((q, i) => checkPredicateDevices(q, [...path, 'all', i], names, pdoc, problems));
  p.any?.forEach((q, i) => checkPredicateDevices(q, [...path, 'any', i], names, pdoc, problems));
  if (p.not) checkPredicateDevices(p.not, [...path, 'not'], names, pdoc, problems);
}


export interface StepContext {
  pdoc: PositionedDoc;
  dir: string;
  devices: { name: string; login: { username: string } }[];
  ca?: { device: string; server: string } | undefined;
  problems: Problem[];
}

/** Compile a list of steps found at `root` in the document (scenario `steps`, lab `setup`, …). */
export function compileSteps(list: StepInput[], root: Path, cx: StepContext): Step[] {
  const { pdoc, dir, devices, ca, problems } = cx;
  const file = pdoc.file;
  const deviceNames = new Set(devices.map((d) => d.name));
  const known = [...deviceNames].join(', ');
  const checkDevice = (name: string | undefined, path: Path) => {
    if (name !== undefined && !deviceNames.has(name)) problems.push(pdoc.problem(path, `unknown device "${name}" (the lab has: ${known})`));
  };
  const steps: Step[] = [];
  const sessions = new Map<string, string>(); // id → device
  let current: string | undefined;
  let autoId = 1;
  const resolveSession = (explicit: string | undefined, path: Path): string => {
    const id = explicit ?? current;
    if (id === undefined) {
      problems.push(pdoc.problem(path, 'no session is open yet (add an `open` step first)'));
      return '';
    }
    if (!sessions.has(id)) problems.push(pdoc.problem(explicit !== undefined ? [...path, 'session'] : path, `unknown session "${id}" (opened so far: ${[...sessions.keys()].join(', ') || 'none'})`));
    return id;
  };
  const outputExpect = (e: NonNullable<StepInput['expect']>, path: Path, stepSession: string): OutputExpectation => {
    const session = e.session ?? stepSession;
    if (e.session !== undefined && !sessions.has(e.session)) problems.push(pdoc.problem([...path, 'session'], `unknown session "${e.session}"`));
    for (const [k, list] of [['regex', arr(e.regex)]] as const) {
      list.forEach((r, j) => {
        try {
          new RegExp(r, 'm');
        } catch (err) {
          problems.push(pdoc.problem([...path, k, ...(Array.isArray(e.regex) ? [j] : [])], `${k}: ${(err as Error).message}`));
        }
      });
    }
    return {
      contains: arr(e.contains),
      regex: arr(e.regex),
      not: arr(e.not),
      golden: e.golden,
      goldenPath: e.golden !== undefined ? resolve(dir, e.golden) : undefined,
      session,
      of: e.of ?? 'step',
    };
  };

  list.forEach((s, i) => {
    const path: Path = [...root, i];
    const pos = pdoc.pos(path);
    const base: StepBase = { index: i, where: `${file}:${pos.line}:${pos.col}`, line: pos.line, col: pos.col, name: s.name };
    const action = (STEP_ACTIONS as readonly StepAction[]).find((a) => a in s && !(a === 'expect' && ('type' in s || 'keys' in s)))!;
    const ap: Path = [...path, action];
    switch (action) {
      case 'phase':
        steps.push({ ...base, kind: 'phase', phase: s.phase! });
        break;
      case 'note':
        steps.push({ ...base, kind: 'note', text: s.note! });
        break;
      case 'open': {
        const o = typeof s.open === 'string' ? { device: s.open } : s.open!;
        checkDevice(o.device, typeof s.open === 'string' ? ap : [...ap, 'device']);
        const dev = devices.find((d) => d.name === o.device);
        const as = ('as' in o && o.as) || `s${autoId}`;
        autoId++;
        if (sessions.has(as)) problems.push(pdoc.problem(ap, `session "${as}" is already open`));
        sessions.set(as, o.device);
        current = as;
        const full = o as Exclude<NonNullable<StepInput['open']>, string> & { device: string };
        steps.push({
          ...base,
          kind: 'open',
          device: o.device,
          as,
          user: full.user ?? dev?.login.username ?? 'admin',
          password: full.password,
          privilege: full.privilege ?? (full.password === undefined ? 15 : -1),
          lineKind: full.line ?? 'vty',
          peer: full.peer ?? '127.0.0.1',
          cols: full.cols,
          rows: full.rows ?? 0,
        });
        break;
      }
      case 'close': {
        const id = resolveSession(s.close, ap);
        sessions.delete(id);
        if (current === id) current = undefined;
        steps.push({ ...base, kind: 'close', session: id });
        break;
      }
      case 'type':
      case 'keys': {
        const id = resolveSession(s.session, path);
        current = id;
        const lines = action === 'type' ? arr(s.type) : undefined;
        const data = action === 'type' ? lines!.map((l) => `${l}\r`).join('') : s.keys!;
        steps.push({
          ...base,
          kind: 'input',
          session: id,
          data,
          ...(lines ? { lines } : {}),
          expect: s.expect ? outputExpect(s.expect, [...path, 'expect'], id) : undefined,
        });
        break;
      }
      case 'expect': {
        const id = s.expect!.session ?? current;
        if (id === undefined) problems.push(pdoc.problem(ap, 'no session to expect output from (add an `open` step first)'));
        steps.push({ ...base, kind: 'expect', expect: outputExpect(s.expect!, ap, id ?? '') });
        break;
      }
      case 'advance': {
        const a = s.advance!;
        if (typeof a === 'string' || 'by' in a) {
          const txt = typeof a === 'string' ? a : a.by;
          steps.push({ ...base, kind: 'advance', byMs: parseDuration(txt) ?? 0 });
        } else {
          const t = parseIsoUtc(a.to.replace(/[+-]00:?00$/, 'Z'));
          if (t === undefined) problems.push(pdoc.problem([...ap, 'to'], 'not a valid date'));
          steps.push({ ...base, kind: 'advance', toWall: t ?? 0 });
        }
        break;
      }
      case 'ca': {
        const a = s.ca!;
        const obj = typeof a === 'string' ? {} : a;
        const device = obj.device ?? ca?.device;
        const server = obj.server ?? ca?.server;
        if (!device || !server) {
          problems.push(pdoc.problem(ap, 'ca: the lab names no CA (add `ca: { device: CA, server: NAME }` to the lab) and the step names none'));
          break;
        }
        checkDevice(device, [...ap, 'device']);
        let step: Extract<Step, { kind: 'ca' }> | undefined;
        const b = { ...base, kind: 'ca' as const, device, server };
        if (typeof a === 'string') step = { ...b, action: a };
        else {
          const acts = (['grant', 'reject', 'down', 'up', 'slow'] as const).filter((k) => a[k] !== undefined);
          if (acts.length !== 1) problems.push(pdoc.problem(ap, 'ca: give exactly one of grant, reject, down, up, slow'));
          const k = acts[0];
          if (k === 'grant' || k === 'reject') step = { ...b, action: k, id: a[k]! };
          else if (k === 'slow') step = { ...b, action: 'slow', delayMs: parseDuration(a.slow!) ?? 0 };
          else if (k) step = { ...b, action: k };
        }
        if (step) steps.push(step);
        break;
      }
      case 'reload': {
        const r = typeof s.reload === 'string' ? { device: s.reload } : s.reload!;
        checkDevice(r.device, typeof s.reload === 'string' ? ap : [...ap, 'device']);
        for (const [id, dev] of [...sessions]) if (dev === r.device) sessions.delete(id);
        if (current && !sessions.has(current)) current = undefined;
        steps.push({ ...base, kind: 'reload', device: r.device, save: 'save' in r ? r.save === true : false });
        break;
      }
      case 'restart':
        sessions.clear();
        current = undefined;
        steps.push({ ...base, kind: 'restart' });
        break;
      case 'expectEvent': {
        const e = s.expectEvent!;
        checkDevice(e.device, [...ap, 'device']);
        steps.push({ ...base, kind: 'expectEvent', type: e.type, device: e.device, match: e.match ?? {}, count: e.count, within: e.within ?? 'phase' });
        break;
      }
      case 'expectLog': {
        const e = s.expectLog!;
        checkDevice(e.device, [...ap, 'device']);
        checkRegexLiteral(e.message, [...ap, 'message'], pdoc, problems);
        steps.push({ ...base, kind: 'expectLog', device: e.device, message: e.message, count: e.absent ? 0 : e.count, within: e.within ?? 'phase' });
        break;
      }
      case 'expectIke': {
        const e = s.expectIke!;
        checkDevice(e.router, [...ap, 'router']);
        const b = (x: { min?: string | undefined; max?: string | undefined } | undefined) =>
          x ? { min: x.min !== undefined ? parseDuration(x.min) : undefined, max: x.max !== undefined ? parseDuration(x.max) : undefined } : undefined;
        steps.push({
          ...base,
          kind: 'expectIke',
          peer: e.peer,
          router: e.router,
          attempts: e.attempts,
          successes: e.successes,
          failures: e.failures,
          longestOutage: b(e.longestOutage),
          totalOutage: b(e.totalOutage),
          last: e.last,
        });
        break;
      }
      case 'check':
        checkPredicateDevices(s.check!, [...ap], deviceNames, pdoc, problems);
        steps.push({ ...base, kind: 'check', predicate: s.check! });
        break;
    }
  });
  return steps;
}
