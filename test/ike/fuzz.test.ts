/**
 * Bad-input test: 100,000 random, truncated, mutated and replayed datagrams (seeded) fed to a
 * responder engine. Asserts: no exception escapes, SA tables stay within their bounds, heap stays
 * sane, and the responder still establishes a clean SA afterwards. Also checks that IKE_AUTH
 * requests with a valid ICV but garbage/mutated inner payloads never crash and never establish.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeChain, encodeHeader, encodeMessage, findPayload, type Payload } from '../../sim/ike/v2/codec.js';
import { EXCH, FLAG_INITIATOR, NOTIFY, PT } from '../../sim/ike/v2/constants.js';
import { createDh, deriveIkeKeys, natDetectionHash, sealMessage, type IkeKeys, type IkeSuite } from '../../sim/ike/v2/crypto.js';
import { authOctets, signAuth } from '../../sim/ike/v2/auth.js';
import { IkeEngine, describeMessage, type Endpoint } from '../../sim/ike/v2/engine.js';
import { proposalToWire, DEFAULT_PROPOSALS } from '../../sim/ike/v2/proposals.js';
import { encodeIdentity } from '../../sim/ike/identity.js';
import { Rng } from '../../sim/kernel/rng.js';
import { makeCa, genKey } from './helpers/pki.js';
import { engine, pump, I_EP, R_EP, type Clock } from './helpers/twins.js';

const DAY = 86_400_000;
const ca = makeCa('Fuzz CA');
const other = makeCa('Fuzz Other CA');
const ki = genKey(), kr = genKey();
const iCert = ca.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'] });
const rCert = ca.issue({ key: kr, subject: { CN: 'r2.twin.test' }, dns: ['r2.twin.test'] });

/** A hand-rolled initiator that can seal arbitrary IKE_AUTH contents with correct keys. */
class ManualSa {
  spiI: Buffer;
  spiR = Buffer.alloc(8);
  ni: Buffer;
  initReq: Buffer;
  initResp?: Buffer;
  keys?: IkeKeys;
  suite?: IkeSuite;
  private dh;
  constructor(private rng: Rng, private remote: Endpoint, private local: Endpoint) {
    this.spiI = rng.bytes(8);
    this.ni = rng.bytes(32);
    this.dh = createDh(31, rng);
    this.initReq = encodeMessage({ spiI: this.spiI, spiR: Buffer.alloc(8), exchange: EXCH.IKE_SA_INIT, flags: FLAG_INITIATOR, mid: 0 }, [
      { type: PT.SA, proposals: [proposalToWire(DEFAULT_PROPOSALS[0]!, 1)] },
      { type: PT.KE, group: 31, data: this.dh.publicValue },
      { type: PT.NONCE, data: this.ni },
      { type: PT.NOTIFY, protocol: 0, spi: Buffer.alloc(0), notifyType: NOTIFY.NAT_DETECTION_SOURCE_IP, data: natDetectionHash(this.spiI, Buffer.alloc(8), local.address, local.port) },
      { type: PT.NOTIFY, protocol: 0, spi: Buffer.alloc(0), notifyType: NOTIFY.SIGNATURE_HASH_ALGORITHMS, data: Buffer.from('0002', 'hex') },
    ]);
  }
  /** Feed the IKE_SA_INIT response; true when keys were derived. */
  accept(resp: Buffer): boolean {
    const m = decodeMessage(resp);
    const ke = findPayload(m.payloads, PT.KE), nr = findPayload(m.payloads, PT.NONCE);
    if (!ke || !nr) return false;
    this.spiR = Buffer.from(m.header.spiR);
    this.suite = { encr: 12, keyLength: 128, integ: 12, prf: 5, dh: 31 };
    this.keys = deriveIkeKeys(this.suite, this.ni, nr.data, this.dh.computeSecret(ke.data)!, this.spiI, this.spiR);
    this.initResp = resp;
    return true;
  }
  sealRaw(exchange: number, mid: number, first: number, inner: Buffer, rng: Rng): Buffer {
    const hdr = encodeHeader({ spiI: this.spiI, spiR: this.spiR, nextPayload: PT.SK, exchange, flags: FLAG_INITIATOR, mid, length: 0 });
    return sealMessage(this.suite!, { encKey: this.keys!.skEi, integKey: this.keys!.skAi }, hdr, first, inner, rng);
  }
  validAuthInner(nrData: Buffer): { first: number; bytes: Buffer } {
    const idBody = encodeIdentity({ type: 'fqdn', value: 'r1.twin.test' });
    const auth = signAuth(14, ki.privateKey, authOctets(this.initReq, nrData, 5, this.keys!.skPi, idBody));
    const pls: Payload[] = [
      { type: PT.IDi, body: idBody }, { type: PT.CERT, encoding: 4, data: iCert.cert },
      { type: PT.CERTREQ, encoding: 4, data: Buffer.alloc(20, 1) }, { type: PT.AUTH, method: auth.method, data: auth.data },
    ];
    return encodeChain(pls);
  }
}

function mutate(rng: Rng, b: Buffer): Buffer {
  const m = Buffer.from(b);
  const n = rng.int(1, 8);
  for (let i = 0; i < n && m.length; i++) {
    const pos = rng.int(0, m.length - 1);
    switch (rng.int(0, 3)) {
      case 0: m[pos] = m[pos]! ^ (1 << rng.int(0, 7)); break;
      case 1: m[pos] = rng.int(0, 255); break;
      case 2: m[pos] = 0; break;
      default: m[pos] = 0xff;
    }
  }
  return m;
}

describe('responder under 100,000 bad datagrams', () => {
  it('never throws, stays bounded, and still works afterwards', () => {
    const rng = new Rng(0xf22);
    const clock: Clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const logs: string[] = [];
    const R = new IkeEngine({
      name: 'R', rng: rng.fork('R'), now: () => clock.t, log: (l) => { if (logs.length < 5000) logs.push(l); },
      credentials: { certChain: [rCert.cert], privateKey: kr.privateKey }, trust: { anchors: [ca.cert] },
      maxHalfOpen: 32, cookieThreshold: 16, maxSas: 256, lifetimeMs: 60_000,
    });
    const remote = (k: number): Endpoint => ({ address: `127.0.0.${1 + (k % 3)}`, port: 5500 + (k % 2) });
    const history: Buffer[] = [];
    const pool: Array<{ sa: ManualSa; nr: Buffer }> = [];
    const heap0 = process.memoryUsage().heapUsed;
    let maxHalf = 0, maxTotal = 0, established = 0, authFailed = 0, replies = 0;
    let fed = 0;
    const feed = (d: Buffer, k: number) => {
      fed++;
      if (history.length < 512) history.push(d); else history[rng.int(0, 511)] = d;
      const out = R.receive(d, remote(k), R_EP);
      replies += out.length;
      return out;
    };
    const N = 100_000;
    for (let k = 0; fed < N; k++) {
      clock.t += 2;
      const kind = rng.int(0, 9);
      if (kind === 0) {
        feed(rng.bytes(rng.int(0, 600)), k);
      } else if (kind === 1 || kind === 2) {
        // fresh valid or mutated IKE_SA_INIT (sometimes a fresh full handshake for the pool)
        const m = new ManualSa(rng, R_EP, remote(k));
        const d = kind === 1 ? m.initReq : mutate(rng, m.initReq);
        const out = feed(d, k);
        if (kind === 1 && out.length && pool.length < 16 && describeMessage(out[0]!.data).includes(' SA KE ')) {
          if (m.accept(out[0]!.data)) pool.push({ sa: m, nr: findPayload(decodeMessage(out[0]!.data).payloads, PT.NONCE)!.data });
        }
      } else if (kind === 3) {
        // truncated (with and without a fixed-up length field)
        const src = history.length ? history[rng.int(0, history.length - 1)]! : rng.bytes(40);
        const t = Buffer.from(src.subarray(0, rng.int(0, src.length)));
        if (t.length >= 28 && rng.chance(1, 2)) t.writeUInt32BE(t.length, 24);
        feed(t, k);
      } else if (kind === 4) {
        // replay verbatim
        if (history.length) feed(history[rng.int(0, history.length - 1)]!, k);
      } else if (kind === 5) {
        // header field mutations aimed at existing SAs
        const list = R.list();
        const s = list.length ? list[rng.int(0, list.length - 1)]! : undefined;
        const hdr = encodeHeader({
          spiI: s ? Buffer.from(s.spiI, 'hex') : rng.bytes(8), spiR: s && rng.chance(3, 4) ? Buffer.from(s.spiR, 'hex') : rng.bytes(8),
          nextPayload: rng.chance(1, 2) ? PT.SK : rng.int(0, 60), exchange: rng.int(33, 38), flags: [0, 8, 0x20, 0x28, rng.int(0, 255)][rng.int(0, 4)]!,
          mid: rng.int(0, 3), length: 0,
        });
        const body = rng.bytes(rng.int(0, 200));
        const d = Buffer.concat([hdr, body]);
        if (rng.chance(3, 4)) d.writeUInt32BE(d.length, 24);
        feed(d, k);
      } else if (kind === 6 || kind === 7) {
        // valid ICV, garbage or mutated inner payloads (consumes a pooled SA)
        const p = pool.shift();
        if (!p) continue;
        const valid = p.sa.validAuthInner(p.nr);
        const inner = kind === 6 ? { first: rng.int(0, 60), bytes: rng.bytes(rng.int(0, 300)) } : { first: valid.first, bytes: mutate(rng, valid.bytes) };
        const d = p.sa.sealRaw(EXCH.IKE_AUTH, 1, inner.first, inner.bytes, rng);
        const out = feed(d, k);
        if (out.length && fed < N) feed(d, k); // duplicate: must be answered from the cache
      } else if (kind === 8) {
        // payload length field mutations on a valid INIT
        const m = new ManualSa(rng, R_EP, remote(k));
        const d = Buffer.from(m.initReq);
        const pos = 28 + 2 + 4 * rng.int(0, 3);
        if (pos + 1 < d.length) d.writeUInt16BE(rng.int(0, 0xffff), pos);
        feed(d, k);
      } else {
        // a correctly formed IKE_AUTH with a valid signature from a pooled SA (sometimes)
        const p = pool.shift();
        if (!p) continue;
        const inner = p.sa.validAuthInner(p.nr);
        feed(p.sa.sealRaw(EXCH.IKE_AUTH, 1, inner.first, inner.bytes, rng), k);
      }
      if (k % 1000 === 999) {
        R.tick();
        const sz = R.size;
        maxHalf = Math.max(maxHalf, sz.halfOpen);
        maxTotal = Math.max(maxTotal, sz.total);
        expect(sz.halfOpen).toBeLessThanOrEqual(32);
        expect(sz.total).toBeLessThanOrEqual(256);
      }
    }
    for (const s of R.list()) if (s.state === 'ESTABLISHED') established++; else if (s.state === 'FAILED') authFailed++;
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
    console.log(`fuzz: ${N} datagrams, replies ${replies}, stats ${JSON.stringify(R.stats)}, max half-open ${maxHalf}, max total ${maxTotal}, heap +${heapMb.toFixed(1)} MB`);
    expect(fed).toBe(N);
    expect(R.stats.received).toBe(N);
    expect(R.stats.established).toBeGreaterThan(0); // the valid IKE_AUTHs did establish
    expect(R.stats.cookiesSent).toBeGreaterThan(0);
    expect(heapMb).toBeLessThan(300);
    void established; void authFailed;
    // afterwards a clean initiator still gets through (it follows the COOKIE if demanded)
    for (let i = 0; i < 3; i++) { clock.t += 60_000; R.tick(); } // expire lifetimes, finish deletes
    expect(R.size.total).toBe(0);
    const I = engine('I', clock, { credentials: { certChain: [iCert.cert], privateKey: ki.privateKey }, trust: { anchors: [ca.cert] } }, 9);
    const { id, out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R, out);
    expect(I.e.get(id)!.state).toBe('ESTABLISHED');
  }, 120_000);

  it('half-open table without cookies: oldest half-open SAs are evicted, size stays bounded', () => {
    const rng = new Rng(77);
    const clock: Clock = { t: Date.now() };
    const R = new IkeEngine({
      rng: rng.fork('R'), now: () => clock.t, credentials: { certChain: [rCert.cert], privateKey: kr.privateKey }, trust: { anchors: [ca.cert] },
      maxHalfOpen: 32, cookieThreshold: 1_000_000, maxSas: 64,
    });
    for (let k = 0; k < 500; k++) {
      const m = new ManualSa(rng, R_EP, I_EP);
      expect(describeMessage(R.receive(m.initReq, { address: '127.0.0.1', port: 1000 + k }, R_EP)[0]!.data)).toMatch(/ SA KE No /);
      expect(R.size.halfOpen).toBeLessThanOrEqual(32);
      expect(R.size.total).toBeLessThanOrEqual(64);
    }
    expect(R.stats.evicted).toBe(500 - 32);
    clock.t += 31_000;
    R.tick();
    expect(R.size.total).toBe(0); // half-open SAs time out
  });

  it('AUTHENTICATION_FAILED with a clear log line for wrong CA / expired / revoked peer certificates', () => {
    const clock: Clock = { t: Date.now() };
    const t = clock.t;
    const expired = ca.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'], notBefore: new Date(t - 30 * DAY), notAfter: new Date(t - DAY) });
    const foreign = other.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'] });
    const revoked = ca.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'], serial: '7e57' });
    const cases: Array<[Buffer, RegExp]> = [
      [foreign.cert, /AUTHENTICATION_FAILED: peer 127\.0\.0\.1:5500 id "r1\.twin\.test" certificate "CN=r1\.twin\.test" serial [0-9A-F]+ rejected: untrusted \(issuer "C=US, O=TwinLab, CN=Fuzz Other CA" of "CN=r1\.twin\.test" is not a trusted CA\)/],
      [expired.cert, /AUTHENTICATION_FAILED: .* rejected: expired \(certificate "CN=r1\.twin\.test" expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/],
      [revoked.cert, /AUTHENTICATION_FAILED: .* serial 7E57 rejected: revoked \(certificate "CN=r1\.twin\.test" serial 7E57 is revoked\)/],
    ];
    for (const [cert, re] of cases) {
      const R = engine('R', clock, { credentials: { certChain: [rCert.cert], privateKey: kr.privateKey }, trust: { anchors: [ca.cert], revokedSerials: ['7E57'] } });
      const I = engine('I', clock, { credentials: { certChain: [cert], privateKey: ki.privateKey }, trust: { anchors: [ca.cert] } });
      const { out } = I.e.initiate(R_EP, I_EP);
      const trace = pump(I.e, R.e, out);
      expect(describeMessage(trace[3]!.data)).toBe('IKE_AUTH response 1 [ SK ]');
      expect(R.logs.join('\n')).toMatch(re);
      expect(I.events[0]).toMatchObject({ type: 'auth-failed', sa: { auth: { by: 'peer', reason: 'peer-rejected' } } });
    }
  });
});
