/**
 * Less common PKI paths: special-usage keys, a CA whose clock is ahead (rollover certificate
 * shown as `Certificate (Rollover)` until it becomes valid), a slow CA, manual re-enrollment
 * with the trustpoint `regenerate` command, and the credential API used by IKE.
 */
import { describe, expect, it } from 'vitest';
import { lab, lines, setupTrustpoint } from './lab.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { localCredential, selectCredential, trustAnchors } from '../../sim/features/pki/credentials.js';
import { term } from '../core/helpers.js';
import { MS_DAY, MS_HOUR, MS_MINUTE } from '../../pki/renewal.js';

describe('special-usage keys (rsakeypair LABEL SIZE ENC-SIZE)', () => {
  it('two key pairs, two certificates, both survive a reload with their usage', async () => {
    const { t, world, r1 } = await lab();
    await setupTrustpoint(t, { tp: 'U', label: 'UK', autoEnroll: '50' });
    await lines(t, ['configure terminal', 'crypto pki trustpoint U', 'rsakeypair UK 1024 512', 'end']);
    // The existing general-purpose key does not fit: re-enroll makes usage keys.
    await lines(t, ['configure terminal', 'crypto pki enroll U', 'yes', 'yes', 'end']);
    world.advance(5000);
    await t.cmd('write memory');
    const ids = () => pkiState(r1).trustpoints.get('U')!.certs.ids.map((i) => `${i.usage}:${i.cert.bits}`);
    expect(ids()).toEqual(['signature:1024', 'encryption:512']);
    const show = await t.cmd('show crypto ca certificates');
    expect(show).toContain('  Certificate Usage: Signature\n');
    expect(show).toContain('  Certificate Usage: Encryption\n');
    expect(await t.cmd('show crypto key mypubkey rsa UK')).toMatch(/Usage: Signature Key[\s\S]*Usage: Encryption Key/);
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    expect(ids()).toEqual(['signature:1024', 'encryption:512']);
    const c = selectCredential(r1, { trustpoint: 'U' });
    expect(c.ok && c.cert.bits).toBe(1024);
  });
});

describe('CA clock ahead: rollover certificate', () => {
  it('is kept as Certificate (Rollover) until valid by the router clock, then activated (SHADOW timer)', async () => {
    const { t, world, r1, ca } = await lab();
    await setupTrustpoint(t, { autoEnroll: '50 regenerate' });
    const old = pkiState(r1).trustpoints.get('TP')!.certs.ids[0]!.cert;
    ca.setClockOffset(2 * MS_HOUR);
    world.advance((old.notAfter - old.notBefore) / 2 - (r1.wallNow() - old.notBefore) + MS_MINUTE);
    const tp = pkiState(r1).trustpoints.get('TP')!;
    expect(tp.certs.rollover).toHaveLength(1);
    expect(tp.certs.ids[0]!.cert.serialHex).toBe(old.serialHex);
    const sel = selectCredential(r1, { trustpoint: 'TP' });
    expect(sel.ok && sel.cert.serialHex).toBe(old.serialHex);
    const show = await t.cmd('show crypto pki certificates');
    expect(show).toMatch(/^show crypto pki certificates\nCertificate \(Rollover\)\n {2}Status: Available\n/);
    expect(await t.cmd('show crypto pki timers')).toMatch(/\) SHADOW TP\n/);
    world.advance(2 * MS_HOUR);
    expect(tp.certs.rollover).toHaveLength(0);
    expect(tp.certs.ids[0]!.cert.serialHex).not.toBe(old.serialHex);
    expect(pkiState(r1).keys.get('TP#')).toBeUndefined();
  });
});

describe('slow CA', () => {
  it('answers slower than the router waits: timeouts, retries, the resend gets the certificate', async () => {
    const { t, world, r1, tca } = await lab();
    await tca.cmd('simulation pki server CA delay 1m');
    await setupTrustpoint(t, { autoEnroll: '80' });
    expect(pkiState(r1).trustpoints.get('TP')!.certs.ids).toHaveLength(0);
    await tca.cmd('simulation pki server CA up');
    world.advance(5 * MS_MINUTE);
    expect(pkiState(r1).trustpoints.get('TP')!.certs.ids).toHaveLength(1);
    // The CA issued once: the resend of the same transaction got the same certificate.
    expect(await tca.cmd('show crypto pki server CA requests')).not.toMatch(/\n2 +granted/);
  });
});

describe('manual re-enrollment with the trustpoint regenerate command', () => {
  it('stages a new key under LABEL# and swaps it in when the certificate arrives', async () => {
    const { t, world, r1 } = await lab();
    await setupTrustpoint(t, { manualEnroll: true, extra: ['regenerate'] });
    const k0 = pkiState(r1).keys.get('TP')!.main;
    const c0 = pkiState(r1).trustpoints.get('TP')!.certs.ids[0]!.cert;
    await lines(t, ['configure terminal', 'crypto pki enroll TP', 'yes', 'yes']);
    expect(pkiState(r1).keys.get('TP#')).toBeDefined();
    world.advance(1000);
    await t.cmd('end');
    expect(pkiState(r1).keys.get('TP#')).toBeUndefined();
    expect(pkiState(r1).keys.get('TP')!.main).not.toBe(k0);
    expect(pkiState(r1).trustpoints.get('TP')!.certs.ids[0]!.cert.serialHex).not.toBe(c0.serialHex);
  });
});

describe('credential API for IKE', () => {
  it('localCredential / trustAnchors', async () => {
    const { t, r1, ca, world } = await lab();
    expect(localCredential(r1)).toMatchObject({ none: 'no certificate' });
    await setupTrustpoint(t, { autoEnroll: '80' });
    const c = localCredential(r1, { trustpoint: 'TP' });
    expect('certChain' in c && c.certChain[0]!.equals(pkiState(r1).trustpoints.get('TP')!.certs.ids[0]!.cert.der)).toBe(true);
    expect(trustAnchors(r1)).toEqual([pkiState(ca).ca!.caCert.der]);
    // Skewed far into the future: expired.
    r1.setClockOffset(400 * MS_DAY);
    expect(localCredential(r1)).toMatchObject({ none: 'expired' });
    void world;
    void term;
  });
});
