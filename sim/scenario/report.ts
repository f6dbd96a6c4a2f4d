/**
 * Scenario reports: a self-contained HTML file (inline CSS and SVG, no scripts, no external
 * resources) and a JSON document, built from RunResults.
 *
 * Per scenario: verdict (seed, failure with diff), phases, an SVG timeline per device over
 * simulated time — certificate validity bars per trustpoint (serial, key label; rollover
 * certificates dashed) with renewal points, NVRAM writes (write memory / PKI autosave /
 * NOAUTOSAVE), CA events, IKE attempts (successes and failures), reloads — then the steps and
 * the transcript of every session.
 */
import { MONTHS, fromCivil, isoUtc, p2, toCivil } from '../kernel/clock.js';
import { plainText } from './expect.js';
import type { CertSnap } from './probe.js';
import type { RunResult } from './runner.js';
import { fmtDuration } from './runner.js';

// ---- timeline model ----------------------------------------------------------------------------

export interface Bar {
  from: number;
  to: number;
  label: string;
  title: string;
  cls: string;
  serial?: string;
}

export interface Mark {
  at: number;
  cls: string;
  title: string;
}

export interface Lane {
  label: string;
  kind: 'trustpoint' | 'nvram' | 'ca' | 'ike' | 'system' | 'log';
  bars: Bar[];
  marks: Mark[];
}

export interface DeviceTimeline {
  device: string;
  lanes: Lane[];
}

const PKI_MARK: Record<string, { cls: string; what: string }> = {
  'pki.enroll.start': { cls: 'enroll', what: 'enrollment started' },
  'pki.request': { cls: 'request', what: 'request sent to CA' },
  'pki.pending': { cls: 'pending', what: 'CA answered PENDING' },
  'pki.granted': { cls: 'issued', what: 'certificate granted' },
  'pki.enrolled': { cls: 'issued', what: 'certificate installed' },
  'pki.renewed': { cls: 'renewed', what: 'certificate renewed' },
  'pki.rollover.received': { cls: 'renewed', what: 'rollover certificate received' },
  'pki.key.generated': { cls: 'key', what: 'key pair generated' },
  'pki.key.promoted': { cls: 'key', what: 'rollover key promoted' },
  'pki.key.discarded': { cls: 'fail', what: 'key pair discarded' },
  'pki.rejected': { cls: 'fail', what: 'request rejected' },
  'pki.unreachable': { cls: 'fail', what: 'CA unreachable' },
  'pki.failed': { cls: 'fail', what: 'enrollment failed' },
  'pki.enroll.error': { cls: 'fail', what: 'enrollment error' },
  'pki.enroll.send-error': { cls: 'fail', what: 'send error' },
  'pki.expired': { cls: 'fail', what: 'certificate expired' },
  'pki.backoff': { cls: 'pending', what: 'retry later' },
};

function short(data: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (k === 'trustpoint' || v === undefined) continue;
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${k}=${s.length > 60 ? s.slice(0, 57) + '…' : s}`);
  }
  return parts.join(' ');
}

/**
 * IKE records can be corrected after the fact: a responder records success at IKE_AUTH and the
 * initiator may then reject it (`ike.attempt.amended`, same router and connId). Reports count
 * the corrected outcome at the original attempt's time, once.
 */
export function withIkeAmendments<E extends { type: string; device?: string; data: Record<string, unknown> }>(events: readonly E[]): E[] {
  const key = (e: E) => `${e.device ?? String(e.data.router ?? '')}|${String(e.data.peer ?? '')}|${String(e.data.connId ?? '')}`;
  const fixes = new Map<string, Record<string, unknown>>();
  for (const e of events) if (e.type === 'ike.attempt.amended' && e.data.connId !== undefined) fixes.set(key(e), e.data);
  if (fixes.size === 0) return [...events];
  const out: E[] = [];
  for (const e of events) {
    if (e.type === 'ike.attempt.amended') continue;
    const fix = e.type === 'ike.attempt' && e.data.connId !== undefined ? fixes.get(key(e)) : undefined;
    out.push(fix ? { ...e, data: { ...e.data, ...fix } } : e);
  }
  return out;
}

/** Per-device lanes from a run's events, certificate snapshots and CA steps. */
export function buildTimeline(r: RunResult): DeviceTimeline[] {
  const out: DeviceTimeline[] = [];
  const caDevice = r.ca?.device;
  const events = withIkeAmendments(r.events);
  for (const device of r.devices) {
    const lanes = new Map<string, Lane>();
    const lane = (key: string, label: string, kind: Lane['kind']): Lane => {
      let l = lanes.get(key);
      if (!l) lanes.set(key, (l = { label, kind, bars: [], marks: [] }));
      return l;
    };
    // certificate bars
    const certs = r.certs.filter((c) => c.device === device);
    for (const c of certs) {
      const l = lane(`tp:${c.trustpoint}`, `trustpoint ${c.trustpoint}`, 'trustpoint');
      l.bars.push(certBar(c));
    }
    for (const e of events) {
      if (e.device !== device) continue;
      const at = e.wall;
      const tp = typeof e.data.trustpoint === 'string' ? e.data.trustpoint : undefined;
      if (e.type === 'nvram.write') {
        lane('nvram', 'NVRAM', 'nvram').marks.push({ at, cls: 'nvram', title: `${isoUtc(at)} NVRAM written (by ${String(e.data.user ?? '?')})` });
      } else if (e.type === 'nvram.autosave') {
        lane('nvram', 'NVRAM', 'nvram').marks.push({ at, cls: 'autosave', title: `${isoUtc(at)} %PKI-6-AUTOSAVE${tp ? ` (${tp})` : ''}` });
      } else if (e.type === 'pki.noautosave') {
        lane('nvram', 'NVRAM', 'nvram').marks.push({ at, cls: 'noautosave', title: `${isoUtc(at)} %PKI-4-NOAUTOSAVE: not saved${tp ? ` (${tp})` : ''}` });
      } else if (e.type === 'nvram.erase') {
        lane('nvram', 'NVRAM', 'nvram').marks.push({ at, cls: 'fail', title: `${isoUtc(at)} erase startup-config` });
      } else if (e.type === 'reload' || e.type === 'boot') {
        lane('sys', 'system', 'system').marks.push({ at, cls: e.type, title: `${isoUtc(at)} ${e.type} ${short(e.data)}` });
      } else if (/^ike\b|^ike\./.test(e.type)) {
        const ok = e.data.ok === true || e.data.result === 'ok' || e.data.state === 'established' || e.data.success === true;
        const failed = e.data.ok === false || e.data.result === 'fail' || e.data.result === 'failed' || e.data.state === 'auth-failed' || e.data.success === false;
        if (!ok && !failed) continue;
        const peer = String(e.data.peer ?? e.data.to ?? '');
        const data = e.data;
        lane(`ike:${peer}`, `IKE ${peer}`.trim(), 'ike').marks.push({
          at,
          cls: ok ? 'ike-ok' : 'ike-fail',
          get title() {
            return `${isoUtc(at)} IKE ${ok ? 'ok' : 'FAILED'} ${short(data)}`;
          },
        });
      } else if (e.type.startsWith('pki.') && tp && PKI_MARK[e.type]) {
        const m = PKI_MARK[e.type]!;
        const cls = e.type === 'pki.enroll.start' && e.data.renewal ? 'renew' : m.cls;
        const data = e.data;
        lane(`tp:${tp}`, `trustpoint ${tp}`, 'trustpoint').marks.push({
          at,
          cls,
          get title() {
            return `${isoUtc(at)} ${m.what} ${short(data)}`;
          },
        });
      } else if (device === caDevice && (e.type.startsWith('ca.') || e.type.startsWith('pki.ca') || e.type.startsWith('pki.cs') || e.type.startsWith('pki.server'))) {
        lane('ca', 'CA server', 'ca').marks.push({ at, cls: /reject|fail|down/.test(e.type) ? 'fail' : /pending/.test(e.type) ? 'pending' : 'ca', title: `${isoUtc(at)} ${e.type} ${short(e.data)}` });
      } else if (e.type === 'log') {
        const text = String(e.data.text ?? '');
        const m = /%((PKI|CRYPTO|SYS-5-RELOAD)[A-Z0-9_-]*)/.exec(text);
        if (!m) continue;
        const cls = /NOAUTOSAVE|FAIL|ERR|REJECT/.test(m[1]!) ? 'log-warn' : 'log';
        lane('log', 'syslog (PKI)', 'log').marks.push({
          at,
          cls,
          get title() {
            return `${isoUtc(at)} ${text.replace(/^.*?%/, '%')}`;
          },
        });
      }
    }
    if (device === caDevice) {
      for (const s of r.steps) {
        if (s.kind !== 'ca' || s.status === 'skipped') continue;
        lane('ca', 'CA server', 'ca').marks.push({ at: s.wallStart, cls: /down|reject/.test(s.label) ? 'fail' : 'ca', title: `${isoUtc(s.wallStart)} ${s.label}` });
      }
    }
    for (const e of r.events) {
      if (e.type === 'process.restart') lane('sys', 'system', 'system').marks.push({ at: e.wall, cls: 'restart', title: `${isoUtc(e.wall)} process restart` });
    }
    const order: Lane['kind'][] = ['trustpoint', 'ca', 'ike', 'nvram', 'log', 'system'];
    const sorted = [...lanes.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    out.push({ device, lanes: sorted });
  }
  return out;
}

function certBar(c: CertSnap): Bar {
  const days = Math.round((c.notAfter - c.notBefore) / 86_400_000);
  return {
    from: c.notBefore,
    to: c.notAfter,
    serial: c.serial,
    cls: c.role === 'rollover' ? 'cert rollover' : 'cert',
    label: `SN ${c.serial}${c.keyLabel ? ` · key ${c.keyLabel}` : ''}`,
    title: `certificate ${c.serial} (${c.role}) valid ${isoUtc(c.notBefore)} → ${isoUtc(c.notAfter)} (${days} days)${c.keyLabel ? `, key ${c.keyLabel}` : ''}`,
  };
}

// ---- IKE figures ----------------------------------------------------------------------------

export interface IkeSummary {
  router: string;
  peer: string;
  attempts: number;
  failures: number;
  outages: number;
  longestOutageMs: number;
  totalOutageMs: number;
  reasons: Record<string, number>;
  /** The last outage had not ended when the run stopped (counted up to the last attempt). */
  ongoing: boolean;
}

/** Per router/peer totals from the run's `ike.attempt` events (outage: first failure → next success). */
export function ikeSummary(r: RunResult): IkeSummary[] {
  const by = new Map<string, IkeSummary & { since?: number; last?: number }>();
  for (const e of withIkeAmendments(r.events)) {
    if (e.type !== 'ike.attempt' || typeof e.data.ok !== 'boolean') continue;
    const router = e.device ?? String(e.data.router ?? '');
    const peer = String(e.data.peer ?? '');
    const k = `${router}|${peer}`;
    let s = by.get(k);
    if (!s) by.set(k, (s = { router, peer, attempts: 0, failures: 0, outages: 0, longestOutageMs: 0, totalOutageMs: 0, reasons: {}, ongoing: false }));
    s.attempts++;
    s.last = e.wall;
    if (!e.data.ok) {
      s.failures++;
      const why = String(e.data.reason ?? 'failed');
      s.reasons[why] = (s.reasons[why] ?? 0) + 1;
      if (s.since === undefined) {
        s.since = e.wall;
        s.outages++;
      }
    } else if (s.since !== undefined) {
      const d = e.wall - s.since;
      s.totalOutageMs += d;
      s.longestOutageMs = Math.max(s.longestOutageMs, d);
      s.since = undefined;
    }
  }
  return [...by.values()].map(({ since, last, ...x }) => {
    if (since !== undefined && last !== undefined) {
      const d = last - since;
      x.totalOutageMs += d;
      x.longestOutageMs = Math.max(x.longestOutageMs, d);
      x.ongoing = true;
    }
    return x;
  });
}

// ---- SVG --------------------------------------------------------------------------------------

const W = 1100;
const LABEL_W = 170;
const LANE_H = 26;
const AXIS_H = 28;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const TICKS = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];
const MONTH_STEPS = [1, 2, 3, 6, 12];

export interface Tick {
  at: number;
  label: string;
}

/**
 * Axis ticks over [from, to]: minutes/hours/days for short runs, calendar months (the 1st, UTC)
 * for long ones — `Jan 2026`, `Apr 2026` … rather than every 91 days from 1970.
 */
export function axisTicks(from: number, to: number): Tick[] {
  const span = Math.max(1, to - from);
  const step = TICKS.find((s) => span / s <= 10);
  const out: Tick[] = [];
  if (step !== undefined) {
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
      const c = toCivil(t);
      const label = step >= 86_400_000 ? `${MONTHS[c.month - 1]} ${c.day}${c.month === 1 && c.day <= 7 ? ` ${c.year}` : ''}` : `${p2(c.hour)}:${p2(c.minute)}`;
      out.push({ at: t, label });
    }
    return out;
  }
  const months = span / (30.44 * 86_400_000);
  const ms = MONTH_STEPS.find((m) => months / m <= 12) ?? 12 * Math.ceil(months / 120);
  const c0 = toCivil(from);
  let y = c0.year;
  let m = c0.month;
  if (fromCivil(y, m, 1) < from) m++;
  // align to a multiple of the step within the year (Jan, Apr, Jul, Oct for quarters)
  while ((m - 1) % Math.min(ms, 12) !== 0) m++;
  for (;;) {
    while (m > 12) {
      m -= 12;
      y++;
    }
    const t = fromCivil(y, m, 1);
    if (t > to) break;
    out.push({ at: t, label: `${MONTHS[m - 1]} ${y}` });
    m += ms;
  }
  return out;
}

/** Approximate width (px) of a bar label (9 px monospace). */
function labelWidth(s: string): number {
  return s.length * 5.5 + 8;
}

/** Outages of an IKE lane: first failure → next success (or the last failure when none follows). */
export function ikeOutages(marks: readonly Mark[]): { from: number; to: number; failures: number; ongoing: boolean }[] {
  const out: { from: number; to: number; failures: number; ongoing: boolean }[] = [];
  let cur: { from: number; to: number; failures: number; ongoing: boolean } | undefined;
  for (const m of [...marks].sort((a, b) => a.at - b.at)) {
    if (m.cls === 'ike-fail') {
      if (!cur) cur = { from: m.at, to: m.at, failures: 0, ongoing: true };
      cur.failures++;
      cur.to = m.at;
    } else if (m.cls === 'ike-ok' && cur) {
      cur.to = m.at;
      cur.ongoing = false;
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** SVG timeline of one device over [from, to] (simulated wall ms). */
export function renderDeviceSvg(tl: DeviceTimeline, from: number, to: number): string {
  const span = Math.max(1, to - from);
  const plotW = W - LABEL_W - 10;
  const x = (t: number) => LABEL_W + Math.round(((Math.min(Math.max(t, from), to) - from) / span) * plotW * 10) / 10;
  const lanes = tl.lanes.length ? tl.lanes : [{ label: '(no events)', kind: 'system' as const, bars: [], marks: [] }];
  // bars stacked into sub-rows when they overlap (a rollover certificate beside the active one)
  const BAR_H = 9;
  const layouts = lanes.map((l) => {
    const rows: number[] = [];
    const placed = [...l.bars]
      .sort((a, c) => a.from - c.from)
      .map((b) => {
        let row = rows.findIndex((end) => end <= b.from);
        if (row < 0) {
          row = rows.length;
          rows.push(b.to);
        } else rows[row] = b.to;
        return { b, row: Math.min(row, 2) };
      });
    const nRows = Math.min(rows.length, 3);
    // trustpoint lanes: the bar rows, then a strip for the enrollment/renewal marks below them
    const h = l.kind === 'trustpoint' && nRows ? 4 + nRows * (BAR_H + 3) + 10 : LANE_H;
    return { placed, h };
  });
  const lanesH = layouts.reduce((a, l) => a + l.h, 0);
  const H = AXIS_H + lanesH + 6;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-device="${esc(tl.device)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="timeline of ${esc(tl.device)}">`);
  // axis: a label at the start, then calendar ticks
  parts.push(`<line class="axis" x1="${LABEL_W}" y1="${AXIS_H - 6}" x2="${W - 10}" y2="${AXIS_H - 6}"/>`);
  for (const tk of axisTicks(from, to)) {
    const xx = x(tk.at);
    parts.push(`<line class="grid" x1="${xx}" y1="${AXIS_H - 10}" x2="${xx}" y2="${H}"/>`);
    const anchor = xx < LABEL_W + 25 ? 'start' : xx > W - 40 ? 'end' : 'middle';
    parts.push(`<text class="tick" x="${xx}" y="${AXIS_H - 13}" text-anchor="${anchor}">${esc(tk.label)}</text>`);
  }
  let y = AXIS_H;
  lanes.forEach((l, i) => {
    const { placed, h } = layouts[i]!;
    const mid = y + h / 2;
    parts.push(`<g class="lane lane-${l.kind}" data-lane="${esc(l.label)}">`);
    parts.push(`<rect class="lane-bg${i % 2 ? ' odd' : ''}" x="0" y="${y}" width="${W}" height="${h}"/>`);
    parts.push(`<text class="lane-label" x="6" y="${l.kind === 'trustpoint' ? y + 14 : mid + 4}">${esc(l.label)}</text>`);
    for (const { b, row } of placed) {
      const by = y + 4 + row * (BAR_H + 3);
      const x1 = x(b.from);
      const x2 = Math.max(x1 + 2, x(b.to));
      const clipped = b.to > to ? ' clipped' : '';
      const lw = labelWidth(b.label);
      // the label inside the bar when it fits, else just left of the bar (a rollover certificate
      // that starts near the end of the axis), else a shortened one inside
      let label = '';
      if (x2 - x1 >= lw) label = `<text class="bar-label" x="${x1 + 4}" y="${by + 8}">${esc(b.label)}</text>`;
      else if (x1 - LABEL_W >= lw) label = `<text class="bar-label out" x="${x1 - 3}" y="${by + 8}" text-anchor="end">${esc(b.label)}</text>`;
      else if (b.serial && x2 - x1 >= labelWidth(`SN ${b.serial}`)) label = `<text class="bar-label" x="${x1 + 4}" y="${by + 8}">${esc(`SN ${b.serial}`)}</text>`;
      parts.push(
        `<g class="bar-g"><title>${esc(b.title)}</title><rect class="bar ${b.cls}${clipped}" data-kind="cert-bar"${b.serial ? ` data-serial="${esc(b.serial)}"` : ''} x="${x1}" y="${by}" width="${Math.round((x2 - x1) * 10) / 10}" height="${BAR_H}" rx="2"/>` +
          label +
          `</g>`,
      );
    }
    if (l.kind === 'ike') {
      // outages as red spans (at least 4 px wide: a 5-hour outage in a year is under a pixel)
      for (const o of ikeOutages(l.marks)) {
        const x1 = x(o.from);
        const x2 = Math.max(x1 + 4, x(o.to));
        const title = `${isoUtc(o.from)} → ${isoUtc(o.to)} IKE outage ${fmtDuration(o.to - o.from)}${o.ongoing ? ' (ongoing at the last attempt)' : ''}, ${o.failures} failed attempt(s)`;
        parts.push(`<rect class="outage" data-kind="ike-outage" x="${Math.min(x1, W - 14)}" y="${y + 3}" width="${Math.round((x2 - x1) * 10) / 10}" height="${h - 6}"><title>${esc(title)}</title></rect>`);
      }
    }
    // one mark per pixel column and class (a CA outage logs thousands of retries)
    const merged = new Map<string, { m: Mark; n: number }>();
    for (const m of l.marks) {
      const k = `${Math.round(x(m.at))}|${m.cls}`;
      const hit = merged.get(k);
      if (hit) hit.n++;
      else merged.set(k, { m, n: 1 });
    }
    // failures and renewal starts last, so they stay visible over the issued/renewed marks at the same time
    const prio = (c: string) => (c === 'renew' ? 2 : c === 'fail' ? 1 : 0);
    const ordered = [...merged.values()].sort((a, b) => prio(a.m.cls) - prio(b.m.cls));
    for (const { m: m0, n } of ordered) {
      const m = n > 1 ? { ...m0, title: `${m0.title} (and ${n - 1} more here)` } : m0;
      const xx = x(m.at);
      if (m.cls.startsWith('ike')) {
        parts.push(`<line class="mark ${m.cls}" data-kind="${m.cls}" x1="${xx}" y1="${y + 5}" x2="${xx}" y2="${y + h - 5}"><title>${esc(m.title)}</title></line>`);
      } else if (l.kind === 'trustpoint') {
        if (m.cls === 'renew') parts.push(`<line class="renew-line" x1="${xx}" y1="${y + 2}" x2="${xx}" y2="${y + h - 8}"/>`);
        parts.push(`<path class="mark ${m.cls}" data-kind="${m.cls}" d="M${xx} ${y + h - 1} l-4 -6 h8 z"><title>${esc(m.title)}</title></path>`);
      } else {
        parts.push(`<circle class="mark ${m.cls}" data-kind="${m.cls}" cx="${xx}" cy="${mid}" r="4"><title>${esc(m.title)}</title></circle>`);
      }
    }
    parts.push('</g>');
    y += h;
  });
  parts.push('</svg>');
  return parts.join('');
}

/** End of the time axis: the run's end, stretched to show whole certificate bars (≤ 2× the run). */
export function timelineEnd(r: RunResult): number {
  const span = Math.max(3_600_000, r.endWall - r.startWall);
  let end = r.startWall + span;
  for (const c of r.certs) if (c.notAfter > end && c.notAfter - r.startWall <= 2 * span) end = c.notAfter;
  return end;
}

/** JSON-safe copy: Buffers as hex, Maps as objects, bigints as strings, cycles cut. */
export function jsonSafe(v: unknown): unknown {
  const seen = new WeakSet<object>();
  const walk = (x: unknown, depth: number): unknown => {
    if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
    if (typeof x === 'bigint') return x.toString();
    if (typeof x !== 'object') return undefined;
    if (Buffer.isBuffer(x) || x instanceof Uint8Array) {
      const hex = Buffer.from(x).toString('hex');
      return hex.length > 80 ? `${hex.slice(0, 80)}…(${x.length} bytes)` : hex;
    }
    if (seen.has(x) || depth > 12) return '[…]';
    seen.add(x);
    if (Array.isArray(x)) return x.map((y) => walk(y, depth + 1));
    if (x instanceof Map) return Object.fromEntries([...x].map(([k, y]) => [String(k), walk(y, depth + 1)]));
    const o: Record<string, unknown> = {};
    for (const [k, y] of Object.entries(x)) {
      const w = walk(y, depth + 1);
      if (w !== undefined) o[k] = w;
    }
    return o;
  };
  return walk(v, 0);
}

// ---- HTML -------------------------------------------------------------------------------------

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:20px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 6px;border-top:1px solid #ddd;padding-top:14px}
h3{font-size:15px;margin:16px 0 4px}
.ok{color:#116329}.fail{color:#b42318}.verdict{font-weight:700}
.summary td,.summary th,.steps td,.steps th{padding:2px 8px;text-align:left;vertical-align:top}
.steps{border-collapse:collapse;font-size:12px}.steps tr:nth-child(even){background:#f6f8fa}
.steps .failed{background:#fde8e8}.steps .skipped{color:#888}.steps td:nth-child(3){white-space:nowrap}
pre{background:#0d1117;color:#e6edf3;padding:10px;overflow:auto;font:12px/1.35 ui-monospace,Menlo,Consolas,monospace;max-height:480px}
pre.diff{background:#fff8f0;color:#1b1f24}
.failure{border:2px solid #b42318;padding:8px 12px;background:#fff5f5}
.meta{color:#57606a}
svg.timeline{display:block;margin:6px 0 14px;border:1px solid #d0d7de;background:#fff}
svg .lane-bg{fill:#fff}svg .lane-bg.odd{fill:#f6f8fa}
svg .lane-label{font:12px ui-monospace,Menlo,monospace;fill:#24292f}
svg .tick{font:10px sans-serif;fill:#57606a}svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}
svg .bar.cert{fill:#2da44e;stroke:#1a7f37}svg .bar.cert.rollover{fill:#a5d6a7;stroke:#1a7f37;stroke-dasharray:3 2}
svg .bar.clipped{stroke-dasharray:0}
svg .bar-label{font:9px ui-monospace,monospace;fill:#fff;pointer-events:none}
svg .rollover+.bar-label,svg .bar-label.out{fill:#0b3d17}
svg .renew-line{stroke:#8250df;stroke-width:1.5;stroke-dasharray:2 2}
svg .outage{fill:#cf222e;fill-opacity:.85}
svg .mark{stroke-width:1}
svg .nvram{fill:#0969da}svg .autosave{fill:#1a7f37}svg .noautosave{fill:#d4a72c}
svg .fail{fill:#cf222e}svg .pending{fill:#d4a72c}svg .issued,svg .renewed{fill:#1a7f37}
svg .renew,svg .enroll{fill:#8250df}svg .request{fill:#57606a}svg .key{fill:#0969da}
svg .ca{fill:#6e7781}svg .reload{fill:#cf222e}svg .boot{fill:#57606a}svg .restart{fill:#000}
svg .log{fill:#8c959f}svg .log-warn{fill:#d4a72c}
svg .ike-ok{stroke:#2da44e}svg .ike-fail{stroke:#cf222e;stroke-width:2}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:12px;height:9px;margin-right:4px;vertical-align:middle}
details{margin:4px 0}
`;

function legend(): string {
  const items: [string, string][] = [
    ['#2da44e', 'certificate validity'],
    ['#a5d6a7', 'rollover certificate'],
    ['#8250df', 'renewal / enrollment start (renewal point: dashed line)'],
    ['#1a7f37', 'issued / AUTOSAVE'],
    ['#d4a72c', 'pending / NOAUTOSAVE'],
    ['#cf222e', 'failure / reload / IKE failure (red span: IKE outage)'],
    ['#0969da', 'NVRAM write / key'],
  ];
  return `<div class="legend">${items.map(([c, t]) => `<span><i style="background:${c}"></i>${esc(t)}</span>`).join('')}</div>`;
}

function scenarioSection(r: RunResult, idx: number): string {
  const h: string[] = [];
  const id = `s${idx}`;
  h.push(`<section class="scenario" id="${id}" data-ok="${r.ok}">`);
  h.push(`<h2>${esc(r.scenario.name)} — <span class="verdict ${r.ok ? 'ok' : 'fail'}">${r.ok ? 'PASS' : 'FAIL'}</span></h2>`);
  h.push(
    `<p class="meta">${esc(r.scenario.file)} · seed ${r.seed} · simulated ${esc(isoUtc(r.startWall))} → ${esc(isoUtc(r.endWall))} (${esc(fmtDuration(r.endWall - r.startWall))}) · ${r.steps.length} steps · ${r.events.length} events${r.restarts ? ` · ${r.restarts} restart(s)` : ''}</p>`,
  );
  if (r.scenario.description) h.push(`<p>${esc(r.scenario.description)}</p>`);
  if (r.failure) {
    const f = r.failure;
    h.push(`<div class="failure"><b>Failed</b> in phase <b>${esc(f.phase)}</b> at ${esc(f.where)} (seed ${f.seed})<pre class="diff">${esc(f.message)}</pre>`);
    if (f.diff) h.push(`<pre class="diff">${esc(f.diff)}</pre>`);
    if (f.transcriptTail.length) h.push(`<pre>${esc(f.transcriptTail.join('\n'))}</pre>`);
    h.push('</div>');
  }
  if (r.phases.length) {
    h.push('<h3>Phases</h3><table class="summary"><tr><th>phase</th><th>from</th><th>to</th><th></th></tr>');
    for (const p of r.phases) h.push(`<tr><td>${esc(p.name)}</td><td>${esc(isoUtc(p.wallStart))}</td><td>${esc(isoUtc(p.wallEnd))}</td><td class="${p.ok ? 'ok' : 'fail'}">${p.ok ? 'ok' : 'FAILED'}</td></tr>`);
    h.push('</table>');
  }
  h.push('<h3>Timeline</h3>', legend());
  const tl = buildTimeline(r);
  const from = r.startWall;
  const to = timelineEnd(r);
  for (const d of tl) {
    h.push(`<h3>${esc(d.device)}${d.device === r.ca?.device ? ' (CA)' : ''}</h3>`);
    h.push(renderDeviceSvg(d, from, to));
  }
  const ike = ikeSummary(r);
  if (ike.length) {
    h.push('<h3>IKE</h3><table class="summary ike"><tr><th>router</th><th>peer</th><th>attempts</th><th>failures</th><th>outages</th><th>longest</th><th>total</th><th>reasons</th></tr>');
    for (const k of ike) {
      h.push(
        `<tr><td>${esc(k.router)}</td><td>${esc(k.peer)}</td><td>${k.attempts}</td><td class="${k.failures ? 'fail' : 'ok'}">${k.failures}</td><td>${k.outages}</td><td>${esc(fmtDuration(k.longestOutageMs))}</td><td>${esc(fmtDuration(k.totalOutageMs))}${k.ongoing ? ' (ongoing)' : ''}</td><td>${esc(Object.entries(k.reasons).map(([a, n]) => `${a} ×${n}`).join(', '))}</td></tr>`,
      );
    }
    h.push('</table>');
  }
  h.push('<h3>Steps</h3><table class="steps"><tr><th>#</th><th>phase</th><th>sim time</th><th>step</th><th>status</th></tr>');
  for (const s of r.steps) {
    h.push(
      `<tr class="${s.status}"><td>${s.index + 1}</td><td>${esc(s.phase)}</td><td>${esc(isoUtc(s.wallStart).replace('.000Z', 'Z'))}</td><td>${esc(s.label)}${s.detail && s.status === 'failed' ? `<pre class="diff">${esc(s.detail)}</pre>` : ''}</td><td>${s.status}</td></tr>`,
    );
  }
  h.push('</table>');
  h.push('<h3>Transcript</h3>');
  for (const s of r.sessions) {
    const body = `<pre class="transcript" data-session="${esc(s.id)}">${esc(plainText(s.output))}</pre>`;
    const title = `${esc(s.id)} — ${esc(s.user)}@${esc(s.device)} (${esc(isoUtc(s.openedWall))}${s.closedWall !== undefined ? ` → ${esc(isoUtc(s.closedWall))}` : ''})`;
    h.push(s.helper ? `<details><summary>${title} (helper)</summary>${body}</details>` : `<h4>${title}</h4>${body}`);
  }
  h.push('</section>');
  return h.join('\n');
}

/** The self-contained HTML report for one or more runs. */
export function renderHtml(results: RunResult[], title = 'Router Twin scenario report'): string {
  const pass = results.filter((r) => r.ok).length;
  const h: string[] = [];
  h.push('<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">', `<title>${esc(title)}</title>`, `<style>${CSS}</style></head><body>`);
  h.push(`<h1>${esc(title)}</h1>`);
  h.push(`<p class="verdict ${pass === results.length ? 'ok' : 'fail'}">${pass} of ${results.length} scenario(s) passed</p>`);
  h.push('<table class="summary"><tr><th>scenario</th><th>result</th><th>seed</th><th>simulated</th></tr>');
  results.forEach((r, i) => {
    h.push(`<tr><td><a href="#s${i}">${esc(r.scenario.name)}</a></td><td class="${r.ok ? 'ok' : 'fail'}">${r.ok ? 'PASS' : 'FAIL'}</td><td>${r.seed}</td><td>${esc(fmtDuration(r.endWall - r.startWall))}</td></tr>`);
  });
  h.push('</table>');
  results.forEach((r, i) => h.push(scenarioSection(r, i)));
  h.push('</body></html>');
  return h.join('\n') + '\n';
}

/** JSON report (stable field order; transcripts as plain text). */
export function reportJson(results: RunResult[]): Record<string, unknown> {
  return jsonSafe({
    format: 'router-twin-scenario-report/1',
    passed: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    scenarios: results.map((r) => ({
      name: r.scenario.name,
      file: r.scenario.file,
      ok: r.ok,
      seed: r.seed,
      start: isoUtc(r.startWall),
      end: isoUtc(r.endWall),
      restarts: r.restarts,
      failure: r.failure ?? null,
      phases: r.phases.map((p) => ({ name: p.name, start: isoUtc(p.wallStart), end: isoUtc(p.wallEnd), ok: p.ok })),
      steps: r.steps.map((s) => ({ index: s.index, where: s.where, phase: s.phase, label: s.label, at: isoUtc(s.wallStart), status: s.status, ...(s.detail ? { detail: s.detail } : {}) })),
      timeline: buildTimeline(r).map((d) => ({
        device: d.device,
        lanes: d.lanes.map((l) => ({
          label: l.label,
          kind: l.kind,
          bars: l.bars.map((b) => ({ from: isoUtc(b.from), to: isoUtc(b.to), label: b.label, serial: b.serial ?? null, cls: b.cls })),
          marks: l.marks.map((m) => ({ at: isoUtc(m.at), cls: m.cls, title: m.title })),
        })),
      })),
      ike: ikeSummary(r),
      certificates: r.certs.map((c) => ({ ...c, notBefore: isoUtc(c.notBefore), notAfter: isoUtc(c.notAfter), seenAt: isoUtc(c.seenAt) })),
      events: r.events.map((e) => ({ at: isoUtc(e.wall), device: e.device ?? null, type: e.type, data: e.data })),
      transcripts: r.sessions.map((s) => ({ session: s.id, device: s.device, user: s.user, helper: s.helper, text: plainText(s.output) })),
    })),
  }) as Record<string, unknown>;
}
