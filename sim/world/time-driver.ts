/**
 * Paces the world scheduler. Modes:
 *   stepped — time moves only by advance()/advanceTo() (tests, scenarios);
 *   real    — world time follows the injected RealClock at rate 1;
 *   scaled  — world time runs `rate` times faster than the RealClock.
 * The RealClock implementation lives at the I/O edge (sim/transport/realtime.ts).
 */
import type { Scheduler, SimMs } from '../kernel/scheduler.js';

export type TimeMode = 'real' | 'scaled' | 'stepped';

/** Monotonic real time in ms (injected; see sim/transport/realtime.ts). */
export interface RealClock {
  nowMs(): number;
}

export class TimeDriver {
  private baseReal = 0;
  private baseSim: SimMs = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private _mode: TimeMode,
    private _rate: number,
    private readonly real: RealClock | undefined,
  ) {
    if (_mode !== 'stepped' && !real) throw new Error(`TimeDriver: mode '${_mode}' needs a RealClock`);
    if (_mode === 'real') this._rate = 1;
    this.rebase();
  }

  get mode(): TimeMode {
    return this._mode;
  }

  get rate(): number {
    return this._mode === 'stepped' ? 0 : this._rate;
  }

  setMode(mode: TimeMode, rate?: number): void {
    if (mode !== 'stepped' && !this.real) throw new Error(`TimeDriver: mode '${mode}' needs a RealClock`);
    this.sync();
    this._mode = mode;
    this._rate = mode === 'real' ? 1 : Math.max(0, rate ?? this._rate);
    this.rebase();
  }

  private rebase(): void {
    this.baseReal = this.real ? this.real.nowMs() : 0;
    this.baseSim = this.scheduler.now();
  }

  /** Where world time should be now according to the driver. */
  target(): SimMs {
    if (this._mode === 'stepped' || !this.real) return this.scheduler.now();
    return Math.max(this.scheduler.now(), this.baseSim + Math.floor((this.real.nowMs() - this.baseReal) * this._rate));
  }

  /** Run due timers up to the driver's time. */
  sync(): void {
    const t = this.target();
    if (t > this.scheduler.now() || (this.scheduler.peek() ?? Infinity) <= t) this.scheduler.runUntil(t);
  }

  /** Real ms until the next timer is due (for the pacer), or undefined when none. */
  realDelayToNext(): number | undefined {
    const next = this.scheduler.peek();
    if (next === undefined || this._mode === 'stepped' || this._rate <= 0) return undefined;
    return Math.max(0, Math.ceil((next - this.target()) / this._rate));
  }

  advance(ms: number): void {
    this.advanceTo(this.scheduler.now() + Math.max(0, Math.floor(ms)));
  }

  advanceTo(t: SimMs): void {
    this.scheduler.runUntil(t);
    this.rebase();
  }
}
