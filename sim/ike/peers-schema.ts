/**
 * Schema of the `ike:` section of a lab / scenario (documented in peers.ts) and of a lab
 * device's `ike: { udp }`. Kept apart from peers.ts so the lab and scenario schemas (and their
 * JSON Schema export) do not load the simulation.
 */
import { z } from 'zod';
import { parseDuration } from '../kernel/scheduler.js';

const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,30}$/;
const Name = z.string().regex(NAME_RE, 'must start with a letter and contain only letters, digits, _ . - (max 31)');
const Duration = z
  .string()
  .refine((s) => (parseDuration(s) ?? 0) > 0, { message: 'must be a duration such as 10m, 1h, 30s or 1d12h' });
const Ipv4 = z.string().regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/, 'must be an IPv4 address');
const Schedule = z.object({ every: Duration, start: Duration.optional() }).strict();
const Host = z.string().regex(/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'must be a loopback IPv4 address (127.x.y.z)');
const Port = z.number().int().min(1).max(65535);

export const IkePeerSchema = z
  .object({
    name: Name,
    /** The twin router this peer talks to. */
    router: Name,
    /** The peer's address as the router sees it (show crypto isakmp sa). Default 192.0.2.<10+n>. */
    address: Ipv4.optional(),
    version: z.union([z.literal(1), z.literal(2)]).default(1),
    /** Client peers: the lab device running `crypto pki server` that issues the peer's certificate. */
    ca: Name.optional(),
    subject: z.string().min(1).max(256).optional(),
    fqdn: z.string().min(1).max(253).optional(),
    challenge: z.string().max(128).optional(),
    keyBits: z.number().int().min(512).max(4096).default(1024),
    renew: z.number().int().min(10).max(100).default(80),
    /** Poll period while the CA answers PENDING, and retry period after a failure. */
    retry: Duration.default('1h'),
    /** Device peers: another twin router of the lab, and its trustpoint. */
    device: Name.optional(),
    peerTrustpoint: z.string().min(1).max(64).optional(),
    /** The router's trustpoint for this peer (like an isakmp profile's `ca trust-point`). */
    trustpoint: z.string().min(1).max(64).optional(),
    /** The peer initiates to the router on this schedule. */
    connect: Schedule.optional(),
    /** The router initiates to the peer on this schedule. */
    initiate: Schedule.optional(),
    /** Re-authenticate when an SA reaches its lifetime (by whoever initiated it). */
    rekey: z.boolean().default(true),
    /** A real IKEv2 peer on the wire (e.g. strongSwan): the router initiates to it over UDP. */
    remote: z.object({ host: Host, port: Port }).strict().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const kinds = [p.ca !== undefined, p.device !== undefined, p.remote !== undefined].filter(Boolean).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', path: ['name'], message: 'an IKE peer needs exactly one of: ca (client peer), device (twin router), remote (real peer on UDP)' });
    if (p.remote && p.version !== 2) ctx.addIssue({ code: 'custom', path: ['version'], message: 'a remote (UDP) peer speaks IKEv2: version must be 2' });
  });

export const IkeLabSchema = z
  .object({
    signatures: z.enum(['every', 'memo']).default('every'),
    peers: z.array(IkePeerSchema).max(10_000).default([]),
  })
  .strict()
  .superRefine((l, ctx) => {
    const seen = new Set<string>();
    l.peers.forEach((p, i) => {
      if (seen.has(p.name.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['peers', i, 'name'], message: `duplicate IKE peer name ${p.name}` });
      seen.add(p.name.toLowerCase());
    });
  });

/** Per-device real IKEv2 endpoint (`ike: { udp: { host, port } }` on a lab device). */
export const DeviceIkeSchema = z
  .object({
    udp: z
      .object({
        host: Host.default('127.0.0.1'),
        /** Above 1024 by default; the IKE ports 500 and 4500 when asked (binding them needs root or CAP_NET_BIND_SERVICE). */
        port: Port.refine((p) => p > 1024 || p === 500 || p === 4500, { message: 'must be above 1024, or 500 / 4500 (IKE ports; binding them needs root or CAP_NET_BIND_SERVICE)' }).default(4500),
        /** A second port for NAT-T (non-ESP marker), e.g. `port: 500, nattPort: 4500` like a real router. */
        nattPort: Port.refine((p) => p > 1024 || p === 4500, { message: 'must be above 1024, or 4500' }).optional(),
      })
      .strict()
      .refine((u) => u.nattPort === undefined || u.nattPort !== u.port, { message: 'nattPort must differ from port', path: ['nattPort'] }),
  })
  .strict();

export type IkePeerSpec = z.output<typeof IkePeerSchema>;
export type IkeLabSpec = z.output<typeof IkeLabSchema>;
export type IkeLabInput = z.input<typeof IkeLabSchema>;

/** Validate an `ike:` section (throws a readable Error listing every problem). */
export function parseIkeLab(input: unknown): IkeLabSpec {
  const r = IkeLabSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new Error(r.error.issues.map((i) => `ike.${i.path.join('.')}: ${i.message}`).join('\n'));
}

