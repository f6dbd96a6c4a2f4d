/**
 * Running/startup-config rendering from state, through the sections registered by features.
 *
 * Byte count (`Current configuration : N bytes`): the twin counts the body it prints — from
 * the first `!` after that line through `end` — with one byte per `\n` line end (IOS counts
 * its NVRAM text, which uses \n). The NVRAM startup-config file holds exactly that body.
 */
import { fmtConfigTime } from '../kernel/clock.js';
import type { Device } from '../device/device.js';
import { ConfigWriter } from './writer.js';

export interface RenderOptions {
  target: 'running' | 'startup';
  /** Comment lines at the top (`! Last configuration change …`); default true. */
  comments?: boolean;
  /** For `write memory`: the NVRAM-updated line to embed. */
  nvramUpdated?: { t: number; user: string };
}

/** The config body: `!` … `end` (no `Building configuration...` header). */
export function renderBody(device: Device, opts: RenderOptions): string[] {
  const w = new ConfigWriter();
  w.bang();
  if (opts.comments !== false) {
    const c: string[] = [];
    const meta = device.config;
    if (meta.lastChange) c.push(`! Last configuration change at ${fmtConfigTime(meta.lastChange.t)} by ${meta.lastChange.user}`);
    const nv = opts.nvramUpdated ?? meta.nvramUpdated;
    if (nv) c.push(`! NVRAM config last updated at ${fmtConfigTime(nv.t)} by ${nv.user}`);
    if (c.length) {
      for (const l of c) w.line(l);
      w.bang();
    }
  }
  const ctx = { state: device.state, device, target: opts.target };
  for (const s of device.registry.sections) s.render(ctx, w);
  w.line('end');
  return w.lines;
}

export function byteCount(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += Buffer.byteLength(l, 'utf8') + 1;
  return n;
}

/** `show running-config` lines. */
export function renderRunning(device: Device): string[] {
  const body = renderBody(device, { target: 'running' });
  return ['Building configuration...', '', `Current configuration : ${byteCount(body)} bytes`, ...body];
}

/** The NVRAM text for `write memory`. */
export function renderStartupText(device: Device, nvramUpdated: { t: number; user: string }): string {
  return renderBody(device, { target: 'startup', nvramUpdated }).join('\n') + '\n';
}
