/**
 * The scenario runner: plays a compiled Scenario against a real World, as a user.
 *
 *  - Inputs go through `world.ingress(() => session.input(data))` — the same door SSH uses —
 *    so `?`, Tab, dialogs and typeahead behave exactly as over SSH; every keystroke lands in the
 *    world's input log.
 *  - Time moves only through `world.advance()` (stepped driver).
 *  - CA actions and reloads are typed on the devices' CLIs through helper sessions (shown in
 *    the transcript as `ca:CA` / `reload:R1`).
 *  - Expectations read session output, the world event bus and public getters only.
 *  - `restart` = process restart: every session closes, a new World is built on the same state
 *    dir, every device boots from NVRAM; simulated time continues where it was.
 *
 * The run stops at the first failed expectation (later steps depend on the state it found).
 * Failures carry the seed, phase, step position, last transcript lines and a diff.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { CliSession } from '../contracts.js';
import type { World } from '../world/world.js';
import type { Device } from '../device/device.js';
import { fmtCertTime, isoUtc } from '../kernel/clock.js';
import { countOk, describeCount, lineDiff, plainText, tail, textMatches, valueMatches } from './expect.js';
import type { OutputExpectation, Scenario, Step } from './load.js';
import { evaluate, type StateView, type TimelineEvent } from './predicates.js';
import { buildWorld } from './world.js';
import { certSnapshot, trustpoints, type CertSnap } from './probe.js';
import { loadIke, type IkeStats } from './ike.js';

export interface RunOptions {
  /** Override the scenario's seed. */
  seed?: number;
  /** Rewrite golden files instead of comparing. */
  update?: boolean;
  /** State dir for NVRAM (default: a fresh temp dir, removed afterwards). */
  stateDir?: string;
  /** Called before each step (progress display). */
  onStep?: (p: { index: number; total: number; phase: string; wall: number; step: Step }) => void;
  /** Lines of transcript shown with a failure. Default 12. */
  tailLines?: number;
  /**
   * Play on an existing, booted World (training-lab setup) instead of building one: the
   * scenario's lab is ignored, `restart` steps are refused, the world stays up afterwards.
   */
  attach?: World;
}

export interface SessionRecord {
  id: string;
  device: string;
  user: string;
  /** Raw terminal output (echo included), CRLF line ends as sent to an SSH client. */
  output: string;
  openedWall: number;
  closedWall?: number;
  helper: boolean;
}

export interface StepRecord {
  index: number;
  kind: Step['kind'];
  where: string;
  phase: string;
  /** One-line description (input typed, time advanced, …). */
  label: string;
  wallStart: number;
  wallEnd: number;
  status: 'ok' | 'failed' | 'skipped';
  /** Output produced by input steps (plain text). */
  output?: string;
  session?: string;
  detail?: string;
}

export interface Failure {
  seed: number;
  phase: string;
  step: number;
  where: string;
  message: string;
  diff?: string;
  transcriptTail: string[];
}

export interface RunResult {
  scenario: { name: string; file: string; description?: string | undefined; tags: string[] };
  seed: number;
  ok: boolean;
  failure?: Failure;
  steps: StepRecord[];
  sessions: SessionRecord[];
  events: TimelineEvent[];
  phases: { name: string; wallStart: number; wallEnd: number; ok: boolean }[];
  devices: string[];
  ca?: { device: string; server: string } | undefined;
  startWall: number;
  endWall: number;
  goldenUpdated: string[];
  /** The world's input log (all keystrokes with simulated time), across restarts. */
  inputs: { wall: number; device?: string | undefined; session?: string | undefined; data?: string | undefined; label?: string | undefined }[];
  restarts: number;
  /** Certificates seen per device/trustpoint (validity bars of the report). */
  certs: CertSnap[];
}

class StepFailure extends Error {
  constructor(
    message: string,
    readonly diff?: string,
  ) {
    super(message);
  }
}

interface LiveSession {
  rec: SessionRecord;
  cli: CliSession;
  /** Offset into rec.output where the last input step started. */
  mark: number;
  closed: boolean;
  /** The core session id (input log → scenario session). */
  coreId: number;
}

export class ScenarioRun implements StateView {
  world!: World;
  readonly seed: number;
  readonly result: RunResult;
  private sessions = new Map<string, LiveSession>();
  private helpers = new Map<string, LiveSession>();
  private epoch: number;
  private phase = '(start)';
  private phaseEventStart = 0;
  private stepEventStart = 0;
  private lastSession: string | undefined;
  private stateDir: string;
  private ownStateDir: boolean;
  private restarts = 0;
  private unsub: (() => void) | undefined;
  private coreToScenario = new Map<number, string>();
  private inputBase = 0;

  constructor(
    readonly scenario: Scenario,
    readonly opts: RunOptions = {},
  ) {
    this.seed = opts.attach?.seed ?? opts.seed ?? scenario.seed;
    this.epoch = opts.attach?.epoch ?? scenario.epoch;
    this.ownStateDir = opts.stateDir === undefined && !opts.attach;
    this.stateDir = opts.stateDir ?? (opts.attach ? opts.attach.stateDir ?? '' : mkdtempSync(join(tmpdir(), 'twin-scenario-')));
    this.result = {
      scenario: { name: scenario.name, file: scenario.file, description: scenario.description, tags: scenario.tags },
      seed: this.seed,
      ok: true,
      steps: [],
      sessions: [],
      events: [],
      phases: [],
      devices: scenario.devices.map((d) => d.name),
      ca: scenario.ca,
      startWall: this.epoch + (opts.attach?.now() ?? 0),
      endWall: this.epoch + (opts.attach?.now() ?? 0),
      goldenUpdated: [],
      inputs: [],
      restarts: 0,
      certs: [],
    };
  }

  // ---- StateView -----------------------------------------------------------------------

  device(name: string): Device | undefined {
    return this.world.device(name);
  }

  events(): readonly TimelineEvent[] {
    return this.result.events;
  }

  wall(): number {
    return this.epoch + this.world.now();
  }

  // ---- lifecycle ---------------------------------------------------------------------

  private async startWorld(): Promise<void> {
    const seed = (this.seed + Math.imul(this.restarts, 0x9e3779b9)) >>> 0;
    this.world = this.opts.attach ?? buildWorld({ seed, epoch: this.epoch, devices: this.scenario.devices, stateDir: this.stateDir });
    const world = this.world;
    this.inputBase = world.inputLog.length;
    this.unsub = world.events.on('*', (e) => {
      this.result.events.push({
        wall: this.epoch + e.t,
        n: this.result.events.length,
        device: e.device,
        type: e.type,
        data: e.data,
      });
      const tp = e.data.trustpoint;
      if (e.device && typeof tp === 'string' && /^pki\.(enrolled|renewed|rollover|granted)/.test(e.type)) {
        const d = world.device(e.device);
        if (d) this.noteCerts(certSnapshot(d, tp));
      } else if (e.type === 'boot' && e.device) {
        const d = world.device(e.device);
        if (d) for (const t of trustpoints(d)) this.noteCerts(t.certs);
      }
    });
    if (!this.opts.attach) {
      await world.bootAll();
      if (this.scenario.ike !== undefined) (await loadIke()).install(world, this.scenario.ike);
    } else await this.settleDevices();
  }

  private certKeys = new Set<string>();
  private noteCerts(list: CertSnap[]): void {
    for (const c of list) {
      const k = `${c.device}|${c.trustpoint}|${c.serial}|${c.role}`;
      if (this.certKeys.has(k)) continue;
      this.certKeys.add(k);
      this.result.certs.push(c);
    }
  }

  private collectInputs(): void {
    const w = this.world;
    for (const r of w.inputLog.slice(this.inputBase)) {
      this.result.inputs.push({
        wall: this.epoch + r.t,
        device: r.device,
        session: r.session !== undefined ? this.coreToScenario.get(r.session) ?? `#${r.session}` : undefined,
        data: r.data,
        label: r.label,
      });
    }
    this.inputBase = w.inputLog.length;
  }

  async run(): Promise<RunResult> {
    const steps = this.scenario.steps;
    try {
      await this.startWorld();
      this.startPhase('(start)');
      for (const step of steps) {
        this.opts.onStep?.({ index: step.index, total: steps.length, phase: this.phase, wall: this.wall(), step });
        const wallStart = this.wall();
        this.stepEventStart = this.result.events.length;
        const rec: StepRecord = { index: step.index, kind: step.kind, where: step.where, phase: this.phase, label: label(step), wallStart, wallEnd: wallStart, status: 'ok' };
        if (step.name) rec.label = `${step.name}: ${rec.label}`;
        this.result.steps.push(rec);
        try {
          await this.exec(step, rec);
          rec.wallEnd = this.wall();
          if (step.kind === 'phase') rec.phase = this.phase;
        } catch (e) {
          rec.wallEnd = this.wall();
          rec.status = 'failed';
          const sf = e instanceof StepFailure ? e : new StepFailure(`internal error: ${process.env.TWIN_DEBUG ? (e as Error)?.stack : (e as Error)?.message ?? String(e)}${process.env.TWIN_DEBUG ? '' : ' (TWIN_DEBUG=1 shows the stack)'}`);
          rec.detail = sf.message;
          this.fail(step, sf);
          for (const s of steps.slice(step.index + 1)) {
            this.result.steps.push({ index: s.index, kind: s.kind, where: s.where, phase: this.phase, label: label(s), wallStart: rec.wallEnd, wallEnd: rec.wallEnd, status: 'skipped' });
          }
          break;
        }
      }
    } catch (e) {
      // world construction / boot failure
      this.fail(undefined, new StepFailure(`cannot start the lab: ${(e as Error)?.message ?? String(e)}`));
    } finally {
      this.finish();
    }
    return this.result;
  }

  private finish(): void {
    if (this.world) {
      for (const d of this.world.devices()) {
        try {
          for (const t of trustpoints(d)) this.noteCerts(t.certs);
        } catch {
          // probes are best effort
        }
      }
      this.collectInputs();
      this.result.endWall = this.wall();
      for (const s of [...this.sessions.values(), ...this.helpers.values()]) {
        if (!s.closed) {
          s.closed = true;
          try {
            s.cli.close();
          } catch {
            // closing at the end is best effort
          }
        }
      }
    }
    this.unsub?.();
    this.endPhase();
    this.result.restarts = this.restarts;
    if (this.ownStateDir) rmSync(this.stateDir, { recursive: true, force: true });
  }

  private fail(step: Step | undefined, e: StepFailure): void {
    this.result.ok = false;
    const last = this.result.phases[this.result.phases.length - 1];
    if (last) last.ok = false;
    const sess = step && this.sessionFor(step);
    const text = sess ? plainText(sess.rec.output) : '';
    this.result.failure = {
      seed: this.seed,
      phase: this.phase,
      step: step?.index ?? -1,
      where: step?.where ?? this.scenario.file,
      message: e.message,
      ...(e.diff !== undefined ? { diff: e.diff } : {}),
      transcriptTail: tail(text, this.opts.tailLines ?? 12),
    };
  }

  private sessionFor(step: Step): LiveSession | undefined {
    let id: string | undefined;
    if (step.kind === 'input' || step.kind === 'close') id = step.session;
    else if (step.kind === 'expect') id = step.expect.session;
    else id = this.lastSession;
    return (id !== undefined ? this.sessions.get(id) : undefined) ?? (this.lastSession ? this.sessions.get(this.lastSession) : undefined);
  }

  private startPhase(name: string): void {
    this.endPhase();
    this.phase = name;
    this.phaseEventStart = this.result.events.length;
    const w = this.world ? this.wall() : this.epoch;
    this.result.phases.push({ name, wallStart: w, wallEnd: w, ok: true });
  }

  private endPhase(): void {
    const last = this.result.phases[this.result.phases.length - 1];
    if (last && this.world) last.wallEnd = this.wall();
  }

  // ---- steps -------------------------------------------------------------------------

  private async exec(step: Step, rec: StepRecord): Promise<void> {
    switch (step.kind) {
      case 'phase':
        if (this.result.phases.length === 1 && this.result.steps.length === 1 && this.phase === '(start)') {
          // the first step names the first phase: no empty "(start)" phase
          this.result.phases.pop();
        }
        this.startPhase(step.phase);
        return;
      case 'note':
        return;
      case 'open':
        return this.open(step);
      case 'close': {
        const s = this.live(step.session);
        await this.world.ingress(() => s.cli.close());
        s.closed = true;
        s.rec.closedWall = this.wall();
        this.sessions.delete(step.session);
        return;
      }
      case 'input': {
        const s = this.live(step.session);
        this.lastSession = step.session;
        s.mark = s.rec.output.length;
        await this.type(s, step.data);
        rec.session = step.session;
        rec.output = plainText(s.rec.output.slice(s.mark));
        if (step.expect) this.checkOutput(step.expect);
        return;
      }
      case 'expect':
        this.checkOutput(step.expect);
        return;
      case 'advance': {
        const target = step.byMs !== undefined ? this.world.now() + step.byMs : step.toWall! - this.epoch;
        if (target < this.world.now()) throw new StepFailure(`advance to ${isoUtc(step.toWall!)}: that is in the past (now ${isoUtc(this.wall())})`);
        await this.advanceTo(target);
        return;
      }
      case 'ca':
        return this.caAction(step);
      case 'reload':
        return this.reload(step);
      case 'restart':
        return this.restart();
      case 'expectEvent': {
        const evs = this.window(step.within).filter(
          (e) => e.type === step.type && (step.device === undefined || e.device === step.device) && valueMatches(e.data, step.match),
        );
        if (!countOk(evs.length, step.count)) {
          const near = this.window(step.within).filter((e) => e.type === step.type).slice(-5);
          throw new StepFailure(
            `expected ${describeCount(step.count)} "${step.type}" event(s)${step.device ? ` on ${step.device}` : ''} matching ${JSON.stringify(step.match)} within the ${step.within}, found ${evs.length}` +
              (near.length ? `\nlast "${step.type}" events:\n${near.map((e) => `  ${isoUtc(e.wall)} ${e.device ?? ''} ${JSON.stringify(e.data)}`).join('\n')}` : ''),
          );
        }
        return;
      }
      case 'expectLog': {
        const logs = this.window(step.within).filter((e) => e.type === 'log' && (step.device === undefined || e.device === step.device));
        const hits = logs.filter((e) => textMatches(String(e.data.text ?? ''), step.message));
        if (!countOk(hits.length, step.count)) {
          const shown = (step.count === 0 ? hits : logs).slice(-8).map((e) => `  ${e.device}: ${String(e.data.text)}`);
          throw new StepFailure(
            `expected ${describeCount(step.count)} log message(s) "${step.message}"${step.device ? ` on ${step.device}` : ''} within the ${step.within}, found ${hits.length}` +
              (shown.length ? `\n${step.count === 0 ? 'logged' : 'recent log lines'}:\n${shown.join('\n')}` : '\n(no log lines in that window)'),
          );
        }
        return;
      }
      case 'expectIke': {
        const ike = await loadIke();
        const st = ike.stats(this.world, { peer: step.peer, ...(step.router ? { router: step.router } : {}) })[0];
        if (!st) throw new StepFailure(`no IKE attempts recorded for peer ${step.peer}${step.router ? ` on ${step.router}` : ''}`);
        rec.detail = describeIke(st);
        const bad: string[] = [];
        const cnt = (what: string, n: number, c: typeof step.attempts) => {
          if (c !== undefined && !countOk(n, c)) bad.push(`${what} ${n} (want ${describeCount(c)})`);
        };
        cnt('attempts', st.attempts, step.attempts);
        cnt('successes', st.successes, step.successes);
        cnt('failures', st.failures, step.failures);
        const range = (what: string, ms: number, r: typeof step.longestOutage) => {
          if (!r) return;
          if ((r.min !== undefined && ms < r.min) || (r.max !== undefined && ms > r.max)) {
            bad.push(`${what} ${fmtDuration(ms)} (want ${r.min !== undefined ? `≥ ${fmtDuration(r.min)}` : ''}${r.min !== undefined && r.max !== undefined ? ' and ' : ''}${r.max !== undefined ? `≤ ${fmtDuration(r.max)}` : ''})`);
          }
        };
        range('longest outage', st.longestOutageMs, step.longestOutage);
        range('total outage', st.totalOutageMs, step.totalOutage);
        if (step.last !== undefined && (st.last?.ok ?? false) !== (step.last === 'ok')) bad.push(`last attempt ${st.last ? (st.last.ok ? 'ok' : `failed (${st.last.reason ?? '?'})`) : 'none'} (want ${step.last})`);
        if (bad.length) throw new StepFailure(`IKE peer ${step.peer}: ${bad.join('; ')}\n  figures: ${describeIke(st)}`);
        return;
      }
      case 'check': {
        const v = evaluate(step.predicate, this);
        if (!v.ok) throw new StepFailure(`check failed: ${v.detail}`);
        rec.detail = v.detail;
        return;
      }
    }
  }

  private window(w: 'phase' | 'step' | 'run'): TimelineEvent[] {
    const start = w === 'run' ? 0 : w === 'phase' ? this.phaseEventStart : this.stepEventStart;
    return this.result.events.slice(start);
  }

  private live(id: string): LiveSession {
    const s = this.sessions.get(id);
    if (!s) throw new StepFailure(`session "${id}" is not open`);
    if (s.closed) throw new StepFailure(`session "${id}" was closed (by the device: logout, reload or timeout) at ${fmtCertTime(s.rec.closedWall ?? this.wall())}`);
    return s;
  }

  private async open(step: Extract<Step, { kind: 'open' }>): Promise<void> {
    const dev = this.world.device(step.device);
    if (!dev) throw new StepFailure(`device ${step.device} does not exist`);
    await dev.ready;
    let privilege = step.privilege;
    if (step.password !== undefined) {
      const auth = this.world.ingress(() => dev.authenticate(step.user, step.password!));
      if (!auth.ok) throw new StepFailure(`login as ${step.user} on ${step.device} failed (wrong user or password)`);
      if (privilege < 0) privilege = auth.privilege;
    }
    if (privilege < 0) privilege = 15;
    const s = this.openCli(dev, step.as, { user: step.user, privilege, line: step.lineKind, peer: step.peer, rows: step.rows, ...(step.cols ? { cols: step.cols } : {}) }, false);
    this.sessions.set(step.as, s);
    this.lastSession = step.as;
    await s.cli.idle();
  }

  private openCli(dev: Device, id: string, o: { user: string; privilege: number; line: 'vty' | 'con'; peer: string; rows: number; cols?: number }, helper: boolean): LiveSession {
    const cli = this.world.ingress(() => dev.openSession({ user: o.user, privilege: o.privilege, line: o.line, peer: o.peer, rows: o.rows, ...(o.cols ? { cols: o.cols } : {}) }));
    const rec: SessionRecord = { id, device: dev.name, user: o.user, output: '', openedWall: this.wall(), helper };
    this.result.sessions.push(rec);
    const live: LiveSession = { rec, cli, mark: 0, closed: false, coreId: cli.id };
    this.coreToScenario.set(cli.id, id);
    cli.onOutput((d) => {
      rec.output += d;
    });
    cli.onClose(() => {
      live.closed = true;
      rec.closedWall = this.wall();
    });
    return live;
  }

  /** Keystrokes through the one door; waits until the session has processed them. */
  private async type(s: LiveSession, data: string): Promise<void> {
    this.world.ingress(() => s.cli.input(data));
    await s.cli.idle();
    // A reload typed by the user restarts the device asynchronously: wait for it to come back.
    await this.settleDevices();
  }

  private async settleDevices(): Promise<void> {
    for (const d of this.world.devices()) if (d.booting || !d.booted) await d.ready;
  }

  private async advanceTo(target: number): Promise<void> {
    // Advance in slices so async device work (boot replay) completes between timers.
    this.world.runUntil(target);
    await this.settleDevices();
    for (const s of this.sessions.values()) if (!s.closed) await s.cli.idle();
  }

  private helper(device: string, tag: string): LiveSession {
    const key = `${tag}:${device}`;
    const h = this.helpers.get(key);
    if (h && !h.closed) return h;
    const dev = this.world.device(device);
    if (!dev) throw new StepFailure(`device ${device} does not exist`);
    const s = this.openCli(dev, key, { user: 'scenario', privilege: 15, line: 'vty', peer: '127.0.0.1', rows: 0 }, true);
    this.helpers.set(key, s);
    return s;
  }

  private async helperCommand(device: string, tag: string, line: string): Promise<string> {
    const dev = this.world.device(device);
    if (!dev) throw new StepFailure(`device ${device} does not exist`);
    await dev.ready;
    const h = this.helper(device, tag);
    await h.cli.idle();
    const start = h.rec.output.length;
    await this.type(h, `${line}\r`);
    return plainText(h.rec.output.slice(start));
  }

  private async caAction(step: Extract<Step, { kind: 'ca' }>): Promise<void> {
    const n = step.server;
    const id = step.id === undefined ? '' : String(step.id);
    const line = {
      grant: `crypto pki server ${n} grant ${id}`,
      reject: `crypto pki server ${n} reject ${id}`,
      down: `simulation pki server ${n} down`,
      up: `simulation pki server ${n} up`,
      slow: `simulation pki server ${n} delay ${fmtDuration(step.delayMs ?? 0)}`,
      accept: `simulation pki server ${n} accept`,
      'reject-all': `simulation pki server ${n} reject`,
    }[step.action];
    const out = await this.helperCommand(step.device, 'ca', line);
    const err = out.split('\n').find((l) => /^% /.test(l));
    if (err) throw new StepFailure(`CA action "${line}" on ${step.device} failed: ${err}`);
  }

  private async reload(step: Extract<Step, { kind: 'reload' }>): Promise<void> {
    const dev = this.world.device(step.device);
    if (!dev) throw new StepFailure(`device ${step.device} does not exist`);
    await dev.ready;
    const h = this.helper(step.device, 'reload');
    let out = '';
    const startLen = h.rec.output.length;
    this.world.ingress(() => h.cli.input('reload\r'));
    await h.cli.idle();
    out = plainText(h.rec.output.slice(startLen));
    if (/Save\? \[yes\/no\]: $/.test(out)) {
      this.world.ingress(() => h.cli.input(step.save ? 'yes\r' : 'no\r'));
      await h.cli.idle();
      out = plainText(h.rec.output.slice(startLen));
    }
    if (/\[confirm\]$/.test(out)) {
      this.world.ingress(() => h.cli.input('\r'));
      await h.cli.idle();
    } else if (!h.closed) {
      throw new StepFailure(`reload of ${step.device} did not ask for confirmation:\n${tail(out, 6).join('\n')}`);
    }
    await dev.ready;
    for (const [id, s] of this.sessions) if (s.closed || s.rec.device === step.device) this.sessions.delete(id);
    this.helpers.delete(`reload:${step.device}`);
    this.helpers.delete(`ca:${step.device}`);
  }

  private async restart(): Promise<void> {
    if (this.opts.attach) throw new StepFailure('restart is not possible here (the world belongs to a running lab)');
    for (const s of [...this.sessions.values(), ...this.helpers.values()]) {
      if (!s.closed) this.world.ingress(() => s.cli.close());
      s.closed = true;
      s.rec.closedWall ??= this.wall();
    }
    this.sessions.clear();
    this.helpers.clear();
    this.lastSession = undefined;
    this.collectInputs();
    const now = this.wall();
    this.result.events.push({ wall: now, n: this.result.events.length, type: 'process.restart', data: { restart: this.restarts + 1 } });
    this.unsub?.();
    this.epoch = now;
    this.restarts++;
    this.inputBase = 0;
    await this.startWorld();
  }

  // ---- output expectations -------------------------------------------------------------

  private checkOutput(e: OutputExpectation): void {
    const s = this.sessions.get(e.session);
    if (!s) throw new StepFailure(`session "${e.session}" is not open`);
    const raw = e.of === 'session' ? s.rec.output : s.rec.output.slice(s.mark);
    const text = plainText(raw);
    const show = () => `\noutput was:\n${indent(tail(text, 20).join('\n'))}`;
    for (const c of e.contains) {
      if (!text.includes(c)) throw new StepFailure(`output of ${e.session} does not contain ${JSON.stringify(c)}${show()}`);
    }
    for (const r of e.regex) {
      if (!new RegExp(r, 'm').test(text)) throw new StepFailure(`output of ${e.session} does not match /${r}/m${show()}`);
    }
    for (const n of e.not) {
      if (text.includes(n)) throw new StepFailure(`output of ${e.session} contains ${JSON.stringify(n)} (it must not)${show()}`);
    }
    if (e.goldenPath) {
      const rel = relative(process.cwd(), e.goldenPath) || e.goldenPath;
      if (this.opts.update) {
        const old = existsSync(e.goldenPath) ? readFileSync(e.goldenPath, 'utf8') : undefined;
        if (old !== text) {
          mkdirSync(dirname(e.goldenPath), { recursive: true });
          writeFileSync(e.goldenPath, text);
          this.result.goldenUpdated.push(e.goldenPath);
        }
        return;
      }
      if (!existsSync(e.goldenPath)) throw new StepFailure(`golden file ${rel} does not exist (run with --update to create it)`);
      const want = readFileSync(e.goldenPath, 'utf8');
      if (want !== text) throw new StepFailure(`output of ${e.session} differs from golden file ${rel} (run with --update to accept)`, lineDiff(want, text));
    }
  }
}

function describeIke(s: IkeStats): string {
  return `${s.attempts} attempts, ${s.successes} ok, ${s.failures} failed, ${s.outages} outage(s), longest ${fmtDuration(s.longestOutageMs)}, total ${fmtDuration(s.totalOutageMs)}`;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n');
}

export function fmtDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = ms;
  let out = '';
  for (const [u, v] of units) {
    if (rest >= v) {
      out += `${Math.floor(rest / v)}${u}`;
      rest %= v;
    }
  }
  if (rest) out += `${rest}ms`;
  return out || '0s';
}

/** One-line description of a step (report, progress). */
export function label(step: Step): string {
  switch (step.kind) {
    case 'phase':
      return `phase: ${step.phase}`;
    case 'note':
      return `note: ${step.text}`;
    case 'open':
      return `open ${step.as} on ${step.device} as ${step.user}`;
    case 'close':
      return `close ${step.session}`;
    case 'input':
      return step.lines ? `${step.session}: ${step.lines.join(' ⏎ ')}` : `${step.session}: keys ${JSON.stringify(step.data)}`;
    case 'expect':
      return `expect output of ${step.expect.session}`;
    case 'advance':
      return step.byMs !== undefined ? `advance ${fmtDuration(step.byMs)}` : `advance to ${isoUtc(step.toWall!)}`;
    case 'ca':
      return `CA ${step.device}: ${step.action}${step.id !== undefined ? ` ${step.id}` : ''}${step.delayMs !== undefined ? ` ${fmtDuration(step.delayMs)}` : ''}`;
    case 'reload':
      return `reload ${step.device}${step.save ? ' (save)' : ''}`;
    case 'restart':
      return 'process restart (new World, same state dir)';
    case 'expectEvent':
      return `expect event ${step.type}${step.device ? ` on ${step.device}` : ''}`;
    case 'expectLog':
      return `expect log ${step.count === 0 ? 'absent ' : ''}${step.message}${step.device ? ` on ${step.device}` : ''}`;
    case 'check':
      return `check ${Object.keys(step.predicate)[0]}`;
    case 'expectIke':
      return `expect IKE figures of ${step.peer}`;
  }
}

/** Play one scenario. */
export async function playScenario(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  return new ScenarioRun(s, opts).run();
}

/** The failure block `twin play` prints. */
export function formatFailure(r: RunResult): string {
  const f = r.failure;
  if (!f) return '';
  const lines = [
    `FAIL ${r.scenario.name} (${r.scenario.file})`,
    `  seed:  ${f.seed}   (reproduce: twin play ${r.scenario.file} --seed ${f.seed})`,
    `  phase: ${f.phase}`,
    `  step:  ${f.step >= 0 ? `#${f.step + 1} ` : ''}at ${f.where}`,
    ...f.message.split('\n').map((l, i) => (i === 0 ? `  error: ${l}` : `  ${l}`)),
  ];
  if (f.diff) lines.push('  diff:', ...f.diff.split('\n').map((l) => `    ${l}`));
  if (f.transcriptTail.length) lines.push('  last transcript lines:', ...f.transcriptTail.map((l) => `    | ${l}`));
  return lines.join('\n');
}
