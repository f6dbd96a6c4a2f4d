/** Spawn-to-listening: `twin serve` with a one-device lab as a child, until its port accepts. */
import { connect } from 'node:net';
import { startDaemon, freePort } from '../helpers/proc.js';
import { ROOT, tempDir, twinArgs, writeLab } from '../helpers/twin.js';
import { median, round, type BenchSection } from './types.js';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const section: BenchSection = {
  name: 'startup',
  description: 'twin serve: process spawn until the SSH port accepts (one device)',
  async run(ctx) {
    const n = ctx.quick ? 3 : 7;
    const times: number[] = [];
    const tmp = tempDir('twin-bench-');
    try {
      for (let i = 0; i < n; i++) {
        const port = await freePort();
        const lab = writeLab(tmp.path, [{ name: 'R1', port }]);
        const [cmd, args] = twinArgs('serve', '--lab', lab, '--state-dir', `${tmp.path}/state`);
        const t0 = performance.now();
        const d = startDaemon(cmd, args, { cwd: ROOT });
        let ok = false;
        for (let k = 0; k < 15_000 && !ok; k++) {
          ok = await accepts(port);
          if (!ok) await new Promise((r) => setTimeout(r, 2));
          if (d.child.exitCode !== null) break;
        }
        const dt = performance.now() - t0;
        await d.stop();
        if (!ok) throw new Error(`twin did not listen: ${d.output().slice(-300)}`);
        times.push(dt);
      }
    } finally {
      tmp.cleanup();
    }
    ctx.log(`spawn-to-listening runs (ms): ${times.map((t) => t.toFixed(0)).join(' ')}`);
    return [
      { metric: 'spawn-to-listening, 1 device (node --import tsx), median', value: round(median(times), 1), unit: 'ms', note: `n=${n}, first run included` },
      { metric: 'spawn-to-listening, best', value: round(Math.min(...times), 1), unit: 'ms' },
    ];
  },
};
export default section;
