/**
 * Calendar arithmetic without `Date` (pki/ must not touch the real clock, and a lint rule bans the
 * identifier). The day algorithms are the kernel's (sim/kernel/clock.ts).
 */
/** UTC calendar time to the second (the kernel's Civil without ms and weekday). */
export type Civil = Omit<KernelCivil, 'ms' | 'weekday'>;

export { daysFromCivil, civilFromDays } from '../sim/kernel/clock.js';
import { daysFromCivil, civilFromDays, type Civil as KernelCivil } from '../sim/kernel/clock.js';

/** UTC civil time → ms since the Unix epoch. */
export function msFromCivil(c: Civil): number {
  return ((daysFromCivil(c.year, c.month, c.day) * 24 + c.hour) * 60 + c.minute) * 60_000 + c.second * 1000;
}

/** ms since the Unix epoch → UTC civil time (seconds truncated). */
export function civilFromMs(ms: number): Civil {
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  return { ...civilFromDays(days), hour: Math.floor(rem / 3600), minute: Math.floor((rem % 3600) / 60), second: rem % 60 };
}
