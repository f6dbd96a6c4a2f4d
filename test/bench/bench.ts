/**
 * `npm run bench [-- [--quick] [section ...]]`: runs the registered sections (sections.ts)
 * and prints one table of figures with their informational targets. Never asserts.
 */
import { SECTIONS } from './sections.js';
import type { Figure } from './types.js';

interface Row extends Figure {
  section: string;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function status(f: Figure): string {
  if (!f.target || !Number.isFinite(f.value)) return '';
  const ok = f.target.op === '<=' ? f.value <= f.target.value : f.value >= f.target.value;
  return ok ? 'ok' : 'MISS';
}

function table(rows: Row[]): string {
  const head = ['section', 'metric', 'value', 'unit', 'target', '', 'note'];
  const body = rows.map((r) => [
    r.section,
    r.metric,
    fmt(r.value),
    r.unit,
    r.target ? `${r.target.op} ${r.target.value}` : '',
    status(r),
    r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length) {
    process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}\n`);
    process.exit(2);
  }
  const rows: Row[] = [];
  const ctx = { quick, log: (m: string) => process.stderr.write(`  ${m}\n`) };
  for (const s of SECTIONS) {
    if (wanted.length && !wanted.includes(s.name)) continue;
    process.stderr.write(`bench: ${s.name} ...\n`);
    const t0 = performance.now();
    try {
      const section = (await s.load()).default;
      const figs = await section.run(ctx);
      for (const f of figs) rows.push({ section: s.name, ...f });
    } catch (e) {
      rows.push({ section: s.name, metric: 'FAILED', value: NaN, unit: '', note: String((e as Error)?.message ?? e).split('\n')[0]! });
    }
    process.stderr.write(`bench: ${s.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`\nRouter Twin benchmark (${quick ? 'quick' : 'full'}; node ${process.version}, ${process.platform}/${process.arch})\n\n`);
  process.stdout.write(table(rows) + '\n');
  process.exit(0);
}

void main();
