/** Helpers to run two IkeEngines against each other in memory (no sockets, simulated time). */
import { IkeEngine, type Endpoint, type IkeEngineOptions, type IkeEvent, type Outgoing } from '../../../sim/ike/v2/engine.js';
import { Rng } from '../../../sim/kernel/rng.js';

export interface Clock { t: number }

export function engine(name: string, clock: Clock, over: Partial<IkeEngineOptions> & Pick<IkeEngineOptions, 'credentials' | 'trust'>, seed = 1) {
  const events: IkeEvent[] = [];
  const logs: string[] = [];
  const e = new IkeEngine({
    name, rng: new Rng(seed).fork(name), now: () => clock.t, log: (l) => logs.push(l), onEvent: (ev) => events.push(ev), ...over,
  });
  return { e, events, logs };
}

export const I_EP: Endpoint = { address: '127.0.0.1', port: 5500 };
export const R_EP: Endpoint = { address: '127.0.0.2', port: 4500 };

/** Deliver messages back and forth until quiet. `tap` may drop/modify/duplicate (return list). */
export function pump(a: IkeEngine, b: IkeEngine, first: Outgoing[], tap?: (o: Outgoing, toB: boolean) => Outgoing[], max = 50): Outgoing[] {
  const trace: Outgoing[] = [];
  let queue: Array<{ o: Outgoing; toB: boolean }> = first.map((o) => ({ o, toB: true }));
  for (let i = 0; i < max && queue.length; i++) {
    const next: typeof queue = [];
    for (const { o, toB } of queue) {
      const msgs = tap ? tap(o, toB) : [o];
      for (const m of msgs) {
        trace.push(m);
        const tgt = toB ? b : a;
        for (const r of tgt.receive(m.data, m.local, m.remote)) next.push({ o: r, toB: !toB });
      }
    }
    queue = next;
  }
  return trace;
}
