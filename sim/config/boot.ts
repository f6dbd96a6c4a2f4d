/**
 * Boot by replay (FRR `command_config_read_one_line`): the startup-config text goes line by
 * line through the interactive grammar in config mode; failures are collected with their
 * line numbers instead of aborting. Dialogs are not available (ask() → bootAnswer or
 * failure); `readText()` consumes the following lines of the file (banner text, hex).
 * Synchronous unless a handler is asynchronous.
 */
import { parseConfigTime } from '../kernel/clock.js';
import type { Device } from '../device/device.js';
import { DialogAbort } from '../device/feature.js';
import { executeLine, type ExecEnv, type ModeFrame } from '../cli/executor.js';

export interface BootError {
  lineNo: number;
  line: string;
  message: string;
}

export interface ReplayOptions {
  /** User named in logs (`console`). */
  user?: string;
}

/** Replay `text` in config mode; returns the errors (sync when every handler is sync). */
export function replayConfig(device: Device, text: string, opts: ReplayOptions = {}): BootError[] | Promise<BootError[]> {
  const lines = text.split(/\r?\n/);
  let cursor = 0;
  const errors: BootError[] = [];
  const modes: ModeFrame[] = [{ mode: 'exec' }, { mode: 'config' }];
  let currentLineNo = 0;
  let done = false;
  const env: ExecEnv = {
    device,
    booting: true,
    user: opts.user ?? 'console',
    privilege: () => 15,
    modes,
    promptLen: () => 0,
    write: (l) => {
      if (l.trim() !== '') device.bootLog.push(l);
    },
    ask: (_q, o) => {
      if (o.bootAnswer !== undefined) return Promise.resolve(o.bootAnswer);
      return Promise.reject(new DialogAbort('dialog during boot replay'));
    },
    readText: () => {
      if (cursor >= lines.length) return Promise.resolve(null);
      return Promise.resolve(lines[cursor++]!);
    },
    changed: () => {},
    leftConfig: () => {
      done = true;
    },
    failed: (line, out) => {
      const message = out.filter((l) => l.trim() !== '' && !/^\s*\^$/.test(l)).join(' ') || 'failed';
      errors.push({ lineNo: currentLineNo, line, message });
    },
  };
  const step = (): BootError[] | Promise<BootError[]> => {
    while (cursor < lines.length && !done) {
      const line = lines[cursor]!;
      currentLineNo = ++cursor;
      const nv = /^! NVRAM config last updated at (.+) by (\S+)\s*$/.exec(line);
      if (nv) {
        const t = parseConfigTime(nv[1]!);
        if (t !== undefined) device.config.nvramUpdated = { t, user: nv[2]! };
        continue;
      }
      if (/^end\s*$/.test(line)) {
        done = true;
        break;
      }
      const r = executeLine(env, line);
      if (r) return r.then(step);
    }
    return errors;
  };
  return step();
}
