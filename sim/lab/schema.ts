/**
 * Lab files: several routers in one process, each with its SSH endpoint, login and initial
 * startup-config, plus the world's seed, epoch and real-time rate.
 *
 * ```yaml
 * name: two-routers
 * seed: 42
 * epoch: 2026-01-01T00:00:00Z   # simulated wall clock at start (UTC)
 * rate: 1                       # simulated seconds per real second
 * devices:
 *   - name: R1
 *     ssh: { port: 2222 }         # host defaults to 127.0.0.1
 *     login: { username: admin, password: admin, privilege: 1 }
 *     enableSecret: cisco
 *     startupConfig: |
 *       hostname R1
 *       ...
 * ```
 * Validation is zod; the loader (load.ts) maps every issue to line:column in the file.
 */
import { z } from 'zod';
import { daysFromCivil } from '../kernel/clock.js';
import { DeviceIkeSchema, IkeLabSchema } from '../ike/peers-schema.js';

const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,30}$/;

/** Loopback only: the twin never listens on a real network. */
export function isLoopbackHost(h: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) && h.split('.').every((o) => Number(o) <= 255);
}

const Host = z
  .string()
  .refine(isLoopbackHost, { message: 'must be a loopback IPv4 address (127.x.y.z)' });
const Port = z.number({ error: 'must be a port number' }).int('must be an integer').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');

export const LoginSchema = z
  .object({
    username: z.string().min(1).max(64).regex(/^\S+$/, 'must not contain spaces'),
    password: z.string().min(1).max(128),
    privilege: z.number().int().min(0).max(15).default(1),
  })
  .strict();

export const DeviceSchema = z
  .object({
    name: z.string().regex(NAME_RE, 'must start with a letter and contain only letters, digits, _ . - (max 31)'),
    /** `router` (default) or `ca` (a router acting as the lab's certificate authority). */
    role: z.enum(['router', 'ca']).default('router'),
    ssh: z.object({ host: Host.default('127.0.0.1'), port: Port }).strict(),
    login: LoginSchema.default({ username: 'admin', password: 'admin', privilege: 1 }),
    enableSecret: z.string().min(1).max(128).optional(),
    /** Initial NVRAM startup-config text (used when the state dir has none yet). */
    startupConfig: z.string().max(1_000_000).optional(),
    /** SCEP HTTP endpoint of a `ca` device, e.g. { port: 8080 } → http://127.0.0.1:8080 */
    scep: z.object({ host: Host.default('127.0.0.1'), port: Port }).strict().optional(),
    /** Real IKEv2 on UDP for this router, e.g. { udp: { port: 4500 } }; { udp: { port: 500, nattPort: 4500 } } like a real router when root / CAP_NET_BIND_SERVICE permits (see sim/ike/peers-schema.ts). */
    ike: DeviceIkeSchema.optional(),
  })
  .strict();

const Epoch = z.union([z.string(), z.number().int().nonnegative()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const ms = parseIsoUtc(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO date like 2026-01-01T00:00:00Z (UTC)' });
    return z.NEVER;
  }
  return ms;
});

export const LabSchema = z
  .object({
    name: z.string().max(100).optional(),
    description: z.string().optional(),
    seed: z.number().int('must be an integer').nonnegative().max(2 ** 32 - 1).default(1),
    epoch: Epoch.optional(),
    rate: z.number().positive('must be > 0').max(1e9).default(1),
    devices: z.array(DeviceSchema).min(1, 'a lab needs at least one device').max(5000),
    /** Simulated IKE peers (sim/ike/peers.ts). */
    ike: IkeLabSchema.optional(),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const names = new Map<string, number>();
    const ports = new Map<string, number>();
    lab.devices.forEach((d, i) => {
      const lower = d.name.toLowerCase();
      if (names.has(lower)) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'name'], message: `duplicate device name ${d.name}` });
      }
      names.set(lower, i);
      const eps: [string, (string | number)[]][] = [[`${d.ssh.host}:${d.ssh.port}`, ['devices', i, 'ssh', 'port']]];
      if (d.scep) eps.push([`${d.scep.host}:${d.scep.port}`, ['devices', i, 'scep', 'port']]);
      for (const [ep, path] of eps) {
        if (ports.has(ep)) ctx.addIssue({ code: 'custom', path, message: `port ${ep} is used twice` });
        ports.set(ep, i);
      }
      if (d.scep && d.role !== 'ca') {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'scep'], message: 'only a device with role: ca serves SCEP' });
      }
    });
  });

export type LabDevice = z.output<typeof DeviceSchema>;
export type Lab = z.output<typeof LabSchema>;
export type LabInput = z.input<typeof LabSchema>;

/** `YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z|+00:00]` → ms since the Unix epoch, without `Date`. */
export function parseIsoUtc(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]00:?00)?$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', se = '0', ms = '0'] = m.slice(1) as string[];
  const Y = Number(y), M = Number(mo), D = Number(d), H = Number(h), Mi = Number(mi), S = Number(se);
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 59) return undefined;
  const days = daysFromCivil(Y, M, D);
  // reject 2026-02-31 and the like: the day must round-trip
  if (daysFromCivil(Y, M, 1) + D - 1 !== days || (M < 12 ? daysFromCivil(Y, M + 1, 1) : daysFromCivil(Y + 1, 1, 1)) <= days) {
    return undefined;
  }
  return ((days * 24 + H) * 60 + Mi) * 60_000 + S * 1000 + Number(ms.padEnd(3, '0'));
}

