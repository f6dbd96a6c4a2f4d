/**
 * NVRAM persistence of one device: `startup-config` (text) and `private-config.json`
 * (feature data such as keys), under `<stateDir>/<device>/nvram/`. Writes are atomic:
 * temp file, fsync, rename, fsync of the directory. Without a state dir NVRAM lives in memory.
 *
 * File states: missing = factory-fresh device (the lab's initial config is used);
 * present but empty = erased (`startup-config is not present`).
 * These fs calls are the only I/O in sim/ outside the transport edge (no time, no randomness).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type StartupRead = { kind: 'missing' } | { kind: 'ok'; text: string } | { kind: 'error'; message: string };

export const NVRAM_SIZE = 196600;

export class Nvram {
  private memStartup: string | undefined;
  private memPrivate: Record<string, unknown> = {};
  readonly dir: string | undefined;

  constructor(deviceDir: string | undefined) {
    this.dir = deviceDir ? path.join(deviceDir, 'nvram') : undefined;
    this.sweepTemps();
  }

  /**
   * A process killed between writing a temp file and renaming it leaves `<file>.tmp-<pid>-<n>`
   * behind (the real file is intact). Remove such leftovers of earlier processes at power-on.
   */
  private sweepTemps(): void {
    if (!this.dir) return;
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /\.tmp-(\d+)-\d+$/.exec(n);
      if (!m || Number(m[1]) === process.pid) continue;
      try {
        fs.unlinkSync(path.join(this.dir, n));
      } catch {
        // best effort
      }
    }
  }

  get startupPath(): string | undefined {
    return this.dir && path.join(this.dir, 'startup-config');
  }

  get privatePath(): string | undefined {
    return this.dir && path.join(this.dir, 'private-config.json');
  }

  readStartup(): StartupRead {
    if (!this.dir) return this.memStartup === undefined ? { kind: 'missing' } : { kind: 'ok', text: this.memStartup };
    try {
      const buf = fs.readFileSync(this.startupPath!);
      const text = buf.toString('utf8');
      if (buf.includes(0) || text.includes('\uFFFD')) return { kind: 'error', message: 'not a text file' };
      return { kind: 'ok', text };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { kind: 'missing' };
      return { kind: 'error', message: err.code ?? err.message };
    }
  }

  /**
   * `durable: false` skips the fsyncs (the rename is still atomic). Only for content that
   * can be re-derived if lost: the first power-on copy of the lab's initial config, which a
   * crash merely turns back into "missing" (= the same lab config next boot).
   */
  writeStartup(text: string, opts: { durable?: boolean } = {}): void {
    if (!this.dir) {
      this.memStartup = text;
      return;
    }
    atomicWrite(this.startupPath!, text, opts.durable ?? true);
  }

  readPrivate(): { data: Record<string, unknown>; error?: string } {
    if (!this.dir) return { data: this.memPrivate };
    try {
      const raw = fs.readFileSync(this.privatePath!, 'utf8');
      if (raw.trim() === '') return { data: {} };
      const v = JSON.parse(raw) as unknown;
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return { data: {}, error: 'not a JSON object' };
      return { data: v as Record<string, unknown> };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return { data: {} };
      return { data: {}, error: err.code ?? err.message };
    }
  }

  writePrivate(data: Record<string, unknown>): void {
    if (!this.dir) {
      this.memPrivate = structuredClone(data);
      return;
    }
    atomicWrite(this.privatePath!, JSON.stringify(data, null, 1) + '\n');
  }

  /** `erase startup-config`: both files become empty (present = erased, not factory-fresh). */
  erase(): void {
    this.writeStartup('');
    this.writePrivate({});
  }
}

let tmpSeq = 0;
export function atomicWrite(file: string, content: string, durable = true): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${tmpSeq++}`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, content);
    if (durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  if (!durable) return;
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // directory fsync is best effort (not supported on every filesystem)
  }
}
