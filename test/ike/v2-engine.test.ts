import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeHeader } from '../../sim/ike/v2/codec.js';
import { describeMessage, type IkeEngineOptions } from '../../sim/ike/v2/engine.js';
import { NOTIFY, PT, DH } from '../../sim/ike/v2/constants.js';
import { makeCa, genKey } from './helpers/pki.js';
import { engine, pump, I_EP, R_EP, type Clock } from './helpers/twins.js';

const DAY = 86_400_000;
const ca = makeCa('Engine CA');
const otherCa = makeCa('Other CA');
const ki = genKey(), kr = genKey();
const iCert = ca.issue({ key: ki, subject: { C: 'US', O: 'TwinLab', CN: 'r1.twin.test' }, dns: ['r1.twin.test'] });
const rCert = ca.issue({ key: kr, subject: { C: 'US', O: 'TwinLab', CN: 'r2.twin.test' }, dns: ['r2.twin.test'], ip: ['127.0.0.2'] });

function pair(over: { i?: Partial<IkeEngineOptions>; r?: Partial<IkeEngineOptions> } = {}) {
  const clock: Clock = { t: Date.now() };
  const I = engine('R1', clock, { credentials: { certChain: [iCert.cert], privateKey: ki.privateKey }, trust: { anchors: [ca.cert] }, ...over.i });
  const R = engine('R2', clock, { credentials: { certChain: [rCert.cert], privateKey: kr.privateKey }, trust: { anchors: [ca.cert] }, ...over.r });
  return { clock, I, R };
}

describe('IKEv2 engine twin <-> twin (in memory)', () => {
  it('establishes a childless IKE SA with method 14 and curve25519', () => {
    const { I, R } = pair();
    const { id, out } = I.e.initiate(R_EP, I_EP);
    const trace = pump(I.e, R.e, out);
    expect(trace.map((o) => describeMessage(o.data))).toEqual([
      'IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(SIGNATURE_HASH_ALGORITHMS) ]',
      'IKE_SA_INIT response 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) CERTREQ N(SIGNATURE_HASH_ALGORITHMS) N(CHILDLESS_IKEV2_SUPPORTED) ]',
      'IKE_AUTH request 1 [ SK ]',
      'IKE_AUTH response 1 [ SK ]',
    ]);
    const si = I.e.get(id)!;
    expect(si).toMatchObject({ state: 'ESTABLISHED', role: 'initiator', suite: 'AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519', peerId: 'r2.twin.test', peerSubject: 'C=US, O=TwinLab, CN=r2.twin.test', auth: { ok: true, method: 14 } });
    const sr = R.e.list()[0]!;
    expect(sr).toMatchObject({ state: 'ESTABLISHED', role: 'responder', peerId: 'r1.twin.test', spiI: si.spiI, spiR: si.spiR, natDetected: false });
    expect(I.events.map((e) => e.type)).toEqual(['established']);
    expect(R.events.map((e) => e.type)).toEqual(['established']);
  });

  it('INVALID_KE_PAYLOAD negotiation both ways (31 -> 14, 14 -> 19)', () => {
    for (const [rGroups, iGroups, want] of [[[DH.MODP_2048], [31, 14, 19], 14], [[DH.ECP_256], [14, 19], 19]] as const) {
      const P = [{ encr: [{ id: 12, keyLength: 128 }], integ: [12], prf: [5], dh: [...rGroups] }];
      const { I, R } = pair({ r: { proposals: P }, i: { proposals: [{ ...P[0]!, dh: [...iGroups] }] } });
      const { id, out } = I.e.initiate(R_EP, I_EP);
      const trace = pump(I.e, R.e, out);
      expect(describeMessage(trace[1]!.data)).toBe('IKE_SA_INIT response 0 [ N(INVALID_KE_PAYLOAD) ]');
      expect(I.e.get(id)).toMatchObject({ state: 'ESTABLISHED', dhGroup: want });
    }
  });

  it('NO_PROPOSAL_CHOSEN and AES-256 / AES-GCM selection', () => {
    const { I, R } = pair({ r: { proposals: [{ encr: [{ id: 12, keyLength: 256 }], integ: [14], prf: [7], dh: [31] }] } });
    const { id, out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R.e, out);
    expect(I.e.get(id)).toMatchObject({ state: 'FAILED', auth: { reason: 'no-proposal' } });
    const gcm = [{ encr: [{ id: 20, keyLength: 256 }], integ: [], prf: [5], dh: [31] }];
    const p2 = pair({ r: { proposals: gcm }, i: { proposals: gcm } });
    const r2 = p2.I.e.initiate(R_EP, I_EP);
    pump(p2.I.e, p2.R.e, r2.out);
    expect(p2.I.e.get(r2.id)).toMatchObject({ state: 'ESTABLISHED', suite: 'AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519' });
  });

  it('AUTH method 1 when forced', () => {
    const { I, R } = pair({ i: { authMethod: 1 }, r: { authMethod: 1 } });
    const { id, out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R.e, out);
    expect(I.e.get(id)).toMatchObject({ state: 'ESTABLISHED', auth: { method: 1 } });
    expect(R.e.list()[0]).toMatchObject({ state: 'ESTABLISHED', auth: { method: 1 } });
  });

  it('responder rejects: wrong CA, expired, revoked, key mismatch -> AUTHENTICATION_FAILED with a clear log line', () => {
    const t = Date.now();
    const expired = ca.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'], notBefore: new Date(t - 10 * DAY), notAfter: new Date(t - DAY) });
    const foreign = otherCa.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'] });
    const cases: Array<[Partial<IkeEngineOptions>, Partial<IkeEngineOptions>, string, RegExp]> = [
      [{ credentials: { certChain: [foreign.cert], privateKey: ki.privateKey } }, {}, 'untrusted', /rejected: untrusted/],
      [{ credentials: { certChain: [expired.cert], privateKey: ki.privateKey } }, {}, 'expired', /rejected: expired \(certificate "CN=r1.twin.test" expired at/],
      [{}, { trust: { anchors: [ca.cert], revokedSerials: [(() => { const p = pair(); const { out } = p.I.e.initiate(R_EP, I_EP); pump(p.I.e, p.R.e, out); return p.R.e.list()[0]!.peerSerial!; })()] } }, 'revoked', /rejected: revoked/],
      [{ credentials: { certChain: [iCert.cert], privateKey: genKey().privateKey } }, {}, 'key-mismatch', /AUTH method 14 invalid/],
      [{ credentials: { certChain: [iCert.cert], privateKey: ki.privateKey, id: { type: 'fqdn', value: 'evil.twin.test' } } }, {}, 'identity-mismatch', /rejected: identity-mismatch/],
    ];
    for (const [io, ro, reason, logRe] of cases) {
      const { I, R } = pair({ i: io, r: ro });
      const { id, out } = I.e.initiate(R_EP, I_EP);
      const trace = pump(I.e, R.e, out);
      expect(trace.length).toBe(4);
      expect(R.e.list()[0]).toMatchObject({ state: 'FAILED', auth: { ok: false, by: 'local', reason } });
      expect(R.logs.join('\n')).toMatch(logRe);
      expect(R.logs.join('\n')).toMatch(/AUTHENTICATION_FAILED/);
      expect(I.e.get(id)).toMatchObject({ state: 'FAILED', auth: { ok: false, by: 'peer', reason: 'peer-rejected' } });
      expect(I.events.map((e) => e.type)).toEqual(['auth-failed']);
    }
  });

  it('initiator rejects a responder with an expired cert and tells it (INFORMATIONAL AUTHENTICATION_FAILED)', () => {
    const t = Date.now();
    const expired = ca.issue({ key: kr, subject: { CN: 'r2.twin.test' }, dns: ['r2.twin.test'], notBefore: new Date(t - 10 * DAY), notAfter: new Date(t - DAY) });
    const { I, R } = pair({ r: { credentials: { certChain: [expired.cert], privateKey: kr.privateKey } } });
    const { id, out } = I.e.initiate(R_EP, I_EP);
    const trace = pump(I.e, R.e, out);
    expect(describeMessage(trace[4]!.data)).toBe('INFORMATIONAL request 2 [ SK ]');
    expect(I.e.get(id)).toMatchObject({ state: 'FAILED', auth: { by: 'local', reason: 'expired' } });
    expect(R.e.list()[0]).toMatchObject({ state: 'FAILED', auth: { by: 'peer', reason: 'peer-rejected' } });
  });

  it('responder without a usable credential answers AUTHENTICATION_FAILED', () => {
    const { I, R } = pair({ r: { credentials: { none: 'no certificate' } } });
    const { id, out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R.e, out);
    expect(R.e.list()[0]).toMatchObject({ state: 'FAILED', auth: { reason: 'no-certificate' } });
    expect(I.e.get(id)).toMatchObject({ state: 'FAILED', auth: { reason: 'peer-rejected' } });
  });

  it('wall clock is injected: validity follows the device clock, not the host', () => {
    const wall = { t: Date.now() + 2 * 365 * DAY };
    const { I, R } = pair({ r: { wallNow: () => wall.t } });
    const { out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R.e, out);
    expect(R.e.list()[0]).toMatchObject({ state: 'FAILED', auth: { reason: 'expired' } });
  });

  it('retransmit cache: duplicate requests get the cached response verbatim; lost responses are retransmitted', () => {
    const { clock, I, R } = pair();
    const { id, out } = I.e.initiate(R_EP, I_EP);
    const seen: Buffer[] = [];
    let dropAuthResp = true;
    pump(I.e, R.e, out, (o, toB) => {
      if (!toB && describeMessage(o.data).startsWith('IKE_AUTH response') && dropAuthResp) { dropAuthResp = false; seen.push(o.data); return []; }
      if (toB) { // duplicate every request
        const r1 = R.e.receive(o.data, o.local, o.remote);
        void r1;
      }
      return [o];
    });
    // The duplicate of each request was answered identically (IKE_SA_INIT and IKE_AUTH)
    expect(R.e.stats.retransmitsAnswered).toBe(2);
    expect(I.e.get(id)!.state).toBe('AUTH_SENT');
    clock.t += 5000;
    const re = I.e.tick();
    expect(re.length).toBe(1);
    const resp = R.e.receive(re[0]!.data, re[0]!.local, re[0]!.remote);
    expect(resp[0]!.data.equals(seen[0]!)).toBe(true);
    I.e.receive(resp[0]!.data, resp[0]!.local, resp[0]!.remote);
    expect(I.e.get(id)!.state).toBe('ESTABLISHED');
    // initiator gives up after the configured number of tries
    const p = pair({ i: { retransmitTries: 2 } });
    const r2 = p.I.e.initiate(R_EP, I_EP);
    expect(r2.out.length).toBe(1);
    for (let k = 0; k < 10; k++) { p.clock.t += 60_000; p.I.e.tick(); }
    expect(p.I.events.map((e) => e.type)).toEqual(['failed']);
    expect(p.I.events[0]!.sa).toMatchObject({ id: r2.id, state: 'FAILED', auth: { reason: 'timeout' } });
    expect(p.I.e.size.total).toBe(0); // failed SAs are dropped after the grace period
  });

  it('INFORMATIONAL liveness and DELETE in both directions', () => {
    const { I, R } = pair();
    const { id, out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R.e, out);
    const rid = R.e.list()[0]!.id;
    // responder-initiated liveness (request from the original responder)
    const t1 = pump(R.e, I.e, R.e.liveness(rid));
    expect(t1.map((o) => describeMessage(o.data))).toEqual(['INFORMATIONAL request 0 [ SK ]', 'INFORMATIONAL response 0 [ SK ]']);
    const t2 = pump(I.e, R.e, I.e.liveness(id));
    expect(t2.map((o) => describeMessage(o.data))).toEqual(['INFORMATIONAL request 2 [ SK ]', 'INFORMATIONAL response 2 [ SK ]']);
    expect(I.e.get(id)!.state).toBe('ESTABLISHED');
    pump(I.e, R.e, I.e.delete(id));
    expect(I.e.size.total).toBe(0);
    expect(R.e.size.total).toBe(0);
    expect(R.events.map((e) => e.type)).toEqual(['established', 'deleted']);
  });

  it('CHILD_SA requested by a non-childless exchange is answered with NO_PROPOSAL_CHOSEN, IKE SA kept', () => {
    const { I, R } = pair({ r: { childless: false }, i: { childless: false } });
    const { id, out } = I.e.initiate(R_EP, I_EP);
    pump(I.e, R.e, out);
    expect(I.e.get(id)!.state).toBe('ESTABLISHED');
    expect(R.logs.join('\n')).toMatch(/CHILD_SA not supported: answered NO_PROPOSAL_CHOSEN, keeping IKE_SA/);
    expect(I.logs.join('\n')).toMatch(/CHILD_SA not established \(NO_PROPOSAL_CHOSEN\), keeping IKE_SA/);
  });

  it('COOKIE: above the threshold the responder answers statelessly, the initiator retries with the cookie first', () => {
    const { I, R } = pair({ r: { cookieThreshold: 1, maxHalfOpen: 4 } });
    // one half-open SA from somebody else
    const other = pair();
    const o1 = other.I.e.initiate(R_EP, { address: '127.0.0.9', port: 500 });
    R.e.receive(o1.out[0]!.data, o1.out[0]!.local, o1.out[0]!.remote);
    expect(R.e.size.halfOpen).toBe(1);
    const { id, out } = I.e.initiate(R_EP, I_EP);
    const trace = pump(I.e, R.e, out);
    expect(describeMessage(trace[1]!.data)).toBe('IKE_SA_INIT response 0 [ N(COOKIE) ]');
    expect(describeMessage(trace[2]!.data)).toMatch(/^IKE_SA_INIT request 0 \[ N\(COOKIE\) SA KE/);
    expect(I.e.get(id)!.state).toBe('ESTABLISHED');
  });

  it('unsupported critical payload in IKE_SA_INIT gets UNSUPPORTED_CRITICAL_PAYLOAD', () => {
    const { I, R } = pair();
    const { out } = I.e.initiate(R_EP, I_EP);
    // append an unknown critical payload (type 200) after the last one
    const m = Buffer.from(out[0]!.data);
    const extra = Buffer.from([0, 0x80, 0, 6, 1, 2]);
    // find last payload header: walk chain
    let p = 28, next = m[16]!;
    let lastHdr = 0;
    while (next !== 0) { lastHdr = p; next = m[p]!; p += m.readUInt16BE(p + 2); }
    m[lastHdr] = 200;
    const msg = Buffer.concat([m, extra]);
    msg.writeUInt32BE(msg.length, 24);
    const r = R.e.receive(msg, I_EP, R_EP);
    expect(describeMessage(r[0]!.data)).toBe('IKE_SA_INIT response 0 [ N(UNSUPPORTED_CRITICAL_PAYLOAD) ]');
    const n = decodeMessage(r[0]!.data).payloads[0] as { data: Buffer; notifyType: number };
    expect(n.notifyType).toBe(NOTIFY.UNSUPPORTED_CRITICAL_PAYLOAD);
    expect(n.data).toEqual(Buffer.from([200]));
    expect(R.e.size.total).toBe(0);
    void PT; void decodeHeader;
  });

  it('is deterministic for a given seed', () => {
    const run = () => {
      const { I, R } = pair();
      const { out } = I.e.initiate(R_EP, I_EP);
      return pump(I.e, R.e, out).map((o) => o.data.toString('hex'));
    };
    expect(run()).toEqual(run());
  });
});
