import { execFile, spawnSync } from 'node:child_process';

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
