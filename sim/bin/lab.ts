/**
 * `twin lab` — training labs.
 *
 *   twin lab --list                       the shipped labs (scenarios/labs/training)
 *   twin lab NAME [--state-dir DIR] [--ssh-port N] [--plain]
 *        starts the lab from its baseline: every device over SSH, plus the ink dashboard
 *        (clock, rate, devices, trustpoints, IKE, tasks graded live; keys p s f n r d q)
 *   twin lab NAME --check [--state-dir DIR]
 *        grades the lab: the running lab's live state (through its control socket) or, when it
 *        is not running, the state it left (NVRAM + event history). Exit 0 only if all pass.
 *
 * NAME is a lab name or a path to a lab file. Real time (UI ticks, the control socket) lives
 * here in sim/bin; the simulation is paced by the core's realtime driver.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { findTrainingLab, listTrainingLabs, loadTrainingLab, type CompiledLab } from '../lab-runner/training.js';
import { CONTROL_SOCKET, LabRuntime, readLabState, type TaskResult } from '../lab-runner/runtime.js';
import { buildWorld } from '../lab/world.js';
import { evaluate, type TimelineEvent } from '../scenario/predicates.js';
import { FileError } from '../scenario/yaml.js';
import { loadIke } from '../scenario/ike.js';
import { fmtWall } from '../dashboard/format.js';

export interface LabOptions {
  list?: boolean;
  check?: boolean;
  stateDir?: string;
  sshPort?: number;
  plain?: boolean;
}

function parsePort(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new InvalidArgumentError('must be a port number 1-65535.');
  return Number(v);
}

const CONTROL = CONTROL_SOCKET;

export function defaultStateDir(name: string): string {
  return resolve('.twin', `lab-${name}`);
}

function printList(out: (s: string) => void): void {
  const labs = listTrainingLabs();
  out('Training labs (twin lab NAME):\n');
  const w = Math.max(...labs.map((l) => l.name.length), 4);
  for (const l of labs) out(`  ${l.name.padEnd(w)}  ${l.level.padEnd(15)}  ${l.title}${l.error ? `  [${l.error.split('\n')[0]}]` : ''}\n`);
}

function printGrades(tasks: TaskResult[], out: (s: string) => void): boolean {
  for (const t of tasks) out(`  ${t.ok ? '✔' : '✘'} ${t.title}${t.ok ? '' : `\n      ${t.detail}`}\n`);
  const ok = tasks.every((t) => t.ok);
  out(`${tasks.filter((t) => t.ok).length}/${tasks.length} tasks done${ok ? ' — lab complete' : ''}\n`);
  return ok;
}

function resolveLab(name: string): CompiledLab {
  const file = findTrainingLab(name);
  if (!file) {
    const names = listTrainingLabs().map((l) => l.name).join(', ');
    throw new Error(`unknown lab "${name}" (labs: ${names}; twin lab --list)`);
  }
  return loadTrainingLab(file);
}

/** Ask a running lab for its grades; undefined when none is listening. */
function askRunning(stateDir: string): Promise<{ wall: number; tasks: TaskResult[] } | undefined> {
  const path = join(stateDir, CONTROL);
  if (!existsSync(path)) return Promise.resolve(undefined);
  return new Promise((res) => {
    const sock = createConnection(path);
    let buf = '';
    const t = setTimeout(() => {
      sock.destroy();
      res(undefined);
    }, 5000);
    sock.on('connect', () => sock.write('grade\n'));
    sock.on('data', (d) => (buf += d.toString('utf8')));
    sock.on('end', () => {
      clearTimeout(t);
      try {
        res(JSON.parse(buf) as { wall: number; tasks: TaskResult[] });
      } catch {
        res(undefined);
      }
    });
    sock.on('error', () => {
      clearTimeout(t);
      res(undefined);
    });
  });
}

/** Grade what a stopped lab left in its state dir: boot a copy from NVRAM, replay its events. */
export async function gradeOffline(lab: CompiledLab, stateDir: string): Promise<{ wall: number; tasks: TaskResult[] } | undefined> {
  const st = readLabState(stateDir);
  if (!st || st.lab !== lab.def.name) return undefined;
  const copy = mkdtempSync(join(tmpdir(), 'twin-check-'));
  try {
    cpSync(stateDir, copy, { recursive: true, filter: (src) => !src.endsWith(CONTROL) });
    const last = Math.max(st.stoppedAt ?? lab.epoch, st.events.length ? st.events[st.events.length - 1]!.wall : lab.epoch);
    const world = buildWorld({ ...lab.lab, epoch: last }, copy, { realTime: false });
    await world.bootAll();
    const events: TimelineEvent[] = [...st.events];
    if (lab.def.ike !== undefined) (await loadIke()).install(world, lab.def.ike);
    const view = { device: (n: string) => world.device(n), events: () => events, world };
    const tasks = lab.tasks.map((t) => {
      const v = evaluate(t.check, view);
      return { id: t.id, title: t.title, ok: v.ok, detail: v.detail, hint: t.hint };
    });
    return { wall: last, tasks };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function serveControl(rt: LabRuntime, stateDir: string): Server | undefined {
  const path = join(stateDir, CONTROL);
  try {
    if (existsSync(path)) unlinkSync(path);
  } catch {
    return undefined;
  }
  const srv = createServer((sock) => {
    sock.on('error', () => undefined);
    sock.once('data', (d) => {
      if (d.toString('utf8').trim() !== 'grade') return sock.end();
      const snap = rt.snapshot();
      sock.end(JSON.stringify({ wall: snap.wall, tasks: snap.tasks }));
    });
  });
  srv.on('error', () => undefined);
  srv.listen(path);
  return srv;
}

export async function labCommand(name: string | undefined, o: LabOptions): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  if (o.list || name === undefined) {
    printList(out);
    if (!o.list) out('\nStart one with: twin lab NAME   (grade it with: twin lab NAME --check)\n');
    return 0;
  }
  let lab: CompiledLab;
  try {
    lab = resolveLab(name);
  } catch (e) {
    err(`twin lab: ${e instanceof FileError ? `invalid lab file:\n${e.message}` : (e as Error).message}\n`);
    return 2;
  }
  const stateDir = resolve(o.stateDir ?? defaultStateDir(lab.def.name));

  if (o.check) {
    const live = await askRunning(stateDir);
    const res = live ?? (await gradeOffline(lab, stateDir));
    if (!res) {
      err(`twin lab: no state of lab ${lab.def.name} in ${stateDir} (start it with: twin lab ${lab.def.name})\n`);
      return 2;
    }
    out(`${lab.def.title} — ${live ? 'running lab' : 'saved state'} at ${fmtWall(res.wall)}\n`);
    return printGrades(res.tasks, out) ? 0 : 1;
  }

  const rt = new LabRuntime(lab, { stateDir, ...(o.sshPort !== undefined ? { sshPort: o.sshPort } : {}) });
  try {
    await rt.start();
  } catch (e) {
    await rt.close().catch(() => undefined);
    err(`twin lab: ${(e as Error).message}\n`);
    return 2;
  }
  const ctl = serveControl(rt, stateDir);
  const ticker = setInterval(() => {
    rt.flushEvents();
    rt.notify();
  }, 250);
  let finished!: (code: number) => void;
  const done = new Promise<number>((r) => (finished = r));
  let quitting = false;
  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    clearInterval(ticker);
    const grades = rt.grade();
    ink?.unmount();
    ctl?.close();
    await rt.close().catch(() => undefined);
    out(`${lab.def.title}: lab stopped (state in ${stateDir}).\n`);
    printGrades(grades, out);
    finished(0);
  };
  let ink: { unmount(): void } | undefined;
  if (o.plain || !process.stdout.isTTY) {
    out(`Router Twin lab ${lab.def.name}: ${lab.def.title}\n`);
    for (const s of rt.running?.servers ?? []) out(`  ${s.device.name.padEnd(4)} ssh -p ${s.server.port} ${s.device.login.username}@${s.server.host}  (password ${s.device.login.password})\n`);
    out('Tasks (grade with: twin lab ' + lab.def.name + ' --check). Press Ctrl-C to stop.\n');
    let last = '';
    rt.onChange(() => {
      const line = rt
        .grade()
        .map((t) => `${t.ok ? '✔' : '✘'} ${t.id}`)
        .join('  ');
      if (line !== last) {
        last = line;
        out(`[${fmtWall(rt.snapshot().wall)}] ${line}\n`);
      }
    });
  } else {
    // React, ink and the dashboard load only when a dashboard is drawn (keeps `twin serve`/`play` start-up light).
    const [{ createElement }, { render }, { Dashboard }] = await Promise.all([import('react'), import('ink'), import('../dashboard/Dashboard.js')]);
    ink = render(createElement(Dashboard, { source: rt, onQuit: () => void quit() }), { exitOnCtrlC: false });
  }
  process.on('SIGINT', () => void quit());
  process.on('SIGTERM', () => void quit());
  return done;
}

export function addLabCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('lab')
    .description('training labs: devices over SSH, a live dashboard and graded tasks')
    .argument('[name]', 'lab name (twin lab --list) or a lab file')
    .option('--list', 'list the training labs')
    .option('--check', 'grade the lab (exit 0 only when every task passes)')
    .option('--state-dir <dir>', 'lab state (default: .twin/lab-NAME)')
    .addOption(new Option('--ssh-port <port>', 'SSH port of the first device; the others follow').argParser(parsePort))
    .option('--plain', 'no dashboard: print task changes as lines')
    .action(async (name: string | undefined, opts: LabOptions) => {
      exit(await labCommand(name, opts));
    });
}
