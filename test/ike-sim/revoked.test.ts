/**
 * Revoked-by-config certificates (issue #5 point 7): `simulation ike revoke SERIAL` makes the
 * router refuse a peer certificate with that serial — level 0 and on the wire — with
 * AUTHENTICATION_FAILED, reason `revoked` and a log line naming the peer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lab, setupTrustpoint } from '../pki-router/lab.js';
import { installIkeLab, startLabIkeUdp } from '../../sim/features/ike/lab.js';
import { ikeAttempts, ikePeerStats } from '../../sim/features/ike/records.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { term } from '../core/helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timeout waiting for the IKE exchange');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('revoked-by-config peer certificates', () => {
  it('level 0: a client peer whose serial R1 revokes fails with reason revoked (IKMP_INVAL_CERT); unrevoke restores it', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90' });
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', fqdn: 'c1.lab.example' }] });
    world.advance(5000);
    const ok = ike.attempt('c1', 'inbound')!;
    expect(ok).toMatchObject({ ok: true, peerSerial: '03' });
    expect(await t.cmd('simulation ike revoke 0003')).toContain('Peer certificates with serial 3 are now refused as revoked');
    expect(await t.cmd('simulation ike revoke zz')).toContain('% Invalid serial number zz');
    expect(await t.cmd('show simulation ike')).toContain('Revoked by config (twin): 3');
    for (const dir of ['inbound', 'outbound'] as const) {
      expect(ike.attempt('c1', dir)).toMatchObject({ ok: false, reason: 'revoked', failedSide: 'peer', peerSerial: '03' });
    }
    expect(await t.cmd('show logging')).toMatch(/%CRYPTO-5-IKMP_INVAL_CERT: Certificate received from [\d.]+ is bad: certificate revoked/);
    expect(await t.cmd('simulation ike unrevoke 03')).toContain('Serial 3 is no longer treated as revoked');
    expect(ike.attempt('c1', 'inbound')).toMatchObject({ ok: true });
    expect(ikePeerStats(world, { peer: 'c1' })[0]).toMatchObject({ attempts: 4, failures: 2, reasons: { revoked: 2 } });
  });

  it('on the wire, both directions: R1 refuses R2\'s revoked certificate with AUTHENTICATION_FAILED and a clear log line', async () => {
    const { world, t, others } = await lab({ more: ['R2'] });
    await setupTrustpoint(t, { autoEnroll: '90' });
    const t2 = await term(others[0]!);
    await setupTrustpoint(t2, { autoEnroll: '90' });
    const udp = await startLabIkeUdp(world, [
      { device: 'R1', host: '127.0.0.1', port: 0 },
      { device: 'R2', host: '127.0.0.1', port: 0 },
    ]);
    closers.push(() => udp.close());
    const [p1, p2] = udp.handles.map((h) => h.endpoints()[0]!.port);
    const ike = installIkeLab(world, {
      peers: [
        { name: 'to-R1', router: 'R2', version: 2, remote: { host: '127.0.0.1', port: p1! } },
        { name: 'to-R2', router: 'R1', version: 2, remote: { host: '127.0.0.1', port: p2! } },
      ],
    });
    closers.push(async () => ike.stop());
    const r2Serial = pkiState(world.device('R2')!).trustpoints.get('TP')!.certs.ids[0]!.cert.serialHex;
    expect(await t.cmd(`simulation ike revoke ${r2Serial}`)).toContain('now refused as revoked');

    // R2 initiates: R1, the responder, refuses R2's certificate.
    ike.attempt('to-R1', 'outbound');
    await until(() => ikeAttempts(world, { router: 'R2', peer: 'to-R1' }).length >= 1 && ikeAttempts(world, { router: 'R1' }).length >= 1);
    expect(ikeAttempts(world, { router: 'R2', peer: 'to-R1' })).toMatchObject([{ ok: false, reason: 'peer rejected', failedSide: 'router' }]);
    expect(ikeAttempts(world, { router: 'R1' })).toMatchObject([{ ok: false, reason: 'revoked', failedSide: 'peer', direction: 'inbound', peerSerial: r2Serial }]);
    const log1 = await t.cmd('show logging');
    expect(log1).toContain('%IKEV2-3-NEG_ABORT: Negotiation aborted due to ERROR: Peer 127.0.0.1 authentication failed (revoked)');

    // R1 initiates: R1 rejects the responder's certificate and tells it (INFORMATIONAL
    // AUTHENTICATION_FAILED); R2 corrects its responder success into a failure.
    ike.attempt('to-R2', 'outbound');
    const out1 = () => ikeAttempts(world, { router: 'R1', peer: 'to-R2' }).filter((r) => r.direction === 'outbound');
    await until(() => out1().length >= 1 && ikeAttempts(world, { router: 'R2' }).some((r) => r.direction === 'inbound' && !r.ok));
    expect(out1()).toMatchObject([{ ok: false, reason: 'revoked', failedSide: 'peer', direction: 'outbound' }]);
    expect(ikeAttempts(world, { router: 'R2' }).filter((r) => r.direction === 'inbound')).toMatchObject([{ ok: false, reason: 'peer rejected', failedSide: 'router' }]);
    expect(await t.cmd('show crypto ikev2 sa')).not.toMatch(/READY/);
  });
});
