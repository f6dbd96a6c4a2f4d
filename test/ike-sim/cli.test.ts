/** IKE configuration and shows on the CLI: IOS shapes, defaults, `no`/`default`, bad input, NVRAM. */
import { describe, expect, it } from 'vitest';
import { lab, lines, setupTrustpoint } from '../pki-router/lab.js';
import { installIkeLab } from '../../sim/features/ike/lab.js';
import { term } from '../core/helpers.js';

const ISAKMP = [
  'configure terminal',
  'crypto isakmp policy 20',
  'encr 3des',
  'hash md5',
  'authentication pre-share',
  'group 2',
  'lifetime 5000',
  'exit',
  'crypto isakmp policy 10',
  'encryption aes 256',
  'group 14',
  'exit',
  'crypto isakmp identity dn',
  'end',
];

const IKEV2 = [
  'configure terminal',
  'crypto ikev2 proposal PROP',
  'encryption aes-cbc-256 aes-cbc-128',
  'integrity sha256 sha1',
  'group 14 19',
  'exit',
  'crypto ikev2 policy POL',
  'proposal PROP',
  'exit',
  'crypto ikev2 profile PROF',
  'match identity remote any',
  'match identity remote fqdn domain lab.example',
  'identity local dn',
  'authentication remote rsa-sig',
  'authentication local rsa-sig',
  'pki trustpoint TP',
  'lifetime 3600',
  'end',
];

function block(run: string, first: RegExp, last: RegExp): string {
  const ls = run.split('\n');
  const i = ls.findIndex((l) => first.test(l));
  const j = ls.findIndex((l, k) => k > i && last.test(l));
  return ls.slice(i, j + 1).join('\n');
}

describe('crypto isakmp policy', () => {
  it('enters (config-isakmp)#, prints only non-defaults (`encr`), in IOS order, policies by priority', async () => {
    const { t } = await lab();
    const out = await lines(t, ISAKMP);
    expect(out).toContain('R1(config)#crypto isakmp policy 20\nR1(config-isakmp)#encr 3des\n');
    expect(out).not.toContain('%');
    const run = await t.cmd('show running-config');
    expect(block(run, /^crypto isakmp policy 10$/, /^crypto isakmp identity/)).toBe(
      ['crypto isakmp policy 10', ' encr aes 256', ' group 14', '!', 'crypto isakmp policy 20', ' encr 3des', ' hash md5', ' authentication pre-share', ' group 2', ' lifetime 5000', 'crypto isakmp identity dn'].join('\n'),
    );
    // After the username section and before the interfaces.
    expect(run.indexOf('crypto isakmp policy 10')).toBeLessThan(run.indexOf('interface FastEthernet0/0'));
  });

  it('default values are not printed; `no` and `default` restore them; `no crypto isakmp policy` removes it', async () => {
    const { t } = await lab();
    await lines(t, ['configure terminal', 'crypto isakmp policy 10', 'encryption des', 'hash sha', 'authentication rsa-sig', 'group 1', 'lifetime 86400', 'end']);
    let run = await t.cmd('show running-config');
    expect(run).toContain('\ncrypto isakmp policy 10\n!\n');
    await lines(t, ['configure terminal', 'crypto isakmp policy 10', 'encr aes', 'hash md5', 'group 5', 'lifetime 600', 'end']);
    run = await t.cmd('show running-config');
    expect(block(run, /^crypto isakmp policy 10$/, /^ lifetime/)).toBe('crypto isakmp policy 10\n encr aes\n hash md5\n group 5\n lifetime 600');
    await lines(t, ['configure terminal', 'crypto isakmp policy 10', 'no encr', 'default hash', 'no group', 'default lifetime', 'end']);
    run = await t.cmd('show running-config');
    expect(run).toContain('\ncrypto isakmp policy 10\n!\n');
    await lines(t, ['configure terminal', 'no crypto isakmp policy 10', 'end']);
    expect(await t.cmd('show running-config')).not.toContain('crypto isakmp');
  });

  it('show crypto isakmp policy: TAB-indented 12.x format ending with the default suite', async () => {
    const { t } = await lab();
    await lines(t, ['configure terminal', 'crypto isakmp policy 10', 'encr 3des', 'group 2', 'end']);
    const out = await t.cmd('show crypto isakmp policy');
    expect(out).toBe(
      [
        'show crypto isakmp policy',
        '',
        'Global IKE policy',
        'Protection suite of priority 10',
        '\tencryption algorithm:\tThree key triple DES',
        '\thash algorithm:\t\tSecure Hash Standard',
        '\tauthentication method:\tRivest-Shamir-Adleman Signature',
        '\tDiffie-Hellman group:\t#2 (1024 bit)',
        '\tlifetime:\t\t86400 seconds, no volume limit',
        'Default protection suite',
        '\tencryption algorithm:\tDES - Data Encryption Standard (56 bit keys).',
        '\thash algorithm:\t\tSecure Hash Standard',
        '\tauthentication method:\tRivest-Shamir-Adleman Signature',
        '\tDiffie-Hellman group:\t#1 (768 bit)',
        '\tlifetime:\t\t86400 seconds, no volume limit',
        'R1#',
      ].join('\n'),
    );
  });

  it('`?` help in (config-isakmp)# and under encryption', async () => {
    const { t } = await lab();
    await lines(t, ['configure terminal', 'crypto isakmp policy 10']);
    const h = await t.type('encryption ?');
    expect(h).toContain('  3des  Three key triple DES');
    expect(h).toContain('  aes   AES - Advanced Encryption Standard.');
    expect(h).toContain('  des   DES - Data Encryption Standard (56 bit keys).');
    await t.type('\u0015'); // Ctrl-U
    const h2 = await t.type('encryption aes ?');
    expect(h2).toMatch(/ 128 +128 bit keys\./);
    expect(h2).toContain('<cr>');
  });

  it('bad input: IOS caret errors, nothing changes, never a crash', async () => {
    const { t } = await lab();
    const bad = [
      'crypto isakmp policy 0',
      'crypto isakmp policy 10001',
      'crypto isakmp identity email',
    ];
    await t.cmd('configure terminal');
    for (const l of bad) expect(await t.cmd(l)).toContain("% Invalid input detected at '^' marker.");
    await t.cmd('crypto isakmp policy 10');
    for (const l of ['encryption aes 512', 'hash sha512', 'group 3', 'lifetime 59', 'lifetime 86401', 'authentication rsa']) {
      const out = await t.cmd(l);
      expect(out, l).toMatch(/% (Invalid input detected at '\^' marker\.|Ambiguous command|Incomplete command)/);
    }
    expect(await t.cmd('encryption')).toContain('% Incomplete command.');
    await t.cmd('end');
    expect(await t.cmd('show crypto isakmp sa extra')).toContain("% Invalid input detected at '^' marker.");
    const run = await t.cmd('show running-config');
    expect(run).toContain('\ncrypto isakmp policy 10\n!\n');
  });

  it('survives write memory + reload (startup-config replay)', async () => {
    const { r1, t } = await lab();
    await lines(t, [...ISAKMP, ...IKEV2, 'write memory']);
    const before = await t.cmd('show running-config');
    await t.cmd('reload');
    await t.type('\r');
    await r1.ready;
    const t2 = await term(r1);
    const after = await t2.cmd('show running-config');
    const strip = (s: string) => s.split('\n').filter((l) => /crypto (isakmp|ikev2)|^ (encr|hash|group|lifetime|auth|match|identity|pki|proposal|integrity|encryption)/.test(l)).join('\n');
    expect(strip(after)).toBe(strip(before));
    expect(strip(after)).toContain('crypto ikev2 profile PROF');
  });
});

describe('crypto ikev2 (15.x commands)', () => {
  it('proposal / policy / profile sub-modes and their running-config blocks (before ISAKMP)', async () => {
    const { t } = await lab();
    const out = await lines(t, [...IKEV2, ...ISAKMP]);
    expect(out).toContain('R1(config)#crypto ikev2 proposal PROP\nR1(config-ikev2-proposal)#');
    expect(out).toContain('R1(config-ikev2-policy)#');
    expect(out).toContain('R1(config-ikev2-profile)#');
    expect(out).not.toContain('%');
    const run = await t.cmd('show running-config');
    expect(block(run, /^crypto ikev2 proposal PROP$/, /^ lifetime 3600$/)).toBe(
      [
        'crypto ikev2 proposal PROP',
        ' encryption aes-cbc-256 aes-cbc-128',
        ' integrity sha256 sha1',
        ' group 14 19',
        '!',
        'crypto ikev2 policy POL',
        ' proposal PROP',
        '!',
        'crypto ikev2 profile PROF',
        ' match identity remote any',
        ' match identity remote fqdn domain lab.example',
        ' identity local dn',
        ' authentication remote rsa-sig',
        ' authentication local rsa-sig',
        ' pki trustpoint TP',
        ' lifetime 3600',
      ].join('\n'),
    );
    expect(run.indexOf('crypto ikev2 proposal')).toBeLessThan(run.indexOf('crypto isakmp policy'));
    // `no` forms.
    await lines(t, ['configure terminal', 'crypto ikev2 proposal PROP', 'no encryption aes-cbc-128', 'exit', 'crypto ikev2 profile PROF', 'no match identity remote any', 'no pki trustpoint TP', 'end']);
    const run2 = await t.cmd('show running-config');
    expect(run2).toContain(' encryption aes-cbc-256\n');
    expect(run2).not.toContain('match identity remote any');
    expect(run2).not.toContain('pki trustpoint TP');
    await lines(t, ['configure terminal', 'no crypto ikev2 profile PROF', 'no crypto ikev2 policy POL', 'no crypto ikev2 proposal PROP', 'end']);
    expect(await t.cmd('show running-config')).not.toContain('crypto ikev2');
  });

  it('help says these are 15.x commands; bad input is refused', async () => {
    const { t } = await lab();
    await t.cmd('configure terminal');
    const h = await t.type('crypto ?');
    expect(h).toMatch(/ikev2 +Configure IKEv2 \(IOS 15\.x commands/);
    await t.type('\u0015');
    expect(await t.cmd('crypto ikev2 profile')).toContain('% Incomplete command.');
    await t.cmd('crypto ikev2 profile P');
    expect(await t.cmd('match identity remote address 300.1.1.1')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('authentication local ecdsa-sig')).toContain("% Invalid input detected at '^' marker.");
    expect(await t.cmd('lifetime 60')).toContain("% Invalid input detected at '^' marker.");
  });
});

describe('SA shows with simulated peers', () => {
  it('show crypto isakmp sa (12.4 columns) and show crypto ikev2 sa (15.x shape)', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90 regenerate' });
    installIkeLab(world, {
      peers: [
        { name: 'c1', router: 'R1', ca: 'CA', connect: { every: '10m' } },
        { name: 'c2', router: 'R1', ca: 'CA', address: '198.51.100.7', initiate: { every: '10m' } },
        { name: 'v2', router: 'R1', ca: 'CA', version: 2, connect: { every: '10m' } },
      ],
    });
    world.advance(10 * 60_000 + 5000);
    const sa = await t.cmd('show crypto isakmp sa');
    expect(sa).toBe(
      [
        'show crypto isakmp sa',
        'dst             src             state          conn-id slot status',
        '10.0.0.2        192.0.2.10      QM_IDLE              1    0 ACTIVE',
        '198.51.100.7    10.0.0.2        QM_IDLE              2    0 ACTIVE',
        '',
        'R1#',
      ].join('\n'),
    );
    const v2 = await t.cmd('show crypto ikev2 sa');
    expect(v2).toContain(' IPv4 Crypto IKEv2  SA \n\nTunnel-id Local                 Remote                fvrf/ivrf            Status \n');
    expect(v2).toMatch(/\n3 {9}10\.0\.0\.2\/500 {10}192\.0\.2\.12\/500 {8}none\/none {12}READY  \n {6}Encr: AES-CBC, keysize: 128, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: RSA, Auth verify: RSA\n {6}Life\/Active Time: 86400\/\d+ sec\n/);
    expect(v2).toContain('\n IPv6 Crypto IKEv2  SA \n');
  });

  it('a failed negotiation shows MM_NO_STATE … ACTIVE (deleted) for a minute, with IOS log lines', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, {});
    // No trustpoint certificate (no auto-enroll, no manual enrollment): R1 cannot authenticate.
    const ike = installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA' }] });
    world.advance(5000);
    await t.cmd('terminal monitor');
    const r = ike.attempt('c1', 'inbound')!;
    expect(r).toMatchObject({ ok: false, reason: 'no certificate', failedSide: 'router' });
    const sa = await t.cmd('show crypto isakmp sa');
    expect(sa).toContain('\n10.0.0.2        192.0.2.10      MM_NO_STATE          1    0 ACTIVE (deleted)\n');
    world.advance(61_000);
    expect(await t.cmd('show crypto isakmp sa')).not.toContain('MM_NO_STATE');
    const log = await t.cmd('show logging');
    expect(log).toContain('%CRYPTO-3-IKMP_QUERY_KEY: Querying key pair failed.');
    expect(log).toContain('%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 192.0.2.10');
  });

  it('show simulation ike and simulation ike connect|initiate (twin-only), unknown peers', async () => {
    const { world, t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '90 regenerate' });
    installIkeLab(world, { peers: [{ name: 'c1', router: 'R1', ca: 'CA', connect: { every: '10m' } }] });
    world.advance(60 * 60_000);
    expect(await t.cmd('simulation ike connect c1')).toMatch(/IKE SA with c1 established \(conn-id \d+\)/);
    expect(await t.cmd('simulation ike initiate c1')).toMatch(/IKE SA with c1 established/);
    const s = await t.cmd('show simulation ike');
    expect(s).toContain('Router Twin IKE simulation (not IOS): peers of R1 (10.0.0.2)');
    expect(s).toMatch(/\n {2}c1 +client +1 +8 +0 +- +ok /);
    const d = await t.cmd('show simulation ike c1');
    expect(d).toContain('Attempts 8 (in 7, out 1), successes 8, failures 0');
    expect(d).toMatch(/Certificate: serial \d+, hostname=|Certificate: serial \d+, cn=c1/);
    expect(await t.cmd('show simulation ike nobody')).toContain('% No IKE peer named nobody on R1');
    expect(await t.cmd('simulation ike connect nobody')).toContain('% No IKE peer named nobody on R1');
  });
});
