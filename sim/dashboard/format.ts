import { isoUtc } from '../kernel/clock.js';

/** `2026-01-01 12:00:00 UTC`: how the dashboard and `twin lab` print simulated wall time. */
export function fmtWall(t: number): string {
  return isoUtc(t).replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}
