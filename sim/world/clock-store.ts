/**
 * The world's calendar survives a process restart, like a router's battery-backed clock:
 * `<stateDir>/world-clock.json` holds the simulated wall time (ms since the Unix epoch) of
 * world time "now". A restarted `twin serve` resumes from it, so certificates issued after a
 * `simulation advance 400d` are still valid (not "not yet valid") after a restart.
 * Written atomically (temp + rename); a missing or corrupt file means "start at the lab epoch".
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '../device/nvram.js';

const FILE = 'world-clock.json';

export function readWorldClock(stateDir: string): number | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(stateDir, FILE), 'utf8')) as { wallMs?: unknown };
    return typeof v.wallMs === 'number' && Number.isSafeInteger(v.wallMs) && v.wallMs >= 0 ? v.wallMs : undefined;
  } catch {
    return undefined;
  }
}

export function writeWorldClock(stateDir: string, wallMs: number): void {
  fs.mkdirSync(stateDir, { recursive: true });
  atomicWrite(path.join(stateDir, FILE), JSON.stringify({ wallMs: Math.floor(wallMs) }) + '\n', false);
}
