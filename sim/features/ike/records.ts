/**
 * # IKE attempt records (per world) — what scenarios, reports and tests read
 *
 * ```ts
 * import { ikeAttempts, ikePeerStats, onIkeAttempt } from './sim/features/ike/records.js';
 * world.events.on('ike.attempt', (e) => …)   // e.device = router, e.data = IkeAttemptRecord
 * ikePeerStats(world)                        // per peer: attempts, failures, longest outage, …
 * ikeAttempts(world, { peer: 'client1' })    // kept records (bounded ring per peer)
 * ```
 *
 * Every IKE authentication attempt — level-0 simulated (`via: 'sim'`) or real IKEv2 on the wire
 * (`via: 'udp'`) — produces ONE record, emitted on the world event bus as `ike.attempt` (device =
 * the router) and folded into the per-peer totals. Records are measurements: they survive router
 * reloads (the SA table does not).
 *
 * Outage (per peer): the stretch of simulated world time from a failed attempt until the next
 * successful one; an outage still open counts up to the latest attempt (`ongoing`).
 */
import type { World } from '../../world/world.js';

/** Why an attempt failed (the twin's vocabulary, shown in `show simulation ike`). */
export type IkeFailReason =
  | 'no certificate'
  | 'expired'
  | 'not yet valid'
  | 'key/cert mismatch'
  | 'untrusted'
  | 'CA cert missing'
  | 'revoked'
  | 'identity mismatch'
  | 'bad signature'
  | 'key usage'
  | 'no trustpoint'
  | 'no proposal chosen'
  | 'no matching profile'
  | 'router down'
  | 'timeout'
  | 'peer rejected'
  | 'protocol error';

export interface IkeAttemptRecord {
  /** World time (ms since world start). */
  t: number;
  /** The router's wall clock at the attempt (ms since the Unix epoch). */
  wall: number;
  router: string;
  peer: string;
  /** inbound = the peer initiated to the router; outbound = the router initiated. */
  direction: 'inbound' | 'outbound';
  version: 1 | 2;
  via: 'sim' | 'udp';
  ok: boolean;
  reason?: IkeFailReason;
  /** Whose credentials were missing or rejected. */
  failedSide?: 'router' | 'peer';
  detail?: string;
  trustpoint?: string;
  /** Serial of the router certificate used / of the peer certificate received. */
  routerSerial?: string;
  peerSerial?: string;
  connId?: number;
}

export interface IkePeerStats {
  peer: string;
  router: string;
  attempts: number;
  successes: number;
  failures: number;
  inbound: { attempts: number; failures: number };
  outbound: { attempts: number; failures: number };
  firstAttempt?: number;
  lastAttempt?: number;
  last?: { t: number; ok: boolean; reason?: IkeFailReason };
  /** Failure count by reason. */
  reasons: Partial<Record<IkeFailReason, number>>;
  /** Longest outage (ms of world time) and when it was. */
  longestOutageMs: number;
  longestOutage?: { from: number; to: number; ongoing: boolean };
  /** Sum of all outages (ms). */
  totalOutageMs: number;
  outages: number;
  /** Start of the outage in progress (first failed attempt since the last success). */
  outageSince?: number;
}

const HISTORY_PER_PEER = 2000;

interface PeerBook {
  stats: IkePeerStats;
  ring: IkeAttemptRecord[];
  /** Longest CLOSED outage so far. */
  closed: { ms: number; from?: number; to?: number };
  /** Totals before ring[0] (the records shifted out of the ring), so an amendment can replay the ring. */
  base: { stats: IkePeerStats; closed: { ms: number; from?: number; to?: number } };
}

interface WorldBook {
  peers: Map<string, PeerBook>;
  total: number;
}

const books = new WeakMap<World, WorldBook>();
function book(world: World): WorldBook {
  let b = books.get(world);
  if (!b) books.set(world, (b = { peers: new Map(), total: 0 }));
  return b;
}

function newStats(peer: string, router: string): IkePeerStats {
  return {
    peer,
    router,
    attempts: 0,
    successes: 0,
    failures: 0,
    inbound: { attempts: 0, failures: 0 },
    outbound: { attempts: 0, failures: 0 },
    reasons: {},
    longestOutageMs: 0,
    totalOutageMs: 0,
    outages: 0,
  };
}

/** Fold one record into a peer's totals (stats + longest closed outage). */
function apply(st: { stats: IkePeerStats; closed: { ms: number; from?: number; to?: number } }, r: IkeAttemptRecord): void {
  const s = st.stats;
  s.router = r.router;
  s.attempts++;
  const dir = r.direction === 'inbound' ? s.inbound : s.outbound;
  dir.attempts++;
  s.firstAttempt ??= r.t;
  s.lastAttempt = r.t;
  s.last = { t: r.t, ok: r.ok, ...(r.reason ? { reason: r.reason } : {}) };
  if (r.ok) {
    s.successes++;
    if (s.outageSince !== undefined) {
      const len = r.t - s.outageSince;
      if (len >= st.closed.ms) st.closed = { ms: len, from: s.outageSince, to: r.t };
      s.totalOutageMs += len;
      s.outages++;
      s.outageSince = undefined;
    }
  } else {
    s.failures++;
    dir.failures++;
    if (r.reason) s.reasons[r.reason] = (s.reasons[r.reason] ?? 0) + 1;
    s.outageSince ??= r.t;
  }
  // Longest outage: the longest closed one, or the one in progress (up to this attempt) if longer.
  const ongoing = s.outageSince !== undefined ? r.t - s.outageSince : -1;
  if (ongoing >= 0 && ongoing >= st.closed.ms) {
    s.longestOutageMs = ongoing;
    s.longestOutage = { from: s.outageSince!, to: r.t, ongoing: true };
  } else if (st.closed.from !== undefined) {
    s.longestOutageMs = st.closed.ms;
    s.longestOutage = { from: st.closed.from, to: st.closed.to!, ongoing: false };
  }
}

/** Record one attempt: totals, history, and the `ike.attempt` event on the world bus. */
export function recordIkeAttempt(world: World, r: IkeAttemptRecord): void {
  const b = book(world);
  b.total++;
  let pb = b.peers.get(r.peer);
  if (!pb) b.peers.set(r.peer, (pb = { stats: newStats(r.peer, r.router), ring: [], closed: { ms: 0 }, base: { stats: newStats(r.peer, r.router), closed: { ms: 0 } } }));
  apply(pb, r);
  pb.ring.push(r);
  if (pb.ring.length > HISTORY_PER_PEER) apply(pb.base, pb.ring.shift()!);
  world.events.emit(r.t, r.router, 'ike.attempt', { ...r });
}

/**
 * Correct an attempt already recorded as a success whose real outcome became known later: an
 * IKEv2 responder establishes its SA when it SENDS the last IKE_AUTH response, before the
 * initiator has checked the responder's certificate and AUTH; when the initiator then rejects it
 * (INFORMATIONAL with AUTHENTICATION_FAILED), the attempt failed. The record (found by router and
 * connId among the kept ones) is replaced in place — the attempt is still counted once — the
 * peer's totals and outages are recomputed, and `ike.attempt.amended` is emitted on the world bus
 * with the corrected record (data.amended = true). Returns the corrected record, or undefined
 * when no kept record matches.
 */
export function amendIkeAttempt(
  world: World,
  key: { router: string; peer: string; connId: number },
  patch: Pick<IkeAttemptRecord, 'ok'> & Partial<Pick<IkeAttemptRecord, 'reason' | 'failedSide' | 'detail'>>,
): IkeAttemptRecord | undefined {
  const pb = book(world).peers.get(key.peer);
  if (!pb) return undefined;
  let i = pb.ring.length - 1;
  while (i >= 0 && !(pb.ring[i]!.router === key.router && pb.ring[i]!.connId === key.connId)) i--;
  if (i < 0) return undefined;
  const { reason: _r, failedSide: _f, detail: _d, ...keep } = pb.ring[i]!;
  const fixed: IkeAttemptRecord = { ...keep, ...patch };
  pb.ring[i] = fixed;
  // Replay the kept records over the totals from before them.
  const st = { stats: structuredClone(pb.base.stats), closed: { ...pb.base.closed } };
  for (const r of pb.ring) apply(st, r);
  pb.stats = st.stats;
  pb.closed = st.closed;
  world.events.emit(world.now(), key.router, 'ike.attempt.amended', { ...fixed, amended: true });
  return fixed;
}

/** Per-peer totals (copies), in first-seen order; filter by router/peer. */
export function ikePeerStats(world: World, f: { router?: string; peer?: string } = {}): IkePeerStats[] {
  const out: IkePeerStats[] = [];
  for (const pb of book(world).peers.values()) {
    if (f.router !== undefined && pb.stats.router !== f.router) continue;
    if (f.peer !== undefined && pb.stats.peer !== f.peer) continue;
    out.push(structuredClone(pb.stats));
  }
  return out;
}

/** Kept attempt records (the last HISTORY_PER_PEER per peer), oldest first. */
export function ikeAttempts(world: World, f: { router?: string; peer?: string } = {}): IkeAttemptRecord[] {
  const out: IkeAttemptRecord[] = [];
  for (const pb of book(world).peers.values()) {
    if (f.router !== undefined && pb.stats.router !== f.router) continue;
    if (f.peer !== undefined && pb.stats.peer !== f.peer) continue;
    out.push(...pb.ring);
  }
  return out.sort((a, b) => a.t - b.t);
}

export function ikeAttemptCount(world: World): number {
  return book(world).total;
}

/** Subscribe to attempts (typed wrapper over the `ike.attempt` bus event). */
export function onIkeAttempt(world: World, cb: (r: IkeAttemptRecord) => void): () => void {
  return world.events.on('ike.attempt', (e) => cb(e.data as unknown as IkeAttemptRecord));
}

/** Forget all records of a world (scenario reset). */
export function resetIkeRecords(world: World): void {
  books.delete(world);
}
