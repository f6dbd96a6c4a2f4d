/**
 * Child process of the scale benchmark: N idle devices (real core + one SSH listener each)
 * in one process. Prints one JSON line: { n, listenMs, rssKB, heapKB, baseRssKB }.
 * Usage: node --expose-gc --import tsx test/bench/scale-child.ts N STATE_DIR
 */
import { startTwin } from '../helpers/twin.js';

const n = Number(process.argv[2] ?? '1');
const stateDir = process.argv[3];
const gc = (globalThis as { gc?: () => void }).gc;

function mem() {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rssKB: Math.round(m.rss / 1024), heapKB: Math.round(m.heapUsed / 1024) };
}

async function main() {
  // load every module first so the baseline includes code, not devices
  await import('../../sim/lab/world.js');
  await import('../../sim/transport/ssh.js');
  const base = mem();
  const devices = Array.from({ length: n }, (_, i) => ({ name: `R${i + 1}` }));
  const t0 = performance.now();
  const twin = await startTwin(devices, stateDir ? { stateDir } : {});
  const listenMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  const m = mem();
  process.stdout.write(JSON.stringify({ n, listenMs, ...m, baseRssKB: base.rssKB, baseHeapKB: base.heapKB }) + '\n');
  await twin.stop();
  process.exit(0);
}
main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
