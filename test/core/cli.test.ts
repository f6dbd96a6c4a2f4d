/** CLI transcripts through the CliSession API: byte-exact where IOS shape matters. */
import { describe, expect, it } from 'vitest';
import { makeDevice, term } from './helpers.js';

const BASE = 'hostname R1\nenable secret cisco\nusername admin privilege 15 secret cisco\n';

describe('prompts and modes', () => {
  it('conf t banner, sub-modes, exit/end, Ctrl-Z', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.cmd('conf t')).toBe('conf t\nEnter configuration commands, one per line.  End with CNTL/Z.\nR1(config)#');
    expect(await t.cmd('interface fa0/0')).toBe('interface fa0/0\nR1(config-if)#');
    expect(await t.cmd('exit')).toBe('exit\nR1(config)#');
    expect(await t.cmd('line vty 0 4')).toBe('line vty 0 4\nR1(config-line)#');
    // walk-up: a global command in a sub-mode runs in (config) and leaves the sub-mode
    expect(await t.cmd('hostname R9')).toBe('hostname R9\nR9(config)#');
    expect(await t.cmd('int lo0')).toBe('int lo0\nR9(config-if)#');
    expect(await t.type('\x1a')).toBe('^Z\nR9#');
    expect(await t.cmd('configure terminal')).toContain('R9(config)#');
    expect(await t.cmd('end')).toBe('end\nR9#');
    expect(await t.cmd('conf t')).toContain('(config)#');
    expect(await t.cmd('exit')).toBe('exit\nR9#');
  });

  it('configure alone asks where from; Enter = terminal', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.cmd('configure')).toBe('configure\nConfiguring from terminal, memory, or network [terminal]? ');
    expect(await t.cmd('')).toBe('\nEnter configuration commands, one per line.  End with CNTL/Z.\nR1(config)#');
  });

  it('enable with a secret (no echo), Bad secrets after three tries, disable, show privilege', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device, { privilege: 1 });
    expect(await t.cmd('show privilege')).toBe('show privilege\nCurrent privilege level is 1\nR1>');
    expect(await t.cmd('enable')).toBe('enable\nPassword: ');
    expect(await t.cmd('nope')).toBe('\nPassword: ');
    expect(await t.cmd('nope')).toBe('\nPassword: ');
    expect(await t.cmd('nope')).toBe('\n% Bad secrets\n\nR1>');
    expect(await t.cmd('enable')).toBe('enable\nPassword: ');
    expect(await t.cmd('cisco')).toBe('\nR1#');
    expect(await t.cmd('show privilege')).toBe('show privilege\nCurrent privilege level is 15\nR1#');
    expect(await t.cmd('disable')).toBe('disable\nR1>');
  });

  it('enable without any enable password on a vty', async () => {
    const { device } = await makeDevice({ startupConfig: 'hostname R1\n' });
    const t = await term(device, { privilege: 1 });
    expect(await t.cmd('enable')).toBe('enable\n% No password set\nR1>');
    const c = await term(device, { privilege: 1, line: 'con' });
    expect(await c.cmd('enable')).toBe('enable\nR1#');
  });

  it('exit ends the session with status 0', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('exit');
    expect(t.closed()).toBe(0);
    expect(device.sessions.size).toBe(0);
  });
});

describe('parser feedback', () => {
  it('invalid input: caret under the failing character, then an empty line', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    expect(await t.cmd('logging 0255.255.1')).toBe("logging 0255.255.1\n                   ^\n% Invalid input detected at '^' marker.\n\nR1(config)#");
    expect(await t.cmd('logging')).toBe('logging\n% Incomplete command.\n\nR1(config)#');
    await t.cmd('end');
    expect(await t.cmd('show i')).toBe('show i\n% Ambiguous command:  "show i"\nR1#');
    expect(await t.cmd('show xyz')).toBe("show xyz\n        ^\n% Invalid input detected at '^' marker.\n\nR1#");
  });

  it('unknown word at EXEC: Translating…, with and without ip domain-lookup', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.cmd('foo')).toBe('foo\nTranslating "foo"...domain server (255.255.255.255)\n% Unknown command or computer name, or unable to find computer address\nR1#');
    await t.cmd('conf t');
    await t.cmd('no ip domain-lookup');
    await t.cmd('end');
    expect(await t.cmd('foo')).toBe('foo\nTranslating "foo"\n% Unknown command or computer name, or unable to find computer address\nR1#');
    // a privileged command typed at `>` is a host name too
    await t.cmd('disable');
    expect(await t.cmd('reload')).toBe('reload\nTranslating "reload"\n% Unknown command or computer name, or unable to find computer address\nR1>');
  });

  it('? lists the next words, word help, and reprints the typed text', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    expect(await t.type('ntp server ?')).toBe('ntp server ?\n  A.B.C.D  IP address of peer\nR1(config)#ntp server ');
    expect(await t.type('\x15')).toBe('\b'.repeat(11) + ' '.repeat(11) + '\b'.repeat(11));
    expect(await t.type('ip domain?')).toBe('ip domain?\ndomain  domain-lookup  domain-name  \n\nR1(config)#ip domain');
    await t.type('\x15');
    await t.cmd('end');
    const h = await t.type('show running-config ?');
    expect(h).toBe('show running-config ?\n  interface  Show interface configuration\n  |          Output modifiers\n  <cr>\nR1#show running-config ');
    await t.type('\x15');
    expect(await t.type('show running-config | ?')).toContain('  include  Include lines that match\n');
  });

  it('Tab completes a unique keyword', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.type('sh\t')).toBe('show ');
    expect(await t.type('vers\t')).toBe('version ');
    expect(await t.type('\r')).toContain('Cisco IOS Software');
  });
});

describe('line discipline', () => {
  it('CR, LF and CRLF are one Enter each', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    // (an LF right after a CR is the second half of a CRLF even across input chunks)
    expect(await t.type('\n')).toBe('\nR1#');
    expect(await t.type('\r')).toBe('\nR1#');
    expect(await t.type('\n')).toBe('');
    expect(await t.type('\n')).toBe('\nR1#');
    expect(await t.type('\r\n')).toBe('\nR1#');
    expect(await t.type('\r\n\r\n')).toBe('\nR1#\nR1#');
  });

  it('editing keys: backspace, Ctrl-A/E, arrows, Ctrl-W/K/U', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    // "show clokc" → backspace twice → "ck"
    await t.type('show clokc\x7f\x7fck');
    expect((await t.type('\r')).split('\n')[1]).toMatch(/^\*\d\d:\d\d/);
    // cursor movement then insert: type "shw clock", Ctrl-A, right ×2, insert "o"
    await t.type('shw clock\x01\x1b[C\x1b[Co');
    expect((await t.type('\r')).split('\n')[1]).toMatch(/^\*/);
    // Ctrl-W kills "garbage", Ctrl-E to the end
    await t.type('show garbage\x17clock\x1b[D\x1b[D\x05');
    expect((await t.type('\r')).split('\n')[1]).toMatch(/^\*/);
    // Ctrl-K kills to end of line
    await t.type('show clock detail\x02\x02\x02\x02\x02\x02\x02\x0b');
    expect((await t.type('\r')).split('\n')).toHaveLength(3);
  });

  it('history with up/down arrows and show history', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('show clock');
    await t.cmd('show privilege');
    expect(await t.type('\x1b[A')).toBe('show privilege');
    expect(await t.type('\x1b[A')).toBe('\b'.repeat(9) + 'clock    ' + '\b'.repeat(4));
    expect(await t.type('\x1b[B\x1b[B')).not.toBe('');
    await t.type('\x15');
    expect(await t.cmd('show history')).toBe('show history\n  show clock\n  show privilege\n  show history\nR1#');
  });

  it('control and binary bytes are ignored; a 64 KiB line is handled', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.type('\x00\x07\x1b[5~\x80\x9f\x0f')).toBe('');
    expect(await t.cmd('show \x00priv\x07ilege')).toBe('show privilege\nCurrent privilege level is 15\nR1#');
    const long = 'description ' + 'x'.repeat(70_000);
    await t.cmd('conf t');
    await t.cmd('int fa0/1');
    const out = await t.cmd(long);
    expect(out.endsWith('R1(config-if)#')).toBe(true);
    expect(device.state.interfaces.get('FastEthernet0/1')!.description!.length).toBe(240);
    await t.cmd('end');
    expect(await t.cmd('show privilege')).toContain('Current privilege level is 15');
  });

  it('1,000 pasted lines are all processed (typeahead)', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    const lines = ['conf t'];
    for (let i = 0; i < 998; i++) lines.push(`description pasted line ${i}`.replace(/^/, i === 0 ? 'interface Loopback1\n' : ''));
    lines.push('end');
    const text = lines.join('\r') + '\r';
    const out = await t.type(text);
    expect(out.endsWith('R1#')).toBe(true);
    expect(device.state.interfaces.get('Loopback1')!.description).toBe('pasted line 997');
    expect(device.config.dirty).toBe(true);
  });

  it('typeahead typed during a dialog answers it', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    const out = await t.type('copy running-config startup-config\r\rshow privilege\r');
    expect(out).toBe(
      'copy running-config startup-config\nDestination filename [startup-config]? \nBuilding configuration...\n[OK]\nR1#show privilege\nCurrent privilege level is 15\nR1#',
    );
  });

  it('Ctrl-C aborts a dialog; state is unchanged', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.cmd('erase startup-config')).toBe('erase startup-config\nErasing the nvram filesystem will remove all configuration files! Continue? [confirm]');
    expect(await t.type('\x03')).toBe('\nR1#');
    expect(device.startupText()).toContain('hostname R1');
    expect(device.config.dirty).toBe(false);
  });
});

describe('pager and output modifiers', () => {
  it('--More-- pages: Space = page, Enter = line, other key aborts', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device, { rows: 24 });
    const out = await t.cmd('show version');
    const lines = out.split('\n');
    expect(lines).toHaveLength(24 + 1 - 1 + 1); // echo + 23 lines + the More line
    expect(lines[24]).toBe(' --More-- ');
    const wipe = '\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10);
    const one = await t.type('\r');
    expect(one.startsWith(wipe)).toBe(true);
    expect(one.slice(wipe.length).split('\n')).toHaveLength(2); // one line + the next More
    const rest = await t.type(' ');
    expect(rest).toContain('Configuration register is 0x2102\nR1#');
    await t.cmd('show version');
    expect(await t.type('q')).toBe(wipe + 'R1#');
    await t.cmd('terminal length 0');
    expect((await t.cmd('show version')).includes('--More--')).toBe(false);
  });

  it('| include, | exclude, | begin, | section, | count', async () => {
    const { device } = await makeDevice({ startupConfig: BASE + 'interface Loopback0\n ip address 1.1.1.1 255.255.255.255\n' });
    const t = await term(device);
    expect(await t.cmd('show running-config | include hostname')).toBe('show running-config | include hostname\nhostname R1\nR1#');
    expect(await t.cmd('sh run | i ^interface')).toBe(
      'sh run | i ^interface\ninterface Loopback0\ninterface FastEthernet0/0\ninterface FastEthernet0/1\ninterface Serial0/0/0\ninterface Serial0/0/1\nR1#',
    );
    expect(await t.cmd('show running-config | section Loopback')).toBe('show running-config | section Loopback\ninterface Loopback0\n ip address 1.1.1.1 255.255.255.255\nR1#');
    expect(await t.cmd('show running-config | count interface')).toBe('show running-config | count interface\nNumber of lines which match regexp = 5\nR1#');
    expect((await t.cmd('show running-config | begin line con')).split('\n').slice(1)).toEqual(['line con 0', 'line aux 0', 'line vty 0 4', ' login', '!', 'end', 'R1#']);
    expect(await t.cmd('show clock | exclude UTC')).toBe('show clock | exclude UTC\nR1#');
    expect(await t.cmd('conf t | include x')).toBe("conf t | include x\n          ^\n% Invalid input detected at '^' marker.\n\nR1#");
  });
});

describe('config commands', () => {
  it('renders the configured state in IOS order', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    const cfg = [
      'conf t',
      'service timestamps log datetime msec localtime show-timezone',
      'logging buffered 16384',
      'no logging console',
      'ip domain-name lab.example',
      'no ip domain-lookup',
      'username bob password s3cret',
      'interface FastEthernet0/0',
      ' description uplink to core',
      ' ip address 192.0.2.1 255.255.255.0',
      ' no shutdown',
      'line con 0',
      ' exec-timeout 0 0',
      ' logging synchronous',
      'line vty 0 4',
      ' login local',
      ' transport input ssh',
      'banner motd ^C Authorized access only ^C',
      'ntp server 192.0.2.123',
      'end',
    ];
    for (const l of cfg) await t.cmd(l);
    const run = await t.cmd('show running-config');
    const lines = run.split('\n');
    const body = lines.slice(lines.indexOf('version 12.4'));
    expect(body.join('\n')).toBe(
      [
        'version 12.4',
        'service timestamps debug datetime msec',
        'service timestamps log datetime msec localtime show-timezone',
        'no service password-encryption',
        '!',
        'hostname R1',
        '!',
        'boot-start-marker',
        'boot-end-marker',
        '!',
        'logging buffered 16384',
        'no logging console',
        `enable secret 5 ${device.state.enableSecret}`,
        '!',
        'no aaa new-model',
        '!',
        'ip cef',
        '!',
        'no ip domain lookup',
        'ip domain name lab.example',
        '!',
        `username admin privilege 15 secret 5 ${device.state.users.get('admin')!.secret}`,
        'username bob password 0 s3cret',
        '!',
        'interface FastEthernet0/0',
        ' description uplink to core',
        ' ip address 192.0.2.1 255.255.255.0',
        '!',
        'interface FastEthernet0/1',
        ' no ip address',
        '!',
        'interface Serial0/0/0',
        ' no ip address',
        '!',
        'interface Serial0/0/1',
        ' no ip address',
        '!',
        'ip forward-protocol nd',
        'no ip http server',
        'no ip http secure-server',
        '!',
        'banner motd ^C Authorized access only ^C',
        '!',
        'line con 0',
        ' exec-timeout 0 0',
        ' logging synchronous',
        'line aux 0',
        'line vty 0 4',
        ' login local',
        ' transport input ssh',
        '!',
        'ntp server 192.0.2.123',
        'end',
        'R1#',
      ].join('\n'),
    );
    expect(lines[0]).toBe('show running-config');
    expect(lines[1]).toBe('Building configuration...');
    expect(lines[2]).toBe('');
    const m = /^Current configuration : (\d+) bytes$/.exec(lines[3]!);
    const counted = lines.slice(4, -1).join('\n') + '\n';
    expect(Number(m![1])).toBe(Buffer.byteLength(counted));
    expect(lines[4]).toBe('!');
    expect(lines[5]).toMatch(/^! Last configuration change at \d\d:\d\d:\d\d UTC Thu Jan 1 2026 by admin$/);
  });

  it('secrets are md5-crypt from the device rng; type-5 input is accepted as a hash', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    await t.cmd('enable secret 5 $1$abcd$Oy8OD9LGKv7H9yIMreLNV1');
    expect(device.state.enableSecret).toBe('$1$abcd$Oy8OD9LGKv7H9yIMreLNV1');
    expect(await t.cmd('enable secret 5 nothash')).toBe(
      'enable secret 5 nothash\nERROR: The secret you entered is not a valid encrypted secret.\nTo enter an UNENCRYPTED secret, do not specify type 5 encryption.\nWhen you properly enter an UNENCRYPTED secret, it will be encrypted.\nR1(config)#',
    );
    await t.cmd('username carol privilege 5 secret pw');
    expect(device.state.users.get('carol')!.secret).toMatch(/^\$1\$[./0-9A-Za-z]{4}\$[./0-9A-Za-z]{22}$/);
    expect(device.authenticate('carol', 'pw')).toEqual({ ok: true, privilege: 5 });
    expect(device.authenticate('carol', 'bad')).toEqual({ ok: false });
  });

  it('bad mask and overlapping addresses give IOS errors', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    await t.cmd('int fa0/0');
    expect(await t.cmd('ip address 10.0.0.1 255.0.255.0')).toBe('ip address 10.0.0.1 255.0.255.0\nBad mask 0xFF00FF00 for address 10.0.0.1\nR1(config-if)#');
    await t.cmd('ip address 10.0.0.1 255.255.255.0');
    await t.cmd('int fa0/1');
    expect(await t.cmd('ip address 10.0.0.2 255.255.255.0')).toBe('ip address 10.0.0.2 255.255.255.0\n% 10.0.0.0 overlaps with FastEthernet0/0\nR1(config-if)#');
  });

  it('do runs EXEC commands in config modes', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    await t.cmd('int lo5');
    expect(await t.cmd('do show privilege')).toBe('do show privilege\nCurrent privilege level is 15\nR1(config-if)#');
  });

  it('multi-line banner motd, shown at login', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    expect(await t.cmd('banner motd #')).toBe("banner motd #\nEnter TEXT message.  End with the character '#'.\n");
    await t.cmd('Line one');
    expect(await t.cmd('Line two#')).toBe('Line two#\nR1(config)#');
    await t.cmd('end');
    expect(device.state.bannerMotd).toBe('\nLine one\nLine two');
    expect(await t.cmd('show running-config')).toContain('\n!\nbanner motd ^C\nLine one\nLine two^C\n!\nline con 0\n');
    const t2 = await term(device);
    expect(t2.all()).toBe('\r\n\r\nLine one\r\nLine two\r\n\r\nR1#');
  });
});

describe('robustness', () => {
  it('seeded random keystrokes never throw, hang or wedge the session', async () => {
    const { Rng } = await import('../../sim/kernel/rng.js');
    const rng = new Rng(77);
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device, { rows: 10 });
    const alphabet = ['a', 'e', 'i', 's', 'h', 'o', 'w', ' ', '?', '\t', '\r', '\n', '\x7f', '\x01', '\x05', '\x15', '\x17', '\x0b', '\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1b', '|', '0', '1', '.', '\x00', '\xff', 'q', 'c', 'n', 'f', 't'];
    for (let i = 0; i < 300; i++) {
      let chunk = '';
      const n = rng.int(1, 12);
      for (let j = 0; j < n; j++) chunk += alphabet[rng.int(0, alphabet.length - 1)];
      await t.type(chunk);
      if (t.closed() !== undefined) break;
    }
    if (t.closed() === undefined) {
      await t.type('\x03\x03\x15');
      await t.type('\r');
      const out = await t.type('show privilege\r');
      expect(out).toContain('Current privilege level is 15');
    }
    const t2 = await term(device);
    expect(await t2.cmd('show privilege')).toBe('show privilege\nCurrent privilege level is 15\nR1#');
  });
});
