/**
 * Child processes for tests: run with a timeout (the whole process group we started is
 * killed by its PID on timeout), start long-running children and stop them by PID.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Debian's Python with paramiko/netmiko/ansible (pyenv's python3 on PATH lacks them). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

function killGroup(child: ChildProcess, sig: NodeJS.Signals = 'SIGKILL', evenIfExited = false): void {
  if (child.pid === undefined) return;
  if (!evenIfExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(-child.pid, sig); // the group this helper created (detached: true)
  } catch {
    try {
      child.kill(sig);
    } catch {
      /* gone */
    }
  }
}

export function run(cmd: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const opts: SpawnOptions = { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: o.env ?? process.env };
    if (o.cwd) opts.cwd = o.cwd;
    const child = spawn(cmd, args, opts);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdin!.on('error', () => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, o.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - t0 });
    });
    if (o.input !== undefined) child.stdin!.end(o.input);
    else child.stdin!.end();
  });
}

/** A long-running child (e.g. `twin serve`); stop() kills it by PID and waits for exit. */
export interface Daemon {
  child: ChildProcess;
  output(): string;
  stderr(): string;
  /** Resolves when `re` appears in stdout+stderr (bounded). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(sig?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Daemon {
  const opts: SpawnOptions = { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env };
  if (o.cwd) opts.cwd = o.cwd;
  const child = spawn(cmd, args, opts);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    poke();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString('utf8');
    poke();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      poke();
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    output: () => out + err,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out + err);
          if (m) {
            cleanup();
            resolve(m[0]);
          } else if (done) {
            cleanup();
            reject(new Error(`process exited (${child.exitCode}) before ${re}: ${out + err}`));
          }
        };
        const t = setTimeout(() => {
          cleanup();
          reject(new Error(`timeout waiting for ${re}: ${out + err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(t);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop(sig = 'SIGTERM', timeoutMs = 10_000) {
      if (!done && child.pid !== undefined) {
        try {
          process.kill(child.pid, sig);
        } catch {
          /* gone */
        }
        const t = setTimeout(() => killGroup(child), timeoutMs);
        const r = await exited;
        clearTimeout(t);
        killGroup(child, 'SIGKILL', true); // anything it left behind in its group
        return r;
      }
      return exited;
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Several distinct free ports. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  let guard = 0;
  while (ports.size < n && guard++ < n * 10) ports.add(await freePort(host));
  return [...ports];
}
