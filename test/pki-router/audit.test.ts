/**
 * Acceptance-audit regressions (issues #3/#4) found by driving the product over SSH.
 */
import { describe, expect, it } from 'vitest';
import { lab, R1_CONFIG } from './lab.js';

describe('simulation advance from an SSH session', () => {
  it('does not end the session typing it by its own exec-timeout (default 10 minutes)', async () => {
    const { t } = await lab({ r1Config: R1_CONFIG.replace(' exec-timeout 0 0\n', '') });
    await t.cmd('enable');
    const out = await t.cmd('simulation advance 30d');
    expect(out).toMatch(/Simulated 30d: \d+ events?, R1 clock now/);
    expect(t.closed()).toBeUndefined();
    expect(await t.cmd('show clock')).toMatch(/Jan 31/);
    // idle time counts again from the end of the advance: a later advance past 10 minutes
    // issued by the same session still does not close it, but plain idling does.
    await t.cmd('simulation advance 11m');
    expect(t.closed()).toBeUndefined();
  });
});

describe('reload with a SCEP request in flight', () => {
  it('the answer (or timeout) of a request sent before the reload is ignored by the new boot', async () => {
    const { world, r1, t, tca } = await (await import('./lab.js')).lab();
    const { lines, recordEvents } = await import('./lab.js');
    const ev = recordEvents(world);
    await lines(t, [
      'configure terminal',
      'crypto pki trustpoint TP',
      'enrollment url http://10.0.0.1:80',
      'subject-name CN=R1,O=Twin',
      'serial-number none',
      'ip-address none',
      'password s3cret',
      'rsakeypair TP 1024',
      'exit',
      'crypto pki authenticate TP',
      'yes',
      'end',
    ]);
    // The CA drops requests: the router's request waits for its 30 s timeout …
    await tca.cmd('simulation pki server CA down');
    await lines(t, ['configure terminal', 'crypto pki trustpoint TP', 'auto-enroll 70', 'end', 'write memory']);
    world.advance(5_000);
    // … and the router reloads meanwhile; the CA comes back.
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    await tca.cmd('simulation pki server CA up');
    world.advance(10 * 60_000);
    const mine = ev.filter((e) => e.device === 'R1' && e.data.trustpoint === 'TP');
    // One enrollment after the boot, nothing from the dead engine (no stray SOCKETSEND/CERTRET/AUTOSAVE).
    expect(mine.filter((e) => e.type === 'pki.granted')).toHaveLength(1);
    expect(mine.filter((e) => e.type === 'nvram.autosave')).toHaveLength(1);
    const afterBoot = ev.slice(ev.findIndex((e) => e.type === 'boot' && e.device === 'R1' && e.data.reason === 'reload'));
    expect(afterBoot.filter((e) => e.device === 'R1' && e.type === 'pki.unreachable')).toHaveLength(0);
  });
});

describe('running-config: exportable key pair comment (issue #3 §5)', () => {
  it('is printed in the trustpoint block when its key pair is exportable, and survives write/reload', async () => {
    const { lab: mk, lines, setupTrustpoint } = await import('./lab.js');
    const { term } = await import('../core/helpers.js');
    const { t, r1 } = await mk();
    await lines(t, ['configure terminal', 'crypto key generate rsa label TP modulus 1024 exportable', 'crypto key generate rsa label OTHER modulus 1024', 'end']);
    await setupTrustpoint(t, { tp: 'TP', label: 'TP', autoEnroll: '80' });
    await setupTrustpoint(t, { tp: 'T2', label: 'OTHER', autoEnroll: '80' });
    const run = await t.cmd('show running-config');
    const block = (s: string, name: string) => s.split('\n').slice(s.split('\n').indexOf(`crypto pki trustpoint ${name}`)).join('\n').split('\n!')[0]!;
    expect(block(run, 'TP').split('\n').at(-1)).toBe(' ! RSA keypair associated with trustpoint is exportable');
    expect(block(run, 'T2')).not.toContain('exportable');
    expect(await t.cmd('show startup-config')).toContain(' ! RSA keypair associated with trustpoint is exportable\n');
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    const t2 = await term(r1);
    const after = await t2.cmd('show running-config');
    expect(block(after, 'TP')).toBe(block(run, 'TP'));
    // Pasting the block back is silent too (a comment line).
    expect(await lines(t2, ['configure terminal', 'crypto pki trustpoint TP', ' ! RSA keypair associated with trustpoint is exportable', 'end'])).not.toMatch(/%/);
  });
});
