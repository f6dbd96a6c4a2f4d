/**
 * State predicates — the one language for scenario `check` steps and training-lab tasks.
 * Read-only: running-config is rendered from state (no CLI session, nothing typed), NVRAM is
 * read through the device's public startupText(), events come from the world event bus.
 */
import { renderBody } from '../config/render.js';
import type { Device } from '../device/device.js';
import { countOk, describeCount, regexLiteral, textMatches, valueMatches } from './expect.js';
import type { Predicate } from './schema.js';
import { trustpoints } from './probe.js';
import { ikeLoaded } from './ike.js';
import type { World } from '../world/world.js';

export interface TimelineEvent {
  /** Absolute simulated wall time: ms since the Unix epoch (world epoch + world time). */
  wall: number;
  /** Index in the run's event list (continues across restarts). */
  n: number;
  device?: string | undefined;
  type: string;
  data: Record<string, unknown>;
}

export interface StateView {
  device(name: string): Device | undefined;
  /** The world (IKE figures live per world); optional for views without one. */
  world?: World | undefined;
  /** Events the predicate may look at (since the lab baseline / scenario start). */
  events(): readonly TimelineEvent[];
}

export interface Verdict {
  ok: boolean;
  /** Why (for failures and the dashboard): one line. */
  detail: string;
}

/** Running-config lines from state (no comments, no `Building configuration...`). */
export function runningConfig(d: Device): string {
  return renderBody(d, { target: 'running', comments: false }).join('\n') + '\n';
}

/** The block that starts with `header` (the header line and its indented lines). */
export function section(text: string, header: string): string | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trimEnd() === header.trimEnd());
  if (i < 0) return undefined;
  const out = [lines[i]!];
  for (let j = i + 1; j < lines.length && /^ /.test(lines[j]!); j++) out.push(lines[j]!);
  return out.join('\n') + '\n';
}

type TextSpec = NonNullable<Predicate['running']>;

function textCheck(what: string, text: string | undefined, spec: TextSpec): Verdict {
  if (text === undefined) return { ok: false, detail: `${spec.device}: ${what} is empty` };
  let body = text;
  if (spec.section !== undefined) {
    const s = section(text, spec.section);
    if (s === undefined) return { ok: false, detail: `${spec.device}: ${what} has no "${spec.section}"` };
    body = s;
  }
  const arr = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const where = spec.section !== undefined ? `${what} (${spec.section})` : what;
  for (const c of arr(spec.contains)) if (!lineAware(body, c)) return { ok: false, detail: `${spec.device}: ${where} lacks "${c.trim()}"` };
  for (const r of arr(spec.regex)) if (!new RegExp(r, 'm').test(body)) return { ok: false, detail: `${spec.device}: ${where} does not match /${r}/` };
  for (const n of arr(spec.not)) if (lineAware(body, n)) return { ok: false, detail: `${spec.device}: ${where} still has "${n.trim()}"` };
  return { ok: true, detail: `${spec.device}: ${where} as required` };
}

/** Substring match; a pattern that is a whole config line also matches only whole lines. */
function lineAware(body: string, pat: string): boolean {
  return body.includes(pat);
}

export function evaluate(p: Predicate, view: StateView): Verdict {
  if (p.running) {
    const d = view.device(p.running.device);
    if (!d) return { ok: false, detail: `no device ${p.running.device}` };
    return textCheck('running-config', runningConfig(d), p.running);
  }
  if (p.startup) {
    const d = view.device(p.startup.device);
    if (!d) return { ok: false, detail: `no device ${p.startup.device}` };
    return textCheck('startup-config', d.startupText(), p.startup);
  }
  if (p.saved) {
    const d = view.device(p.saved.device);
    if (!d) return { ok: false, detail: `no device ${p.saved.device}` };
    return d.isModified()
      ? { ok: false, detail: `${p.saved.device}: running-config has unsaved changes (write memory)` }
      : { ok: true, detail: `${p.saved.device}: configuration saved` };
  }
  if (p.log) {
    const { device, message, count } = p.log;
    const n = view.events().filter((e) => e.type === 'log' && (device === undefined || e.device === device) && textMatches(String(e.data.text ?? ''), message)).length;
    const ok = countOk(n, count);
    return { ok, detail: `${device ?? 'any device'}: "${message}" logged ${n} time(s) (want ${describeCount(count)})` };
  }
  if (p.event) {
    const { type, device, match, count } = p.event;
    const n = view.events().filter((e) => e.type === type && (device === undefined || e.device === device) && valueMatches(e.data, match ?? {})).length;
    const ok = countOk(n, count);
    return { ok, detail: `${type} events${device ? ` on ${device}` : ''}: ${n} (want ${describeCount(count)})` };
  }
  if (p.cert) {
    const c = p.cert;
    const d = view.device(c.device);
    if (!d) return { ok: false, detail: `no device ${c.device}` };
    const tp = trustpoints(d).find((t) => t.name === c.trustpoint);
    const want = c.state ?? 'valid';
    const active = tp?.certs.filter((x) => x.role === 'active') ?? [];
    const now = d.wallNow();
    const cur = active.find((x) => x.notBefore <= now && now < x.notAfter) ?? active[0];
    const state: 'valid' | 'none' | 'expired' = !cur ? 'none' : cur.notBefore <= now && now < cur.notAfter ? 'valid' : 'expired';
    const what = `${c.device} trustpoint ${c.trustpoint}`;
    if (!tp) return { ok: want === 'none', detail: `${what} is not configured` };
    if (state !== want) return { ok: false, detail: `${what}: certificate ${state === 'none' ? 'missing' : `${cur!.serial} is ${state}`} (want ${want})` };
    if (cur && c.notSerial !== undefined && cur.serial.toUpperCase().replace(/^0+/, '') === c.notSerial.toUpperCase().replace(/^0+/, '')) {
      return { ok: false, detail: `${what}: still certificate ${cur.serial}` };
    }
    if (cur && c.inStartup) {
      const chain = section(d.startupText() ?? '', `crypto pki certificate chain ${c.trustpoint}`) ?? '';
      if (!new RegExp(`^ certificate ${cur.serial}\\b`, 'im').test(chain)) return { ok: false, detail: `${what}: certificate ${cur.serial} is not in startup-config (not saved)` };
    }
    return { ok: true, detail: cur ? `${what}: certificate ${cur.serial} ${state}${c.inStartup ? ', saved' : ''}` : `${what}: no certificate` };
  }
  if (p.ike) {
    const { peer, router, last } = p.ike;
    const ike = ikeLoaded();
    if (!ike || !view.world) return { ok: false, detail: 'the IKE simulation is not running in this lab' };
    const st = ike.stats(view.world, { peer, ...(router ? { router } : {}) })[0];
    if (!st?.last) return { ok: false, detail: `IKE peer ${peer}: no attempt yet` };
    const want = last ?? 'ok';
    const got = st.last.ok ? 'ok' : 'failed';
    return { ok: got === want, detail: `IKE peer ${peer}: last attempt ${got}${st.last.ok ? '' : ` (${st.last.reason ?? '?'})`}, ${st.attempts} attempts, ${st.failures} failed` };
  }
  if (p.all) {
    for (const q of p.all) {
      const v = evaluate(q, view);
      if (!v.ok) return v;
    }
    return { ok: true, detail: 'all conditions hold' };
  }
  if (p.any) {
    const vs = p.any.map((q) => evaluate(q, view));
    const good = vs.find((v) => v.ok);
    return good ?? { ok: false, detail: vs.map((v) => v.detail).join('; or ') };
  }
  if (p.not) {
    const v = evaluate(p.not, view);
    return { ok: !v.ok, detail: v.ok ? `not expected: ${v.detail}` : v.detail };
  }
  return { ok: false, detail: 'empty check' };
}

export { regexLiteral };
