/**
 * Calendar arithmetic without `Date` (pki/ must not touch the real clock, and a lint rule bans the
 * identifier). Algorithms from H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
 */
export interface Civil {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
  hour: number;
  minute: number;
  second: number;
}

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { year: y + (m <= 2 ? 1 : 0), month: m, day: d };
}

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
