/**
 * # World — the simulation root
 *
 * ```ts
 * import { World } from './sim/world/world.js';
 * import { SystemRealClock } from './sim/transport/realtime.js';
 *
 * const world = new World({ seed: 42, stateDir: '/tmp/lab1', epoch: '2026-01-01T00:00:00Z',
 *                           time: { mode: 'real' }, realClock: new SystemRealClock() });
 * const r1 = world.addDevice({ name: 'R1', startupConfig: 'hostname R1\nusername admin privilege 15 secret cisco\n',
 *                              ssh: { port: 2201 } });
 * await r1.boot();                       // replays NVRAM (or the lab's startupConfig the first time)
 * const s = r1.openSession({ user: 'admin', privilege: 15, line: 'vty', peer: '127.0.0.1' });
 * s.onOutput((d) => process.stdout.write(d));
 * world.ingress(() => s.input('show clock\r'));
 * await s.idle();
 * ```
 *
 * - One Scheduler (sim/kernel/scheduler.ts) with integer ms of world time; world time 0 is
 *   `epoch` (ms since the Unix epoch). Each device's wall clock = epoch + now + its offset.
 * - `seed` → `rng` (named forks per device/component: adding a device changes no other draws).
 * - Time driver: `stepped` (time moves only through `advance()`/`runUntil()`), `real` (rate 1)
 *   or `scaled` (rate N) — paced by an injected RealClock (sim/transport/realtime.ts), so
 *   nothing in sim/ reads the OS clock. Transports call `ingress(fn)`, which first brings
 *   world time up to the driver's time (running due timers), then runs fn.
 * - Input log: every session keystroke batch is recorded with its world time and sequence
 *   number (`inputLog`); seed + input log reproduce a run.
 * - `events`: the world event bus (sim/world/events.ts).
 */
import type { DeviceApi, WorldApi } from '../contracts.js';
import { Scheduler, type SimMs } from '../kernel/scheduler.js';
import { Rng } from '../kernel/rng.js';
import { parseIsoUtc } from '../kernel/clock.js';
import { Device, type DeviceOptions } from '../device/device.js';
import { readWorldClock, writeWorldClock } from './clock-store.js';
import { EventBus } from './events.js';
import { TimeDriver, type RealClock, type TimeMode } from './time-driver.js';

export interface WorldOptions {
  seed?: number;
  /** Directory for per-device NVRAM (`<stateDir>/<device>/nvram/`). Omit for in-memory NVRAM. */
  stateDir?: string;
  /** World time 0 as ms since the Unix epoch, or an ISO-8601 UTC string. Default 2026-01-01T00:00:00Z. */
  epoch?: number | string;
  /**
   * Resume the calendar saved in `<stateDir>/world-clock.json` (a process restart is a power
   * cycle, not a trip back in time) and keep it saved: on NVRAM writes, reloads, advances and
   * `saveClock()`. `twin serve` and labs use it; scenarios manage their epoch themselves.
   */
  resumeClock?: boolean;
  /** Default `{ mode: 'stepped' }`. */
  time?: { mode: TimeMode; rate?: number };
  /** Required for `real` and `scaled` modes. */
  realClock?: RealClock;
  /** Keep the last N events in `events.history` (default 0). */
  eventHistory?: number;
  /** Keep the input log in memory (default true). */
  recordInputs?: boolean;
}

export interface InputRecord {
  t: SimMs;
  seq: number;
  device?: string;
  session?: number;
  data?: string;
  label?: string;
}

export const DEFAULT_EPOCH = parseIsoUtc('2026-01-01T00:00:00Z')!;

export class World implements WorldApi {
  readonly seed: number;
  readonly rng: Rng;
  readonly scheduler: Scheduler;
  readonly epoch: number;
  readonly stateDir: string | undefined;
  readonly events: EventBus;
  readonly driver: TimeDriver;
  readonly inputLog: InputRecord[] = [];
  private readonly recordInputs: boolean;
  private inputSeq = 0;
  private sessionSeq = 1;
  private readonly byName = new Map<string, Device>();
  private readonly resumeClock: boolean;

  constructor(opts: WorldOptions = {}) {
    this.seed = (opts.seed ?? 1) >>> 0;
    this.rng = new Rng(this.seed);
    this.scheduler = new Scheduler(0);
    const ep = typeof opts.epoch === 'string' ? parseIsoUtc(opts.epoch) : opts.epoch;
    if (typeof opts.epoch === 'string' && ep === undefined) throw new Error(`World: bad epoch '${opts.epoch}'`);
    const resumed = opts.resumeClock && opts.stateDir !== undefined ? readWorldClock(opts.stateDir) : undefined;
    this.epoch = resumed ?? ep ?? DEFAULT_EPOCH;
    this.stateDir = opts.stateDir;
    this.resumeClock = (opts.resumeClock ?? false) && opts.stateDir !== undefined;
    this.events = new EventBus(opts.eventHistory ?? 0);
    this.recordInputs = opts.recordInputs ?? true;
    this.driver = new TimeDriver(this.scheduler, opts.time?.mode ?? 'stepped', opts.time?.rate ?? 1, opts.realClock);
    if (this.resumeClock) {
      for (const t of ['nvram.write', 'nvram.erase', 'reload', 'boot'] as const) this.events.on(t, () => this.saveClock());
    }
  }

  /** Persist the calendar (see WorldOptions.resumeClock); a no-op without it. Never throws. */
  saveClock(): void {
    if (!this.resumeClock || this.stateDir === undefined) return;
    try {
      writeWorldClock(this.stateDir, this.epoch + this.now());
    } catch {
      // a read-only state dir must not break the simulation; the next start uses the lab epoch
    }
  }

  /** Next CLI session id: numbered per world, so transcripts are the same for every run of a world. */
  nextSessionId(): number {
    return this.sessionSeq++;
  }

  now(): SimMs {
    return this.scheduler.now();
  }

  addDevice(opts: DeviceOptions): Device {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(opts.name)) throw new Error(`World: bad device name '${opts.name}'`);
    if (this.byName.has(opts.name)) throw new Error(`World: device '${opts.name}' exists`);
    const d = new Device(this, opts);
    this.byName.set(opts.name, d);
    return d;
  }

  device(name: string): Device | undefined {
    return this.byName.get(name);
  }

  devices(): Device[] {
    return [...this.byName.values()];
  }

  /** Boot every device that has not booted yet. */
  async bootAll(): Promise<void> {
    await Promise.all(this.devices().filter((d) => !d.booted && !d.booting).map((d) => d.boot()));
  }

  /** Bring time up to the driver, then run fn (transports call this for every input). */
  ingress<T>(fn: () => T, label?: string): T {
    this.driver.sync();
    if (label !== undefined) this.recordInput({ label });
    return fn();
  }

  recordInput(r: Omit<InputRecord, 't' | 'seq'>): void {
    if (!this.recordInputs) return;
    this.inputLog.push({ t: this.now(), seq: this.inputSeq++, ...r });
  }

  /** Stepped mode (or any mode): run timers up to now + ms. */
  advance(ms: number): void {
    this.driver.advance(ms);
    this.saveClock();
  }

  runUntil(t: SimMs): void {
    this.driver.advanceTo(t);
    this.saveClock();
  }

  setTimeMode(mode: TimeMode, rate?: number): void {
    this.driver.setMode(mode, rate);
  }

  /** DeviceApi view for transports. */
  deviceApi(name: string): DeviceApi | undefined {
    return this.byName.get(name);
  }
}
