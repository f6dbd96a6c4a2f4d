/**
 * Calendar arithmetic and IOS time formats, without `Date`.
 *
 * All times are integer milliseconds since the Unix epoch (UTC). The twin has no
 * `clock timezone` support yet: every zone is `UTC`.
 */

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export interface Civil {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number; // 0 = Sunday
}

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm). */
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

export function toCivil(t: number): Civil {
  const days = Math.floor(t / 86_400_000);
  let rem = t - days * 86_400_000;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rem / 3_600_000);
  rem -= hour * 3_600_000;
  const minute = Math.floor(rem / 60_000);
  rem -= minute * 60_000;
  const second = Math.floor(rem / 1000);
  const ms = rem - second * 1000;
  const weekday = (((days + 4) % 7) + 7) % 7;
  return { year, month, day, hour, minute, second, ms, weekday };
}

export function fromCivil(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

/** Parse `2026-01-01T00:00:00Z` / `2026-01-01` (UTC only) without Date. */
export function parseIsoUtc(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|\+00:00)?$/.exec(s.trim());
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  return fromCivil(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
}

export function isoUtc(t: number): string {
  const c = toCivil(t);
  return `${c.year}-${p2(c.month)}-${p2(c.day)}T${p2(c.hour)}:${p2(c.minute)}:${p2(c.second)}.${p3(c.ms)}Z`;
}

export const p2 = (n: number): string => String(n).padStart(2, '0');
export const p3 = (n: number): string => String(n).padStart(3, '0');

/** `HH:MM:SS` */
export function hms(c: Civil): string {
  return `${p2(c.hour)}:${p2(c.minute)}:${p2(c.second)}`;
}

/** `show clock`: `10:15:32.123 UTC Fri Mar 1 2002` (day not padded). */
export function fmtShowClock(t: number, zone = 'UTC'): string {
  const c = toCivil(t);
  return `${hms(c)}.${p3(c.ms)} ${zone} ${WEEKDAYS[c.weekday]} ${MONTHS[c.month - 1]} ${c.day} ${c.year}`;
}

/** Config comments / CLOCKUPDATE: `10:42:17 UTC Fri Mar 1 2002`. */
export function fmtConfigTime(t: number, zone = 'UTC'): string {
  const c = toCivil(t);
  return `${hms(c)} ${zone} ${WEEKDAYS[c.weekday]} ${MONTHS[c.month - 1]} ${c.day} ${c.year}`;
}

/** PKI-style dates: `01:36:54 UTC Apr 6 2024`. */
export function fmtCertTime(t: number, zone = 'UTC'): string {
  const c = toCivil(t);
  return `${hms(c)} ${zone} ${MONTHS[c.month - 1]} ${c.day} ${c.year}`;
}

/** Syslog `datetime msec`: `Mar  1 00:00:38.168` (day padded to two columns). */
export function fmtLogDatetime(t: number, opts: { msec: boolean; year: boolean; zone?: string }): string {
  const c = toCivil(t);
  let s = `${MONTHS[c.month - 1]} ${String(c.day).padStart(2, ' ')}`;
  if (opts.year) s += ` ${c.year}`;
  s += ` ${hms(c)}`;
  if (opts.msec) s += `.${p3(c.ms)}`;
  if (opts.zone) s += ` ${opts.zone}`;
  return s;
}

/**
 * Syslog `uptime` stamps (RECALLED): under a day `HH:MM:SS`, under a week `XdYYh`,
 * then `XwYd`.
 */
export function fmtLogUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  if (d === 0) return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
  if (d < 7) return `${d}d${p2(Math.floor(s / 3600) % 24)}h`;
  return `${Math.floor(d / 7)}w${d % 7}d`;
}

/** `show version` uptime: `1 year, 10 weeks, 3 days, 13 hours, 37 minutes` (plural only when > 1). */
export function fmtUptime(ms: number): string {
  let m = Math.floor(ms / 60_000);
  const years = Math.floor(m / (365 * 1440));
  m -= years * 365 * 1440;
  const weeks = Math.floor(m / (7 * 1440));
  m -= weeks * 7 * 1440;
  const days = Math.floor(m / 1440);
  m -= days * 1440;
  const hours = Math.floor(m / 60);
  const minutes = m - hours * 60;
  const parts: string[] = [];
  const add = (n: number, unit: string) => {
    if (n > 0) parts.push(`${n} ${unit}${n > 1 ? 's' : ''}`);
  };
  add(years, 'year');
  add(weeks, 'week');
  add(days, 'day');
  add(hours, 'hour');
  // IOS always prints the minutes part, even `0 minutes` right after boot.
  parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function monthFromName(s: string): number | undefined {
  const i = MONTHS.findIndex((m) => m.toLowerCase() === s.slice(0, 3).toLowerCase());
  if (i < 0) return undefined;
  const full = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'][i]!;
  return full.startsWith(s.toLowerCase()) ? i + 1 : undefined;
}

/** Parse `10:42:17 UTC Fri Mar 1 2002` (config comment format); the zone is taken as UTC. */
export function parseConfigTime(s: string): number | undefined {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{3}))? \S+ \S{3} (\S{3}) (\d{1,2}) (\d{4})$/.exec(s.trim());
  if (!m) return undefined;
  const mon = monthFromName(m[5]!);
  if (!mon) return undefined;
  return fromCivil(Number(m[7]), mon, Number(m[6]), Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? Number(m[4]) : 0);
}
