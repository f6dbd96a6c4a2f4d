/**
 * A small ssh2-based client for tests and benchmarks: connect, open a pty shell, wait for
 * text, send keys, run exec commands. Every wait is bounded by a timeout.
 */
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';

const { Client } = ssh2;

export interface ConnectOptions {
  host?: string;
  port: number;
  username?: string;
  password?: string;
  /** Use keyboard-interactive instead of password. */
  keyboardInteractive?: boolean;
  readyTimeout?: number;
  algorithms?: ConnectConfig['algorithms'];
}

export async function connect(o: ConnectOptions): Promise<InstanceType<typeof Client>> {
  const client = new Client();
  const cfg: ConnectConfig = {
    host: o.host ?? '127.0.0.1',
    port: o.port,
    username: o.username ?? 'admin',
    readyTimeout: o.readyTimeout ?? 10_000,
    hostVerifier: () => true,
  };
  if (o.algorithms) cfg.algorithms = o.algorithms;
  const password = o.password ?? 'admin';
  if (o.keyboardInteractive) {
    cfg.tryKeyboard = true;
    client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)));
    cfg.authHandler = ['keyboard-interactive'];
  } else {
    cfg.password = password;
  }
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect(cfg);
  });
  client.on('error', () => undefined);
  (client as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  return client;
}

export class Shell {
  buf = '';
  /** Everything received since the shell opened. */
  all = '';
  closed = false;
  exitCode: number | undefined;
  private waiters: (() => void)[] = [];

  constructor(readonly client: InstanceType<typeof Client>, readonly stream: ClientChannel) {
    stream.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      this.buf += s;
      this.all += s;
      this.wake();
    });
    stream.on('exit', (code: number) => {
      this.exitCode = code;
    });
    stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `pattern` appears in the unread buffer; consumes through the match. */
  async expect(pattern: RegExp | string, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idx = typeof pattern === 'string' ? this.buf.indexOf(pattern) : -1;
      const m = typeof pattern === 'string' ? null : pattern.exec(this.buf);
      if (idx >= 0 || m) {
        const end = idx >= 0 ? idx + (pattern as string).length : m!.index + m![0].length;
        const got = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        return got;
      }
      if (this.closed) throw new Error(`channel closed while waiting for ${String(pattern)}; got ${JSON.stringify(this.buf)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${String(pattern)}; got ${JSON.stringify(this.buf.slice(-500))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(s: string): void {
    this.stream.write(s);
  }

  /** Sends a line (CR) and waits for the prompt regex; returns the text before it. */
  async cmd(line: string, prompt: RegExp = /[>#] ?$/, timeoutMs = 5000): Promise<string> {
    this.send(line + '\r');
    return this.expect(prompt, timeoutMs);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timeout waiting for the channel to close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  end(): void {
    this.client.end();
  }
}

export async function openShell(
  client: InstanceType<typeof Client>,
  pty: { cols?: number; rows?: number; term?: string } = {},
): Promise<Shell> {
  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ cols: pty.cols ?? 80, rows: pty.rows ?? 24, term: pty.term ?? 'vt100' }, (err, s) =>
      err ? reject(err) : resolve(s),
    );
  });
  return new Shell(client, stream);
}

/** connect + shell + wait for the first prompt. */
export async function login(o: ConnectOptions & { prompt?: RegExp }): Promise<Shell> {
  const client = await connect(o);
  const sh = await openShell(client);
  await sh.expect(o.prompt ?? /[>#]$/);
  return sh;
}

export async function execCommand(
  o: ConnectOptions,
  command: string,
  timeoutMs = 10_000,
): Promise<{ output: string; code: number | undefined }> {
  const client = await connect(o);
  try {
    return await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`exec ${command}: timeout`)), timeoutMs);
      client.exec(command, (err, stream) => {
        if (err) {
          clearTimeout(t);
          return reject(err);
        }
        let output = '';
        let code: number | undefined;
        stream.on('data', (d: Buffer) => (output += d.toString('utf8')));
        stream.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
        stream.on('exit', (c: number) => (code = c));
        stream.on('close', () => {
          clearTimeout(t);
          resolve({ output, code });
        });
      });
    });
  } finally {
    client.end();
  }
}
