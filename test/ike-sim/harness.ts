/**
 * The headline lab: a CA router (IOS certificate server, manual grant), R1 with one-year
 * certificates and `auto-enroll 90 regenerate`, simulated IKE peers connecting every 10 minutes,
 * run for a simulated year. The CA administrator grants each request two days after it arrives,
 * through the CA's CLI (`crypto pki server CA grant N`), so the run is driven in chunks:
 * advance to the next due grant, type it, continue.
 */
import { lab, lines, logsOf, recordEvents, setupTrustpoint } from '../pki-router/lab.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { installIkeLab, type IkeLabRuntime } from '../../sim/features/ike/lab.js';
import { ikePeerStats, onIkeAttempt, type IkeAttemptRecord, type IkePeerStats } from '../../sim/features/ike/records.js';
import type { IkeLabInput } from '../../sim/ike/peers.js';
import type { World } from '../../sim/world/world.js';
import type { Device } from '../../sim/device/device.js';
import type { Term } from '../core/helpers.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const YEAR = 365 * DAY;

export interface RunResult {
  world: World;
  r1: Device;
  t: Term;
  tca: Term;
  records: IkeAttemptRecord[];
  stats: IkePeerStats[];
  grants: { id: number; requestedAt: number; grantedAt: number }[];
  logs: string[];
  /** Real time spent in the simulated year (ms). */
  elapsedMs: number;
  start: number;
  end: number;
  ike: IkeLabRuntime;
}

export interface HeadlineOptions {
  /** `simulation pki key-rollover off` on R1 (pre-12.3(7)T). */
  preRollover?: boolean;
  /** Two regenerating trustpoints A and B sharing the key pair SHARED (B enrolled 60 days later). */
  shared?: boolean;
  signatures?: 'every' | 'memo';
  /** Days to simulate (default 365). */
  days?: number;
  /** Delay of the CA administrator (default 2 days). */
  grantDelayMs?: number;
}

const TP_EXTRA = ['enrollment retry period 60', 'enrollment retry count 100'];

async function manualCa(tca: Term, ca: Device): Promise<void> {
  await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
  // Renewals signed by a valid certificate would otherwise be granted at once (ScepCa default).
  pkiState(ca).ca!.config.autoGrantRenewals = false;
}

export async function headlineRun(o: HeadlineOptions = {}): Promise<RunResult> {
  const { world, r1, ca, t, tca } = await lab({ seed: 7 });
  const events = recordEvents(world);
  const grantDelay = o.grantDelayMs ?? 2 * DAY;
  let ikeInput: IkeLabInput;
  if (!o.shared) {
    await setupTrustpoint(t, { autoEnroll: '90 regenerate', extra: TP_EXTRA });
    ikeInput = {
      signatures: o.signatures ?? 'every',
      peers: [{ name: 'client1', router: 'R1', ca: 'CA', fqdn: 'client1.lab.example', connect: { every: '10m' }, retry: '1h' }],
    };
  } else {
    await setupTrustpoint(t, { tp: 'A', label: 'SHARED', autoEnroll: '90 regenerate', extra: TP_EXTRA });
    ikeInput = {
      signatures: o.signatures ?? 'every',
      peers: [
        { name: 'peerA', router: 'R1', ca: 'CA', fqdn: 'peera.lab.example', trustpoint: 'A', connect: { every: '10m' }, retry: '1h' },
        { name: 'peerB', router: 'R1', ca: 'CA', fqdn: 'peerb.lab.example', trustpoint: 'B', connect: { every: '10m', start: '60d10m' }, retry: '1h' },
      ],
    };
  }
  if (o.preRollover) await t.cmd('simulation pki key-rollover off');
  const ike = installIkeLab(world, ikeInput);
  world.advance(MIN); // the peers enroll (CA still grants automatically)
  const start = world.now();
  const end = start + (o.days ?? 365) * DAY;

  const records: IkeAttemptRecord[] = [];
  onIkeAttempt(world, (r) => records.push(r));
  const due: { id: number; at: number; requestedAt: number }[] = [];
  const grants: RunResult['grants'] = [];
  world.events.on('pki.ca.pending', (e) => {
    if (e.device === 'CA' && typeof e.data.requestId === 'number') due.push({ id: e.data.requestId, at: e.t + grantDelay, requestedAt: e.t });
  });
  if (!o.shared) await manualCa(tca, ca);

  const t0 = performance.now();
  const step = async (until: number) => {
    while (world.now() < until) {
      // Chunks of at most a day, so a request seen during a chunk is granted exactly on time.
      const next = Math.min(until, world.now() + DAY, ...due.map((d) => d.at));
      world.runUntil(next);
      for (const d of due.filter((x) => x.at <= world.now())) {
        due.splice(due.indexOf(d), 1);
        await tca.cmd(`crypto pki server CA grant ${d.id}`);
        grants.push({ id: d.id, requestedAt: d.requestedAt, grantedAt: world.now() });
      }
    }
  };
  if (o.shared) {
    // B joins 60 days in: enrolled by hand with the existing shared key (CA still automatic),
    // then `auto-enroll 90 regenerate` like A; from then on the CA grants by hand.
    // (Configuring auto-enroll regenerate BEFORE B has a certificate would make B's first
    // enrollment generate a new SHARED key at once and break A on day 60 — see the report.)
    await step(start + 60 * DAY);
    await setupTrustpoint(t, { tp: 'B', label: 'SHARED', manualEnroll: true, extra: TP_EXTRA });
    await lines(t, ['configure terminal', 'crypto pki trustpoint B', 'auto-enroll 90 regenerate', 'end', 'write memory']);
    await manualCa(tca, ca);
  }
  await step(end);
  const elapsedMs = performance.now() - t0;
  return { world, r1, t, tca, records, stats: ikePeerStats(world), grants, logs: logsOf(events, 'R1'), elapsedMs, start, end, ike };
}

/** Consecutive runs of failed attempts: [first failure t, next success t (or last attempt), count]. */
export function outages(records: IkeAttemptRecord[]): { from: number; to: number; failures: number; reasons: string[] }[] {
  const out: { from: number; to: number; failures: number; reasons: string[] }[] = [];
  let cur: (typeof out)[number] | undefined;
  for (const r of records) {
    if (!r.ok) {
      if (!cur) out.push((cur = { from: r.t, to: r.t, failures: 0, reasons: [] }));
      cur.failures++;
      cur.to = r.t;
      if (r.reason && !cur.reasons.includes(r.reason)) cur.reasons.push(r.reason);
    } else if (cur) {
      cur.to = r.t;
      cur = undefined;
    }
  }
  return out;
}

export function fmtMs(ms: number): string {
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MIN);
  return `${d}d ${h}h ${m}m`;
}
