/**
 * The one world scheduler: a binary heap of events keyed by (time, seq).
 * `now` is set before each event runs; cancel is lazy (flag, skipped on pop).
 * Time is integer milliseconds of simulated world time (monotonic).
 * No real timers here: drivers (sim/transport/realtime-driver.ts) pace it.
 */
export type SimMs = number;

export interface TimerHandle {
  cancel(): void;
  readonly at: SimMs;
  readonly label: string;
}

interface Entry {
  at: SimMs;
  seq: number;
  label: string;
  fn: () => void;
  cancelled: boolean;
}

export interface RunStats {
  events: number;
  now: SimMs;
}

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private _now: SimMs;
  private _executed = 0;
  /** Observers of every dispatched event (for traces / determinism checks). */
  onDispatch: ((t: SimMs, label: string) => void) | undefined;

  constructor(start: SimMs = 0) {
    this._now = start;
  }

  now(): SimMs {
    return this._now;
  }

  get executed(): number {
    return this._executed;
  }

  at(t: SimMs, label: string, fn: () => void): TimerHandle {
    const e: Entry = { at: Math.max(Math.floor(t), this._now), seq: this.seq++, label, fn, cancelled: false };
    this.push(e);
    return {
      cancel: () => {
        e.cancelled = true;
      },
      get at() {
        return e.at;
      },
      label,
    };
  }

  after(ms: number, label: string, fn: () => void): TimerHandle {
    return this.at(this._now + Math.max(0, Math.floor(ms)), label, fn);
  }

  /** Time of the next live event, or undefined. */
  peek(): SimMs | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Upcoming live events, soonest first (for `show simulation`). */
  upcoming(max: number): { at: SimMs; label: string }[] {
    return this.heap
      .filter((e) => !e.cancelled)
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .slice(0, max)
      .map((e) => ({ at: e.at, label: e.label }));
  }

  /** Run one event if any is due at or before `limit`. */
  step(limit: SimMs = Number.POSITIVE_INFINITY): boolean {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top || top.at > limit) return false;
    this.pop();
    this._now = top.at;
    this._executed++;
    this.onDispatch?.(top.at, top.label);
    top.fn();
    return true;
  }

  /**
   * Run every event due up to and including `t`, then set now = t.
   * `eventsMax` bounds runaway loops; exceeding it throws with the last labels.
   */
  runUntil(t: SimMs, eventsMax = 10_000_000): RunStats {
    let n = 0;
    const recent: string[] = [];
    while (this.step(t)) {
      n++;
      if (n > eventsMax - 20) recent.push(this.heap[0]?.label ?? '');
      if (n >= eventsMax) {
        throw new Error(`scheduler: more than ${eventsMax} events before ${t}; last: ${recent.slice(-10).join(', ')}`);
      }
    }
    if (t > this._now) this._now = t;
    return { events: n, now: this._now };
  }

  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Parse `90d`, `12h`, `30m`, `45s`, `500ms`, or combinations like `1d12h`. */
export function parseDuration(s: string): SimMs | undefined {
  const re = /(\d+)(ms|d|h|m|s|w|y)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  if (!s) return undefined;
  while ((m = re.exec(s))) {
    const n = Number(m[1]);
    const unit = m[2];
    const mult = unit === 'ms' ? 1 : unit === 's' ? 1e3 : unit === 'm' ? 60e3 : unit === 'h' ? 3600e3 : unit === 'd' ? 86400e3 : unit === 'w' ? 7 * 86400e3 : 365 * 86400e3;
    total += n * mult;
    consumed = re.lastIndex;
  }
  return consumed === s.length && consumed > 0 ? total : undefined;
}
