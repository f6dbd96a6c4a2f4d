/**
 * RouterState: the configuration of one device — the only truth. Running-config, `show`
 * output and the dashboard are views of it. It is rebuilt from scratch on every boot
 * (initialisers, then replay of the startup-config text), so everything that must survive a
 * reload lives in NVRAM text or in private-config.
 *
 * Core fields are typed here. Features keep their own slice in `ext[featureId]`, created by
 * their `initState()` (see feature.ts); `featureState(device, feature)` returns it typed.
 */

export type Severity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const SEVERITY_NAMES = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'] as const;

export interface TimestampFormat {
  /** `null` = `no service timestamps <kind>` */
  kind: 'uptime' | 'datetime' | null;
  msec: boolean;
  localtime: boolean;
  showTimezone: boolean;
  year: boolean;
}

export interface InterfaceState {
  /** Normalised full name, e.g. `FastEthernet0/0`, `Loopback0`. */
  name: string;
  description?: string;
  ip?: { addr: string; mask: string };
  secondaries: { addr: string; mask: string }[];
  shutdown: boolean;
  duplex?: 'auto' | 'full' | 'half';
  speed?: '10' | '100' | 'auto';
  /** Physical interfaces cannot be removed with `no interface`. */
  physical: boolean;
  /** How the address was set, for `show ip interface brief` (NVRAM when from boot replay). */
  method: 'unset' | 'NVRAM' | 'manual';
}

export type LineKind = 'con' | 'aux' | 'vty';

export interface LineConfig {
  login: 'none' | 'password' | 'local';
  password?: string; // stored as typed (type 0) or `7 <hex>`
  /** exec-timeout in seconds; IOS default 10 minutes. 0 = never. */
  execTimeoutS: number;
  transportInput?: 'all' | 'none' | 'ssh' | 'telnet' | 'ssh telnet';
  privilegeLevel?: number;
  loggingSynchronous: boolean;
}

export interface UserEntry {
  name: string;
  privilege?: number;
  /** `secret 5 $1$...` (md5-crypt), `password 0 x` / `password 7 hex`, or nopassword. */
  secret?: string;
  password?: { type: 0 | 7; text: string };
  nopassword?: boolean;
}

export interface RouterState {
  hostname: string;
  domainName?: string;
  domainLookup: boolean;
  enableSecret?: string; // md5-crypt `$1$...`
  /** `enable secret level N` (N 1..14; level 15 is enableSecret): md5-crypt per level. */
  enableSecretLevels?: Record<number, string>;
  enablePassword?: { type: 0 | 7; text: string };
  servicePasswordEncryption: boolean;
  timestamps: { debug: TimestampFormat; log: TimestampFormat };
  users: Map<string, UserEntry>; // insertion order = creation order (IOS keeps it)
  interfaces: Map<string, InterfaceState>;
  lines: { con: LineConfig[]; aux: LineConfig[]; vty: LineConfig[] };
  logging: {
    buffered: { enabled: boolean; size: number; level: Severity };
    console: { enabled: boolean; level: Severity };
    monitor: { enabled: boolean; level: Severity };
  };
  ntpServers: { addr: string; prefer: boolean }[];
  bannerMotd?: string; // text between the delimiters (may contain \n)
  ipCef: boolean;
  aaaNewModel: boolean;
  ipForwardProtocolNd: boolean;
  ipHttpServer: boolean;
  ipHttpSecureServer: boolean;
  /** Feature slices, keyed by feature id. */
  ext: Record<string, unknown>;
}

export const DEFAULT_EXEC_TIMEOUT_S = 600;

export function defaultLine(kind: LineKind): LineConfig {
  // IOS defaults: `line vty 0 4` prints ` login` (password checking, no password → refused).
  return { login: kind === 'vty' ? 'password' : 'none', execTimeoutS: DEFAULT_EXEC_TIMEOUT_S, loggingSynchronous: false };
}

export function physicalInterface(name: string): InterfaceState {
  const fe = name.startsWith('FastEthernet');
  return { name, secondaries: [], shutdown: true, physical: true, method: 'unset', ...(fe ? { duplex: 'auto' as const, speed: 'auto' as const } : {}) };
}

/** Cisco 2811 with the built-in ports plus one WIC-2T (Serial0/0/0, Serial0/0/1). */
export const PHYSICAL_INTERFACES = ['FastEthernet0/0', 'FastEthernet0/1', 'Serial0/0/0', 'Serial0/0/1'] as const;

export function initialRouterState(): RouterState {
  const ts = (): TimestampFormat => ({ kind: 'datetime', msec: true, localtime: false, showTimezone: false, year: false });
  const interfaces = new Map<string, InterfaceState>();
  for (const n of PHYSICAL_INTERFACES) interfaces.set(n, physicalInterface(n));
  return {
    hostname: 'Router',
    domainLookup: true,
    servicePasswordEncryption: false,
    timestamps: { debug: ts(), log: ts() },
    users: new Map(),
    interfaces,
    lines: { con: [defaultLine('con')], aux: [defaultLine('aux')], vty: [0, 1, 2, 3, 4].map(() => defaultLine('vty')) },
    logging: {
      // RECALLED: 12.4 ISRs buffer at `debugging` into 4096 bytes out of the box.
      buffered: { enabled: true, size: 4096, level: 7 },
      console: { enabled: true, level: 7 },
      monitor: { enabled: true, level: 7 },
    },
    ntpServers: [],
    ipCef: true,
    aaaNewModel: false,
    ipForwardProtocolNd: true,
    ipHttpServer: false,
    ipHttpSecureServer: false,
    ext: {},
  };
}

/** Interface sort key as IOS prints them: by type order, then numerically by slot/port. */
const TYPE_ORDER = ['Loopback', 'Tunnel', 'FastEthernet', 'GigabitEthernet', 'Serial', 'Virtual-Template', 'Dialer'];
export function compareInterfaces(a: string, b: string): number {
  const ta = /^[A-Za-z-]+/.exec(a)?.[0] ?? '';
  const tb = /^[A-Za-z-]+/.exec(b)?.[0] ?? '';
  const oa = TYPE_ORDER.indexOf(ta);
  const ob = TYPE_ORDER.indexOf(tb);
  if (ta !== tb) return (oa < 0 ? 99 : oa) - (ob < 0 ? 99 : ob) || (ta < tb ? -1 : 1);
  const na = a.slice(ta.length).split(/[/.:]/).map(Number);
  const nb = b.slice(tb.length).split(/[/.:]/).map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}
