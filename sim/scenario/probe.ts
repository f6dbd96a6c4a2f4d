/**
 * Read-only probes of device state for reports and the dashboard: certificates per trustpoint
 * (serial, validity, key label), CA server status, IKE peer status. They read the PKI/IKE
 * features' public state getters and never change anything. Every probe tolerates a feature
 * that is not registered (returns empty), so reports work on core-only labs.
 *
 * Thin adapter: PKI events (`pki.enrolled`, `pki.renewed`) carry serials but not validity or
 * key labels; the runner calls `certSnapshot()` when it sees them.
 */
import type { Device } from '../device/device.js';

export interface CertSnap {
  device: string;
  trustpoint: string;
  serial: string;
  notBefore: number;
  notAfter: number;
  keyLabel?: string | undefined;
  /** `active` identity certificate, or `rollover` (received, not active yet). */
  role: 'active' | 'rollover';
  /** Simulated wall time the snapshot was taken (≈ install time). */
  seenAt: number;
}

export interface TrustpointSnap {
  name: string;
  autoEnroll?: string | undefined;
  certs: CertSnap[];
  caSubject?: string | undefined;
  /** Enrollment runtime status line (Pending, Granted, …) when the feature exposes it. */
  status?: string | undefined;
  renewAt?: number | undefined;
}

type Loose = Record<string, unknown>;

function pkiSlice(d: Device): Loose | undefined {
  const s = d.state.ext['pki'];
  return s && typeof s === 'object' ? (s as Loose) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Trustpoints of a device with their certificates (empty without the PKI feature). */
export function trustpoints(d: Device): TrustpointSnap[] {
  const pki = pkiSlice(d);
  const tps = pki?.trustpoints;
  if (!(tps instanceof Map)) return [];
  const out: TrustpointSnap[] = [];
  for (const [name, tp] of tps as Map<string, Loose>) {
    const cfg = (tp.cfg ?? {}) as Loose;
    const certs = (tp.certs ?? {}) as Loose;
    const rt = (tp.rt ?? {}) as Loose;
    const keyLabel = typeof cfg.rsakeypair === 'object' && cfg.rsakeypair ? String((cfg.rsakeypair as Loose).label ?? '') || undefined : undefined;
    const defaultLabel = d.state.domainName ? `${d.state.hostname}.${d.state.domainName}` : d.state.hostname;
    const snaps: CertSnap[] = [];
    for (const [role, list] of [['active', certs.ids], ['rollover', certs.rollover]] as const) {
      if (!Array.isArray(list)) continue;
      for (const ic of list as Loose[]) {
        const c = (ic.cert ?? {}) as Loose;
        const nb = num(c.notBefore);
        const na = num(c.notAfter);
        if (nb === undefined || na === undefined) continue;
        snaps.push({
          device: d.name,
          trustpoint: name,
          serial: String(c.serialHex ?? '?'),
          notBefore: nb,
          notAfter: na,
          keyLabel: keyLabel ?? defaultLabel,
          role,
          seenAt: d.wallNow(),
        });
      }
    }
    const ae = cfg.autoEnroll as Loose | undefined;
    out.push({
      name,
      autoEnroll: ae ? `auto-enroll${ae.renewAtElapsedPct !== undefined ? ` ${String(ae.renewAtElapsedPct)}` : ''}${ae.regenerate ? ' regenerate' : ''}` : undefined,
      certs: snaps,
      caSubject: typeof (certs.ca as Loose | undefined)?.subjectDn === 'string' ? String((certs.ca as Loose).subjectDn) : undefined,
      status: typeof rt.lastStatus === 'string' ? rt.lastStatus : undefined,
      renewAt: num(rt.renewAt),
    });
  }
  return out;
}

/** Snapshot of one trustpoint's certificates (for timeline bars). */
export function certSnapshot(d: Device, trustpoint: string): CertSnap[] {
  return trustpoints(d).find((t) => t.name === trustpoint)?.certs ?? [];
}

export interface CaSnap {
  name: string;
  shutdown: boolean;
  grant: string;
  pending: number;
  issued: number;
}

/** The device's IOS certificate server, if any. */
export function caServer(d: Device): CaSnap | undefined {
  const pki = pkiSlice(d);
  const server = pki?.server as Loose | undefined;
  if (!server) return undefined;
  const ca = pki?.ca as { listRequests?: () => { state: string }[]; issued?: () => unknown[] } | undefined;
  let pending = 0;
  let issued = 0;
  try {
    pending = ca?.listRequests?.().filter((r) => r.state === 'pending').length ?? 0;
    issued = ca?.issued?.().length ?? 0;
  } catch {
    // a probe never breaks its caller
  }
  return { name: String(server.name ?? ''), shutdown: server.shutdown === true, grant: String(server.grant ?? ''), pending, issued };
}
