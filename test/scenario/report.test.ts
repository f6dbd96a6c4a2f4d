/**
 * The HTML report renders in a real browser: headless Chromium dumps the DOM (SVG timeline
 * with certificate bars, renewal/NVRAM marks, transcript) and takes a non-trivial screenshot.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { formatFailure, playScenario, type RunResult } from '../../sim/scenario/runner.js';
import { buildTimeline, renderHtml, reportJson } from '../../sim/scenario/report.js';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'scn-report-'));
let result: RunResult;
let html: string;

function chromeArgs(...extra: string[]): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${mkdtempSync(join(dir, 'profile-'))}`,
    ...extra,
  ];
}

beforeAll(async () => {
  result = await playScenario(loadScenarioFile('scenarios/autoenroll-90-regenerate.yaml'));
  expect(result.ok, formatFailure(result)).toBe(true);
  html = renderHtml([result]);
  writeFileSync(join(dir, 'report.html'), html);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scenario report', () => {
  it('timeline model: validity bars per trustpoint with serials and key labels, renewal and NVRAM marks', () => {
    const r1 = buildTimeline(result).find((d) => d.device === 'R1')!;
    const tp = r1.lanes.find((l) => l.label === 'trustpoint pki-tp')!;
    expect(tp.bars.map((b) => b.serial)).toEqual(['02', '03']);
    expect(tp.bars[0]!.label).toBe('SN 02 · key R1.example.com');
    expect(tp.marks.some((m) => m.cls === 'renew')).toBe(true);
    const nv = r1.lanes.find((l) => l.kind === 'nvram')!;
    expect(nv.marks.map((m) => m.cls)).toEqual(expect.arrayContaining(['nvram', 'autosave', 'noautosave']));
    const ca = buildTimeline(result).find((d) => d.device === 'CA')!;
    expect(ca.lanes.some((l) => l.kind === 'ca' && l.marks.length >= 2)).toBe(true);
  });

  it('is self-contained (no scripts, no external resources)', () => {
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
    expect(html).toContain('<svg');
  });

  it('JSON report carries the timeline, certificates, events and transcripts', () => {
    const j = reportJson([result]) as { scenarios: { certificates: unknown[]; timeline: unknown[]; transcripts: { text: string }[] }[] };
    const text = JSON.stringify(j);
    expect(j.scenarios[0]!.certificates).toHaveLength(2);
    expect(text).toContain('"serial":"03"');
    expect(j.scenarios[0]!.transcripts.some((t) => t.text.includes('auto-enroll 90 regenerate'))).toBe(true);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium: the DOM has the SVG bars', async () => {
    const { stdout } = await run(CHROMIUM, chromeArgs('--dump-dom', `file://${join(dir, 'report.html')}`), { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toMatch(/<svg[^>]*class="timeline"[^>]*data-device="R1"/);
    expect(stdout).toMatch(/<rect class="bar cert[^"]*" data-kind="cert-bar" data-serial="02"/);
    expect(stdout).toMatch(/<rect class="bar cert[^"]*" data-kind="cert-bar" data-serial="03"/);
    expect(stdout).toContain('data-kind="autosave"');
    expect(stdout).toContain('class="transcript"');
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium: a non-trivial screenshot', async () => {
    const png = join(dir, 'report.png');
    await run(CHROMIUM, chromeArgs('--window-size=1200,1600', `--screenshot=${png}`, `file://${join(dir, 'report.html')}`), { timeout: 60_000 });
    expect(existsSync(png)).toBe(true);
    const buf = readFileSync(png);
    expect(buf.subarray(1, 4).toString()).toBe('PNG');
    expect(buf.readUInt32BE(16)).toBe(1200); // IHDR width
    // A blank page compresses to a few KB; the report with timelines and text is far larger.
    expect(statSync(png).size).toBeGreaterThan(40_000);
  });
});
