/**
 * Level-0 attempts between R1 and lab peers: every failure reason comes from a REAL check
 * (signature verification, chain validation at each side's wall time), never from a flag.
 */
import { describe, expect, it } from 'vitest';
import { CA_CONFIG, lab, lines, setupTrustpoint } from '../pki-router/lab.js';
import { installIkeLab } from '../../sim/features/ike/lab.js';
import { ikeState } from '../../sim/features/ike/state.js';
import { negotiateIsakmp } from '../../sim/features/ike/attempts.js';
import { defaultIsakmpPolicy } from '../../sim/features/ike/state.js';
import { ikeAttempts, ikePeerStats, onIkeAttempt, recordIkeAttempt, type IkeAttemptRecord } from '../../sim/features/ike/records.js';
import { routerCredentials } from '../../sim/ike/router-creds.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { parseIkeLab } from '../../sim/ike/peers.js';
import { World } from '../../sim/world/world.js';
import { term } from '../core/helpers.js';

const MIN = 60_000;
const DAY = 86_400_000;

const CA2_CONFIG = CA_CONFIG.replace('hostname CA', 'hostname CA2').replace('10.0.0.1', '10.0.0.3').replace('CN=LabCA,O=Twin', 'CN=OtherCA,O=Elsewhere').replace('crypto pki server CA', 'crypto pki server CA2');

describe('router credentials adapter', () => {
  it('picks the trustpoint certificate valid at the wall time and the key under its label', async () => {
    const { r1, t } = await lab();
    expect(routerCredentials(r1)).toMatchObject({ reason: 'no trustpoint' });
    await setupTrustpoint(t, {});
    expect(routerCredentials(r1)).toMatchObject({ reason: 'no certificate', trustpoint: 'TP' });
    await lines(t, ['configure terminal', 'crypto pki trustpoint TP', 'auto-enroll 90', 'end']);
    t.world.advance(5000);
    const c = routerCredentials(r1);
    expect(c.reason).toBeUndefined();
    expect(c).toMatchObject({ trustpoint: 'TP', keyLabel: 'TP', keyMatchesCert: true });
    expect(c.anchors[0]!.equals(pkiState(r1).trustpoints.get('TP')!.certs.ca!.der)).toBe(true);
    // A key replaced under the label: handed out as is (the signature check will catch it).
    await t.cmd('configure terminal');
    await t.cmd('crypto key generate rsa general-keys label TP modulus 1024');
    await t.cmd('end');
    const c2 = routerCredentials(r1);
    expect(c2.reason).toBeUndefined();
    expect(c2.keyMatchesCert).toBe(false);
    // CA certificate gone (trustpoint not authenticated any more).
    delete pkiState(r1).trustpoints.get('TP')!.certs.ca;
    expect(routerCredentials(r1)).toMatchObject({ reason: 'CA cert missing' });
    expect(routerCredentials(r1, { trustpoint: 'NOPE' })).toMatchObject({ reason: 'no trustpoint' });
  });
});

describe('attempt outcomes (real signatures, real chain validation)', () => {
  it('ok in both directions; records carry serials; the peer and R1 each validate at their own clock', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90 regenerate' });
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', fqdn: 'c1.lab.example' }] });
    world.advance(5000);
    const a = ike.attempt('c1', 'inbound')!;
    const b = ike.attempt('c1', 'outbound')!;
    expect(a).toMatchObject({ ok: true, direction: 'inbound', via: 'sim', version: 1, trustpoint: 'TP', routerSerial: '02', peerSerial: '03' });
    expect(b).toMatchObject({ ok: true, direction: 'outbound' });
  });

  it('key/cert mismatch: R1 signs with a key its certificate does not carry; the PEER rejects the signature', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA' }] });
    world.advance(5000);
    await lines(t, ['configure terminal', 'crypto key generate rsa general-keys label TP modulus 1024', 'end']);
    for (const dir of ['inbound', 'outbound'] as const) {
      const r = ike.attempt('c1', dir)!;
      expect(r).toMatchObject({ ok: false, reason: 'key/cert mismatch', failedSide: 'router' });
      expect(r.detail).toMatch(/signature of .* does not verify with the public key of certificate/);
    }
  });

  it('expired: R1 past its certificate end date (its own check); a peer past its own (checked by R1)', async () => {
    const { world, t, tca } = await lab();
    // The peer enrolls first; R1 30 days later.
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', renew: 100, retry: '1d' }] });
    world.advance(30 * DAY);
    await setupTrustpoint(t, { autoEnroll: '90' });
    expect(ike.attempt('c1', 'inbound')!.ok).toBe(true);
    // From now on the CA approves by hand and nobody does: the peer's renewal (at expiry) waits.
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    pkiState(world.device('CA')!).ca!.config.autoGrantRenewals = false;
    await lines(t, ['configure terminal', 'crypto pki trustpoint TP', 'no auto-enroll', 'end']);
    world.advance(336 * DAY);
    await t.cmd('terminal monitor');
    const r = ike.attempt('c1', 'inbound')!;
    expect(r).toMatchObject({ ok: false, reason: 'expired', failedSide: 'peer' });
    expect(r.detail).toMatch(/certificate "CN=c1" expired at/);
    expect(await t.cmd('show logging')).toContain('%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 192.0.2.10 is bad: certificate expired');
    world.advance(30 * DAY);
    const r2 = ike.attempt('c1', 'outbound')!;
    expect(r2).toMatchObject({ ok: false, reason: 'expired', failedSide: 'router' });
  });

  it('untrusted: a peer enrolled with another CA is rejected by R1 (and R1 by it)', async () => {
    const { world, t } = await lab({ more: [] });
    const ca2 = world.addDevice({ name: 'CA2', startupConfig: CA2_CONFIG });
    await ca2.boot();
    world.advance(5000);
    await setupTrustpoint(t, { autoEnroll: '90' });
    const ike = installIkeLab(world, { peers: [{ name: 'x', router: 'R1', ca: 'CA2' }] });
    world.advance(5000);
    const r = ike.attempt('x', 'inbound')!;
    expect(r).toMatchObject({ ok: false, reason: 'untrusted', failedSide: 'peer' });
    const o = ike.attempt('x', 'outbound')!;
    expect(o).toMatchObject({ ok: false, reason: 'untrusted', failedSide: 'router' });
    const tca2 = await term(ca2);
    void tca2;
  });

  it('a peer without a certificate yet (CA pending): no certificate on the peer side; R1 logs INVAL_CERT', async () => {
    const { world, t, tca } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', retry: '1m' }] });
    world.advance(5000);
    await t.cmd('terminal monitor');
    const r = ike.attempt('c1', 'inbound')!;
    expect(r).toMatchObject({ ok: false, reason: 'no certificate', failedSide: 'peer' });
    const log = await t.cmd('show logging');
    expect(log).toContain('%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from 192.0.2.10 is bad: no certificate received');
    await tca.cmd('crypto pki server CA grant all');
    world.advance(2 * MIN);
    expect(ike.attempt('c1', 'inbound')!.ok).toBe(true);
  });

  it('a twin router as peer (device: R2): its own trustpoint and wall clock; both directions', async () => {
    const { world, t, others } = await lab({ more: ['R2'] });
    await setupTrustpoint(t, { autoEnroll: '90' });
    const t2 = await term(others[0]!);
    await setupTrustpoint(t2, { autoEnroll: '90' });
    const ike = installIkeLab(world, { peers: [{ name: 'R2', router: 'R1', device: 'R2' }] });
    expect(ike.attempt('R2', 'inbound')).toMatchObject({ ok: true });
    expect(ike.attempt('R2', 'outbound')).toMatchObject({ ok: true });
    // R2's clock runs 2 years ahead: R1's certificate is expired FOR R2 (R2 rejects it).
    others[0]!.setClockOffset(2 * 365 * DAY);
    const r = ike.attempt('R2', 'outbound')!;
    expect(r.ok).toBe(false);
    expect(r.reason).toBe('expired');
  });

  it('IKEv2 profiles: match identity remote picks the trustpoint; no match = no matching profile', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    await lines(t, ['configure terminal', 'crypto ikev2 profile P', 'match identity remote address 198.51.100.0 255.255.255.0', 'authentication local rsa-sig', 'authentication remote rsa-sig', 'pki trustpoint TP', 'end']);
    const ike = installIkeLab(world, {
      peers: [
        { name: 'in', router: 'R1', ca: 'CA', version: 2, address: '198.51.100.9' },
        { name: 'out', router: 'R1', ca: 'CA', version: 2, address: '203.0.113.9' },
      ],
    });
    world.advance(5000);
    expect(ike.attempt('in', 'inbound')).toMatchObject({ ok: true, trustpoint: 'TP', version: 2 });
    expect(ike.attempt('out', 'inbound')).toMatchObject({ ok: false, reason: 'no matching profile' });
    await lines(t, ['configure terminal', 'crypto ikev2 profile P', 'authentication local pre-share', 'end']);
    expect(ike.attempt('in', 'inbound')).toMatchObject({ ok: false, reason: 'no proposal chosen' });
    const log = await t.cmd('show logging');
    expect(log).toContain('%IKEV2-3-NEG_ABORT: Negotiation aborted due to ERROR:');
  });

  it('rekey: an SA that reaches its lifetime is re-authenticated by whoever initiated it', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    await lines(t, ['configure terminal', 'crypto isakmp policy 10', 'lifetime 3600', 'end']);
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA' }, { name: 'c2', router: 'R1', ca: 'CA', rekey: false }] });
    world.advance(5000);
    ike.attempt('c1', 'outbound');
    ike.attempt('c2', 'inbound');
    world.advance(3 * 3600_000 + 1000);
    const c1 = ikeAttempts(world, { peer: 'c1' });
    expect(c1.map((r) => r.direction)).toEqual(['outbound', 'outbound', 'outbound', 'outbound']);
    expect(c1.map((r) => r.t - c1[0]!.t)).toEqual([0, 3600_000, 7200_000, 10_800_000]);
    expect(ikeAttempts(world, { peer: 'c2' })).toHaveLength(1);
    const sa = await t.cmd('show crypto isakmp sa');
    expect(sa).toContain('192.0.2.10      10.0.0.2        QM_IDLE');
    expect(sa).not.toContain('192.0.2.11');
  });

  it('router down (reloading or not booted): the attempt fails with router down', async () => {
    const world = new World({ seed: 3 });
    world.addDevice({ name: 'R1', startupConfig: 'hostname R1\n' });
    world.addDevice({ name: 'CA', startupConfig: CA_CONFIG });
    await world.device('CA')!.boot();
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA' }] });
    expect(ike.attempt('c1', 'inbound')).toMatchObject({ ok: false, reason: 'router down' });
  });
});

describe('determinism and reloads', () => {
  it('same seed, same lab: identical attempt records (nonces and keys from seeded forks)', async () => {
    const run = async () => {
      const { world, t } = await lab({ seed: 99 });
      await setupTrustpoint(t, { autoEnroll: '50 regenerate' });
      const all: IkeAttemptRecord[] = [];
      onIkeAttempt(world, (r) => all.push(r));
      installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', connect: { every: '1h' }, initiate: { every: '7h' } }] });
      world.advance(200 * DAY);
      expect(ikeAttempts(world)).toHaveLength(2000); // the kept history is bounded per peer
      return all.map((r) => `${r.t} ${r.direction} ${r.ok} ${r.reason ?? ''} ${r.routerSerial} ${r.peerSerial} ${r.connId ?? ''}`);
    };
    const a = await run();
    const b = await run();
    expect(a.length).toBeGreaterThan(2000);
    expect(b).toEqual(a);
  });

  it('a reload clears the SA table; the attempt records and totals survive', async () => {
    const { world, t, r1 } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', connect: { every: '10m' } }] });
    world.advance(30 * MIN);
    expect(await t.cmd('show crypto isakmp sa')).toContain('QM_IDLE');
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    const t2 = await term(r1);
    expect(await t2.cmd('show crypto isakmp sa')).toBe('show crypto isakmp sa\ndst             src             state          conn-id slot status\n\nR1#');
    expect(ikePeerStats(world)[0]!.attempts).toBe(3);
    world.advance(10 * MIN);
    expect(ikePeerStats(world)[0]).toMatchObject({ attempts: 4, failures: 0 });
    expect(await t2.cmd('show crypto isakmp sa')).toContain('QM_IDLE');
  });
});

describe('records and outage figures', () => {
  it('longest outage = from a failed attempt to the next success; an open outage counts as ongoing', () => {
    const world = new World({ seed: 1 });
    const rec = (t: number, ok: boolean) =>
      recordIkeAttempt(world, { t, wall: t, router: 'R', peer: 'p', direction: 'inbound', version: 1, via: 'sim', ok, ...(ok ? {} : { reason: 'expired' as const }) });
    rec(0, true);
    rec(10, false);
    rec(20, false);
    rec(35, true); // outage 25
    rec(40, false);
    rec(45, true); // outage 5
    let s = ikePeerStats(world)[0]!;
    expect(s).toMatchObject({ attempts: 6, failures: 3, successes: 3, longestOutageMs: 25, totalOutageMs: 30, outages: 2 });
    expect(s.longestOutage).toEqual({ from: 10, to: 35, ongoing: false });
    rec(50, false);
    rec(70, false);
    s = ikePeerStats(world)[0]!;
    expect(s.longestOutageMs).toBe(25);
    rec(90, false); // ongoing 40 > 25
    s = ikePeerStats(world)[0]!;
    expect(s.longestOutage).toEqual({ from: 50, to: 90, ongoing: true });
    expect(s.outageSince).toBe(50);
    rec(100, true);
    s = ikePeerStats(world)[0]!;
    expect(s.longestOutage).toEqual({ from: 50, to: 100, ongoing: false });
    expect(s.reasons).toEqual({ expired: 6 });
    expect(ikeAttempts(world, { peer: 'p' })).toHaveLength(10);
  });

  it('every attempt is an ike.attempt event on the world bus', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    const seen: unknown[] = [];
    world.events.on('ike.attempt', (e) => seen.push({ device: e.device, ...e.data }));
    installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', connect: { every: '10m' } }] });
    world.advance(31 * MIN);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ device: 'R1', peer: 'c1', ok: true, direction: 'inbound' });
  });
});

describe('lab ike section validation', () => {
  it('readable errors for bad peers', () => {
    expect(() => parseIkeLab({ peers: [{ name: 'p', router: 'R1' }] })).toThrow(/exactly one of: ca/);
    expect(() => parseIkeLab({ peers: [{ name: 'p', router: 'R1', ca: 'CA', connect: { every: 'soon' } }] })).toThrow(/ike\.peers\.0\.connect\.every: must be a duration/);
    expect(() => parseIkeLab({ peers: [{ name: 'p', router: 'R1', ca: 'CA' }, { name: 'P', router: 'R1', ca: 'CA' }] })).toThrow(/duplicate IKE peer name P/);
    expect(() => parseIkeLab({ peers: [{ name: 'p', router: 'R1', remote: { host: '127.0.0.1', port: 5500 } }] })).toThrow(/version must be 2/);
    expect(() => parseIkeLab({ bogus: 1 })).toThrow(/ike\.: Unrecognized key/);
    expect(parseIkeLab(undefined)).toEqual({ signatures: 'every', peers: [] });
  });

  it('install refuses unknown devices', async () => {
    const { world } = await lab();
    expect(() => installIkeLab(world, { peers: [{ name: 'p', router: 'R9', ca: 'CA' }] })).toThrow(/no device R9/);
    expect(() => installIkeLab(world, { peers: [{ name: 'p', router: 'R1', ca: 'CAX' }] })).toThrow(/no device CAX/);
  });
});

describe('IKEv1 policy negotiation (encryption, hash, group, not just rsa-sig)', () => {
  it('the responder\'s first policy equal to one of the initiator\'s offers wins; the default suite when nothing else matches; shorter lifetime', async () => {
    const { world, t, others } = await lab({ more: ['R2'] });
    await setupTrustpoint(t, { autoEnroll: '90' });
    const t2 = await term(others[0]!);
    await setupTrustpoint(t2, { autoEnroll: '90' });
    await lines(t, ['configure terminal', 'crypto isakmp policy 10', 'encryption aes 256', 'hash sha256', 'group 14', 'lifetime 3600', 'end']);
    await lines(t2, ['configure terminal', 'crypto isakmp policy 10', 'encryption 3des', 'hash md5', 'group 2', 'end']);
    const ike = installIkeLab(world, { peers: [{ name: 'R2', router: 'R1', device: 'R2' }] });
    const suite = () => ikeState(world.device('R1')!).sas.find((s) => s.peer === 'R2' && !s.deleted);
    // No common configured suite: both still offer IOS's default protection suite.
    expect(ike.attempt('R2', 'inbound')).toMatchObject({ ok: true });
    expect(suite()).toMatchObject({ suite: 'des/sha/rsa-sig/group 1', dhGroup: 1, lifetimeSec: 86_400 });
    // R2 adds R1's suite (lower priority on R2): R1 as responder picks its priority-10 policy.
    await lines(t2, ['configure terminal', 'crypto isakmp policy 30', 'encryption aes 256', 'hash sha256', 'group 14', 'end']);
    expect(ike.attempt('R2', 'inbound')).toMatchObject({ ok: true });
    expect(suite()).toMatchObject({ suite: 'aes 256/sha256/rsa-sig/group 14', dhGroup: 14, lifetimeSec: 3600 });
    expect(ike.attempt('R2', 'outbound')).toMatchObject({ ok: true });
    expect(suite()).toMatchObject({ suite: 'aes 256/sha256/rsa-sig/group 14' });
    // A different AES key size is a different suite.
    await lines(t2, ['configure terminal', 'crypto isakmp policy 30', 'encryption aes 128', 'end']);
    expect(ike.attempt('R2', 'outbound')).toMatchObject({ ok: true });
    expect(suite()).toMatchObject({ suite: 'des/sha/rsa-sig/group 1' });
  });

  it('negotiateIsakmp: no rsa-sig suite in common = no proposal', () => {
    const psk = { ...defaultIsakmpPolicy(10), auth: 'pre-share' as const, encr: 'aes' as const, group: 14 as const };
    expect(negotiateIsakmp([psk], [psk])).toBeUndefined();
    const a = { ...defaultIsakmpPolicy(10), encr: 'aes' as const, aesBits: 256 as const, group: 14 as const, lifetime: 500 };
    expect(negotiateIsakmp([a], [{ ...a, lifetime: 900 }])).toMatchObject({ policy: { aesBits: 256 }, lifetime: 500 });
    expect(negotiateIsakmp([{ ...a, group: 5 }], [a])).toBeUndefined();
    expect(negotiateIsakmp([{ ...a, hash: 'md5' }], [a])).toBeUndefined();
  });
});

