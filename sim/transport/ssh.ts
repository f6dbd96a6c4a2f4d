/**
 * SSH front end: one ssh2 Server per device, all devices in one process.
 *
 * Bytes in:  channel data -> world.ingress(() => session.input(text))
 * Bytes out: session.onOutput -> coalesced per event-loop turn -> one channel write
 * `exec`:    DeviceApi.exec -> output (CRLF) + exit-status + close
 * Session end (exit/logout/reload): flush output, exit-status, EOF + close; the client then
 * disconnects (a fallback timer ends the connection if it does not).
 *
 * This module is an I/O edge (sim/transport/): it owns sockets and real timers. It knows
 * nothing about commands; everything CLI goes through the CliSession contract.
 */
import { StringDecoder } from 'node:string_decoder';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel, Session as SshSession } from 'ssh2';
import type { CliSession, DeviceApi, SessionOptions, WorldApi } from '../contracts.js';

const { Server } = ssh2;

/** ssh2 prefixes `SSH-2.0-` itself; passing the full string would double it. */
export const SSH_IDENT = 'Cisco-1.25';

/**
 * Algorithms: ssh2's defaults plus explicit guarantees that paramiko 2.12 (no GCM, no
 * chacha20) and OpenSSH 9.2 both find a match: aes128-ctr / aes256-ctr and hmac-sha2-256.
 */
export const SSH_ALGORITHMS = {
  cipher: { append: ['aes128-ctr', 'aes256-ctr'] },
  hmac: { append: ['hmac-sha2-256', 'hmac-sha2-512', 'hmac-sha1'] },
  kex: { append: ['curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256'] },
} as const;

const AUTH_METHODS = ['password', 'keyboard-interactive'] as const;

export interface SshServerOptions {
  /** Bind address (loopback). Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one (see `port` after listen). */
  port: number;
  /** Private host keys (OpenSSH / PKCS#1 / SEC1 text). Default: device.hostKeys(). */
  hostKeys?: string[];
  /** Failed logins before the connection is dropped (IOS `ip ssh authentication-retries` + 1). Default 3. */
  maxAuthFailures?: number;
  /** Time allowed to authenticate (IOS `ip ssh time-out`). Default 120 s. */
  loginTimeoutMs?: number;
  /** After the last channel of an authenticated connection closed, end it after this long. Default 2 s. */
  idleConnectionMs?: number;
  /** Upper bound on simultaneous TCP connections to this device. Default 1000. */
  maxConnections?: number;
  /** Transport diagnostics (errors swallowed to keep the server up). */
  log?: (msg: string) => void;
}

export interface ConnectionStats {
  connections: number;
  sessions: number;
  /** Shell channels paused by output flow control. */
  paused: number;
}

interface ConnState {
  conn: Connection;
  peer: string;
  user: string;
  privilege: number;
  authenticated: boolean;
  failures: number;
  openChannels: number;
  loginTimer: NodeJS.Timeout | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  closed: boolean;
  /** Close hooks of the CLI sessions opened on this connection. */
  sessions: Set<() => void>;
}

/** One SSH listener for one device. */
export class DeviceSshServer {
  readonly device: DeviceApi;
  private readonly world: WorldApi;
  private readonly opts: Required<Omit<SshServerOptions, 'hostKeys' | 'log'>> & Pick<SshServerOptions, 'log'>;
  private readonly server: InstanceType<typeof Server>;
  private readonly conns = new Set<ConnState>();
  /** Every accepted TCP socket (also those still in the handshake). */
  private readonly sockets = new Set<Socket>();
  private listening = false;
  private closing: Promise<void> | undefined;
  private _port = 0;
  /** Shell channels whose input is paused because the client does not read its output. */
  private pausedChannels = 0;

  constructor(world: WorldApi, device: DeviceApi, options: SshServerOptions) {
    this.world = world;
    this.device = device;
    this.opts = {
      host: options.host ?? '127.0.0.1',
      port: options.port,
      maxAuthFailures: options.maxAuthFailures ?? 3,
      loginTimeoutMs: options.loginTimeoutMs ?? 120_000,
      idleConnectionMs: options.idleConnectionMs ?? 2_000,
      maxConnections: options.maxConnections ?? 1000,
      log: options.log,
    };
    const hostKeys = options.hostKeys ?? device.hostKeys();
    if (hostKeys.length === 0) throw new Error(`${device.name}: no SSH host key`);
    this.server = new Server(
      {
        hostKeys,
        ident: SSH_IDENT,
        algorithms: SSH_ALGORITHMS as unknown as ssh2.Algorithms,
      },
      (conn, info) => this.onConnection(conn, info.ip),
    );
    this.server.maxConnections = this.opts.maxConnections;
    // Tune every accepted socket before ssh2 writes its ident (see tuneHandshake).
    const raw = (this.server as unknown as { _srv?: NetServer })._srv;
    raw?.prependListener('connection', (sock: Socket) => {
      tuneHandshake(sock);
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
    });
    this.server.on('error', (e: Error) => this.log(`server error: ${e.message}`));
    device.onReload(() => this.dropAll('reload'));
  }

  get port(): number {
    return this._port;
  }

  get host(): string {
    return this.opts.host;
  }

  stats(): ConnectionStats {
    let sessions = 0;
    for (const c of this.conns) sessions += c.sessions.size;
    return { connections: this.conns.size, sessions, paused: this.pausedChannels };
  }

  /** Starts listening; resolves with the bound port. Rejects with a readable error (e.g. port in use). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        reject(new Error(describeListenError(e, this.opts.host, this.opts.port, this.device.name)));
      };
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.removeListener('error', onError);
        this.listening = true;
        const addr = this.server.address() as AddressInfo | null;
        this._port = addr?.port ?? this.opts.port;
        resolve(this._port);
      });
    });
  }

  /** Drops every connection (no exit-status: like a reload) and stops listening. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise((resolve) => {
      this.dropAll('shutdown');
      // peers that ignore the disconnect (or never finished the handshake) are cut off
      const force = setTimeout(() => {
        for (const sock of this.sockets) sock.destroy();
      }, 500);
      if (!this.listening) {
        clearTimeout(force);
        for (const sock of this.sockets) sock.destroy();
        return resolve();
      }
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return this.closing;
  }

  private log(msg: string): void {
    this.opts.log?.(`ssh ${this.device.name}: ${msg}`);
  }

  private dropAll(_why: string): void {
    for (const c of [...this.conns]) this.endConn(c);
  }

  private endConn(c: ConnState): void {
    if (c.closed) return;
    c.closed = true;
    clearTimeout(c.loginTimer);
    clearTimeout(c.idleTimer);
    for (const close of [...c.sessions]) close();
    c.sessions.clear();
    try {
      c.conn.end();
    } catch {
      /* already gone */
    }
    this.conns.delete(c);
  }

  private onConnection(conn: Connection, ip: string): void {
    (conn as unknown as { setNoDelay(v: boolean): void }).setNoDelay(true);
    const c: ConnState = {
      conn,
      peer: ip,
      user: '',
      privilege: 1,
      authenticated: false,
      failures: 0,
      openChannels: 0,
      loginTimer: undefined,
      idleTimer: undefined,
      closed: false,
      sessions: new Set(),
    };
    this.conns.add(c);
    if (this.closing) {
      this.endConn(c);
      return;
    }
    c.loginTimer = setTimeout(() => {
      if (!c.authenticated) {
        this.log(`login timeout from ${ip}`);
        this.endConn(c);
      }
    }, this.opts.loginTimeoutMs);

    conn.on('error', (e: Error) => this.log(`connection from ${ip}: ${e.message}`));
    conn.on('close', () => this.endConn(c));
    conn.on('authentication', (ctx: AuthContext) => this.onAuth(c, ctx));
    conn.on('ready', () => {
      c.authenticated = true;
      clearTimeout(c.loginTimer);
      c.loginTimer = undefined;
    });
    conn.on('session', (accept, reject) => {
      if (!c.authenticated || c.closed) return reject();
      const s = accept();
      this.onSession(c, s);
    });
    // Port forwarding and other global requests: refused (IOS does not offer them).
    conn.on('request', (_accept, reject) => reject?.());
    conn.on('tcpip', (_a, reject) => reject());
    conn.on('openssh.streamlocal', (_a, reject) => reject());
  }

  private onAuth(c: ConnState, ctx: AuthContext): void {
    const decide = (password: string) => {
      if (c.closed) return;
      let res: ReturnType<DeviceApi['authenticate']>;
      try {
        res = this.world.ingress(() => this.device.authenticate(ctx.username, password));
      } catch (e) {
        this.log(`authenticate threw: ${(e as Error).message}`);
        res = { ok: false };
      }
      if (res.ok) {
        c.user = ctx.username;
        c.privilege = res.privilege;
        ctx.accept();
        return;
      }
      c.failures++;
      if (c.failures >= this.opts.maxAuthFailures) {
        this.log(`${c.failures} failed logins for ${JSON.stringify(ctx.username)} from ${c.peer}: disconnecting`);
        ctx.reject();
        this.endConn(c);
      } else {
        ctx.reject([...AUTH_METHODS]);
      }
    };
    switch (ctx.method) {
      case 'password':
        decide(ctx.password);
        return;
      case 'keyboard-interactive':
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers: unknown) => {
          if (!Array.isArray(answers)) return; // aborted by a new auth request
          decide(typeof answers[0] === 'string' ? answers[0] : '');
        });
        return;
      default:
        // 'none' (method discovery), publickey, hostbased: not offered, not a failure.
        ctx.reject([...AUTH_METHODS]);
    }
  }

  private channelOpened(c: ConnState): void {
    c.openChannels++;
    clearTimeout(c.idleTimer);
    c.idleTimer = undefined;
  }

  private channelClosed(c: ConnState): void {
    c.openChannels = Math.max(0, c.openChannels - 1);
    if (c.openChannels === 0 && !c.closed) {
      clearTimeout(c.idleTimer);
      c.idleTimer = setTimeout(() => this.endConn(c), this.opts.idleConnectionMs);
    }
  }

  private onSession(c: ConnState, s: SshSession): void {
    const pty: { cols?: number; rows?: number; term?: string } = {};
    let cli: CliSession | undefined;
    let started = false;

    const sessionOptions = (): SessionOptions => {
      const o: SessionOptions = { user: c.user, privilege: c.privilege, line: 'vty', peer: c.peer };
      if (pty.cols !== undefined) o.cols = pty.cols;
      if (pty.rows !== undefined) o.rows = pty.rows;
      if (pty.term !== undefined) o.term = pty.term;
      return o;
    };

    s.on('pty', (accept, _reject, info) => {
      if (info.cols > 0) pty.cols = info.cols;
      if (info.rows > 0) pty.rows = info.rows;
      if (info.term) pty.term = info.term;
      accept?.();
    });
    s.on('window-change', (accept, _reject, info) => {
      if (info.cols > 0) pty.cols = info.cols;
      if (info.rows > 0) pty.rows = info.rows;
      accept?.();
      if (cli && pty.cols !== undefined && pty.rows !== undefined) {
        const [cols, rows] = [pty.cols, pty.rows];
        const session = cli;
        this.guard('resize', () => this.world.ingress(() => session.resize(cols, rows)));
      }
    });
    s.on('env', (accept) => accept?.());
    s.on('signal', (accept) => accept?.());
    s.on('auth-agent', (_a, reject) => reject?.());
    s.on('x11', (_a, reject) => reject?.());
    s.on('sftp', (_a, reject) => reject());
    s.on('subsystem', (_a, reject) => reject());

    s.on('shell', (accept, reject) => {
      if (started || c.closed) return reject();
      started = true;
      const stream = accept();
      this.channelOpened(c);
      let session: CliSession;
      try {
        session = this.world.ingress(() => this.device.openSession(sessionOptions()));
      } catch (e) {
        this.log(`openSession failed: ${(e as Error).message}`);
        stream.write('% Connection refused by remote host\r\n');
        this.finishChannel(c, stream, 1);
        return;
      }
      cli = session;
      this.pipeShell(c, stream, session);
    });

    s.on('exec', (accept, reject, info) => {
      if (started || c.closed) return reject();
      started = true;
      const stream = accept();
      this.channelOpened(c);
      let done = false;
      stream.on('close', () => {
        if (!done) {
          done = true;
          this.channelClosed(c);
        }
      });
      stream.on('error', () => undefined);
      stream.on('data', () => undefined); // drain: exec takes no input
      let pending: Promise<{ output: string; exitStatus: number }>;
      try {
        pending = Promise.resolve(this.world.ingress(() => this.device.exec(sessionOptions(), info.command)));
      } catch (e) {
        pending = Promise.reject(e);
      }
      pending.then(
        (res) => {
          if (done || c.closed) return;
          done = true;
          const out = toCrlf(res.output);
          if (out) stream.write(out);
          this.endChannel(stream, res.exitStatus);
          this.channelClosed(c);
        },
        (e: unknown) => {
          this.log(`exec ${JSON.stringify(info.command)} failed: ${(e as Error)?.message ?? String(e)}`);
          if (done || c.closed) return;
          done = true;
          stream.write('% Internal error\r\n');
          this.endChannel(stream, 1);
          this.channelClosed(c);
        },
      );
    });
  }

  private pipeShell(c: ConnState, stream: ServerChannel, session: CliSession): void {
    let ended = false;
    let out: string[] = [];
    let flushScheduled = false;

    const flush = () => {
      flushScheduled = false;
      if (out.length === 0) return;
      const data = out.join('');
      out = [];
      if (ended || !stream.writable) return;
      // Flow control: a client that stops reading fills its SSH window and then our
      // channel buffer; stop taking its keystrokes (so it stops producing output) until
      // the buffer drains, instead of buffering without bound.
      if (!stream.write(data) && !paused) {
        paused = true;
        this.pausedChannels++;
        stream.pause();
        stream.once('drain', unpause);
      }
    };
    let paused = false;
    const unpause = () => {
      if (!paused) return;
      paused = false;
      this.pausedChannels--;
      if (!ended) stream.resume();
    };

    const closeCli = () => {
      unpause();
      // Transport went away first: release the line.
      if (ended) return;
      ended = true;
      out = [];
      c.sessions.delete(closeCli);
      this.guard('close', () => session.close());
      this.channelClosed(c);
    };
    c.sessions.add(closeCli);

    session.onOutput((data) => {
      if (ended) return;
      out.push(data);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
    session.onClose((status) => {
      if (ended) return;
      flush();
      unpause();
      ended = true;
      c.sessions.delete(closeCli);
      this.finishChannel(c, stream, status);
    });

    const decoder = new StringDecoder('utf8');
    stream.on('data', (buf: Buffer) => {
      if (ended) return;
      const text = decoder.write(buf);
      if (text) this.guard('input', () => this.world.ingress(() => session.input(text)));
    });
    stream.on('error', (e: Error) => this.log(`channel: ${e.message}`));
    stream.on('close', closeCli);
    // EOF from the client (e.g. stdin closed) does not end an IOS vty session by itself;
    // the client closes the channel or the connection when it is done.
  }

  /** exit-status, EOF, close — in that order (OpenSSH exits 255 without the status). */
  private finishChannel(c: ConnState, stream: ServerChannel, status: number): void {
    let counted = true;
    stream.once('close', () => {
      if (counted) {
        counted = false;
        this.channelClosed(c);
      }
    });
    this.endChannel(stream, status);
  }

  private endChannel(stream: ServerChannel, status: number): void {
    try {
      stream.exit(Number.isInteger(status) && status >= 0 ? status : 1);
      stream.end();
    } catch (e) {
      this.log(`closing channel: ${(e as Error).message}`);
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`${what} threw: ${(e as Error)?.stack ?? String(e)}`);
    }
  }
}

/** All devices' SSH servers of one process. */
export class SshFrontEnd {
  private readonly servers = new Map<string, DeviceSshServer>();
  constructor(private readonly world: WorldApi, private readonly defaults: Partial<SshServerOptions> = {}) {}

  async add(device: DeviceApi, options: SshServerOptions): Promise<DeviceSshServer> {
    if (this.servers.has(device.name)) throw new Error(`${device.name}: SSH server already running`);
    const srv = new DeviceSshServer(this.world, device, { ...this.defaults, ...options });
    await srv.listen();
    this.servers.set(device.name, srv);
    return srv;
  }

  get(name: string): DeviceSshServer | undefined {
    return this.servers.get(name);
  }

  list(): DeviceSshServer[] {
    return [...this.servers.values()];
  }

  async close(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}

/**
 * Login latency on loopback is dominated by Nagle + delayed ACK, not by crypto:
 *  - Nagle off from the first byte (ssh2 itself never calls setNoDelay).
 *  - ssh2 sends its KEXINIT as soon as the client's ident line arrives. Clients such as
 *    paramiko (which keep Nagle on) then send their own KEXINIT, receive ours, and send
 *    KEX_ECDH_INIT while their KEXINIT is still unacknowledged: Nagle holds it until our
 *    delayed ACK fires (~40 ms per login). Holding our KEXINIT until the client's first
 *    binary packet starts to arrive lets it carry that ACK. A client that waits for the
 *    server's KEXINIT first (none of OpenSSH, paramiko, ssh2 does) gets it after `fallbackMs`.
 * Only bytes the server writes are delayed, never altered; after the handshake's first
 * exchange the socket is left untouched.
 */
export function tuneHandshake(sock: Socket, fallbackMs = 30): void {
  sock.setNoDelay(true);
  type WriteArgs = Parameters<Socket['write']>;
  const own = sock as unknown as { write: (...a: WriteArgs) => boolean };
  const origWrite = sock.write.bind(sock) as (...a: WriteArgs) => boolean;
  let writes = 0;
  let clientPacket = false;
  let head = '';
  let held: WriteArgs[] | undefined;
  let timer: NodeJS.Timeout | undefined;

  const release = () => {
    clientPacket = true;
    clearTimeout(timer);
    timer = undefined;
    sock.removeListener('data', onData);
    delete (own as { write?: unknown }).write; // back to Socket.prototype.write
    const q = held ?? [];
    held = undefined;
    for (const args of q) {
      if (!sock.destroyed) origWrite(...args);
    }
  };
  const onData = (chunk: Buffer) => {
    if (clientPacket) return;
    head += chunk.toString('latin1');
    const nl = head.indexOf('\n');
    if (nl >= 0 && head.length > nl + 1) release(); // ident line complete + packet bytes
    else if (head.length > 8192) release(); // not an SSH client: stop interfering
  };
  sock.prependListener('data', onData);
  sock.once('close', () => clearTimeout(timer));
  own.write = (...args: WriteArgs): boolean => {
    writes++;
    if (writes === 1 || clientPacket) return origWrite(...args); // our ident goes at once
    if (!held) {
      held = [];
      timer = setTimeout(release, fallbackMs);
    }
    held.push(args);
    return true;
  };
}

export function toCrlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

function describeListenError(e: NodeJS.ErrnoException, host: string, port: number, device: string): string {
  const where = `${host}:${port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return `${device}: port ${where} is already in use`;
    case 'EACCES':
      return `${device}: not allowed to listen on ${where}`;
    case 'EADDRNOTAVAIL':
      return `${device}: address ${host} is not available on this machine`;
    default:
      return `${device}: cannot listen on ${where}: ${e.message}`;
  }
}
