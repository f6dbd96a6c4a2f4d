/**
 * The real-time edge: a monotonic RealClock for the world's time driver, and a pacer that
 * wakes the world when its next timer is due (so exec-timeouts, PKI renewals… fire without
 * input). The only place in sim/ (with sim/transport/ssh.ts and sim/bin/) that reads real time.
 */
import type { RealClock } from '../world/time-driver.js';
import type { World } from '../world/world.js';

export class SystemRealClock implements RealClock {
  private readonly t0 = performance.now();
  nowMs(): number {
    return Math.floor(performance.now() - this.t0);
  }
}

/** Keep a real/scaled world moving: sync on a timer set for the next due event. Returns stop(). */
export function startPacer(world: World, opts: { maxSleepMs?: number; minSleepMs?: number } = {}): () => void {
  const maxSleep = opts.maxSleepMs ?? 1000;
  const minSleep = opts.minSleepMs ?? 1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let lastClockSave = Date.now();
  const tick = () => {
    if (stopped) return;
    try {
      world.ingress(() => undefined);
    } catch {
      // a failing timer must not stop the pacer
    }
    // Keep the persisted calendar within ~10 real seconds of the running clock (a kill -9
    // then loses at most that much simulated time; see sim/world/clock-store.ts).
    if (Date.now() - lastClockSave >= 10_000) {
      lastClockSave = Date.now();
      world.saveClock();
    }
    const d = world.driver.realDelayToNext();
    const sleep = d === undefined ? maxSleep : Math.min(maxSleep, Math.max(minSleep, d));
    timer = setTimeout(tick, sleep);
    timer.unref?.();
  };
  tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    world.saveClock();
  };
}
