/**
 * An interactive IOS CLI session (implements CliSession from sim/contracts.ts): line
 * discipline and editing, prompts, `?` help, Tab completion, history, typeahead, dialogs
 * (handler `ask()`), the ` --More-- ` pager, terminal monitor delivery, exec-timeout.
 *
 * Input model: every byte goes into `inbuf`; `pump()` consumes it according to `state`:
 *   edit  — line editor (the prompt is shown),
 *   busy  — a command runs; bytes wait (typeahead),
 *   ask   — a dialog question waits for a line (echo optional),
 *   more  — the pager waits for one key.
 * Synchronous commands complete inside `input()`; asynchronous ones resume the pump.
 */
import { renderError, renderHelp, renderWordHelp } from '../../cli-grammar/engine.js';
import type { HelpItem, ModeId } from '../../cli-grammar/types.js';
import type { CliSession, SessionOptions } from '../contracts.js';
import type { SimMs, TimerHandle } from '../kernel/scheduler.js';
import type { Device } from '../device/device.js';
import { DialogAbort, type AskOptions } from '../device/feature.js';
import type { LogEntry, LogSink } from '../device/syslog.js';
import { executeLine, type ExecEnv, type ModeFrame, type SessionInfo } from './executor.js';

export const MAX_LINE = 65536;
const HISTORY_SIZE = 10; // IOS `terminal history size` default
const MORE = ' --More-- ';

type State = 'edit' | 'busy' | 'ask' | 'more' | 'closed';

export class Session implements CliSession, SessionInfo, LogSink {
  readonly user: string;
  privilege: number;
  readonly lineKind: 'vty' | 'con';
  readonly peer: string;
  readonly openedAt: SimMs;
  lastInputAt: SimMs;
  termLength: number;
  termWidth: number;
  readonly termType: string | undefined;
  /** Horizontal scroll of the edit line: index of the first buffer character shown (0 = none). */
  private viewOff = 0;
  monitor = false;
  readonly history: string[] = [];
  readonly modeStack: ModeFrame[] = [{ mode: 'exec' }];

  private outCbs: ((d: string) => void)[] = [];
  private closeCbs: ((s: number) => void)[] = [];
  private preOut: string[] = [];
  private inbuf = '';
  private lastCR = false;
  private state: State = 'busy';
  private buf = '';
  private cursor = 0;
  private histIdx = -1;
  private histSaved = '';
  private askCtl?: { resolve: (s: string) => void; reject: (e: Error) => void; echo: boolean; buf: string };
  private moreCtl?: (key: string) => void;
  private outQueue: string[] = [];
  private pageLines = 0;
  private pagerAborted = false;
  private asyncLogs: string[] = [];
  private idleWaiters: (() => void)[] = [];
  private configChanged = false;
  private timeoutTimer: TimerHandle | undefined;
  private readonly batch: boolean;
  private readonly env: ExecEnv;

  constructor(
    readonly device: Device,
    readonly id: number,
    readonly opts: SessionOptions,
    readonly lineIndex: number,
    flags: { batch?: boolean },
  ) {
    this.user = opts.user;
    this.privilege = opts.privilege;
    this.lineKind = opts.line;
    this.peer = opts.peer;
    this.openedAt = device.world.now();
    this.lastInputAt = this.openedAt;
    this.batch = flags.batch === true;
    this.termWidth = opts.cols ?? 80;
    this.termType = opts.term;
    // Pager length: the pty's rows when given (0 = a pipe, no paging), else IOS's default 24.
    this.termLength = this.batch ? 0 : opts.rows ?? 24;
    const self = this;
    this.env = {
      device,
      session: this,
      booting: false,
      get user() {
        return self.user;
      },
      privilege: () => this.privilege,
      modes: this.modeStack,
      // exec channels print no prompt: the caret counts from the command's first column.
      promptLen: () => (this.batch ? 0 : this.prompt.length),
      write: (l) => this.queueLine(l),
      ask: (q, o) => this.ask(q, o),
      readText: (p) => this.ask(p ?? '', { echo: true }).then(
        (s) => s,
        () => null,
      ),
      changed: () => {
        this.configChanged = true;
        device.noteChange(this.user);
      },
      leftConfig: () => this.leftConfig(),
    };
    if (!this.batch) {
      const motd = device.state.bannerMotd;
      let greet = '';
      if (motd !== undefined) greet += `\r\n${motd.split('\n').join('\r\n')}\r\n`;
      this.emit(`${greet}\r\n${this.prompt}`);
      this.armTimeout();
    }
    this.state = 'edit';
  }

  // ---- SessionInfo -----------------------------------------------------------------------

  get lineName(): string {
    return this.lineKind === 'con' ? 'console' : `vty${this.lineIndex}`;
  }

  get mode(): ModeId {
    return this.modeStack[this.modeStack.length - 1]!.mode;
  }

  get prompt(): string {
    const spec = this.device.registry.modeSpec(this.mode);
    const host = this.device.state.hostname;
    if (!spec || spec.kind === 'exec') return `${host}${this.privilege > 1 ? '#' : '>'}`;
    // Config-mode prompts keep only the first 20 characters of a long host name (INFERRED from
    // netmiko's cisco_ios "IOS abbreviates the prompt at 20-chars in config mode").
    return `${host.slice(0, 20)}${spec.prompt}`;
  }

  hasPendingConfigChanges(): boolean {
    return this.configChanged;
  }

  clearPendingConfigChanges(): void {
    this.configChanged = false;
  }

  end(exitStatus = 0): void {
    this.terminate(exitStatus);
  }

  // ---- CliSession ------------------------------------------------------------------------

  onOutput(cb: (data: string) => void): void {
    this.outCbs.push(cb);
    if (this.preOut.length) {
      const pending = this.preOut.join('');
      this.preOut = [];
      cb(pending);
    }
  }

  onClose(cb: (exitStatus: number) => void): void {
    this.closeCbs.push(cb);
  }

  resize(cols: number, rows: number): void {
    this.termWidth = cols;
    if (rows > 0) this.termLength = rows;
  }

  close(): void {
    this.shutdown();
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  input(data: string): void {
    if (this.state === 'closed') return;
    this.device.world.recordInput({ device: this.device.name, session: this.id, data });
    this.lastInputAt = this.device.world.now();
    this.armTimeout();
    this.inbuf += data;
    this.pump();
  }

  // ---- LogSink ---------------------------------------------------------------------------

  deliverLog(entry: LogEntry): void {
    if (this.state === 'closed' || this.batch) return;
    const text = entry.text.split('\n').join('\r\n');
    if (this.state === 'edit') {
      // Print the message on its own line, then redraw prompt + typed text (prompt stays last).
      this.emit(`\r\n${text}\r\n${this.prompt}${this.shownLine()}`);
    } else {
      this.asyncLogs.push(text);
    }
  }

  // ---- internals: output -----------------------------------------------------------------

  private emit(s: string): void {
    if (this.state === 'closed' || s === '') return;
    if (this.outCbs.length === 0) {
      this.preOut.push(s);
      return;
    }
    for (const cb of this.outCbs) cb(s);
  }

  private queueLine(l: string): void {
    if (this.pagerAborted || this.state === 'closed') return;
    this.outQueue.push(l);
  }

  /** Print queued output through the pager. Returns a promise only when it has to wait. */
  private drainOutput(): void | Promise<void> {
    while (this.outQueue.length) {
      if (this.state === 'closed') {
        this.outQueue = [];
        return;
      }
      if (this.termLength > 0 && this.pageLines >= this.termLength - 1) {
        return this.waitMore().then(() => this.drainOutput());
      }
      const chunk: string[] = [];
      while (this.outQueue.length && (this.termLength === 0 || this.pageLines < this.termLength - 1)) {
        chunk.push(this.outQueue.shift()!);
        this.pageLines++;
      }
      this.emit(chunk.map((l) => `${l}\r\n`).join(''));
    }
  }

  private waitMore(): Promise<void> {
    const prev = this.state;
    this.emit(MORE);
    return new Promise<void>((resolve) => {
      this.state = 'more';
      this.moreCtl = (key) => {
        this.moreCtl = undefined;
        this.state = prev === 'more' ? 'busy' : prev;
        const wipe = '\b'.repeat(MORE.length) + ' '.repeat(MORE.length) + '\b'.repeat(MORE.length);
        this.emit(wipe);
        if (key === ' ') this.pageLines = 0;
        else if (key === '\r' || key === '\n') this.pageLines = this.termLength - 2;
        else {
          this.pagerAborted = true;
          this.outQueue = [];
        }
        resolve();
      };
      this.pump();
    });
  }

  private ask(question: string, o: AskOptions): Promise<string> {
    const d = this.drainOutput();
    if (this.batch) {
      // exec channel: no further input; every question is shown and takes its default
      // (the empty answer, as if Enter had been typed).
      const answer = () => {
        this.emit(`${question}\r\n`);
        return '';
      };
      return d ? d.then(answer) : Promise.resolve(answer());
    }
    const go = (): Promise<string> => {
      if (this.state === 'closed') return Promise.reject(new DialogAbort('closed'));
      this.emit(question);
      this.pageLines = 0;
      return new Promise<string>((resolve, reject) => {
        this.askCtl = { resolve, reject, echo: o.echo !== false, buf: '' };
        this.state = 'ask';
        this.pump();
      });
    };
    return d ? d.then(go) : go();
  }

  private printPrompt(): void {
    this.emit(this.prompt);
    if (this.asyncLogs.length) {
      const logs = this.asyncLogs;
      this.asyncLogs = [];
      this.emit(`\r\n${logs.join('\r\n')}\r\n${this.prompt}`);
    }
  }

  // ---- internals: input ------------------------------------------------------------------

  private pumping = false;

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.inbuf.length && (this.state === 'edit' || this.state === 'ask' || this.state === 'more')) {
        const key = this.nextKey();
        if (key === undefined) break; // incomplete escape sequence: wait for more bytes
        if (this.state === 'more') this.moreCtl?.(key);
        else if (this.state === 'ask') this.askKey(key);
        else this.editKey(key);
      }
    } finally {
      this.pumping = false;
    }
    this.checkIdle();
  }

  /** Next key: one character, or a whole escape sequence; CR LF counts as one Enter. */
  private nextKey(): string | undefined {
    const c = this.inbuf[0]!;
    if (c === '\x1b') {
      const m = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z]|[^[O])/.exec(this.inbuf);
      if (!m) {
        if (this.inbuf.length > 8 || /^\x1b(\[[0-9;]*|O)?$/.test(this.inbuf) === false) {
          this.inbuf = this.inbuf.slice(1);
          return '';
        }
        return undefined;
      }
      this.inbuf = this.inbuf.slice(m[0].length);
      this.lastCR = false;
      return m[0];
    }
    this.inbuf = this.inbuf.slice(1);
    if (c === '\n' && this.lastCR) {
      this.lastCR = false;
      return '';
    }
    this.lastCR = c === '\r';
    return c;
  }

  private askKey(key: string): void {
    const a = this.askCtl!;
    if (key === '\r' || key === '\n') {
      this.askCtl = undefined;
      this.state = 'busy';
      this.emit('\r\n');
      a.resolve(a.buf);
    } else if (key === '\x03') {
      this.askCtl = undefined;
      this.state = 'busy';
      this.emit('\r\n');
      a.reject(new DialogAbort('Ctrl-C'));
    } else if (key === '\x7f' || key === '\b') {
      if (a.buf.length) {
        a.buf = a.buf.slice(0, -1);
        if (a.echo) this.emit('\b \b');
      }
    } else if (key.length === 1 && key >= ' ' && !(key >= '\x7f' && key <= '\x9f') && key !== '\ufffd' && a.buf.length < MAX_LINE) {
      a.buf += key;
      if (a.echo) this.emit(key);
    }
  }

  private editKey(key: string): void {
    switch (key) {
      case '':
        return;
      case '\r':
      case '\n':
        return this.enter();
      case '?':
        return this.help();
      case '\t':
        return this.tab();
      case '\x7f':
      case '\b':
        return this.edit(this.buf.slice(0, Math.max(0, this.cursor - 1)) + this.buf.slice(this.cursor), Math.max(0, this.cursor - 1));
      case '\x04': // Ctrl-D: delete char under cursor
      case '\x1b[3~':
        return this.edit(this.buf.slice(0, this.cursor) + this.buf.slice(this.cursor + 1), this.cursor);
      case '\x01': // Ctrl-A
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
        return this.edit(this.buf, 0);
      case '\x05': // Ctrl-E
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
        return this.edit(this.buf, this.buf.length);
      case '\x02': // Ctrl-B
      case '\x1b[D':
      case '\x1bOD':
        return this.edit(this.buf, Math.max(0, this.cursor - 1));
      case '\x06': // Ctrl-F
      case '\x1b[C':
      case '\x1bOC':
        return this.edit(this.buf, Math.min(this.buf.length, this.cursor + 1));
      case '\x15': // Ctrl-U: erase the line
        return this.edit('', 0);
      case '\x0b': // Ctrl-K: erase to end of line
        return this.edit(this.buf.slice(0, this.cursor), this.cursor);
      case '\x17': {
        // Ctrl-W: erase the word before the cursor
        const before = this.buf.slice(0, this.cursor).replace(/\S*\s*$/, '');
        return this.edit(before + this.buf.slice(this.cursor), before.length);
      }
      case '\x10': // Ctrl-P
      case '\x1b[A':
      case '\x1bOA':
        return this.historyMove(1);
      case '\x0e': // Ctrl-N
      case '\x1b[B':
      case '\x1bOB':
        return this.historyMove(-1);
      case '\x03':
        return this.ctrlC();
      case '\x1a':
        return this.ctrlZ();
      default:
        if (key.length !== 1) return; // other escape sequences are ignored
        if (key < ' ' || (key >= '\x7f' && key <= '\x9f') || key === '\ufffd') return; // control / binary bytes
        if (this.buf.length >= MAX_LINE) return; // IOS-like: the line simply stops growing
        if (this.cursor === this.buf.length && (this.batch || (this.viewOff === 0 && this.view(this.buf + key, this.cursor + 1, 0).off === 0))) {
          this.buf += key;
          this.cursor++;
          if (!this.batch) this.emit(key);
        } else {
          this.edit(this.buf.slice(0, this.cursor) + key + this.buf.slice(this.cursor), this.cursor + 1);
        }
    }
  }

  /** Replace the edit buffer and redraw the minimum on the terminal. */
  private edit(nb: string, nc: number): void {
    const ob = this.buf;
    const oc = this.cursor;
    if (nb === ob && nc === oc) return;
    const ov = this.view(ob, oc, this.viewOff);
    const nv = this.view(nb, nc, this.viewOff);
    this.buf = nb;
    this.cursor = nc;
    this.viewOff = nv.off;
    this.emit(redraw(ov.text, ov.col, nv.text, nv.col));
  }

  /**
   * What the terminal shows of the edit line after the prompt. A line longer than the terminal
   * width scrolls horizontally like IOS: when the cursor reaches the right margin the line shifts
   * ten characters left and a `$` marks the hidden start; a `$` at the right end marks hidden text
   * after it (ios-behaviour §1.2; Cisco "Editing Features": shift by ten). `terminal width 0` never scrolls.
   */
  private view(buf: string, cur: number, off: number): { off: number; text: string; col: number } {
    const a = this.termWidth === 0 || this.batch ? Infinity : this.termWidth - this.prompt.length - 1;
    if (buf.length <= a || a < 20) return { off: 0, text: buf, col: cur };
    let o = Math.min(off, buf.length);
    while (o > 0 && cur < o) o = o - 10 <= 1 ? 0 : o - 10;
    for (;;) {
      const left = o > 0 ? 1 : 0;
      const room = a - left;
      const hiddenRight = buf.length - o > room;
      const cells = hiddenRight ? room - 1 : room;
      if (hiddenRight ? cur - o < cells : cur - o <= room) {
        return { off: o, text: (left ? '$' : '') + buf.slice(o, o + cells) + (hiddenRight ? '$' : ''), col: left + cur - o };
      }
      o = o === 0 ? 11 : o + 10;
    }
  }

  /** The edit line as shown right after a freshly printed prompt, with the cursor placed. */
  private shownLine(): string {
    const v = this.view(this.buf, this.cursor, this.viewOff);
    this.viewOff = v.off;
    return v.text + '\b'.repeat(v.text.length - v.col);
  }

  private historyMove(dir: 1 | -1): void {
    if (this.history.length === 0) return;
    if (this.histIdx === -1) this.histSaved = this.buf;
    const next = this.histIdx + dir;
    if (next >= this.history.length) return;
    if (next < -1) return;
    this.histIdx = next;
    const line = next === -1 ? this.histSaved : this.history[this.history.length - 1 - next]!;
    this.edit(line, line.length);
  }

  private ctrlC(): void {
    const cfg = this.device.registry.modeSpec(this.mode)?.kind === 'config';
    this.emit('^C\r\n');
    this.buf = '';
    this.cursor = 0;
    this.viewOff = 0;
    if (cfg) {
      // RECALLED: Ctrl-C in configuration mode leaves it like Ctrl-Z.
      this.modeStack.splice(1);
      this.leftConfig();
    }
    this.afterCommand();
  }

  private ctrlZ(): void {
    const cfg = this.device.registry.modeSpec(this.mode)?.kind === 'config';
    if (!cfg) return;
    this.emit('^Z\r\n');
    this.buf = '';
    this.cursor = 0;
    this.viewOff = 0;
    this.modeStack.splice(1);
    this.leftConfig();
    this.afterCommand();
  }

  private leftConfig(): void {
    const by = this.lineKind === 'con' ? 'console' : `${this.user} on ${this.lineName} (${this.peer})`;
    // RECALLED wording for vty: `Configured from console by admin on vty0 (10.0.0.1)`.
    this.device.syslog.log('SYS-5-CONFIG_I', `Configured from console by ${by}`);
    if (this.configChanged) {
      this.device.markDirty('config');
      this.configChanged = false;
    }
  }

  private enter(): void {
    const line = this.buf;
    this.buf = '';
    this.cursor = 0;
    this.viewOff = 0;
    this.histIdx = -1;
    if (!this.batch) this.emit('\r\n');
    if (line.trim() !== '') {
      if (this.history[this.history.length - 1] !== line) this.history.push(line);
      if (this.history.length > HISTORY_SIZE) this.history.shift();
    }
    this.state = 'busy';
    this.pageLines = 0;
    this.pagerAborted = false;
    let r: void | Promise<void>;
    try {
      r = executeLine(this.env, line);
    } catch (e) {
      this.queueLine(`% Internal error: ${(e as Error).message}`);
      r = undefined;
    }
    if (r) {
      r.then(
        () => this.afterCommand(),
        () => this.afterCommand(),
      );
    } else {
      this.afterCommand();
    }
  }

  private afterCommand(): void {
    const d = this.drainOutput();
    if (d) {
      d.then(() => this.afterCommand());
      return;
    }
    if (this.state === 'closed') return;
    this.state = 'edit';
    if (this.batch) {
      this.checkIdle();
      return;
    }
    this.printPrompt();
    // Resume the pump for typeahead (synchronous when called from within pump()).
    if (!this.pumping) this.pump();
  }

  private help(): void {
    if (this.batch) return;
    const g = this.device.registry.grammar;
    const line = this.buf;
    this.emit('?');
    const lines: string[] = [];
    const mode = this.mode;
    const isExec = this.device.registry.modeSpec(mode)?.kind === 'exec' || /^\s*do\s/i.test(line);
    const pipe = isExec ? /\s\|/.exec(line) : null;
    let r;
    if (pipe) r = g.help('pipe', line.slice(pipe.index + 2).replace(/^\s+/, ''), 15);
    else r = g.help(mode, line, this.privilege);
    const width = this.termWidth === 0 ? 100000 : this.termWidth;
    if (r.kind === 'list') {
      let items: HelpItem[] = r.items;
      const crAt = items.findIndex((i) => i.token === '<cr>');
      if (!pipe && isExec && crAt >= 0 && /^\s*(do\s+)?sh/i.test(line)) {
        items = [...items.slice(0, crAt), { token: '|', text: 'Output modifiers' }, ...items.slice(crAt)];
      }
      lines.push(...renderHelp(items, width));
    } else if (r.kind === 'words') {
      lines.push(renderWordHelp(r.words), '');
    } else {
      lines.push(...renderError(r, this.prompt.length, line));
    }
    this.cursor = line.length;
    this.emit(`\r\n${lines.map((l) => `${l}\r\n`).join('')}${this.prompt}${this.shownLine()}`);
  }

  private tab(): void {
    if (this.batch) return;
    const g = this.device.registry.grammar;
    const r = g.complete(this.mode, this.buf, this.privilege);
    if (r !== null && r !== this.buf) {
      if (r.startsWith(this.buf) && this.cursor === this.buf.length && this.viewOff === 0 && this.view(r, r.length, 0).off === 0) {
        this.emit(r.slice(this.buf.length));
        this.buf = r;
        this.cursor = r.length;
      } else {
        this.edit(r, r.length);
      }
      return;
    }
    // Nothing unique: IOS re-echoes the prompt and the line.
    this.cursor = this.buf.length;
    this.emit(`\r\n${this.prompt}${this.shownLine()}`);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  private execTimeoutS(): number {
    const lines = this.device.state.lines[this.lineKind];
    return (lines[Math.min(this.lineIndex, lines.length - 1)] ?? lines[0])?.execTimeoutS ?? 600;
  }

  /**
   * One pending timer per session: it fires at lastInput + exec-timeout; if input arrived
   * meanwhile it re-arms for the new deadline (no timer churn per keystroke).
   */
  private armTimeout(): void {
    if (this.batch || this.timeoutTimer || this.state === 'closed') return;
    const secs = this.execTimeoutS();
    if (secs <= 0) return;
    this.timeoutTimer = this.device.scheduler.at(this.lastInputAt + secs * 1000, `exec-timeout ${this.device.name}/${this.id}`, () => {
      this.timeoutTimer = undefined;
      if (this.state === 'closed') return;
      const now = this.device.world.now();
      const cur = this.execTimeoutS();
      // A command still running (e.g. `simulation advance`, a SCEP round trip) is activity:
      // IOS does not cut a session off in the middle of a command. Count idle from now.
      if (this.state === 'busy') this.lastInputAt = now;
      if (cur > 0 && now - this.lastInputAt >= cur * 1000) this.terminate(0);
      else this.armTimeout();
    });
  }

  private shutdown(): boolean {
    if (this.state === 'closed') return false;
    if (this.device.registry.modeSpec(this.mode)?.kind === 'config') this.leftConfig();
    this.state = 'closed';
    this.timeoutTimer?.cancel();
    const a = this.askCtl;
    this.askCtl = undefined;
    a?.reject(new DialogAbort('closed'));
    this.moreCtl = undefined;
    this.outQueue = [];
    this.device.sessionClosed(this, 0);
    this.checkIdle();
    return true;
  }

  /** End the session from inside (exit, logout, reload, exec-timeout): fires onClose. */
  terminate(exitStatus: number): void {
    if (!this.shutdown()) return;
    for (const cb of this.closeCbs) {
      try {
        cb(exitStatus);
      } catch {
        // transport callbacks must not break the device
      }
    }
  }

  private isIdle(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'busy') return false;
    return this.inbuf.length === 0 || (this.inbuf[0] === '\x1b' && this.inbuf.length < 8);
  }

  private checkIdle(): void {
    if (!this.idleWaiters.length || !this.isIdle()) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }
}

/** Minimal terminal update from one shown line (text, cursor column) to another, with backspaces. */
function redraw(ot: string, oc: number, nt: string, nc: number): string {
  let common = 0;
  while (common < ot.length && common < nt.length && ot[common] === nt[common]) common++;
  common = Math.min(common, oc, nc);
  let s = '\b'.repeat(oc - common);
  s += nt.slice(common);
  const pad = Math.max(0, ot.length - nt.length);
  s += ' '.repeat(pad);
  s += '\b'.repeat(nt.length - nc + pad);
  return s;
}
