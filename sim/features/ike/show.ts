/**
 * IKE shows: `show crypto isakmp sa` (12.4 shape), `show crypto isakmp policy` (TABs, 12.x
 * ending), `show crypto ikev2 sa [detailed]` (15.x shape), and the twin-only
 * `show simulation ike [PEER]` / `simulation ike initiate|connect PEER`.
 *
 * Formats (ios-behaviour §6.5):
 *  - isakmp sa: no title line; `dst` and `src` padded to 16, `state` to 15, `conn-id` right-aligned
 *    in 7, `slot` right-aligned in 4, `status` (`ACTIVE`, `ACTIVE (deleted)`) — SEEN. The empty
 *    line after the table is RECALLED.
 *  - isakmp policy: an empty line, `Global IKE policy`, one `Protection suite of priority N`
 *    block per policy, then `Default protection suite`; indentation and the gaps after the
 *    colons are TAB characters (SEEN). 12.x prints the header also without any policy (INFERRED).
 *  - ikev2 sa: ` IPv4 Crypto IKEv2  SA ` / column header / one row + two detail lines per SA /
 *    ` IPv6 Crypto IKEv2  SA ` (RECALLED from 15.x captures; widths 10/22/22/21).
 */
import type { Handler, HandlerContext } from '../../device/feature.js';
import type { Device } from '../../device/device.js';
import { isoUtc } from '../../kernel/clock.js';
import { ikeState, type IkeState, type IsakmpPolicy, type RouterSa } from './state.js';
import { ikePeerStats, ikeAttempts, type IkePeerStats } from './records.js';
import { isSerial, normSerial, revokedSerials, revokeSerial, unrevokeSerial } from './revoked.js';
import { ikeLab, peersOf } from './lab.js';
import { signatureMode } from './attempts.js';
import { routerIkeUdp } from './udp.js';
import { iosIkev2Status } from '../../ike/v2/engine.js';
import { routerAddress } from '../../ike/peers.js';

const ENCR_TEXT: Record<string, string> = {
  des: 'DES - Data Encryption Standard (56 bit keys).',
  '3des': 'Three key triple DES',
  'aes 128': 'AES - Advanced Encryption Standard (128 bit keys).',
  'aes 192': 'AES - Advanced Encryption Standard (192 bit keys).',
  'aes 256': 'AES - Advanced Encryption Standard (256 bit keys).',
};
const HASH_TEXT: Record<string, string> = { sha: 'Secure Hash Standard', md5: 'Message Digest 5', sha256: 'Secure Hash Standard 2 (256 bit)' };
const AUTH_TEXT: Record<string, string> = { 'rsa-sig': 'Rivest-Shamir-Adleman Signature', 'pre-share': 'Pre-Shared Key', 'rsa-encr': 'Rivest-Shamir-Adleman Encryption' };
const GROUP_TEXT: Record<number, string> = { 1: '#1 (768 bit)', 2: '#2 (1024 bit)', 5: '#5 (1536 bit)', 14: '#14 (2048 bit)' };

export function policyBlock(p: IsakmpPolicy): string[] {
  const enc = p.encr === 'aes' ? `aes ${p.aesBits ?? 128}` : p.encr;
  return [
    `\tencryption algorithm:\t${ENCR_TEXT[enc]}`,
    `\thash algorithm:\t\t${HASH_TEXT[p.hash]}`,
    `\tauthentication method:\t${AUTH_TEXT[p.auth]}`,
    `\tDiffie-Hellman group:\t${GROUP_TEXT[p.group]}`,
    `\tlifetime:\t\t${p.lifetime} seconds, no volume limit`,
  ];
}

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

function showIsakmpSa(ctx: HandlerContext): void {
  const st = ikeState(ctx.device);
  ctx.out('dst             src             state          conn-id slot status');
  const rows = st.sas.filter((s) => s.version === 1).sort((a, b) => a.connId - b.connId);
  for (const s of rows) {
    const [dst, src] = s.initiator === 'router' ? [s.remote, s.local] : [s.local, s.remote];
    ctx.out(`${pad(dst, 16)}${pad(src, 16)}${pad(s.state, 15)}${String(s.connId).padStart(7)}${'0'.padStart(5)} ${s.deleted ? 'ACTIVE (deleted)' : 'ACTIVE'}`);
  }
  ctx.out('');
}

function showIsakmpPolicy(ctx: HandlerContext): void {
  const st = ikeState(ctx.device);
  ctx.out('');
  ctx.out('Global IKE policy');
  for (const p of [...st.isakmpPolicies.values()].sort((a, b) => a.priority - b.priority)) {
    ctx.out(`Protection suite of priority ${p.priority}`);
    for (const l of policyBlock(p)) ctx.out(l);
  }
  ctx.out('Default protection suite');
  for (const l of policyBlock({ priority: 0, encr: 'des', hash: 'sha', auth: 'rsa-sig', group: 1, lifetime: 86_400 })) ctx.out(l);
}

interface V2Row {
  id: number;
  status: string;
  local: string;
  remote: string;
  encr: string;
  keysize: number;
  prf: string;
  hash: string;
  dh: number;
  life: number;
  active: number;
  localId?: string | undefined;
  remoteId?: string | undefined;
  spi?: [string, string];
}

/** `AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519` → show fields. */
function fromSuite(s: string | undefined): Pick<V2Row, 'encr' | 'keysize' | 'prf' | 'hash' | 'dh'> {
  const parts = (s ?? '').split('/');
  const e = /^(AES_CBC|AES_GCM_16)_(\d+)$/.exec(parts[0] ?? '');
  const encr = e?.[1] === 'AES_GCM_16' ? 'AES-GCM' : 'AES-CBC';
  const keysize = e ? Number(e[2]) : 128;
  const prfPart = parts.find((p) => p.startsWith('PRF_')) ?? 'PRF_HMAC_SHA2_256';
  const hashOf = (x: string) => (/SHA2_(\d+)/.exec(x)?.[1] ? `SHA${/SHA2_(\d+)/.exec(x)![1]}` : /SHA1/.test(x) ? 'SHA1' : x);
  const integ = parts.find((p) => p.startsWith('HMAC_'));
  const dhName = parts[parts.length - 1] ?? '';
  const dh = dhName === 'CURVE_25519' ? 31 : dhName === 'ECP_256' ? 19 : dhName === 'MODP_2048' ? 14 : Number(dhName) || 0;
  return { encr, keysize, prf: hashOf(prfPart), hash: integ ? hashOf(integ) : 'None', dh };
}

/** Tunnel-ids of wire SAs, drawn from the router's conn-id counter (per boot). */
const udpTunnelIds = new WeakMap<IkeState, Map<number, number>>();

function v2Rows(d: Device): V2Row[] {
  const st = ikeState(d);
  const now = d.world.now();
  const rows: V2Row[] = st.sas
    .filter((s) => s.version === 2 && !s.deleted)
    .map((s: RouterSa) => ({
      id: s.connId,
      status: 'READY',
      local: `${s.local}/${s.localPort}`,
      remote: `${s.remote}/${s.remotePort}`,
      encr: s.encrShow ?? 'AES-CBC',
      keysize: s.keysize ?? 128,
      prf: s.prfShow ?? 'SHA256',
      hash: s.hashShow ?? 'SHA256',
      dh: s.dhGroup ?? 14,
      life: s.lifetimeSec,
      active: Math.floor((now - s.createdAt) / 1000),
      localId: s.localSerial ? `serial ${s.localSerial}` : undefined,
      remoteId: s.peerId,
    }));
  const udp = routerIkeUdp(d);
  if (udp) {
    let ids = udpTunnelIds.get(st);
    if (!ids) udpTunnelIds.set(st, (ids = new Map()));
    for (const sa of udp.engine.list()) {
      const status = iosIkev2Status(sa.state);
      // SAs from before a reload are gone for the router (its state was rebuilt).
      if (status === 'FAILED' || sa.createdAt < d.bootedAt) continue;
      let id = ids.get(sa.id);
      if (id === undefined) ids.set(sa.id, (id = st.nextConnId++));
      rows.push({
        id,
        status,
        local: `${sa.local.address}/${sa.local.port}`,
        remote: `${sa.remote.address}/${sa.remote.port}`,
        ...fromSuite(sa.suite),
        life: Math.round(((sa.expiresAt ?? now) - (sa.establishedAt ?? now)) / 1000),
        active: Math.floor((now - (sa.establishedAt ?? now)) / 1000),
        localId: sa.localId,
        remoteId: sa.peerId,
        spi: [sa.role === 'initiator' ? sa.spiI : sa.spiR, sa.role === 'initiator' ? sa.spiR : sa.spiI],
      });
    }
  }
  return rows.sort((a, b) => a.id - b.id);
}

function showIkev2Sa(ctx: HandlerContext): void {
  const rows = v2Rows(ctx.device);
  ctx.out(' IPv4 Crypto IKEv2  SA ');
  ctx.out('');
  if (rows.length) ctx.out('Tunnel-id Local                 Remote                fvrf/ivrf            Status ');
  for (const r of rows) {
    ctx.out(`${pad(String(r.id), 10)}${pad(r.local, 22)}${pad(r.remote, 22)}${pad('none/none', 21)}${r.status.padEnd(7)}`);
    ctx.out(`      Encr: ${r.encr}, keysize: ${r.keysize}, PRF: ${r.prf}, Hash: ${r.hash}, DH Grp:${r.dh}, Auth sign: RSA, Auth verify: RSA`);
    ctx.out(`      Life/Active Time: ${r.life}/${r.active} sec`);
    if (ctx.args.detailed) {
      // 15.x `detailed` prints many more counters; the twin shows the identifying ones (INFERRED subset).
      ctx.out('      Status Description: Negotiation done');
      if (r.spi) ctx.out(`      Local spi: ${r.spi[0].toUpperCase()}       Remote spi: ${r.spi[1].toUpperCase()}`);
      if (r.localId) ctx.out(`      Local id: ${r.localId}`);
      if (r.remoteId) ctx.out(`      Remote id: ${r.remoteId}`);
    }
    ctx.out('');
  }
  ctx.out(' IPv6 Crypto IKEv2  SA ');
  ctx.out('');
}

function fmtDur(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d}d${p(h)}:${p(m)}:${p(s % 60)}`;
}

function showSimulationIke(ctx: HandlerContext): void {
  const d = ctx.device;
  const world = d.world;
  const stats = ikePeerStats(world, { router: d.name });
  const peers = peersOf(world, d.name);
  const wantPeer = ctx.args.peer !== undefined ? String(ctx.args.peer) : undefined;
  if (wantPeer !== undefined) {
    const s = stats.find((x) => x.peer.toLowerCase() === wantPeer.toLowerCase());
    const p = peers.find((x) => x.name.toLowerCase() === wantPeer.toLowerCase());
    if (!s && !p) {
      ctx.error(`% No IKE peer named ${wantPeer} on ${d.name} (see show simulation ike)`);
      return;
    }
    peerDetail(ctx, d, p?.name ?? s!.peer, s, p);
    return;
  }
  ctx.out(`Router Twin IKE simulation (not IOS): peers of ${d.name} (${routerAddress(d)})`);
  const lab = ikeLab(world);
  ctx.out(`  Signatures: ${signatureMode(world) === 'every' ? 'real RSA signatures on every attempt' : 'real RSA signature per (key, certificate), outcome reused'}`);
  const udp = routerIkeUdp(d);
  if (udp) ctx.out(`  IKEv2 on UDP: ${udp.endpoints().map((e) => `${e.address}:${e.port}`).join(', ')}`);
  const rv = revokedSerials(d);
  if (rv) ctx.out(`  Revoked by config (twin): ${[...rv].join(', ')}`);
  const names = new Set<string>([...peers.map((p) => p.name), ...stats.map((s) => s.peer)]);
  if (names.size === 0) {
    ctx.out(lab ? '  No peers for this router.' : '  No IKE peers in this lab.');
    return;
  }
  ctx.out('  Peer             Kind    Ver  Attempts  Failures  Longest outage  Last');
  let ta = 0;
  let tf = 0;
  let longest = 0;
  for (const n of names) {
    const s = stats.find((x) => x.peer === n);
    const p = peers.find((x) => x.name === n);
    ta += s?.attempts ?? 0;
    tf += s?.failures ?? 0;
    longest = Math.max(longest, s?.longestOutageMs ?? 0);
    const last = s?.last ? `${s.last.ok ? 'ok' : `FAIL ${s.last.reason ?? ''}`} ${isoUtc(world.epoch + s.last.t)}` : '-';
    const lo = s && s.longestOutageMs > 0 ? `${fmtDur(s.longestOutageMs)}${s.longestOutage?.ongoing ? '+' : ''}` : s && s.failures ? '0d00:00:00+' : '-';
    ctx.out(`  ${pad(n, 17)}${pad(p?.kind ?? 'udp', 8)}${pad(String(p?.spec.version ?? 2), 5)}${String(s?.attempts ?? 0).padStart(8)}  ${String(s?.failures ?? 0).padStart(8)}  ${pad(lo, 16)}${last}`);
  }
  ctx.out(`  Total: ${ta} attempts, ${tf} failed, longest outage ${fmtDur(longest)} ('+' = still failing)`);
}

function peerDetail(ctx: HandlerContext, d: Device, name: string, s: IkePeerStats | undefined, p: ReturnType<typeof peersOf>[number] | undefined): void {
  const world = d.world;
  ctx.out(`IKE peer ${name} (not IOS)`);
  if (p) {
    ctx.out(`  Kind: ${p.kind}, IKEv${p.spec.version}, address ${p.address}, router ${p.spec.router}${p.spec.trustpoint ? `, router trustpoint ${p.spec.trustpoint}` : ''}`);
    if (p.kind === 'client') {
      const c = p.cert;
      ctx.out(c ? `  Certificate: serial ${c.serialHex}, ${c.subjectDn}, valid ${isoUtc(c.notBefore)} to ${isoUtc(c.notAfter)}` : '  Certificate: none yet');
    }
    const sched: string[] = [];
    if (p.spec.connect) sched.push(`connects every ${p.spec.connect.every}`);
    if (p.spec.initiate) sched.push(`router initiates every ${p.spec.initiate.every}`);
    if (p.spec.rekey) sched.push('rekey at SA lifetime');
    if (sched.length) ctx.out(`  Schedule: ${sched.join(', ')}`);
  }
  if (!s) {
    ctx.out('  No attempts yet.');
    return;
  }
  const reasons = Object.entries(s.reasons).map(([k, v]) => `${k} ${v}`).join(', ');
  ctx.out(`  Attempts ${s.attempts} (in ${s.inbound.attempts}, out ${s.outbound.attempts}), successes ${s.successes}, failures ${s.failures}${reasons ? ` (${reasons})` : ''}`);
  if (s.longestOutage) {
    ctx.out(`  Longest outage: ${fmtDur(s.longestOutageMs)} from ${isoUtc(world.epoch + s.longestOutage.from)} to ${isoUtc(world.epoch + s.longestOutage.to)}${s.longestOutage.ongoing ? ' (still failing)' : ''}`);
  } else ctx.out('  Longest outage: none');
  ctx.out(`  Outages: ${s.outages} closed, total ${fmtDur(s.totalOutageMs)}${s.outageSince !== undefined ? `, failing since ${isoUtc(world.epoch + s.outageSince)}` : ''}`);
  const recent = ikeAttempts(world, { peer: name }).slice(-20);
  ctx.out(`  Last ${recent.length} attempts (router wall clock):`);
  for (const r of recent) {
    const what = r.ok ? `ok    conn-id ${r.connId ?? '-'}` : `FAIL  ${r.reason}${r.failedSide ? ` (${r.failedSide})` : ''}`;
    const serials = [r.routerSerial ? `router cert ${r.routerSerial}` : '', r.peerSerial ? `peer cert ${r.peerSerial}` : ''].filter(Boolean).join(', ');
    ctx.out(`    ${isoUtc(r.wall)} ${r.direction === 'inbound' ? 'in ' : 'out'} ${r.via.padEnd(3)} ${what}${serials ? `  [${serials}]` : ''}`);
  }
}

function simAttemptCmd(ctx: HandlerContext): void {
  const world = ctx.device.world;
  const lab = ikeLab(world);
  const name = String(ctx.args.peer);
  const p = lab ? [...lab.peers.values()].find((x) => x.name.toLowerCase() === name.toLowerCase() && x.spec.router === ctx.device.name) : undefined;
  if (!lab || !p) {
    ctx.error(`% No IKE peer named ${name} on ${ctx.device.name} (see show simulation ike)`);
    return;
  }
  const dir = ctx.args.dir === 'connect' ? 'inbound' : 'outbound';
  if (p.kind === 'remote' && dir === 'inbound') {
    ctx.error(`% ${p.name} is a real IKEv2 peer: it connects by itself`);
    return;
  }
  const r = lab.attempt(p.name, dir);
  if (!r) {
    ctx.out(`IKE_SA_INIT sent to ${p.name} (${p.spec.remote?.host}:${p.spec.remote?.port}); see show simulation ike ${p.name}`);
    return;
  }
  ctx.out(r.ok ? `IKE SA with ${p.name} established (conn-id ${r.connId})` : `IKE with ${p.name} FAILED: ${r.reason}${r.failedSide ? ` (${r.failedSide} side)` : ''} - ${r.detail ?? ''}`);
}

function simRevokeCmd(ctx: HandlerContext): void {
  const serial = String(ctx.args.serial);
  if (!isSerial(serial)) {
    ctx.error(`% Invalid serial number ${serial} (hex digits)`);
    return;
  }
  const n = normSerial(serial);
  if (ctx.args.op === 'unrevoke') {
    ctx.out(unrevokeSerial(ctx.device, serial) ? `Serial ${n} is no longer treated as revoked` : `% Serial ${n} was not revoked`);
    return;
  }
  ctx.out(revokeSerial(ctx.device, serial) ? `Peer certificates with serial ${n} are now refused as revoked (twin switch, stands in for a CRL)` : `Serial ${n} is already revoked`);
}

export const showHandlers: Record<string, Handler> = {
  'sim.ike.revoke': simRevokeCmd,
  'show.ike.isakmp-sa': showIsakmpSa,
  'show.ike.isakmp-policy': showIsakmpPolicy,
  'show.ike.ikev2-sa': showIkev2Sa,
  'show.ike.simulation': showSimulationIke,
  'sim.ike.attempt': simAttemptCmd,
};
