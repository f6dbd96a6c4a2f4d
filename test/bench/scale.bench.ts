/** RSS at 1, 100 and 1,000 idle devices (one process each) and time until all listen. */
import { join } from 'node:path';
import { run } from '../helpers/proc.js';
import { ROOT, tempDir } from '../helpers/twin.js';
import { round, type BenchSection, type Figure } from './types.js';

interface ChildResult {
  n: number;
  listenMs: number;
  rssKB: number;
  heapKB: number;
  baseRssKB: number;
}

async function measure(n: number, stateDir: string): Promise<ChildResult> {
  const r = await run(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'test/bench/scale-child.ts'), String(n), stateDir], {
    cwd: ROOT,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) {
    const msg = r.stderr.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).slice(0, 3).join(' | ');
    throw new Error(`scale child n=${n} failed (${r.code}${r.timedOut ? ', timed out' : ''}): ${msg}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

const section: BenchSection = {
  name: 'scale',
  description: 'memory of idle devices and time until N devices listen',
  async run(ctx) {
    const sizes = ctx.quick ? [1, 100] : [1, 100, 1000];
    const tmp = tempDir('twin-scale-');
    const res: ChildResult[] = [];
    const figs: Figure[] = [];
    try {
      for (const n of sizes) {
        // first run creates host keys (cold state dir); the second one reuses them (restart)
        const dir = join(tmp.path, `n${n}`);
        const cold = await measure(n, dir);
        const warm = await measure(n, dir);
        ctx.log(`n=${n}: cold listen ${cold.listenMs.toFixed(0)} ms, warm ${warm.listenMs.toFixed(0)} ms, rss ${warm.rssKB} KB`);
        res.push(warm);
        figs.push({ metric: `RSS with ${n} idle device(s)`, value: round(warm.rssKB / 1024, 1), unit: 'MB' });
        if (n > 1) {
          const target = n === 1000 ? { target: { op: '<=', value: 5 } as const } : {};
          figs.push({ metric: `time until ${n} devices listen, first start (fresh state dir)`, value: round(cold.listenMs / 1000, 2), unit: 's', ...target });
          figs.push({ metric: `time until ${n} devices listen, restart (state dir kept)`, value: round(warm.listenMs / 1000, 2), unit: 's', ...target });
        }
      }
      const one = res.find((r) => r.n === 1);
      const big = res.filter((r) => r.n > 1).pop();
      if (one && big) {
        figs.push({
          metric: `RSS per extra idle device (${one.n} -> ${big.n})`,
          value: round((big.rssKB - one.rssKB) / (big.n - one.n), 1),
          unit: 'KB',
          target: { op: '<=', value: 100 },
        });
      }
    } finally {
      tmp.cleanup();
    }
    return figs;
  },
};
export default section;
