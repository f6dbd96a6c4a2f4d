/**
 * # Feature API — how a feature plugs into the simulator core
 *
 * A feature (system, interface, line, logging, users, nvram, … and later pki, ike) is ONE
 * object of type `Feature`, exported from `sim/features/<name>/index.ts` and listed once in
 * `sim/features/index.ts` (that one line is the whole registration). It may contribute:
 *
 * 1. **Modes and commands** (`modes`, `commands`): pure data declared in
 *    `cli-grammar/ios/<name>.ts` (see cli-grammar/types.ts for the syntax language). The
 *    process builds ONE grammar from every feature's declarations, shared by all devices.
 * 2. **Handlers** (`handlers`): `{ [intentId]: Handler }`. Every intent id declared by any
 *    feature must be bound exactly once across all features — checked when the registry is
 *    built (a missing or duplicate binding throws at startup, not at first use).
 * 3. **Running-config sections** (`sections`): `{ id, order, render(ctx, w) }`. Sections run in
 *    ascending `order` (ties: registration order); the writer (`sim/config/writer.ts`) offers
 *    `line`, lazy `frame`/`endFrame` (the header prints only if the body printed something,
 *    like FRR's vty_frame) and `bang` (`!`). The core's orders:
 *        100 version/service   200 hostname   300 boot markers   400 logging  410 enable
 *        500 aaa               600 ip cef / domain               700 (free: pki trustpoints
 *        700, certificate chains 750)         800 username       900 interfaces
 *        1000 ip forward/http  1100 (free: control-plane)        1200 banner
 *        1300 lines            1400 ntp         (then `end`)
 *    A section ends its block with `w.bang()` when IOS prints a `!` after it.
 *    `render` receives `{ state, device, target }` where target is 'running' | 'startup' (PKI
 *    prints certificate hex in running-config and `nvram:` references in startup).
 * 4. **State** (`initState`): returns the feature's slice, stored in `state.ext[id]` and rebuilt
 *    on every boot before replay. Read it with `featureState<T>(state, id)`.
 * 5. **Private NVRAM** (`privateNvram`): `{ save(device) → JSON value, load(device, value) }`.
 *    Saved with every `write memory` into `nvram/private-config.json` (under the feature id),
 *    loaded at boot BEFORE the startup-config is replayed (keys before certificate chains).
 * 6. **Boot hook** (`onBoot(device)`): after replay (schedule timers, e.g. PKI renewal).
 *    Use `device.scheduler` / `device.wallNow()`; cancel timers in `onShutdown(device)`
 *    (called before reload).
 *
 * ## Handlers
 * `Handler = (ctx: HandlerContext) => void | Promise<void>`. `ctx` gives the device, its state,
 * parsed `args` (by `$var` name), `negated`/`prefix` for `no`/`default`, the `mode` the line
 * matched in and `modeCtx` (e.g. the interface name in config-if), and:
 *   - `out(line)`: one output line (no line terminator; the session adds \r\n, applies
 *     `| include` modifiers and the pager),
 *   - `error(text)`: an IOS `%` error line (e.g. `% Invalid input detected at '^' marker.` is the
 *     engine's job; use this for semantic errors like `% Incomplete command.` or `% Bad mask`),
 *   - `ask(question, {echo, bootAnswer})`: a dialog (`[confirm]`, `[yes/no]: `, `Password: `);
 *     the answer is the next typed line (without its Enter); rejects with `DialogAbort` on
 *     Ctrl-C / disconnect (the executor swallows it and prints nothing more). During boot
 *     replay there is no session: ask() returns `bootAnswer` if given, else throws
 *     `DialogAbort` and the line is reported as a boot error.
 *   - `readText(prompt)`: a raw continuation line (multi-line banner text, PKI certificate hex):
 *     interactively the next typed line, during boot the next line of the startup-config.
 *     Resolves null at end of input.
 *   - `enterMode(modeId, modeCtx)` / `exitMode(1 | 'all')`: sub-modes.
 *   - `invalid(atText)`: the IOS caret error under an argument the handler rejects.
 *   - `log(tag, text)`: syslog, e.g. `ctx.log('SYS-5-CONFIG_I', 'Configured from ...')`.
 *   - `markChanged()`: the running-config changed (config-mode commands are marked
 *     automatically except navigation; call it from EXEC handlers that change config).
 *   - `session`: the CLI session (undefined during boot replay / NVRAM merges), `booting`.
 *
 * ## System changes (PKI autosave rule, ios-behaviour §7.4)
 *   `device.config.dirty` — running differs from startup (set when a changing config session
 *   ends, on `erase startup-config`, or by `device.markSystemChange(user)`).
 *   `device.saveToNvram(user)` — what `write memory` does (render, write atomically, clear dirty).
 *   `device.events` / `world.events` — every log line, NVRAM write, config change, reload.
 */
import type { Args, CommandSpec, ModeId, ModeSpec } from '../../cli-grammar/types.js';
import type { RouterState } from './state.js';
import type { ConfigWriter } from '../config/writer.js';
import type { Device } from './device.js';
import type { SessionInfo } from '../cli/executor.js';

export class DialogAbort extends Error {
  constructor(reason = 'aborted') {
    super(reason);
  }
}

export interface AskOptions {
  /** Echo typed characters (false for passwords). Default true. */
  echo?: boolean;
  /** Answer used during boot replay instead of failing. */
  bootAnswer?: string;
}

export interface HandlerContext {
  readonly device: Device;
  readonly state: RouterState;
  readonly args: Args;
  readonly negated: boolean;
  readonly prefix?: 'no' | 'default';
  /** The mode the line matched in (a parent mode when the line walked up). */
  readonly mode: ModeId;
  /** Context of that mode, e.g. the interface name for config-if, line range for config-line. */
  readonly modeCtx: unknown;
  /** The line as typed (after `do`, before output modifiers). */
  readonly line: string;
  readonly booting: boolean;
  /** The interactive session; undefined during boot replay. */
  readonly session?: SessionInfo;
  /** User name for logs (`console` on the console, the login user on vty). */
  readonly user: string;
  out(line: string): void;
  error(text: string): void;
  ask(question: string, opts?: AskOptions): Promise<string>;
  readText(prompt?: string): Promise<string | null>;
  enterMode(mode: ModeId, modeCtx?: unknown): void;
  /** Leave one sub-mode, or `'all'` to return to EXEC (`end`). */
  exitMode(levels?: 1 | 'all'): void;
  /** Print the IOS caret error under `atText` (its last occurrence in the line; end of line if absent). */
  invalid(atText?: string): void;
  log(tag: string, text: string): void;
  markChanged(): void;
}

export type Handler = (ctx: HandlerContext) => void | Promise<void>;

export interface SectionRenderContext {
  readonly state: RouterState;
  readonly device: Device;
  readonly target: 'running' | 'startup';
}

export interface Section {
  id: string;
  order: number;
  render(ctx: SectionRenderContext, w: ConfigWriter): void;
}

export interface Feature<S = unknown> {
  id: string;
  modes?: readonly ModeSpec[];
  commands?: readonly CommandSpec[];
  handlers?: Readonly<Record<string, Handler>>;
  sections?: readonly Section[];
  initState?(): S;
  privateNvram?: { save(device: Device): unknown; load(device: Device, data: unknown): void };
  onBoot?(device: Device): void;
  onShutdown?(device: Device): void;
}

export function featureState<T>(state: RouterState, id: string): T {
  const s = state.ext[id];
  if (s === undefined) throw new Error(`feature state '${id}' missing (no initState?)`);
  return s as T;
}
