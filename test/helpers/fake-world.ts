/**
 * A tiny stand-in for the simulator core, used to test the SSH transport in isolation:
 * line-buffered echo, `enable` with a no-echo secret, `exit`, a few canned commands.
 * It follows the CliSession contract (sim/contracts.ts), nothing more.
 */
import type { CliSession, DeviceApi, ExecResult, SessionOptions, WorldApi } from '../../sim/contracts.js';
import { generateEd25519HostKey } from '../../sim/transport/hostkey.js';

let nextId = 1;

export class FakeSession implements CliSession {
  readonly id = nextId++;
  private outCbs: ((d: string) => void)[] = [];
  private closeCbs: ((s: number) => void)[] = [];
  private buf = '';
  private lastCr = false;
  private mode: 'user' | 'priv' | 'config' | 'secret' = 'user';
  closed = false;
  closedByTransport = false;
  lines: string[] = [];
  cols: number;
  rows: number;

  constructor(private readonly dev: FakeDevice, readonly opts: SessionOptions) {
    this.cols = opts.cols ?? 80;
    this.rows = opts.rows ?? 24;
    if (opts.privilege >= 15) this.mode = 'priv';
    // The banner/prompt is emitted after the transport attached its listeners.
    queueMicrotask(() => this.banner());
  }

  private bannerSent = false;
  private banner(): void {
    if (this.bannerSent) return;
    this.bannerSent = true;
    this.emit(`\r\n${this.prompt}`);
  }

  get prompt(): string {
    const h = this.dev.host;
    switch (this.mode) {
      case 'user':
        return `${h}>`;
      case 'priv':
        return `${h}#`;
      case 'config':
        return `${h}(config)#`;
      case 'secret':
        return 'Password: ';
    }
  }

  onOutput(cb: (d: string) => void): void {
    this.outCbs.push(cb);
  }
  onClose(cb: (s: number) => void): void {
    this.closeCbs.push(cb);
  }
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
  }
  close(): void {
    this.closedByTransport = true;
    this.closed = true;
    this.dev.sessions.delete(this);
  }
  idle(): Promise<void> {
    return Promise.resolve();
  }

  private emit(s: string): void {
    if (this.closed) return;
    for (const cb of this.outCbs) cb(s);
  }

  end(status: number): void {
    if (this.closed) return;
    this.closed = true;
    this.dev.sessions.delete(this);
    for (const cb of this.closeCbs) cb(status);
  }

  input(data: string): void {
    this.banner();
    for (const ch of data) {
      if (this.closed) return;
      if (ch === '\n' && this.lastCr) {
        this.lastCr = false;
        continue;
      }
      this.lastCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        const line = this.buf;
        this.buf = '';
        if (this.mode !== 'secret') this.emit('\r\n');
        this.exec(line);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.buf.length > 0) {
          this.buf = this.buf.slice(0, -1);
          if (this.mode !== 'secret') this.emit('\b \b');
        }
      } else if (ch >= ' ' || ch === '\t') {
        if (this.buf.length < 1 << 20) this.buf += ch;
        if (this.mode !== 'secret') this.emit(ch);
      }
      // other control characters are ignored
    }
  }

  private exec(line: string): void {
    this.lines.push(line);
    this.dev.lines.push(line);
    const cmd = line.trim();
    let out = '';
    if (this.mode === 'secret') {
      this.mode = line === this.dev.secret ? 'priv' : 'user';
      out = this.mode === 'priv' ? '\r\n' : '\r\n% Bad secrets\r\n\r\n';
    } else if (cmd === '') {
      out = '';
    } else if (cmd === 'exit' || cmd === 'logout') {
      if (this.mode === 'config') this.mode = 'priv';
      else return this.end(0);
    } else if (cmd === 'enable') {
      this.mode = 'secret';
    } else if (cmd === 'configure terminal' || cmd === 'conf t') {
      out = 'Enter configuration commands, one per line.  End with CNTL/Z.\r\n';
      this.mode = 'config';
    } else if (cmd === 'end') {
      this.mode = 'priv';
    } else if (cmd.startsWith('hostname ') && this.mode === 'config') {
      this.dev.host = cmd.slice(9).trim();
    } else if (cmd === 'show terminal') {
      out = `Length: ${this.rows} lines, Width: ${this.cols} columns\r\nTerm: ${this.opts.term ?? ''}\r\n`;
    } else if (cmd === 'show lines') {
      out = `${this.lines.length}\r\n`;
    } else if (cmd === 'burst') {
      // many small writes in one turn: the transport should coalesce them
      for (let i = 0; i < 50; i++) this.emit(`line ${i}\r\n`);
    } else if (cmd === 'reload') {
      this.dev.reload();
      return;
    } else {
      out = `% Invalid input detected at '^' marker.\r\n\r\n`;
    }
    this.emit(out + this.prompt);
  }
}

export class FakeDevice implements DeviceApi {
  host: string;
  secret = 'cisco';
  readonly sessions = new Set<FakeSession>();
  readonly allSessions: FakeSession[] = [];
  readonly lines: string[] = [];
  private reloadCbs: (() => void)[] = [];
  private keys: string[];
  authAttempts = 0;
  users = new Map<string, { password: string; privilege: number }>([['admin', { password: 'admin', privilege: 1 }]]);

  constructor(readonly name: string) {
    this.host = name;
    this.keys = [generateEd25519HostKey().private];
  }
  hostname(): string {
    return this.host;
  }
  authenticate(user: string, password: string): { ok: true; privilege: number } | { ok: false } {
    this.authAttempts++;
    const u = this.users.get(user);
    return u && u.password === password ? { ok: true, privilege: u.privilege } : { ok: false };
  }
  openSession(opts: SessionOptions): CliSession {
    const s = new FakeSession(this, opts);
    this.sessions.add(s);
    this.allSessions.push(s);
    return s;
  }
  async exec(opts: SessionOptions, command: string): Promise<ExecResult> {
    if (command.trim() === 'show clock') return { output: '*00:00:00.000 UTC Mon Mar 1 1993\n', exitStatus: 0 };
    if (command.trim() === 'whoami') return { output: `${opts.user} ${opts.privilege} ${opts.peer}\n`, exitStatus: 0 };
    return { output: `\n% Invalid input detected at '^' marker.\n`, exitStatus: 1 };
  }
  hostKeys(): string[] {
    return this.keys;
  }
  onReload(cb: () => void): void {
    this.reloadCbs.push(cb);
  }
  reload(): void {
    for (const s of [...this.sessions]) s.end(0);
    for (const cb of this.reloadCbs) cb();
  }
}

export class FakeWorld implements WorldApi {
  readonly devs = new Map<string, FakeDevice>();
  ingressCount = 0;
  constructor(names: string[]) {
    for (const n of names) this.devs.set(n, new FakeDevice(n));
  }
  now() {
    return 0;
  }
  device(name: string): FakeDevice | undefined {
    return this.devs.get(name);
  }
  devices(): FakeDevice[] {
    return [...this.devs.values()];
  }
  ingress<T>(fn: () => T): T {
    this.ingressCount++;
    return fn();
  }
}
