/**
 * Auto-enroll, renewal and key rollover on the full stack: a lab CA router (IOS certificate
 * server, in-process SCEP) and R1, driven through the CLI and the simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { lab, logsOf, recordEvents, setupTrustpoint, lines } from '../pki-router/lab.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { selectCredential } from '../../sim/features/pki/credentials.js';
import { renewalAt, MS_DAY, MS_HOUR, MS_MINUTE } from '../../pki/renewal.js';
import { stagedLabel } from '../../pki/keystore.js';

const tp = (d: Parameters<typeof pkiState>[0], name = 'TP') => pkiState(d).trustpoints.get(name)!;
const serialOf = (d: Parameters<typeof pkiState>[0]) => tp(d).certs.ids[0]?.cert.serialHex;

describe('renewal timing', () => {
  it('auto-enroll 90: renews 36.5 days before expiry of a one-year certificate', async () => {
    const { world, r1, t } = await lab();
    const ev = recordEvents(world);
    await setupTrustpoint(t, { autoEnroll: '90' });
    const c = tp(r1).certs.ids[0]!.cert;
    expect(c.notAfter - c.notBefore).toBe(365 * MS_DAY);
    const due = renewalAt(c.notBefore, c.notAfter, 90);
    expect(c.notAfter - due).toBe(36.5 * MS_DAY);
    world.advance(due - r1.wallNow() - 1000);
    expect(serialOf(r1)).toBe(c.serialHex);
    world.advance(5000);
    expect(serialOf(r1)).not.toBe(c.serialHex);
    const renewed = ev.filter((e) => e.type === 'pki.renewed' && e.device === 'R1');
    expect(renewed).toHaveLength(1);
    // Renewed within seconds of the renew date (request + CA latency), by R1's wall clock.
    const t0 = world.epoch + renewed[0]!.t;
    expect(t0 - due).toBeGreaterThanOrEqual(0);
    expect(t0 - due).toBeLessThan(MS_MINUTE);
    // Renewal of a saved configuration: autosave.
    expect(logsOf(ev, 'R1').some((l) => l.endsWith('%PKI-6-AUTOSAVE: Running configuration saved to NVRAM'))).toBe(true);
  });

  it('auto-enroll without a percentage renews when the certificate expires', async () => {
    const { world, r1, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '' });
    const c = tp(r1).certs.ids[0]!.cert;
    world.advance(c.notAfter - r1.wallNow() - 1000);
    expect(serialOf(r1)).toBe(c.serialHex);
    world.advance(5000);
    expect(serialOf(r1)).not.toBe(c.serialHex);
  });
});

describe('key rollover (regenerate)', () => {
  it('the old key and certificate keep serving until the new certificate arrives and matches the staged key', async () => {
    const { world, r1, ca, t, tca } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80 regenerate', extra: ['enrollment retry period 60', 'enrollment retry count 100'] });
    const old = tp(r1).certs.ids[0]!.cert;
    const oldKey = pkiState(r1).keys.get('TP')!.main;
    // Manual approval at the CA, and renewals are not auto-granted for this test.
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    pkiState(ca).ca!.config.autoGrantRenewals = false;
    const due = renewalAt(old.notBefore, old.notAfter, 80);
    world.advance(due - r1.wallNow() + 10 * MS_MINUTE);
    // Rollover in flight: staged key under TP#, old key still TP, old cert selected.
    const staged = pkiState(r1).keys.get(stagedLabel('TP'));
    expect(staged).toBeDefined();
    expect(staged!.rolloverOf).toBe('TP');
    expect(pkiState(r1).keys.get('TP')!.main).toBe(oldKey);
    const sel = selectCredential(r1, { trustpoint: 'TP' });
    expect(sel.ok && sel.cert.serialHex).toBe(old.serialHex);
    const mypub = await t.cmd('show crypto key mypubkey rsa');
    expect(mypub).toContain('Key name: TP\n');
    expect(mypub).toContain('Key name: TP#\n');
    const pending = await t.cmd('show crypto pki certificates TP');
    expect(pending).toContain('\n\n\nCertificate\n  Subject:\n    Name: R1.lab.example\n   Status: Pending\n   Key Usage: General Purpose\n');
    // Two days later the CA administrator grants; the next poll installs it.
    world.advance(2 * MS_DAY);
    expect(selectCredential(r1, { trustpoint: 'TP' }).ok).toBe(true);
    const req = await tca.cmd('crypto pki server CA info requests');
    expect(req).toMatch(/\n1 {6}granted {4}[0-9A-F]{32} hostname=R1\.lab\.example,cn=R1,o=Twin\n2 {6}pending {4}[0-9A-F]{32} hostname=R1\.lab\.example,cn=R1,o=Twin\n/);
    await tca.cmd('crypto pki server CA grant all');
    world.advance(61 * MS_MINUTE);
    const now = tp(r1).certs.ids[0]!.cert;
    expect(now.serialHex).not.toBe(old.serialHex);
    expect(pkiState(r1).keys.get(stagedLabel('TP'))).toBeUndefined();
    expect(pkiState(r1).keys.get('TP')!.main).not.toBe(oldKey);
    expect(now.spkiSha1Hex).not.toBe(old.spkiSha1Hex);
    const sel2 = selectCredential(r1, { trustpoint: 'TP' });
    expect(sel2.ok && sel2.cert.serialHex).toBe(now.serialHex);
  });

  it('pre-12.3(7)T switch: old key and certificate are gone as soon as the new key exists', async () => {
    const { world, r1, ca, t, tca } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80 regenerate', extra: ['enrollment retry period 60', 'enrollment retry count 100'] });
    expect(await t.cmd('simulation pki key-rollover off')).toContain('pre-12.3(7)T');
    const old = tp(r1).certs.ids[0]!.cert;
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    pkiState(ca).ca!.config.autoGrantRenewals = false;
    world.advance(renewalAt(old.notBefore, old.notAfter, 80) - r1.wallNow() + 10 * MS_MINUTE);
    const sel = selectCredential(r1, { trustpoint: 'TP' });
    expect(sel.ok).toBe(false);
    expect(pkiState(r1).keys.get(stagedLabel('TP'))).toBeUndefined();
    await tca.cmd('crypto pki server CA grant all');
    world.advance(61 * MS_MINUTE);
    expect(selectCredential(r1, { trustpoint: 'TP' }).ok).toBe(true);
  });

  it('shared key pair: one trustpoint regenerating breaks the other (loss of service) and configuring it warns', async () => {
    const { world, r1, t } = await lab();
    const ev = recordEvents(world);
    await setupTrustpoint(t, { tp: 'A', label: 'SHARED', autoEnroll: '50 regenerate' });
    await setupTrustpoint(t, { tp: 'B', label: 'SHARED', manualEnroll: true });
    expect(logsOf(ev, 'R1').some((l) => /%PKI-4-SHAREDKEY: Key pair SHARED is shared by trustpoints A, B/.test(l))).toBe(true);
    expect(selectCredential(r1, { trustpoint: 'A' }).ok).toBe(true);
    expect(selectCredential(r1, { trustpoint: 'B' }).ok).toBe(true);
    world.advance(200 * MS_DAY);
    expect(selectCredential(r1, { trustpoint: 'A' }).ok).toBe(true);
    const b = selectCredential(r1, { trustpoint: 'B' });
    expect(b.ok).toBe(false);
    expect(!b.ok && b.none).toBe('key/cert mismatch');
    // IOS does not notice: B's certificate is still listed as available.
    expect(await t.cmd('show crypto pki certificates B')).toContain('Status: Available');
  });
});

describe('autosave rule', () => {
  it('unsaved changes: NOAUTOSAVE, NVRAM untouched; reload without write loses the new certificate and re-enrolls', async () => {
    const { world, r1, t } = await lab();
    const ev = recordEvents(world);
    await setupTrustpoint(t, { autoEnroll: '80 regenerate' });
    const old = tp(r1).certs.ids[0]!.cert;
    await lines(t, ['configure terminal', 'ip http server', 'end']);
    const nvBefore = r1.nvram.readStartup();
    world.advance(renewalAt(old.notBefore, old.notAfter, 80) - r1.wallNow() + MS_MINUTE);
    const fresh = tp(r1).certs.ids[0]!.cert;
    expect(fresh.serialHex).not.toBe(old.serialHex);
    const logs = logsOf(ev, 'R1');
    expect(logs.some((l) => l.endsWith('%PKI-4-NOAUTOSAVE: Configuration was modified.  Issue "write memory" to save new certificate'))).toBe(true);
    expect(r1.nvram.readStartup()).toEqual(nvBefore);
    // Reload, answering "no" to Save: the old certificate and key come back from NVRAM …
    await t.cmd('reload');
    await t.cmd('no');
    await t.type('\r');
    await r1.ready;
    expect(tp(r1).certs.ids[0]!.cert.serialHex).toBe(old.serialHex);
    // … and, past its renew date, the router re-enrolls by itself and saves (clean config).
    world.advance(10_000);
    const again = tp(r1).certs.ids[0]!.cert;
    expect(again.serialHex).not.toBe(old.serialHex);
    expect(again.serialHex).not.toBe(fresh.serialHex);
    expect(logsOf(ev, 'R1').filter((l) => l.includes('%PKI-6-AUTOSAVE')).length).toBeGreaterThanOrEqual(1);
    expect(r1.nvram.readStartup()).not.toEqual(nvBefore);
  });

  it('saved configuration: AUTOSAVE writes NVRAM; a reload keeps the new certificate and key', async () => {
    const { world, r1, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80 regenerate' });
    const old = tp(r1).certs.ids[0]!.cert;
    world.advance(renewalAt(old.notBefore, old.notAfter, 80) - r1.wallNow() + MS_MINUTE);
    const fresh = tp(r1).certs.ids[0]!.cert;
    const runBefore = await t.cmd('show running-config');
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    expect(tp(r1).certs.ids[0]!.cert.serialHex).toBe(fresh.serialHex);
    expect(selectCredential(r1, { trustpoint: 'TP' }).ok).toBe(true);
    const t2 = await (await import('../core/helpers.js')).term(r1);
    const runAfter = await t2.cmd('show running-config');
    const body = (s: string) => s.split('\n').filter((l) => !l.startsWith('! Last configuration change') && !l.startsWith('Current configuration')).join('\n');
    expect(body(runAfter).replace(/^show running-config\n/, '')).toBe(body(runBefore).replace(/^show running-config\n/, ''));
  });
});

describe('CA trouble', () => {
  it('CA down through expiry: retries, back-off, expiry logged, certificate stops serving, unattended recovery', async () => {
    const { world, r1, t, tca } = await lab();
    const ev = recordEvents(world);
    await setupTrustpoint(t, { autoEnroll: '90 regenerate' });
    const old = tp(r1).certs.ids[0]!.cert;
    await tca.cmd('simulation pki server CA down');
    world.advance(old.notAfter - r1.wallNow() + MS_HOUR);
    const logs = logsOf(ev, 'R1');
    expect(logs.some((l) => l.includes('%PKI-3-SOCKETSEND: Failed to send out message to CA server.'))).toBe(true);
    expect(logs.some((l) => l.includes('%PKI-3-AUTOCERTFAIL: Certificate (re)enrollment failed. Delaying before retry'))).toBe(true);
    expect(logs.some((l) => l.includes(`%PKI-3-CERTIFICATE_INVALID_EXPIRED: Certificate chain validation has failed. The certificate (SN: ${old.serialHex}) has expired.`))).toBe(true);
    const s = selectCredential(r1, { trustpoint: 'TP' });
    expect(!s.ok && s.none).toBe('expired');
    // The old key still serves as signer? No: expired. The staged key waits under TP#.
    expect(pkiState(r1).keys.get(stagedLabel('TP'))).toBeDefined();
    await tca.cmd('simulation pki server CA up');
    world.advance(2 * MS_HOUR);
    const s2 = selectCredential(r1, { trustpoint: 'TP' });
    expect(s2.ok).toBe(true);
    expect(s2.ok && s2.cert.serialHex).not.toBe(old.serialHex);
  });

  it('manual approval: a first enrollment stays pending for two days, then the grant is picked up', async () => {
    const { world, r1, t, tca } = await lab();
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    await setupTrustpoint(t, { autoEnroll: '80', extra: ['enrollment retry period 60', 'enrollment retry count 100'] });
    expect(tp(r1).certs.ids).toHaveLength(0);
    world.advance(2 * MS_DAY);
    expect(tp(r1).certs.ids).toHaveLength(0);
    expect(tp(r1).rt.lastStatus).toBe('Pending');
    await tca.cmd('crypto pki server CA grant 1');
    world.advance(61 * MS_MINUTE);
    expect(tp(r1).certs.ids).toHaveLength(1);
  });
});
