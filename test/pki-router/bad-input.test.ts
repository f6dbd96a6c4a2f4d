/** Bad input to the PKI CLI: IOS-style errors, never a crash, never lost state. */
import { describe, expect, it } from 'vitest';
import { lab, lines, setupTrustpoint } from './lab.js';
import { pkiState } from '../../sim/features/pki/state.js';

describe('PKI bad input', () => {
  it('rejects malformed arguments with IOS errors and keeps state', async () => {
    const { t, r1, tca } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80' });
    const before = pkiState(r1).trustpoints.get('TP')!.certs.ids[0]!.cert.serialHex;
    await t.cmd('configure terminal');
    await t.cmd('crypto pki trustpoint TP');
    expect(await t.cmd('subject-name garbage')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('enrollment url not-a-url')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('enrollment retry period 0')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('enrollment retry count 101')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('rsakeypair')).toContain('% Incomplete command.');
    expect(await t.cmd('password 7 ZZZ')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('exit')).toContain('R1(config)#');
    expect(await t.cmd('crypto pki authenticate')).toContain('% Incomplete command.');
    expect(await t.cmd('crypto pki certificate chain NOPE')).toContain('% Trustpoint NOPE not found.');
    await t.cmd('crypto pki certificate chain TP');
    expect(await t.cmd('certificate ca 09 nvram:missing#1CA.cer')).toContain('%Error opening nvram:missing#1CA.cer (No such file or directory)');
    await t.cmd('certificate 77');
    await t.cmd('zz not hex');
    expect(await t.cmd('quit')).toContain('% Invalid certificate data.');
    await t.cmd('certificate 77');
    await t.cmd('3082 0101');
    expect(await t.cmd('quit')).toContain('% Invalid certificate:');
    await t.cmd('end');
    expect(await tca.cmd('crypto pki server CA grant 0')).toContain("% Invalid input detected at '^' marker.");
    expect(await tca.cmd('crypto pki server NOPE grant all')).toContain('% Certificate server NOPE is not configured.');
    expect(await tca.cmd('crypto pki server CA reject 5')).toContain('% Request id 5 not found or not pending.');
    expect(await t.cmd('show crypto pki certificates NOPE')).toBe('show crypto pki certificates NOPE\nR1#');
    expect(await t.cmd('show crypto key mypubkey rsa NOPE')).toBe('show crypto key mypubkey rsa NOPE\nR1#');
    expect(pkiState(r1).trustpoints.get('TP')!.certs.ids[0]!.cert.serialHex).toBe(before);
    expect(pkiState(r1).trustpoints.get('TP')!.cfg.subjectName).toBe('CN=R1,O=Twin');
    expect(await t.cmd('show running-config')).toContain(' auto-enroll 80\n');
  });

  it('a corrupt private NVRAM does not stop the boot', async () => {
    const { t, r1 } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80' });
    const priv = r1.nvram.readPrivate().data;
    r1.nvram.writePrivate({ ...priv, pki: { keys: { version: 1, keys: [{ label: 'TP', main: 'not a pem' }] }, files: { 'x.cer': 'AAAA' } } });
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    expect(r1.bootLog.some((l) => l.includes('% PKI: key TP'))).toBe(true);
    expect(r1.bootErrors.length).toBeGreaterThan(0);
    expect(pkiState(r1).trustpoints.has('TP')).toBe(true);
  });
});
