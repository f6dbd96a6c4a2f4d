/**
 * One simulated router. Owns its RouterState (rebuilt at every boot), NVRAM, syslog, wall
 * clock (world time + offset), CLI sessions and config metadata (dirty flag, last change).
 * Implements DeviceApi (sim/contracts.ts) for transports; features reach it through
 * HandlerContext.device. See sim/device/feature.ts for the extension API.
 *
 * Choices (documented deviations / RECALLED details):
 *  - Wall clock: starts at the lab epoch (world time 0), not at IOS's `Mar 1 1993`; it is
 *    non-authoritative (`*`) until `clock set`. A reload keeps the time (the 2811 has a
 *    calendar) but makes it non-authoritative again (no `clock calendar-valid`). A process
 *    restart is a power cycle: the offset starts again from the lab's `clockOffsetMs`.
 *  - Line numbers (`show users`): con 0 = 0, aux 0 = 1, vty N = 2 + N (INFERRED for a 2811
 *    without async modules).
 *  - Ports: without a startup-config physical ports are `shutdown`; with one, a port is up
 *    unless its section says `shutdown`. FastEthernet/Loopback come up/up, Serial down/down
 *    (no cabling is simulated).
 */
import * as path from 'node:path';
import type { CliSession, DeviceApi, ExecResult, SessionOptions } from '../contracts.js';
import type { Scheduler, SimMs } from '../kernel/scheduler.js';
import type { Rng } from '../kernel/rng.js';
import { fmtConfigTime } from '../kernel/clock.js';
import type { World } from '../world/world.js';
import type { WorldEventType } from '../world/events.js';
import { getRegistry } from '../features/index.js';
import type { Registry } from './registry.js';
import { initialRouterState, type RouterState } from './state.js';
import { Syslog, type LogSink } from './syslog.js';
import { Nvram } from './nvram.js';
import { replayConfig, type BootError } from '../config/boot.js';
import { renderBody, renderStartupText } from '../config/render.js';
import { md5verify, type7Decode } from '../config/md5crypt.js';
import { Session } from '../cli/session.js';
import { IMAGE } from './platform.js';

export interface DeviceOptions {
  name: string;
  /** The lab's initial startup-config, used when this device has no NVRAM file yet. */
  startupConfig?: string;
  /** A lab login accepted in addition to `username` lines (e.g. for a fresh device). */
  login?: { user: string; password: string; privilege?: number };
  /** Wall-clock offset from world time at creation (skew), ms. Default 0. */
  clockOffsetMs?: number;
  /** Free-form transport settings for the SSH helper (e.g. `{ port }`). */
  ssh?: { port?: number; host?: string };
}

export interface ConfigMeta {
  /** Running-config differs from startup-config (ios-behaviour §4 "Dirty flag"). */
  dirty: boolean;
  lastChange?: { t: number; user: string };
  nvramUpdated?: { t: number; user: string };
}

export class Device implements DeviceApi {
  readonly name: string;
  readonly rng: Rng;
  readonly registry: Registry;
  /** This device's directory under the world state dir (undefined = in-memory). */
  readonly stateDir: string | undefined;
  readonly nvram: Nvram;
  readonly syslog: Syslog;
  readonly serial: string;
  readonly options: DeviceOptions;
  state: RouterState;
  config: ConfigMeta = { dirty: false };
  bootLog: string[] = [];
  bootErrors: BootError[] = [];
  /** World time of the last boot. */
  bootedAt: SimMs = 0;
  /** `power-on` for the first boot of this process, `reload` after a reload. */
  lastReload: { reason: 'power-on' | 'reload'; wall?: number } = { reason: 'power-on' };
  booted = false;
  booting = false;
  /** Resolves when the current boot has finished (boot replay may be async). */
  ready: Promise<void> = Promise.resolve();
  readonly sessions = new Set<Session>();
  private clockOffset: number;
  private clockSet = false;
  private reloadCbs: (() => void)[] = [];
  private salt: Rng;

  constructor(
    readonly world: World,
    opts: DeviceOptions,
  ) {
    this.name = opts.name;
    this.options = opts;
    this.rng = world.rng.fork(`device.${opts.name}`);
    this.salt = this.rng.fork('salt');
    this.registry = getRegistry();
    this.stateDir = world.stateDir ? path.join(world.stateDir, opts.name) : undefined;
    this.nvram = new Nvram(this.stateDir);
    this.syslog = new Syslog(this);
    this.clockOffset = opts.clockOffsetMs ?? 0;
    const r = this.rng.fork('serial');
    const AN = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
    this.serial = `FTX${r.int(10, 14)}${String(r.int(1, 52)).padStart(2, '0')}${[0, 1, 2, 3].map(() => AN[r.int(0, AN.length - 1)]).join('')}`;
    this.state = initialRouterState();
  }

  get scheduler(): Scheduler {
    return this.world.scheduler;
  }

  /** Salt source for md5-crypt (separate stream: hashing never shifts other draws). */
  saltRng(): Rng {
    return this.salt;
  }

  // ---- time ------------------------------------------------------------------------------

  /** Wall clock, ms since Unix epoch: world epoch + world time + this device's offset. */
  wallNow(): number {
    return this.world.epoch + this.world.now() + this.clockOffset;
  }

  /** `clock set`: move this device's wall clock only (timers are not fired). */
  setWallClock(t: number): void {
    this.clockOffset = t - (this.world.epoch + this.world.now());
    this.clockSet = true;
  }

  /** Skew injection for scenarios (does not make the clock authoritative). */
  setClockOffset(ms: number): void {
    this.clockOffset = ms;
  }

  clockOffsetMs(): number {
    return this.clockOffset;
  }

  /** False until `clock set` (IOS shows `*`). Reset on reload (no `clock calendar-valid`). */
  clockAuthoritative(): boolean {
    return this.clockSet;
  }

  uptimeMs(): number {
    return this.world.now() - this.bootedAt;
  }

  // ---- events ----------------------------------------------------------------------------

  emit(type: WorldEventType, data: Record<string, unknown>): void {
    this.world.events.emit(this.world.now(), this.name, type, data);
  }

  logSinks(): Iterable<LogSink> {
    return this.sessions;
  }

  // ---- configuration metadata -----------------------------------------------------------

  /** Record a configuration change (`! Last configuration change at …`). */
  noteChange(user: string): void {
    if (this.booting) return;
    this.config.lastChange = { t: this.wallNow(), user };
    this.emit('config.changed', { user });
  }

  /** Running-config now differs from startup (end of a changing config session, erase, PKI). */
  markDirty(reason: string): void {
    if (this.booting) return;
    if (!this.config.dirty) this.emit('config.dirty', { reason });
    this.config.dirty = true;
  }

  /** A change made by the system itself (PKI enrolment…): counts as a change and dirties. */
  markSystemChange(user = 'console'): void {
    this.noteChange(user);
    this.markDirty('system');
  }

  /** True when `reload` must ask `System configuration has been modified. Save?`. */
  isModified(): boolean {
    if (this.config.dirty) return true;
    for (const s of this.sessions) if (s.hasPendingConfigChanges()) return true;
    return false;
  }

  /** `write memory`: render, write NVRAM atomically (+ private-config), clear the dirty flag. */
  saveToNvram(user: string): void {
    const t = this.wallNow();
    const text = renderStartupText(this, { t, user });
    const priv: Record<string, unknown> = {};
    for (const f of this.registry.features) {
      if (f.privateNvram) priv[f.id] = f.privateNvram.save(this);
    }
    this.nvram.writeStartup(text);
    this.nvram.writePrivate(priv);
    this.config.nvramUpdated = { t, user };
    this.config.dirty = false;
    for (const s of this.sessions) s.clearPendingConfigChanges();
    this.emit('nvram.write', { user, bytes: Buffer.byteLength(text) });
  }

  eraseNvram(): void {
    this.nvram.erase();
    this.markDirty('erase');
    this.emit('nvram.erase', {});
  }

  /** The startup-config text, or undefined when NVRAM holds none. */
  startupText(): string | undefined {
    const r = this.nvram.readStartup();
    if (r.kind === 'ok') return r.text.trim() === '' ? undefined : r.text;
    if (r.kind === 'missing') return this.options.startupConfig;
    return undefined;
  }

  // ---- boot / reload ---------------------------------------------------------------------

  /** Power on (or restart after reload): fresh state, private NVRAM, replay startup-config. */
  boot(): Promise<void> {
    this.booting = true;
    this.booted = false;
    this.bootLog = [];
    this.bootErrors = [];
    this.state = initialRouterState();
    for (const f of this.registry.features) if (f.initState) this.state.ext[f.id] = f.initState();
    this.config = { dirty: false };
    this.clockSet = false;
    this.bootedAt = this.world.now();
    this.syslog.clear();

    const priv = this.nvram.readPrivate();
    if (priv.error) this.bootLog.push(`% NVRAM: private-config unreadable (${priv.error}); ignored`);
    for (const f of this.registry.features) {
      if (f.privateNvram && priv.data[f.id] !== undefined) {
        try {
          f.privateNvram.load(this, priv.data[f.id]);
        } catch (e) {
          this.bootLog.push(`% NVRAM: private-config data of ${f.id} rejected (${(e as Error).message})`);
        }
      }
    }

    let text = '';
    let fromLab = false;
    const r = this.nvram.readStartup();
    if (r.kind === 'ok') text = r.text;
    else if (r.kind === 'missing') {
      text = this.options.startupConfig ?? '';
      fromLab = text.trim() !== '';
    } else {
      this.bootLog.push(`% NVRAM: startup-config is unreadable (${r.message}); booting with the default configuration`);
    }

    // IOS: physical ports are shut only on a router without configuration; with a
    // startup-config a port is up unless its section says `shutdown`.
    if (text.trim() !== '') for (const itf of this.state.interfaces.values()) if (itf.physical) itf.shutdown = false;

    const finish = (errors: BootError[]) => {
      this.bootErrors = errors;
      for (const e of errors) this.bootLog.push(`% startup-config line ${e.lineNo}: "${e.line}": ${e.message}`);
      this.booting = false;
      if (fromLab) {
        // First power-on of a lab device: the lab's config becomes its NVRAM content, stored
        // the way IOS writes it (rendered from state, no comment lines).
        try {
          // Not fsynced: losing this copy in a crash only brings back "missing", which boots
          // the very same lab config. Keeps 1,000-device first starts fast.
          this.nvram.writeStartup(renderBody(this, { target: 'startup', comments: false }).join('\n') + '\n', { durable: false });
        } catch (e) {
          this.bootLog.push(`% NVRAM: cannot write the initial startup-config (${(e as Error).message})`);
        }
      }
      this.postBoot(text.trim() !== '');
    };
    let res: BootError[] | Promise<BootError[]>;
    try {
      res = replayConfig(this, text);
    } catch (e) {
      this.bootLog.push(`% boot replay failed: ${(e as Error).message}`);
      res = [];
    }
    if (Array.isArray(res)) {
      finish(res);
      this.ready = Promise.resolve();
    } else {
      this.ready = res.then(finish, (e: unknown) => {
        this.bootLog.push(`% boot replay failed: ${(e as Error).message}`);
        finish([]);
      });
    }
    return this.ready;
  }

  private postBoot(hadConfig: boolean): void {
    for (const itf of this.state.interfaces.values()) {
      if (itf.shutdown) continue;
      const up = this.interfaceStatus(itf.name);
      if (up.status === 'up') this.syslog.log('LINK-3-UPDOWN', `Interface ${itf.name}, changed state to up`);
      if (up.protocol === 'up') this.syslog.log('LINEPROTO-5-UPDOWN', `Line protocol on Interface ${itf.name}, changed state to up`);
    }
    if (hadConfig) this.syslog.log('SYS-5-CONFIG_I', 'Configured from memory by console');
    this.syslog.log('SYS-5-RESTART', `System restarted --\n${IMAGE.banner.join('\n')}`);
    for (const f of this.registry.features) f.onBoot?.(this);
    this.booted = true;
    this.emit('boot', { errors: this.bootErrors.length, reason: this.lastReload.reason });
  }

  /** `reload`: log, drop every session, shut features down and boot again from NVRAM. */
  reload(requestedBy: string): Promise<void> {
    this.syslog.log('SYS-5-RELOAD', `Reload requested by ${requestedBy}. Reload Reason: Reload Command.`);
    this.emit('reload', { by: requestedBy });
    for (const s of [...this.sessions]) s.terminate(0);
    for (const cb of this.reloadCbs) {
      try {
        cb();
      } catch {
        // transports must not break a reload
      }
    }
    for (const f of this.registry.features) f.onShutdown?.(this);
    this.lastReload = { reason: 'reload', wall: this.wallNow() };
    return this.boot();
  }

  // ---- status helpers --------------------------------------------------------------------

  /**
   * Link model (no cabling simulated): FastEthernet and Loopback are up/up when not shut;
   * Serial has no cable: down/down. Shut: administratively down/down.
   */
  interfaceStatus(name: string): { status: 'up' | 'down' | 'administratively down'; protocol: 'up' | 'down' } {
    const itf = this.state.interfaces.get(name);
    if (!itf || itf.shutdown) return { status: 'administratively down', protocol: 'down' };
    if (name.startsWith('Serial')) return { status: 'down', protocol: 'down' };
    return { status: 'up', protocol: 'up' };
  }

  // ---- DeviceApi -------------------------------------------------------------------------

  hostname(): string {
    return this.state.hostname;
  }

  authenticate(user: string, password: string): { ok: true; privilege: number } | { ok: false } {
    const u = this.state.users.get(user);
    const vtyPriv = this.state.lines.vty[0]?.privilegeLevel;
    if (u) {
      let ok = false;
      if (u.secret) ok = md5verify(password, u.secret);
      else if (u.password) ok = u.password.type === 7 ? type7Decode(u.password.text) === password : u.password.text === password;
      else if (u.nopassword) ok = true;
      if (ok) return { ok: true, privilege: u.privilege ?? vtyPriv ?? 1 };
    }
    const l = this.options.login;
    if (l && l.user === user && l.password === password) return { ok: true, privilege: l.privilege ?? 15 };
    return { ok: false };
  }

  openSession(opts: SessionOptions): CliSession {
    return this.createSession(opts, {});
  }

  createSession(opts: SessionOptions, flags: { batch?: boolean }): Session {
    const lineIndex = opts.line === 'con' ? 0 : this.freeVty();
    const s = new Session(this, this.world.nextSessionId(), opts, lineIndex, flags);
    this.sessions.add(s);
    this.emit('session.open', { id: s.id, user: opts.user, line: s.lineName, peer: opts.peer });
    return s;
  }

  /** Called by Session when it ends. */
  sessionClosed(s: Session, exitStatus: number): void {
    if (!this.sessions.delete(s)) return;
    this.emit('session.close', { id: s.id, exitStatus });
  }

  private freeVty(): number {
    const used = new Set<number>();
    for (const s of this.sessions) if (s.lineKind === 'vty') used.add(s.lineIndex);
    let i = 0;
    // INFERRED: more sessions than vty lines are still admitted (numbered past the last vty)
    // so tests and labs never fail on a line shortage.
    while (used.has(i)) i++;
    return i;
  }

  async exec(opts: SessionOptions, command: string): Promise<ExecResult> {
    await this.ready;
    const s = this.createSession(opts, { batch: true });
    let out = '';
    s.onOutput((d) => (out += d));
    s.input(command.replace(/[\r\n]+$/, '') + '\r');
    await s.idle();
    s.close();
    const exitStatus = /(^|\r?\n)% /.test(out) ? 1 : 0;
    return { output: out, exitStatus };
  }

  hostKeys(): string[] {
    return [];
  }

  onReload(cb: () => void): void {
    this.reloadCbs.push(cb);
  }

  /** For `show users`, `%SYS-5-CONFIG_I`: `vty0 (10.0.0.1)` / `console`. */
  describeTime(t: number): string {
    return fmtConfigTime(t);
  }
}
