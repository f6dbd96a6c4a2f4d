/**
 * exec-timeout never cuts a session off while one of its commands is still running
 * (IOS counts idle time between commands, not during one).
 */
import { describe, expect, it } from 'vitest';
import { registerFeature } from '../../sim/features/index.js';
import type { Feature } from '../../sim/device/feature.js';
import { World } from '../../sim/world/world.js';

let release: (() => void) | undefined;

const slow: Feature<Record<string, never>> = {
  id: 'slowtest',
  commands: [{ id: 'slowtest.run', modes: ['exec'], syntax: 'slowtest', help: { slowtest: 'A command that waits (test only)' }, privilege: 15, hidden: true }],
  initState: () => ({}),
  handlers: {
    async 'slowtest.run'(ctx) {
      await new Promise<void>((r) => (release = r));
      ctx.out('done');
    },
  },
};
registerFeature(slow);

describe('exec-timeout and running commands', () => {
  it('a command that runs longer than exec-timeout keeps its session; idle after it still times out', async () => {
    const w = new World({ seed: 3 });
    const d = w.addDevice({ name: 'R1', startupConfig: 'hostname R1\nline vty 0 4\n exec-timeout 1 0\n' });
    await d.boot();
    const s = d.openSession({ user: 'admin', privilege: 15, line: 'vty', peer: '10.0.0.9', rows: 0 });
    let out = '';
    let closed: number | undefined;
    s.onOutput((x) => (out += x));
    s.onClose((x) => (closed = x));
    await s.idle();

    w.ingress(() => s.input('slowtest\r'));
    w.advance(5 * 60_000); // five minutes of simulated time while the command waits
    expect(closed).toBeUndefined();
    release!();
    await s.idle();
    expect(out).toContain('done\r\nR1#');
    expect(closed).toBeUndefined();

    w.advance(3 * 60_000); // now really idle for longer than exec-timeout 1 0
    expect(closed).toBe(0);
  });
});
