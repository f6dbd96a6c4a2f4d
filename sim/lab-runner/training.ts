/**
 * Training labs: scenarios/labs/training/NAME.yaml (TrainingLabSchema) — devices with SSH
 * endpoints, the lab CA, `setup` steps that build the baseline, tasks graded live against
 * device state, and a reference `solution`. Loading reports problems as FILE:LINE:COL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseIsoUtc } from '../kernel/clock.js';
import { parseDuration } from '../kernel/scheduler.js';
import { LabSchema, type Lab } from '../lab/schema.js';
import { checkPredicateDevices, compileSteps, DEFAULT_EPOCH_ISO, precheckSteps, stepHint, type Step } from '../scenario/load.js';
import { TrainingLabSchema, type Task, type TrainingLab } from '../scenario/schema.js';
import { FileError, parseYaml, validate, type Problem } from '../scenario/yaml.js';

export const TRAINING_DIR = resolve(import.meta.dirname, '../../scenarios/labs/training');

export interface CompiledLab {
  file: string;
  def: TrainingLab;
  /** The lab in the ssh helper's format (for startLab / createLabWorld). */
  lab: Lab;
  epoch: number;
  stepMs: number;
  setup: Step[];
  solution: Step[];
  tasks: Task[];
}

export function loadTrainingLab(file: string): CompiledLab {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileError(file, [{ line: 0, col: 0, message: code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}` }]);
  }
  return parseTrainingLab(text, file);
}

export function parseTrainingLab(text: string, file: string): CompiledLab {
  const { data, pdoc } = parseYaml(text, file);
  if (typeof data !== 'object' || Array.isArray(data)) throw new FileError(file, [{ ...pdoc.pos([]), message: 'a training lab is a map with name, title, level, devices and tasks' }]);
  const pre = [
    ...precheckSteps((data as { setup?: unknown }).setup, ['setup'], pdoc),
    ...precheckSteps((data as { solution?: unknown }).solution, ['solution'], pdoc),
  ];
  if (pre.length) throw new FileError(file, pre);
  const def = validate(TrainingLabSchema, data, pdoc, stepHint);
  const problems: Problem[] = [];
  const epochIso = def.epoch ?? DEFAULT_EPOCH_ISO;
  const epoch = parseIsoUtc(epochIso.replace(/[+-]00:?00$/, 'Z'));
  if (epoch === undefined) problems.push(pdoc.problem(['epoch'], 'epoch: not a valid date'));
  // The device/port rules of the ssh helper's lab schema (duplicate names, ports used twice…).
  const labRes = LabSchema.safeParse({ name: def.name, description: def.title, seed: def.seed, epoch: epochIso, rate: def.rate, devices: def.devices });
  if (!labRes.success) {
    for (const i of labRes.error.issues) problems.push(pdoc.problem(i.path.filter((p): p is string | number => typeof p !== 'symbol'), `${i.path.join('.')}: ${i.message}`));
  }
  const names = new Set(def.devices.map((d) => d.name));
  if (def.ca && !names.has(def.ca.device)) problems.push(pdoc.problem(['ca', 'device'], `unknown device "${def.ca.device}" (the lab has: ${[...names].join(', ')})`));
  const cx = { pdoc, dir: dirname(resolve(file)), devices: def.devices, ca: def.ca, problems };
  const setup = compileSteps(def.setup ?? [], ['setup'], cx);
  const solution = compileSteps(def.solution ?? [], ['solution'], cx);
  const ids = new Set<string>();
  def.tasks.forEach((t, i) => {
    if (ids.has(t.id)) problems.push(pdoc.problem(['tasks', i, 'id'], `duplicate task id ${t.id}`));
    ids.add(t.id);
    checkPredicateDevices(t.check, ['tasks', i, 'check'], names, pdoc, problems);
  });
  if (problems.length) throw new FileError(file, problems.sort((a, b) => a.line - b.line || a.col - b.col));
  return {
    file,
    def,
    lab: labRes.data!,
    epoch: epoch!,
    stepMs: parseDuration(def.stepSize ?? '1h') ?? 3_600_000,
    setup,
    solution,
    tasks: def.tasks,
  };
}

export interface LabListing {
  name: string;
  title: string;
  level: string;
  file: string;
  error?: string;
}

/** Every training lab shipped in scenarios/labs/training (invalid ones listed with their error). */
export function listTrainingLabs(dir = TRAINING_DIR): LabListing[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    return [];
  }
  const order = { guided: 0, practice: 1, troubleshooting: 2 } as Record<string, number>;
  return files
    .map((f) => {
      const file = join(dir, f);
      try {
        const l = loadTrainingLab(file);
        return { name: l.def.name, title: l.def.title, level: l.def.level, file };
      } catch (e) {
        return { name: f.replace(/\.yaml$/, ''), title: '(invalid lab file)', level: '?', file, error: (e as Error).message };
      }
    })
    .sort((a, b) => (order[a.level] ?? 9) - (order[b.level] ?? 9) || a.name.localeCompare(b.name));
}

/** A lab by name (from the shipped directory) or by path. */
export function findTrainingLab(nameOrPath: string, dir = TRAINING_DIR): string | undefined {
  if (/\.ya?ml$/.test(nameOrPath) || nameOrPath.includes('/')) return resolve(nameOrPath);
  const hit = listTrainingLabs(dir).find((l) => l.name === nameOrPath);
  return hit?.file;
}
