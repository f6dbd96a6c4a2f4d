/**
 * A running training lab: the lab's devices (World + SSH listeners through the ssh helper's
 * startLab), the baseline built by the lab's `setup` steps, tasks graded against live state,
 * and the controls the dashboard offers (pause, step, fast-forward, reset).
 *
 * Everything here acts through public APIs: setup steps are scenario steps (CliSession input,
 * world.advance); grading reads state (predicates); time control goes through the World's
 * time driver. No real timers here: pacing is the core's pacer (started by createLabWorld),
 * UI refresh ticks come from the caller (sim/bin/lab.ts).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type LabWorld, type RunningLab, type WorldFactory } from '../lab/run.js';
import { buildWorld, createLabWorld } from '../lab/world.js';
import type { Lab } from '../lab/schema.js';
import { World } from '../world/world.js';
import { ScenarioRun, formatFailure } from '../scenario/runner.js';
import type { Scenario, Step } from '../scenario/load.js';
import { evaluate, type StateView, type TimelineEvent } from '../scenario/predicates.js';
import { caServer, trustpoints, type CaSnap } from '../scenario/probe.js';
import { jsonSafe } from '../scenario/report.js';
import { ikeLoaded, loadIke } from '../scenario/ike.js';
import type { CompiledLab } from './training.js';

export interface TaskResult {
  id: string;
  title: string;
  ok: boolean;
  detail: string;
  hint?: string | undefined;
}

export interface TrustpointView {
  name: string;
  autoEnroll?: string | undefined;
  serial?: string | undefined;
  notBefore?: number | undefined;
  notAfter?: number | undefined;
  status: 'valid' | 'expired' | 'none' | 'not yet valid';
  rollover: number;
  renewPct?: number | undefined;
}

export interface DeviceView {
  name: string;
  hostname: string;
  role: string;
  ssh: string;
  sessions: number;
  saved: boolean;
  wall: number;
  trustpoints: TrustpointView[];
  ca?: CaSnap | undefined;
}

export interface IkeView {
  peer: string;
  status: string;
  attempts: number;
  failures: number;
  outageMs?: number;
}

export interface DashboardSnapshot {
  name: string;
  title: string;
  level: string;
  description: string;
  /** Simulated wall time of the world (epoch + world time), ms since the Unix epoch. */
  wall: number;
  rate: number;
  paused: boolean;
  devices: DeviceView[];
  ike: IkeView[];
  tasks: TaskResult[];
  recent: string[];
  message?: string | undefined;
  stepMs: number;
}

export interface LabRuntimeOptions {
  stateDir: string;
  /** Real-time pacing (the lab's rate). false: stepped time (tests). Default true. */
  realTime?: boolean;
  /** Override the lab's SSH ports: first device gets this one, the others follow. */
  sshPort?: number;
  /** Listen on ephemeral ports (tests). */
  ephemeralPorts?: boolean;
  log?: (msg: string) => void;
}

const STATE_FILE = 'lab-state.json';
/** `twin lab`'s control socket (sim/bin/lab.ts): it outlives a reset, so `--check` keeps grading the live lab. */
export const CONTROL_SOCKET = 'control.sock';

/** Empty (or create) a lab state dir, keeping a running lab's control socket. */
export function clearStateDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    return;
  }
  for (const e of readdirSync(dir)) if (e !== CONTROL_SOCKET) rmSync(join(dir, e), { recursive: true, force: true });
}

/** The lab's IKE peers as `{ router, peer }` (from its `ike.peers`), for listing before any attempt. */
export function labIkePeers(ike: unknown): { router: string; peer: string }[] {
  const peers = (ike as { peers?: unknown } | undefined)?.peers;
  if (!Array.isArray(peers)) return [];
  return peers.flatMap((p) => {
    const q = p as { name?: unknown; router?: unknown };
    return typeof q.name === 'string' && typeof q.router === 'string' ? [{ router: q.router, peer: q.name }] : [];
  });
}
const EVENTS_FILE = 'lab-events.jsonl';

export class LabRuntime implements StateView {
  running: RunningLab | undefined;
  world: World | undefined;
  /** Events since the baseline was reached (what tasks may look at). */
  private evs: TimelineEvent[] = [];
  private pendingLines: string[] = [];
  private recent: string[] = [];
  private rate: number;
  private paused = false;
  private message: string | undefined;
  private listeners = new Set<() => void>();
  private unsub: (() => void) | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    readonly lab: CompiledLab,
    readonly opts: LabRuntimeOptions,
  ) {
    this.rate = lab.def.rate;
  }

  // ---- StateView --------------------------------------------------------------------------

  device(name: string) {
    return this.world?.device(name);
  }


  events(): readonly TimelineEvent[] {
    return this.evs;
  }

  // ---- lifecycle --------------------------------------------------------------------------

  private labForRun(): Lab {
    const l: Lab = { ...this.lab.lab, rate: this.rate, devices: this.lab.lab.devices.map((d) => ({ ...d, ssh: { ...d.ssh } })) };
    if (this.opts.sshPort !== undefined) l.devices.forEach((d, i) => (d.ssh.port = this.opts.sshPort! + i));
    return l;
  }

  /** Start from the lab's baseline: fresh state dir, boot, setup steps, then SSH + pacing. */
  start(): Promise<void> {
    this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const dir = this.opts.stateDir;
    clearStateDir(dir);
    this.evs = [];
    this.recent = [];
    this.paused = false;
    this.rate = this.lab.def.rate;
    const realTime = this.opts.realTime ?? true;
    const setup = this.lab.setup;
    const self = this;
    const factory: WorldFactory = async (l, fo) => {
      let lw: LabWorld;
      if (realTime) lw = await createLabWorld(l, fo);
      else {
        const w = buildWorld(l, fo.stateDir, { realTime: false });
        await w.bootAll();
        lw = { world: w };
      }
      if (!(lw.world instanceof World)) throw new Error('the lab world is not a simulator World');
      const world = lw.world;
      if (self.lab.def.ike !== undefined) {
        try {
          (await loadIke()).install(world, self.lab.def.ike);
        } catch (e) {
          await lw.stop?.();
          throw new Error(`the lab's IKE peers: ${(e as Error).message}`);
        }
      }
      // The baseline: the lab's setup steps, played as a user before anyone can log in.
      if (setup.length) {
        const sc: Scenario = { file: self.lab.file, dir: '', name: `${self.lab.def.name} setup`, tags: [], seed: self.lab.def.seed, epoch: world.epoch, devices: [], ca: self.lab.def.ca, steps: setup };
        const r = await new ScenarioRun(sc, { attach: world }).run();
        if (!r.ok) {
          await lw.stop?.();
          throw new Error(`the lab's setup failed:\n${formatFailure(r)}`);
        }
      }
      self.attach(world);
      return lw;
    };
    this.running = await startLab(this.labForRun(), {
      stateDir: dir,
      factory,
      ...(this.opts.log ? { log: this.opts.log } : {}),
      ...(this.opts.ephemeralPorts ? { ephemeralPorts: true } : {}),
    });
    writeFileSync(join(dir, STATE_FILE), JSON.stringify({ lab: this.lab.def.name, file: this.lab.file, baselineAt: this.world!.epoch + this.world!.now() }, null, 1) + '\n');
    writeFileSync(join(dir, EVENTS_FILE), '');
    this.changed();
  }

  private attach(world: World): void {
    this.world = world;
    this.unsub?.();
    this.unsub = world.events.on('*', (e) => {
      const ev: TimelineEvent = { wall: world.epoch + e.t, n: this.evs.length, device: e.device, type: e.type, data: e.data };
      this.evs.push(ev);
      this.pendingLines.push(JSON.stringify(jsonSafe(ev)));
      if (e.type === 'log') {
        const text = String(e.data.text ?? '');
        if (/%(PKI|CRYPTO-6-AUTOGEN|SYS-5-(RELOAD|RESTART|CONFIG_I))/.test(text)) {
          this.recent.push(`${e.device}: ${text.replace(/\n[\s\S]*$/, '')}`);
          if (this.recent.length > 50) this.recent.shift();
        }
      }
    });
  }

  /** Append buffered events to the state dir (for `--check` after the lab has stopped). */
  flushEvents(): void {
    if (!this.pendingLines.length || !existsSync(this.opts.stateDir)) return;
    const lines = this.pendingLines.join('\n') + '\n';
    this.pendingLines = [];
    try {
      appendFileSync(join(this.opts.stateDir, EVENTS_FILE), lines);
    } catch {
      // best effort: grading from the command line then sees fewer events
    }
  }

  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.flushEvents();
    const w = this.world;
    if (w && existsSync(join(this.opts.stateDir, STATE_FILE))) {
      try {
        const st = JSON.parse(readFileSync(join(this.opts.stateDir, STATE_FILE), 'utf8')) as Record<string, unknown>;
        st.stoppedAt = w.epoch + w.now();
        writeFileSync(join(this.opts.stateDir, STATE_FILE), JSON.stringify(st, null, 1) + '\n');
      } catch {
        // best effort
      }
    }
    this.unsub?.();
    this.unsub = undefined;
    const r = this.running;
    this.running = undefined;
    await r?.close();
  }

  /** Back to the baseline: every session drops, the state dir is rebuilt, setup replays. */
  async reset(): Promise<void> {
    this.message = 'resetting to the baseline…';
    this.changed();
    await this.close();
    await this.start();
    this.message = 'reset to the baseline';
    this.changed();
  }

  /** Every IKE peer of the lab, with its totals (a peer that has not tried yet: `no attempt yet`). */
  private ikeViews(w: World): IkeView[] {
    const stats = ikeLoaded()?.stats(w, {}) ?? [];
    const views: IkeView[] = stats.map((st) => ({
      peer: `${st.router}↔${st.peer}`,
      status: !st.last ? 'no attempt yet' : st.last.ok ? 'up' : `DOWN (${st.last.reason ?? '?'})`,
      attempts: st.attempts,
      failures: st.failures,
      ...(st.longestOutageMs ? { outageMs: st.longestOutageMs } : {}),
    }));
    for (const p of labIkePeers(this.lab.def.ike)) {
      const name = `${p.router}↔${p.peer}`;
      if (!views.some((v) => v.peer === name)) views.push({ peer: name, status: 'no attempt yet', attempts: 0, failures: 0 });
    }
    return views;
  }

  // ---- time control -----------------------------------------------------------------------

  isPaused(): boolean {
    return this.paused;
  }

  currentRate(): number {
    return this.rate;
  }

  private applyMode(): void {
    const w = this.world;
    if (!w || this.opts.realTime === false) return;
    if (this.paused) w.setTimeMode('stepped');
    else w.setTimeMode(this.rate === 1 ? 'real' : 'scaled', this.rate);
  }

  togglePause(): void {
    this.paused = !this.paused;
    this.applyMode();
    this.message = this.paused ? 'paused (s steps, p resumes)' : `running at ×${fmtRate(this.rate)}`;
    this.changed();
  }

  /** Advance simulated time by the lab's step size (works paused or running). */
  step(): void {
    const w = this.world;
    if (!w) return;
    w.ingress(() => w.advance(this.lab.stepMs));
    this.message = `stepped ${fmtStep(this.lab.stepMs)}`;
    this.changed();
  }

  /** Ten times faster (up to ×10^7). */
  fastForward(): void {
    this.rate = Math.min(1e7, this.rate * 10);
    if (this.paused) this.paused = false;
    this.applyMode();
    this.message = `fast-forward ×${fmtRate(this.rate)}`;
    this.changed();
  }

  /** Back to the lab's rate. */
  normalSpeed(): void {
    this.rate = this.lab.def.rate;
    this.paused = false;
    this.applyMode();
    this.message = `normal speed ×${fmtRate(this.rate)}`;
    this.changed();
  }

  // ---- views --------------------------------------------------------------------------------

  /** Subscribe to explicit changes (actions); the caller also refreshes on its own ticker. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** Tell the views to refresh (the caller's ticker; actions call it themselves). */
  notify(): void {
    this.changed();
  }

  private changed(): void {
    for (const cb of this.listeners) {
      try {
        cb();
      } catch {
        // a view's failure must not break the lab
      }
    }
  }

  grade(): TaskResult[] {
    return this.lab.tasks.map((t) => {
      if (!this.world) return { id: t.id, title: t.title, ok: false, detail: 'lab not running', hint: t.hint };
      let v;
      try {
        v = evaluate(t.check, this);
      } catch (e) {
        v = { ok: false, detail: `cannot grade: ${(e as Error).message}` };
      }
      return { id: t.id, title: t.title, ok: v.ok, detail: v.detail, hint: t.hint };
    });
  }

  snapshot(): DashboardSnapshot {
    const w = this.world;
    const d = this.lab.def;
    const devices: DeviceView[] = [];
    if (w) {
      // bring time up to date so the view matches what an SSH user would see now
      try {
        w.driver.sync();
      } catch {
        // a failing timer is the core's to report
      }
      for (const ld of this.running?.servers ?? []) {
        const dev = w.device(ld.device.name);
        if (!dev) continue;
        const now = dev.wallNow();
        devices.push({
          name: dev.name,
          hostname: dev.hostname(),
          role: ld.device.role,
          ssh: `ssh -p ${ld.server.port} ${ld.device.login.username}@${ld.server.host}`,
          sessions: dev.sessions.size,
          saved: !dev.isModified(),
          wall: now,
          trustpoints: trustpoints(dev).map((tp) => {
            const act = tp.certs.filter((c) => c.role === 'active');
            const cur = act.find((c) => c.notBefore <= now && now < c.notAfter) ?? act[0];
            const status: TrustpointView['status'] = !cur ? 'none' : now < cur.notBefore ? 'not yet valid' : now >= cur.notAfter ? 'expired' : 'valid';
            const pct = /auto-enroll (\d+)/.exec(tp.autoEnroll ?? '');
            return {
              name: tp.name,
              autoEnroll: tp.autoEnroll,
              serial: cur?.serial,
              notBefore: cur?.notBefore,
              notAfter: cur?.notAfter,
              status,
              rollover: tp.certs.filter((c) => c.role === 'rollover').length,
              renewPct: pct ? Number(pct[1]) : undefined,
            };
          }),
          ca: caServer(dev),
        });
      }
    }
    return {
      name: d.name,
      title: d.title,
      level: d.level,
      description: d.description,
      wall: w ? w.epoch + w.now() : this.lab.epoch,
      rate: this.rate,
      paused: this.paused,
      devices,
      ike: w ? this.ikeViews(w) : [],
      tasks: this.grade(),
      recent: this.recent.slice(-6),
      message: this.message,
      stepMs: this.lab.stepMs,
    };
  }
}

export function fmtRate(r: number): string {
  return r >= 1e6 ? `${r / 1e6}M` : r >= 1e3 ? `${r / 1e3}k` : String(r);
}

export function fmtStep(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Offline grading input: the lab's state dir as `twin lab` left it. */
export function readLabState(stateDir: string): { lab: string; events: TimelineEvent[]; stoppedAt?: number } | undefined {
  try {
    const st = JSON.parse(readFileSync(join(stateDir, STATE_FILE), 'utf8')) as { lab: string; stoppedAt?: number; baselineAt?: number };
    let events: TimelineEvent[] = [];
    try {
      events = readFileSync(join(stateDir, EVENTS_FILE), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as TimelineEvent);
    } catch {
      events = [];
    }
    const at = st.stoppedAt ?? st.baselineAt;
    return { lab: st.lab, events, ...(at !== undefined ? { stoppedAt: at } : {}) };
  } catch {
    return undefined;
  }
}

export type { Step };
