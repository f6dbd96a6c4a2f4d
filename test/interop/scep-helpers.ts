import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Absolute path of a binary on PATH, or undefined. */
export function which(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command asynchronously (never blocks the event loop serving the twin CA), with a timeout. */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, encoding: 'utf8', killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const c: unknown = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof c === 'number' ? c : 1, stdout, stderr });
    });
  });
}


/** A free TCP port on 127.0.0.1 (bind to 0, read, release). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface DebianScepServer {
  /** SCEP URL (path /scep) on 127.0.0.1 through the socat bridge. */
  url: string;
  depot: string;
  caPem: string;
  netns: string;
  close(): Promise<void>;
}

/** Why the Debian scepserver cannot be started here, or undefined when it can. */
export function debianScepServerMissing(): string | undefined {
  for (const b of ['scepserver', 'socat', 'ip']) if (!which(b)) return `${b} not installed`;
  if (process.getuid && process.getuid() !== 0) return 'needs root for ip netns';
  return undefined;
}

/**
 * Start Debian's micromdm `scepserver` inside a private network namespace (it binds every address
 * and has no bind option) and bridge it to 127.0.0.1:<free port> with socat (clients.md §4).
 */
export async function startDebianScepServer(o: { challenge?: string; allowRenewDays?: number; keySize?: number; logFile?: string } = {}): Promise<DebianScepServer> {
  const depot = mkdtempSync(join(tmpdir(), 'scepdepot-'));
  const netns = `twinscep-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const procs: { p: ChildProcess; group: boolean }[] = [];
  const cleanup = async (): Promise<void> => {
    for (const { p, group } of procs.reverse()) {
      if (p.pid && p.exitCode === null && p.signalCode === null) {
        try {
          process.kill(group ? -p.pid : p.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    await sleep(100);
    await run('ip', ['netns', 'del', netns]);
    rmSync(depot, { recursive: true, force: true });
  };
  try {
    const init = await run('scepserver', ['ca', '-init', '-depot', depot, '-keySize', String(o.keySize ?? 2048), '-organization', 'TwinInterop', '-country', 'US']);
    if (init.code !== 0) throw new Error(`scepserver ca -init failed: ${init.stderr}`);
    for (const args of [
      ['netns', 'add', netns],
      ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up'],
    ]) {
      const r = await run('ip', args);
      if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
    }
    const srvArgs = ['netns', 'exec', netns, 'scepserver', '-depot', depot, '-port', '8080', '-allowrenew', String(o.allowRenewDays ?? 0)];
    if (o.challenge) srvArgs.push('-challenge', o.challenge);
    const logFd = o.logFile ? openSync(o.logFile, 'a') : undefined;
    procs.push({ p: spawn('ip', srvArgs, { stdio: logFd === undefined ? 'ignore' : ['ignore', logFd, logFd] }), group: false });
    if (logFd !== undefined) closeSync(logFd);
    const port = await freePort();
    procs.push({
      group: true,
      p: spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,fork,reuseaddr`, `EXEC:'ip netns exec ${netns} socat STDIO TCP:127.0.0.1:8080'`], {
        stdio: 'ignore',
        detached: true, // own process group: close() also ends the per-connection children
      }),
    });
    const url = `http://127.0.0.1:${port}/scep`;
    // wait until the bridge and the server answer (bounded by time, not by a number of tries:
    // a refused connection returns at once, and scepserver in its netns may start slowly under load)
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1');
        let buf = '';
        s.on('data', (d) => (buf += d.toString('latin1')));
        s.on('end', () => resolve(/^HTTP\/1\.[01] 200/.test(buf)));
        s.on('error', () => resolve(false));
        s.setTimeout(2000, () => (s.destroy(), resolve(false)));
        s.write('GET /scep?operation=GetCACaps HTTP/1.0\r\n\r\n');
      });
      if (ok) break;
      if (Date.now() > deadline) throw new Error('Debian scepserver did not come up within 30 s');
      await sleep(100);
    }
    return { url, depot, caPem: join(depot, 'ca.pem'), netns, close: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
