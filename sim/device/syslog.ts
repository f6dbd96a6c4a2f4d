/**
 * Per-device syslog: formats `%FAC-SEV-MNEMONIC: text` with the configured timestamp,
 * keeps the `logging buffered` ring (bounded by bytes), delivers to console sessions
 * (`logging console`) and to vty sessions that ran `terminal monitor`, and publishes every
 * message as a `log` event.
 */
import { fmtLogDatetime, fmtLogUptime } from '../kernel/clock.js';
import type { Device } from './device.js';
import type { Severity } from './state.js';

export interface LogEntry {
  /** World time (sim ms). */
  t: number;
  tag: string;
  severity: Severity;
  /** The full line(s) as printed, timestamp included (may contain \n for multi-line messages). */
  text: string;
}

export interface LogSink {
  /** Deliver a formatted message to a terminal (vty with `terminal monitor`, or console). */
  deliverLog(entry: LogEntry): void;
  readonly lineKind: 'vty' | 'con';
  monitor: boolean;
}

export class Syslog {
  private buf: LogEntry[] = [];
  private bufBytes = 0;
  counts = { console: 0, monitor: 0, buffer: 0, trap: 0, dropped: 0 };

  constructor(private readonly device: Device) {}

  entries(): readonly LogEntry[] {
    return this.buf;
  }

  /** Boot: RAM is gone (buffer and counters). */
  clear(): void {
    this.buf = [];
    this.bufBytes = 0;
    this.counts = { console: 0, monitor: 0, buffer: 0, trap: 0, dropped: 0 };
  }

  /** Current timestamp prefix per `service timestamps log …` (without the trailing `: `). */
  stamp(): string {
    const ts = this.device.state.timestamps.log;
    if (ts.kind === null) return '';
    if (ts.kind === 'uptime') return fmtLogUptime(this.device.uptimeMs());
    const star = this.device.clockAuthoritative() ? '' : '*';
    return star + fmtLogDatetime(this.device.wallNow(), { msec: ts.msec, year: ts.year, ...(ts.showTimezone ? { zone: 'UTC' } : {}) });
  }

  /** Log `%TAG: text`; `tag` is `FAC-SEV-MNEMONIC` (e.g. `SYS-5-CONFIG_I`). */
  log(tag: string, text: string): LogEntry {
    const m = /^[A-Z0-9_]+-(\d)-/.exec(tag);
    const severity = (m ? Number(m[1]) : 6) as Severity;
    const stamp = this.stamp();
    const line = `${stamp ? `${stamp}: ` : ''}%${tag}: ${text}`;
    return this.raw(line, tag, severity);
  }

  /** A message without the `%TAG:` shape (e.g. ` RSA key size needs to be atleast 768 bits…`). */
  raw(text: string, tag = '', severity: Severity = 6): LogEntry {
    const d = this.device;
    const entry: LogEntry = { t: d.world.now(), tag, severity, text };
    const lg = d.state.logging;
    if (lg.buffered.enabled && severity <= lg.buffered.level) {
      this.buf.push(entry);
      this.bufBytes += text.length + 1;
      while (this.bufBytes > lg.buffered.size && this.buf.length > 1) {
        const old = this.buf.shift()!;
        this.bufBytes -= old.text.length + 1;
      }
      this.counts.buffer++;
    }
    if (severity <= 6) this.counts.trap++;
    for (const s of d.logSinks()) {
      if (s.lineKind === 'con') {
        if (lg.console.enabled && severity <= lg.console.level) {
          this.counts.console++;
          s.deliverLog(entry);
        }
      } else if (s.monitor && lg.monitor.enabled && severity <= lg.monitor.level) {
        this.counts.monitor++;
        s.deliverLog(entry);
      }
    }
    d.emit('log', { tag, severity, text });
    return entry;
  }

  /** Shrink the ring after `logging buffered SIZE`. */
  resize(): void {
    const size = this.device.state.logging.buffered.size;
    while (this.bufBytes > size && this.buf.length > 1) {
      const old = this.buf.shift()!;
      this.bufBytes -= old.text.length + 1;
    }
  }
}
