/**
 * World event bus for later consumers (scenarios, dashboard, tests). Every syslog line,
 * NVRAM write, config change, clock change, session open/close, reload and boot is an event
 * stamped with simulated world time. Subscribers must not throw (errors are swallowed so one
 * bad subscriber cannot break a device).
 */
import type { SimMs } from '../kernel/scheduler.js';

export type WorldEventType =
  | 'log'
  | 'nvram.write'
  | 'nvram.erase'
  | 'config.changed'
  | 'config.dirty'
  | 'clock.set'
  | 'session.open'
  | 'session.close'
  | 'reload'
  | 'boot'
  | (string & {});

export interface WorldEvent {
  t: SimMs;
  seq: number;
  device?: string;
  type: WorldEventType;
  data: Record<string, unknown>;
}

export class EventBus {
  private subs = new Map<string, Set<(e: WorldEvent) => void>>();
  private seq = 0;
  /** Optional bounded history (0 = none). */
  readonly history: WorldEvent[] = [];
  constructor(private readonly keep = 0) {}

  /** Subscribe to one type or to '*'; returns an unsubscribe function. */
  on(type: WorldEventType | '*', cb: (e: WorldEvent) => void): () => void {
    let s = this.subs.get(type);
    if (!s) this.subs.set(type, (s = new Set()));
    s.add(cb);
    return () => void s!.delete(cb);
  }

  emit(t: SimMs, device: string | undefined, type: WorldEventType, data: Record<string, unknown>): WorldEvent {
    const e: WorldEvent = { t, seq: this.seq++, type, data, ...(device !== undefined ? { device } : {}) };
    if (this.keep > 0) {
      this.history.push(e);
      if (this.history.length > this.keep) this.history.shift();
    }
    for (const key of [type, '*']) {
      const s = this.subs.get(key);
      if (!s) continue;
      for (const cb of s) {
        try {
          cb(e);
        } catch {
          // a subscriber's failure must not break the simulation
        }
      }
    }
    return e;
  }
}
