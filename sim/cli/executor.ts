/**
 * Runs one command line against a device: output modifiers, grammar match (with walk-up and
 * `do`), IOS error rendering, handler dispatch with a HandlerContext, change tracking.
 * Shared by interactive sessions (sim/cli/session.ts), `exec` channels and boot replay
 * (sim/config/boot.ts) through the ExecEnv interface. Returns synchronously when the handler
 * is synchronous (the common case), else a Promise.
 */
import { renderError } from '../../cli-grammar/engine.js';
import type { ModeId } from '../../cli-grammar/types.js';
import type { SimMs } from '../kernel/scheduler.js';
import type { Device } from '../device/device.js';
import { DialogAbort, type AskOptions, type HandlerContext } from '../device/feature.js';
import { makeFilter, type OutputFilter } from './modifiers.js';

export interface ModeFrame {
  mode: ModeId;
  ctx?: unknown;
}

/** What handlers may see of an interactive session (implemented by sim/cli/session.ts). */
export interface SessionInfo {
  readonly id: number;
  readonly user: string;
  privilege: number;
  readonly lineKind: 'vty' | 'con';
  readonly lineIndex: number;
  readonly peer: string;
  readonly openedAt: SimMs;
  readonly lastInputAt: SimMs;
  termLength: number;
  termWidth: number;
  /** Terminal type from the client's pty request (`show terminal`), e.g. 'xterm-256color'. */
  readonly termType?: string;
  monitor: boolean;
  readonly history: readonly string[];
  readonly modeStack: readonly ModeFrame[];
  /** `exit` / `logout`: end the session (exit status for SSH). */
  end(exitStatus?: number): void;
  /** Line name as IOS prints it in logs: `vty0`, `console`. */
  readonly lineName: string;
}

export interface ExecEnv {
  readonly device: Device;
  readonly session?: SessionInfo;
  readonly booting: boolean;
  readonly user: string;
  privilege(): number;
  readonly modes: ModeFrame[];
  /** Prompt length for caret columns (0 in boot replay). */
  promptLen(): number;
  /** Write one output line (already filtered). */
  write(line: string): void;
  ask(question: string, opts: AskOptions): Promise<string>;
  readText(prompt: string | undefined): Promise<string | null>;
  /** A config-mode command changed the configuration. */
  changed(): void;
  /** Left configuration mode (exec reached from a config mode). */
  leftConfig(): void;
  /** A line could not be executed (boot replay collects these). */
  failed?(line: string, lines: string[]): void;
}

/** Intents that never count as configuration changes (navigation). */
const NAV_INTENTS = new Set(['config.end', 'config.exit', 'interface.enter', 'line.enter']);

export type MaybePromise = void | Promise<void>;

export function currentMode(env: ExecEnv): ModeId {
  return env.modes[env.modes.length - 1]!.mode;
}

function isConfigKind(device: Device, mode: ModeId): boolean {
  return device.registry.modeSpec(mode)?.kind === 'config';
}

/** Split `show run | include foo` into the command and its modifier (first `|` preceded by a space). */
function splitModifier(line: string): { cmd: string; pipe?: { text: string; offset: number } } {
  const m = /\s\|/.exec(line);
  if (!m) return { cmd: line };
  const offset = m.index + 2;
  return { cmd: line.slice(0, m.index), pipe: { text: line.slice(offset), offset } };
}

export function executeLine(env: ExecEnv, rawLine: string): MaybePromise {
  const device = env.device;
  const reg = device.registry;
  const line = rawLine.replace(/[\r\n]+$/, '');
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('!')) return;
  const mode = currentMode(env);
  const kind = reg.modeSpec(mode)?.kind ?? 'exec';
  const priv = env.privilege();

  // Output modifiers only for EXEC commands (typed in exec, or with `do`).
  let cmdText = line;
  let filter: OutputFilter | undefined;
  const isDo = kind === 'config' && /^\s*do(\s|$)/i.test(line);
  if (kind === 'exec' || isDo) {
    const sp = splitModifier(line);
    if (sp.pipe) {
      const pm = reg.grammar.match('pipe', sp.pipe.text, 15);
      if (pm.kind !== 'ok') {
        const shifted = pm.kind === 'invalid' ? { ...pm, column: pm.column + sp.pipe.offset } : pm;
        emitError(env, renderError(shifted, env.promptLen(), line), line);
        return;
      }
      const cm = reg.grammar.match(mode, sp.cmd, priv);
      if (cm.kind === 'ok' && !(cm.id.startsWith('show.') || (cm.id === 'nvram.write' && cm.args.what === 'terminal'))) {
        // `|` after a command that takes no modifiers: IOS marks the pipe itself.
        emitError(env, renderError({ kind: 'invalid', column: sp.pipe.offset - 1 }, env.promptLen(), line), line);
        return;
      }
      cmdText = sp.cmd;
      filter = makeFilter(pm.id, String(pm.args.regex ?? ''));
    }
  }

  const res = reg.grammar.match(mode, cmdText, priv);
  if (res.kind !== 'ok') {
    // EXEC: an unknown single word is a host name to connect to (ios-behaviour §2.1).
    if (kind === 'exec' && res.kind === 'invalid' && !env.booting && /^\s*\S+\s*$/.test(cmdText) && !filter) {
      translating(env, cmdText.trim());
      return;
    }
    emitError(env, renderError(res, env.promptLen(), cmdText), line);
    return;
  }

  const handler = reg.handlers.get(res.id);
  if (!handler) {
    emitError(env, [`% Internal error: no handler for '${res.id}'`], line);
    return;
  }

  // Walk-up: a line that matched in a parent mode leaves the sub-modes first.
  const wasConfig = kind === 'config';
  const viaDo = wasConfig && res.mode !== mode && !isConfigKind(device, res.mode);
  if (!viaDo && res.mode !== mode) {
    while (env.modes.length > 1 && currentMode(env) !== res.mode) env.modes.pop();
  }
  const frame = viaDo ? { mode: res.mode } : env.modes[env.modes.length - 1]!;
  const matchedConfig = isConfigKind(device, res.mode);

  let anyOut = false;
  const write = (l: string) => {
    anyOut = true;
    if (filter) filter.push(l);
    else env.write(l);
  };
  const ctx: HandlerContext = {
    device,
    state: device.state,
    args: res.args,
    negated: res.negated,
    ...(res.prefix ? { prefix: res.prefix } : {}),
    mode: res.mode,
    modeCtx: frame.ctx,
    line: cmdText,
    booting: env.booting,
    ...(env.session ? { session: env.session } : {}),
    user: env.user,
    out: write,
    error: (text: string) => {
      write(text);
      env.failed?.(line, [text]);
    },
    invalid: (atText?: string) => {
      const idx = atText === undefined ? -1 : cmdText.lastIndexOf(atText);
      const column = idx >= 0 ? idx : cmdText.replace(/\s+$/, '').length;
      const lines = renderError({ kind: 'invalid', column }, env.promptLen(), cmdText);
      for (const l of lines) write(l);
      env.failed?.(line, lines);
    },
    ask: (q, o) => {
      flushFilter();
      return env.ask(q, o ?? {});
    },
    readText: (p) => env.readText(p),
    enterMode: (m, c) => {
      if (viaDo) return; // `do` cannot change modes
      env.modes.push(c === undefined ? { mode: m } : { mode: m, ctx: c });
    },
    exitMode: (levels?: 1 | 'all') => {
      if (viaDo) return;
      if (levels === 'all') env.modes.splice(1);
      else if (env.modes.length > 1) env.modes.pop();
    },
    log: (tag, text) => device.syslog.log(tag, text),
    markChanged: () => env.changed(),
  };
  const flushFilter = () => {
    if (filter) for (const l of filter.drain()) env.write(l);
  };
  const finish = () => {
    if (filter) {
      for (const l of filter.end()) env.write(l);
    }
    if (matchedConfig && !NAV_INTENTS.has(res.id)) env.changed();
    if (wasConfig && !viaDo && !isConfigKind(device, currentMode(env))) env.leftConfig();
    void anyOut;
  };
  const fail = (e: unknown) => {
    if (e instanceof DialogAbort) {
      if (wasConfig && !viaDo && !isConfigKind(device, currentMode(env))) env.leftConfig();
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    emitError(env, [`% Internal error: ${msg}`], line);
  };
  try {
    const r = handler(ctx);
    if (r && typeof (r as Promise<void>).then === 'function') {
      return (r as Promise<void>).then(finish, fail);
    }
    finish();
  } catch (e) {
    fail(e);
  }
}

function emitError(env: ExecEnv, lines: string[], line: string): void {
  for (const l of lines) env.write(l);
  env.failed?.(line, lines);
}

/**
 * Unknown word at EXEC: IOS tries to telnet to it. The twin answers at once (no DNS wait).
 * With `ip domain-lookup` (the default) the first line names the broadcast domain server;
 * with `no ip domain-lookup` it is just `Translating "foo"` (ios-behaviour §2.1).
 */
function translating(env: ExecEnv, word: string): void {
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(word);
  if (ipv4) {
    env.write(`Trying ${word} ... `);
    env.write('% Connection timed out; remote host not responding');
    env.failed?.(word, []);
    return;
  }
  const lookup = env.device.state.domainLookup;
  env.write(lookup ? `Translating "${word}"...domain server (255.255.255.255)` : `Translating "${word}"`);
  env.write('% Unknown command or computer name, or unable to find computer address');
  env.failed?.(word, []);
}
