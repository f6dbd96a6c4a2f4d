/**
 * PKI CLI dialogs byte for byte (ios-behaviour §5), the running/startup-config blocks (§3.2–§3.4),
 * boot replay, and the shows parsed by the ntc-templates TextFSM template (§6.1).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world.js';
import { term } from '../core/helpers.js';
import { lab, lines, setupTrustpoint } from './lab.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { NTC_TEMPLATES } from '../helpers/shared.js';

const TEMPLATE = path.join(NTC_TEMPLATES, 'cisco_ios_show_crypto_pki_certificates.textfsm');
const PARSER = path.join(import.meta.dirname, '../core/parse_textfsm.py');

function ntcParse(text: string): Record<string, string>[] {
  const out = execFileSync('/usr/bin/python3', [PARSER, TEMPLATE], { input: text, encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string>[];
}

async function bare(hostname = 'R9') {
  const w = new World({ seed: 3 });
  const d = w.addDevice({ name: 'X', startupConfig: `hostname ${hostname}\nip domain-name ex.com\nline vty 0 4\n exec-timeout 0 0\nend\n` });
  await d.boot();
  const t = await term(d);
  await t.cmd('configure terminal');
  return { w, d, t };
}

describe('crypto key generate / zeroize (§5.1, §5.2)', () => {
  it('needs a hostname and a domain name for the default label', async () => {
    const w = new World({ seed: 1 });
    const d = w.addDevice({ name: 'X', startupConfig: 'line vty 0 4\n exec-timeout 0 0\nend\n' });
    await d.boot();
    const t = await term(d);
    await t.cmd('configure terminal');
    expect(await t.cmd('crypto key generate rsa')).toBe('crypto key generate rsa\n% Please define a hostname other than Router.\nRouter(config)#');
    await t.cmd('hostname R9');
    expect(await t.cmd('crypto key generate rsa')).toBe('crypto key generate rsa\n% Please define a domain-name first.\nR9(config)#');
  });

  it('interactive dialog, replace question, command-line modulus', async () => {
    const { t } = await bare();
    expect(await t.cmd('crypto key generate rsa')).toBe(
      [
        'crypto key generate rsa',
        'The name for the keys will be: R9.ex.com',
        'Choose the size of the key modulus in the range of 360 to 2048 for your',
        '  General Purpose Keys. Choosing a key modulus greater than 512 may take',
        '  a few minutes.',
        '',
        'How many bits in the modulus [512]: ',
      ].join('\n'),
    );
    expect(await t.cmd('1024')).toBe('1024\n% Generating 1024 bit RSA keys, keys will be non-exportable...[OK]\nR9(config)#');
    expect(await t.cmd('crypto key generate rsa')).toBe(
      'crypto key generate rsa\nThe name for the keys will be: R9.ex.com\n% You already have RSA keys defined named R9.ex.com.\n% Do you really want to replace them? [yes/no]: ',
    );
    expect(await t.cmd('no')).toBe('no\nR9(config)#');
    expect(await t.cmd('crypto key generate rsa label VPN modulus 2048 exportable')).toBe(
      'crypto key generate rsa label VPN modulus 2048 exportable\nThe name for the keys will be: VPN\n\n% The key modulus size is 2048 bits\n% Generating 2048 bit RSA keys, keys will be exportable...[OK]\nR9(config)#',
    );
    expect(await t.cmd('crypto key generate rsa label VPN modulus 1024')).toBe(
      'crypto key generate rsa label VPN modulus 1024\nThe name for the keys will be: VPN\n% You already have RSA keys defined named VPN.\n% They will be replaced.\n\n% The key modulus size is 1024 bits\n% Generating 1024 bit RSA keys, keys will be non-exportable...[OK]\nR9(config)#',
    );
    expect(await t.cmd('crypto key generate rsa modulus 4096')).toContain("% Invalid input detected at '^' marker.");
  });

  it('show crypto key mypubkey rsa: 12.4 shape, SPKI hex', async () => {
    const { t, d } = await bare();
    await t.cmd('crypto key generate rsa label K modulus 512');
    const out = await t.cmd('do show crypto key mypubkey rsa K');
    const spki = pkiState(d).keys.get('K')!.main.spkiDer.toString('hex').toUpperCase();
    const lines_ = out.split('\n');
    expect(lines_.slice(1, 7)).toEqual([
      '% Key pair was generated at: 00:00:00 UTC Jan 1 2026',
      'Key name: K',
      ' Storage Device: not specified',
      ' Usage: General Purpose Key',
      ' Key is not exportable.',
      ' Key Data:',
    ]);
    const data = lines_.slice(7, -1);
    expect(data.join('').replace(/\s/g, '')).toBe(spki);
    expect(data[0]).toMatch(/^ {2}([0-9A-F]{8} ){8}$/);
  });

  it('zeroize asks and removes keys and the certificates made with them', async () => {
    const { t, d } = await bare();
    await t.cmd('crypto key generate rsa label K modulus 512');
    expect(await t.cmd('crypto key zeroize rsa')).toBe(
      'crypto key zeroize rsa\n% All RSA keys will be removed.\n% All router certs issued using these keys will also be removed.\nDo you really want to remove these keys? [yes/no]: ',
    );
    await t.cmd('yes');
    expect(pkiState(d).keys.size).toBe(0);
    expect(await t.cmd('crypto key zeroize rsa K')).toBe('crypto key zeroize rsa K\n% No Signature RSA Keys found in configuration.\nR9(config)#');
  });
});

describe('trustpoint configuration (§3.2)', () => {
  it('crypto ca is accepted and shown as crypto pki, in IOS order; no forms; removal', async () => {
    const { t } = await bare();
    await lines(t, [
      'crypto ca trustpoint VPN',
      'auto-enroll 70 regenerate',
      'rsakeypair VPN 2048',
      'revocation-check none',
      'subject-name CN=R9,OU=VPN,O=Example,C=US',
      'ip-address 10.10.10.2',
      'fqdn r9.ex.com',
      'serial-number',
      'enrollment url http://10.0.0.1:80',
      'enrollment retry period 2',
      'enrollment retry count 5',
      'password 7 0822455D0A16',
      'end',
    ]);
    const run = await t.cmd('show running-config');
    expect(run).toContain(
      [
        'crypto pki trustpoint VPN',
        ' enrollment retry count 5',
        ' enrollment retry period 2',
        ' enrollment url http://10.0.0.1:80',
        ' serial-number',
        ' fqdn r9.ex.com',
        ' ip-address 10.10.10.2',
        ' password 7 0822455D0A16',
        ' subject-name CN=R9,OU=VPN,O=Example,C=US',
        ' revocation-check none',
        ' rsakeypair VPN 2048',
        ' auto-enroll 70 regenerate',
        '!',
        '!',
      ].join('\n'),
    );
    await lines(t, ['configure terminal', 'crypto pki trustpoint VPN', 'no auto-enroll', 'no password', 'no serial-number', 'ip-address none', 'end']);
    const run2 = await t.cmd('show running-config');
    expect(run2).not.toContain('auto-enroll');
    expect(run2).toContain(' ip-address none\n');
    await lines(t, ['configure terminal', 'no crypto pki trustpoint VPN', 'end']);
    expect(await t.cmd('show running-config')).not.toContain('trustpoint');
  });

  it('auto-enroll below 10 % is refused at the parser; ? shows <10-100>', async () => {
    const { t } = await bare();
    await t.cmd('crypto pki trustpoint TP');
    expect(await t.cmd('auto-enroll 9')).toBe(`auto-enroll 9\n${' '.repeat('R9(ca-trustpoint)#auto-enroll '.length)}^\n% Invalid input detected at '^' marker.\n\nR9(ca-trustpoint)#`);
    const help = await t.type('auto-enroll ?');
    expect(help).toContain('  <10-100>    percentage of the validity period to auto renew\n');
  });

  it('removing an enrolled trustpoint asks (§5.5)', async () => {
    const { t, r1 } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80' });
    await t.cmd('configure terminal');
    expect(await t.cmd('no crypto pki trustpoint TP')).toBe(
      'no crypto pki trustpoint TP\n% Removing an enrolled trust point will destroy all certificates\n received from the related Certificate Authority.\n\nAre you sure you want to do this? [yes/no]: ',
    );
    expect(await t.cmd('yes')).toBe('yes\n% Be sure to ask the CA administrator to revoke your certificates.\nR1(config)#');
    expect(pkiState(r1).trustpoints.has('TP')).toBe(false);
  });
});

describe('authenticate and enroll (§5.3, §5.4)', () => {
  it('authenticate: fingerprint dialog, accept; errors', async () => {
    const { t, ca } = await lab();
    await lines(t, ['configure terminal', 'crypto pki trustpoint TP', 'enrollment url http://10.0.0.1:80', 'exit']);
    const caCert = pkiState(ca).ca!.caCert;
    const fp = (h: string) => h.replace(/(.{8})(?=.)/g, '$1 ');
    expect(await t.cmd('crypto pki authenticate TP')).toBe(
      `crypto pki authenticate TP\nCertificate has the following attributes:\n       Fingerprint MD5: ${fp(caCert.md5Hex)}\n      Fingerprint SHA1: ${fp(caCert.sha1Hex)}\n\n% Do you accept this certificate? [yes/no]: `,
    );
    expect(await t.cmd('y')).toBe('y\nTrustpoint CA certificate accepted.\nR1(config)#');
    expect(await t.cmd('crypto pki authenticate TP')).toBe(
      "crypto pki authenticate TP\n% Please delete your existing CA certificate first.\n% You must use 'no crypto pki trustpoint TP' to delete the CA certificate\nR1(config)#",
    );
    expect(await t.cmd('crypto pki authenticate NOPE')).toBe('crypto pki authenticate NOPE\n% Certificate Authority (trustpoint) NOPE is unknown\nR1(config)#');
    await lines(t, ['crypto pki trustpoint T2', 'enrollment url http://10.0.0.77:80', 'exit', 'do terminal monitor']);
    const out = await t.cmd('crypto pki authenticate T2');
    expect(out).toMatch(/^crypto pki authenticate T2\n% Error in receiving Certificate Authority certificate: status = FAIL, cert length = 0\n\nR1\(config\)#\n\*Jan {2}1 [0-9:.]+: %PKI-3-SOCKETSEND: Failed to send out message to CA server\.\nR1\(config\)#$/);
  });

  it('enroll: the full dialog, then CERTRET; before authenticate; re-enrollment question', async () => {
    const { t, world } = await lab();
    await lines(t, ['terminal monitor', 'configure terminal', 'crypto pki trustpoint TP', 'enrollment url http://10.0.0.1:80', 'subject-name CN=R1,O=Twin', 'exit']);
    expect(await t.cmd('crypto pki enroll TP')).toBe('crypto pki enroll TP\n% You must authenticate the Certificate Authority before you can enroll with it.\nR1(config)#');
    await lines(t, ['crypto pki authenticate TP', 'yes']);
    let out = await t.cmd('crypto pki enroll TP');
    out += await t.cmd('pw');
    out += await t.cmd('pw');
    out += await t.cmd('no');
    out += await t.cmd('yes');
    out += await t.cmd('fa0/0');
    out += await t.cmd('yes');
    const expected = [
      'crypto pki enroll TP',
      '%',
      '% Start certificate enrollment ..',
      '% Create a challenge password. You will need to verbally provide this',
      '   password to the CA Administrator in order to revoke your certificate.',
      '   For security reasons your password will not be saved in the configuration.',
      '   Please make a note of it.',
      '',
      'Password: ',
      'Re-enter password: ',
      '',
      '% The subject name in the certificate will include: CN=R1,O=Twin',
      '% The subject name in the certificate will include: R1.lab.example',
      '% Include the router serial number in the subject name? [yes/no]: no',
      '% Include an IP address in the subject name? [no]: yes',
      'Enter Interface name or IP Address[]: fa0/0',
      'Request certificate from CA? [yes/no]: yes',
      '% Certificate request sent to Certificate Authority',
      "% The 'show crypto pki certificate verbose TP' commandwill show the fingerprint.",
      '',
      'R1(config)#',
    ].join('\n');
    expect(out.startsWith(expected)).toBe(true);
    const rest = out.slice(expected.length);
    expect(rest).toMatch(/CRYPTO_PKI: {2}Certificate Request Fingerprint MD5: [0-9A-F]{8}( [0-9A-F]{8}){3}\n/);
    expect(rest).toMatch(/CRYPTO_PKI: {2}Certificate Request Fingerprint SHA1: [0-9A-F]{8}( [0-9A-F]{8}){4}\n/);
    world.advance(1000);
    expect(t.take()).toMatch(/%PKI-6-CERTRET: Certificate received from Certificate Authority\n/);
    expect(await t.cmd('do show crypto pki certificates TP')).toContain('hostname=R1.lab.example+ipaddress=10.0.0.2\n');
    expect(await t.cmd('crypto pki enroll TP')).toBe('crypto pki enroll TP\nDo you want to continue with re-enrollment? [yes/no]: ');
    expect(await t.cmd('no')).toBe('no\nR1(config)#');
  });

  it('enroll with password, serial-number and ip-address configured asks no questions but the last', async () => {
    const { t } = await lab();
    await lines(t, ['configure terminal', 'crypto pki trustpoint TP', 'enrollment url http://10.0.0.1:80', 'password x', 'serial-number', 'ip-address FastEthernet0/0', 'exit', 'crypto pki authenticate TP', 'yes']);
    const out = await t.cmd('crypto pki enroll TP');
    expect(out).toMatch(
      /^crypto pki enroll TP\n%\n% Start certificate enrollment \.\.\n\n% The subject name in the certificate will include: R1\.lab\.example\n% The serial number in the certificate will be: FTX\w+\n% The IP address in the certificate is 10\.0\.0\.2\nRequest certificate from CA\? \[yes\/no\]: $/,
    );
  });
});

describe('show crypto pki certificates (§6.1) and the ntc template', () => {
  it('parses with cisco_ios_show_crypto_pki_certificates.textfsm, renew date included', async () => {
    const { t, world } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80 regenerate' });
    world.advance(1000);
    const raw = (await t.cmd('show crypto pki certificates')).split('\n').slice(1, -1).join('\n') + '\n';
    const rows = ntcParse(raw);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      CERTIFICATE_TYPE: 'Certificate',
      STATUS: 'Available',
      SERIAL_NUMBER: '02',
      CERTIFICATE_USAGE: 'General Purpose',
      ISSUER_CN: 'LabCA',
      ISSUER_O: 'Twin',
      SUBJECT_NAME: 'R1.lab.example',
      SUBJECT_HOSTNAME: 'R1.lab.example',
      SUBJECT_CN: 'R1',
      START_DATE: '00:00:00 UTC Jan 1 2026',
      END_DATE: '00:00:00 UTC Jan 1 2027',
      RENEW_DATE: '00:00:00 UTC Oct 20 2026',
      ASSOCIATED_TRUSTPOINTS: 'TP',
    });
    expect(rows[1]).toMatchObject({ CERTIFICATE_TYPE: 'CA Certificate', SERIAL_NUMBER: '01', CERTIFICATE_USAGE: 'Signature', SUBJECT_CN: 'LabCA', RENEW_DATE: '' });
    expect(raw).toContain('    end   date: 00:00:00 UTC Jan 1 2027\n');
  });
});

describe('startup-config and boot replay (§3.3, §3.4)', () => {
  it('startup-config holds nvram: references; a reload restores trustpoints, certificates and keys exactly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-pki-'));
    try {
      const { t, r1 } = await lab({ stateDir: dir });
      await setupTrustpoint(t, { autoEnroll: '80 regenerate' });
      const start = await t.cmd('show startup-config');
      expect(start).toMatch(/\ncrypto pki certificate chain TP\n certificate 02 nvram:R1#1\.cer\n certificate ca 01 nvram:LabCA#1CA\.cer\n!\n/);
      expect(start).not.toMatch(/^ {2}[0-9A-F]{8} /m);
      const files = JSON.parse(fs.readFileSync(path.join(dir, 'R1', 'nvram', 'private-config.json'), 'utf8')) as { pki: { files: Record<string, string>; keys: { keys: { label: string }[] } } };
      expect(Object.keys(files.pki.files).sort()).toEqual(['LabCA#1CA.cer', 'R1#1.cer']);
      expect(files.pki.keys.keys.map((k) => k.label)).toEqual(['TP']);
      const strip = (s: string) => s.split('\n').slice(1).filter((l) => !/^! Last configuration change|^Current configuration/.test(l)).join('\n');
      const run1 = strip(await t.cmd('show running-config'));
      const certs1 = await t.cmd('show crypto pki certificates');
      const keys1 = await t.cmd('show crypto key mypubkey rsa');
      // A second process on the same state dir (restart of the twin).
      const w2 = new World({ seed: 42, stateDir: dir });
      w2.addDevice({ name: 'CA', startupConfig: '' });
      const r1b = w2.addDevice({ name: 'R1' });
      await w2.bootAll();
      expect(r1b.bootErrors).toEqual([]);
      const t2 = await term(r1b);
      expect(strip(await t2.cmd('show running-config'))).toBe(run1);
      expect(await t2.cmd('show crypto pki certificates')).toBe(certs1);
      expect(await t2.cmd('show crypto key mypubkey rsa')).toBe(keys1);
      void r1;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('running-config hex pasted back through the CLI installs the same certificates', async () => {
    const { t, r1 } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80' });
    const run = await t.cmd('show running-config');
    const chain = run.slice(run.indexOf('crypto pki certificate chain TP'), run.indexOf('!\ninterface'));
    const before = pkiState(r1).trustpoints.get('TP')!.certs;
    const ids = before.ids.map((i) => i.cert.sha1Hex);
    await lines(t, ['configure terminal', 'no crypto pki certificate chain TP']);
    expect(pkiState(r1).trustpoints.get('TP')!.certs.ids).toHaveLength(0);
    for (const l of chain.split('\n')) if (l.trim()) await t.cmd(l);
    await t.cmd('end');
    const after = pkiState(r1).trustpoints.get('TP')!.certs;
    expect(after.ids.map((i) => i.cert.sha1Hex)).toEqual(ids);
    expect(after.ca?.sha1Hex).toBe(before.ca?.sha1Hex);
  });
});

describe('certificate server (§7.2)', () => {
  it('shows, request table, manual grant, show crypto pki server', async () => {
    const { t, tca, world } = await lab();
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    await setupTrustpoint(t, { autoEnroll: '80' });
    world.advance(5000);
    const tab = await tca.cmd('show crypto pki server CA requests');
    expect(tab).toMatch(/Router certificates requests:\nReqID {2}State {6}Fingerprint {22}SubjectName\n-{62}\n1 {6}pending {4}[0-9A-F]{32} hostname=R1\.lab\.example,cn=R1,o=Twin\n/);
    const srv = await tca.cmd('show crypto pki server');
    expect(srv).toContain('Certificate Server CA:\n    Status: enabled\n    State: enabled\n');
    expect(srv).toContain('    Issuer name: CN=LabCA,O=Twin\n');
    expect(srv).toContain('    Granting mode is: manual\n');
    expect(await tca.cmd('crypto pki server CA grant 7')).toBe('crypto pki server CA grant 7\n% Request id 7 not found or not pending.\nCA#');
    expect(await tca.cmd('crypto pki server CA grant 1')).toBe('crypto pki server CA grant 1\nCA#');
  });
});
