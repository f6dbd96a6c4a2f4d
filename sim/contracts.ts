/**
 * Seams between the simulator core (world, devices, CLI sessions) and its users:
 * the SSH transport, scenario runner, labs and dashboard. One CliSession API serves all.
 *
 * Time: the world owns one Scheduler (sim/kernel/scheduler.ts). Transports that receive
 * real-world input call `world.ingress(fn)`, which first brings simulated time up to date
 * through the active driver (real time / scaled / stepped) and records the input in the
 * input log, then runs fn. Nothing in sim/ outside sim/transport/ reads real time.
 */
import type { SimMs } from './kernel/scheduler.js';

export interface SessionOptions {
  user: string;
  privilege: number;
  /** 'vty' for SSH / scenario sessions, 'con' for the console. */
  line: 'vty' | 'con';
  /** Peer address shown by `show users` (e.g. '127.0.0.1'). */
  peer: string;
  cols?: number;
  rows?: number;
  term?: string;
}

export interface CliSession {
  readonly id: number;
  /** Current prompt text, e.g. 'R1(config)#'. */
  readonly prompt: string;
  /** Raw keystrokes from a terminal (CR / LF / CRLF each count as one Enter; `?`, Tab, arrows, Ctrl keys). */
  input(data: string): void;
  /** Output to the terminal; lines end in \r\n. The prompt is always the last thing written. */
  onOutput(cb: (data: string) => void): void;
  /** The session ended (exit, logout, reload, exec-timeout). exitStatus for SSH. */
  onClose(cb: (exitStatus: number) => void): void;
  resize(cols: number, rows: number): void;
  /** The transport went away (disconnect): release the line, abort dialogs. */
  close(): void;
  /** Resolves when every line typed so far (including typeahead) has been processed. */
  idle(): Promise<void>;
}

export interface ExecResult {
  output: string;
  exitStatus: number;
}

export interface DeviceApi {
  readonly name: string;
  hostname(): string;
  /** Validate a login against `username` lines (and the lab's default login). */
  authenticate(user: string, password: string): { ok: true; privilege: number } | { ok: false };
  openSession(opts: SessionOptions): CliSession;
  /** SSH `exec` channel: one command, its output, then an exit status (non-zero on % errors). */
  exec(opts: SessionOptions, command: string): Promise<ExecResult>;
  /** SSH host keys (OpenSSH/PKCS#1 private key text) persisted in the state dir. */
  hostKeys(): string[];
  /** Fires when the device reloads: transports drop its sessions. */
  onReload(cb: () => void): void;
}

export interface WorldApi {
  now(): SimMs;
  device(name: string): DeviceApi | undefined;
  devices(): DeviceApi[];
  /** Run real-world input at the current simulated time (see file comment). */
  ingress<T>(fn: () => T): T;
}
