import { describe, expect, it } from 'vitest';
import { Grammar, checkGrammar, renderError } from '../../cli-grammar/engine.js';
import { COMMANDS, MODES } from './fixture.js';

const g = new Grammar(MODES, COMMANDS);
const m = (mode: string, line: string, priv = 15) => g.match(mode, line, priv);

describe('match: abbreviations and results', () => {
  it('matches common abbreviations', () => {
    expect(m('exec', 'sh run')).toEqual({ kind: 'ok', id: 'show.running-config', args: { show: true, 'running-config': true }, negated: false, mode: 'exec' });
    expect(m('exec', 'conf t')).toMatchObject({ kind: 'ok', id: 'configure.terminal' });
    expect(m('exec', 'sh ver')).toMatchObject({ kind: 'ok', id: 'show.version' });
    expect(m('exec', 'copy run start')).toMatchObject({ kind: 'ok', id: 'copy.run-start' });
    expect(m('exec', 'SHOW VERSION')).toMatchObject({ kind: 'ok', id: 'show.version' });
  });

  it('allows leading and repeated spaces and keeps columns of the typed line', () => {
    expect(m('exec', '   sh    ver  ')).toMatchObject({ kind: 'ok', id: 'show.version' });
    expect(m('exec', '  show  mod ver')).toEqual({ kind: 'invalid', column: 9 });
  });

  it('reports ambiguity of a shared prefix', () => {
    expect(m('exec', 'show i')).toEqual({ kind: 'ambiguous' });
    expect(m('exec', 'c')).toEqual({ kind: 'ambiguous' });
    expect(m('exec', 'co')).toEqual({ kind: 'ambiguous' });
  });

  it('puts the invalid column where the keyword stops matching', () => {
    // 'm' still matches 'memory', 'o' does not: caret under the 'o'.
    expect(m('exec', 'show mod ver')).toEqual({ kind: 'invalid', column: 6 });
    expect(m('exec', 'show xyz')).toEqual({ kind: 'invalid', column: 5 });
    expect(m('exec', 'show versionx')).toEqual({ kind: 'invalid', column: 12 });
    expect(m('exec', 'foo')).toEqual({ kind: 'invalid', column: 0 });
  });

  it('puts the invalid column at the first char of extra words and bad parameters', () => {
    expect(m('exec', 'show version extra')).toEqual({ kind: 'invalid', column: 13 });
    expect(m('exec', 'clock set 10:00:00 32 Jan 2020')).toEqual({ kind: 'invalid', column: 19 });
    expect(m('exec', 'clock set 25:00:00 1 Jan 2020')).toEqual({ kind: 'invalid', column: 10 });
    expect(m('exec', 'clock set 10:00:00 1 Jan 1990')).toEqual({ kind: 'invalid', column: 25 });
    expect(m('ca-trustpoint', 'auto-enroll 200')).toEqual({ kind: 'invalid', column: 12 });
    expect(m('ca-trustpoint', 'auto-enroll 5')).toEqual({ kind: 'invalid', column: 12 });
    expect(m('config-if', 'ip address 10.0.0.256 255.0.0.0')).toEqual({ kind: 'invalid', column: 11 });
    expect(m('ca-trustpoint', 'rsakeypair K 100')).toEqual({ kind: 'invalid', column: 13 });
  });

  it('reports incomplete commands', () => {
    expect(m('exec', 'show')).toEqual({ kind: 'incomplete' });
    expect(m('exec', 'clock set 10:00:00')).toEqual({ kind: 'incomplete' });
    expect(m('config', 'hostname')).toEqual({ kind: 'incomplete' });
    expect(m('config-if', 'description')).toEqual({ kind: 'incomplete' });
    expect(m('config', 'ip domain')).toEqual({ kind: 'incomplete' }); // exact 'domain' beats domain-name/domain-lookup
    // ... and stays chosen: `ip domain x` is not read as `ip domain-name x`
    expect(m('config', 'ip domain x')).toEqual({ kind: 'invalid', column: 10 });
    expect(m('config', 'ip domain list x')).toMatchObject({ kind: 'ok', id: 'ip.domain-list' });
  });

  it('binds typed parameters', () => {
    expect(m('exec', 'clock set 9:5:0 1 ja 2020')).toMatchObject({ kind: 'ok', id: 'clock.set', args: { time: '09:05:00', day: 1, month: 'January', year: 2020 } });
    expect(m('exec', 'clock set 10:00:00 1 ju 2020')).toEqual({ kind: 'invalid', column: 21 }); // June/July
    expect(m('config', 'username admin priv 15 secret  my  secret ')).toMatchObject({ kind: 'ok', id: 'username', args: { user: 'admin', level: 15, pass: 'my  secret' } });
    expect(m('config-if', 'ip add 10.0.0.1 255.255.255.0')).toMatchObject({ kind: 'ok', id: 'if.ip-address', args: { addr: '10.0.0.1', mask: '255.255.255.0' } });
    expect(m('ca-trustpoint', 'enrollment url http://10.0.0.1:80/cgi-bin')).toMatchObject({ kind: 'ok', args: { url: 'http://10.0.0.1:80/cgi-bin' } });
    expect(m('ca-trustpoint', 'enrollment url ftp://x')).toEqual({ kind: 'invalid', column: 15 });
    expect(m('ca-trustpoint', 'renewal-window 1d12h')).toMatchObject({ kind: 'ok', args: { window: 36 * 3600 * 1000 } });
  });

  it('normalises interface names given as one or two words', () => {
    for (const line of ['interface FastEthernet0/0', 'interface fa0/0', 'int Fa0/0', 'interface fa 0/0', 'interface FastEthernet 0/0']) {
      expect(m('config', line)).toMatchObject({ kind: 'ok', id: 'interface', args: { name: 'FastEthernet0/0' } });
    }
    expect(m('config', 'int lo0')).toMatchObject({ args: { name: 'Loopback0' } });
    expect(m('config', 'int g0/1')).toMatchObject({ args: { name: 'GigabitEthernet0/1' } });
    expect(m('config', 'int s0/0/0')).toMatchObject({ args: { name: 'Serial0/0/0' } });
    expect(m('config', 'int e0/0')).toMatchObject({ args: { name: 'Ethernet0/0' } });
    expect(m('config', 'int foo0/0')).toEqual({ kind: 'invalid', column: 4 });
    expect(m('config', 'int fa')).toEqual({ kind: 'invalid', column: 4 });
  });

  it('binds choices, options and any-order groups', () => {
    expect(m('config', 'crypto key gen rsa gen label K mod 2048')).toMatchObject({ kind: 'ok', id: 'crypto.key.generate', args: { kind: 'general-keys', 'general-keys': true, label: 'K', modulus: 2048 } });
    expect(m('config', 'crypto key generate rsa')).toMatchObject({ kind: 'ok', args: { rsa: true } });
    expect(m('ca-trustpoint', 'auto-enroll')).toMatchObject({ kind: 'ok', args: { 'auto-enroll': true } });
    expect(m('ca-trustpoint', 'auto 90 regen')).toMatchObject({ kind: 'ok', args: { percent: 90, regenerate: true } });
    expect(m('ca-trustpoint', 'auto regen')).toMatchObject({ kind: 'ok', args: { regenerate: true } });
    expect(m('ca-trustpoint', 'rev crl none')).toMatchObject({ kind: 'ok', args: { crl: 'crl', none: 'none' } });
    expect(m('ca-trustpoint', 'rev none crl')).toMatchObject({ kind: 'ok', args: { crl: 'crl', none: 'none' } });
    expect(m('ca-trustpoint', 'rev none none')).toEqual({ kind: 'invalid', column: 9 });
  });

  it('uses look-ahead to settle an ambiguous abbreviation', () => {
    // `i` is ambiguous (interfaces/ip) but only `show ip interface brief` fits the whole line.
    expect(m('exec', 's i i b')).toMatchObject({ kind: 'ok', id: 'show.ip-interface-brief' });
    // `i fa0/0`: only `interfaces INTERFACE` fits.
    expect(m('exec', 'sh i fa0/0')).toMatchObject({ kind: 'ok', id: 'show.interfaces', args: { name: 'FastEthernet0/0' } });
  });
});

describe('match: no/default, walk-up, do, privilege', () => {
  it('accepts no forms with trailing arguments omitted, and the full form', () => {
    expect(m('config-if', 'no ip address')).toEqual({ kind: 'ok', id: 'if.ip-address', args: { ip: true, address: true }, negated: true, prefix: 'no', mode: 'config-if' });
    expect(m('config-if', 'no ip address 10.0.0.1 255.0.0.0')).toMatchObject({ kind: 'ok', negated: true, args: { addr: '10.0.0.1' } });
    expect(m('config-if', 'no shut')).toMatchObject({ kind: 'ok', id: 'if.shutdown', negated: true, prefix: 'no' });
    expect(m('config-if', 'default shutdown')).toMatchObject({ kind: 'ok', id: 'if.shutdown', negated: true, prefix: 'default' });
    expect(m('ca-trustpoint', 'no auto-enroll')).toMatchObject({ kind: 'ok', id: 'tp.auto-enroll', negated: true });
    expect(m('config', 'no hostname')).toMatchObject({ kind: 'ok', id: 'hostname', negated: true });
    expect(m('config', 'no username admin')).toMatchObject({ kind: 'ok', id: 'username', negated: true, args: { user: 'admin' } });
    expect(m('config', 'no ip domain-lookup')).toMatchObject({ kind: 'ok', id: 'ip.domain-lookup', negated: true });
  });

  it('refuses no/default for commands that do not allow it', () => {
    // 'i' still matches 'ip' under 'no': caret under the 'n'
    expect(m('config', 'no interface fa0/0')).toEqual({ kind: 'invalid', column: 4 });
    expect(m('config', 'default hostname')).toEqual({ kind: 'invalid', column: 8 });
    expect(m('config-if', 'positive shutdown').kind).toBe('invalid');
  });

  it('walks up from config-if to config and reports the mode', () => {
    expect(m('config-if', 'hostname X')).toEqual({ kind: 'ok', id: 'hostname', args: { hostname: true, name: 'X' }, negated: false, mode: 'config' });
    expect(m('ca-trustpoint', 'interface fa0/1')).toMatchObject({ kind: 'ok', id: 'interface', mode: 'config' });
    expect(m('config-if', 'ip domain-name example.com')).toMatchObject({ kind: 'ok', id: 'ip.domain-name', mode: 'config' });
    // the error comes from the original mode
    expect(m('config-if', 'shutdown now')).toEqual({ kind: 'invalid', column: 9 });
    expect(m('config-if', 'hostname')).toEqual({ kind: 'invalid', column: 0 });
  });

  it('runs do <line> in privileged exec with columns of the full line', () => {
    expect(m('config', 'do sh clock')).toEqual({ kind: 'ok', id: 'show.clock', args: { show: true, clock: true }, negated: false, mode: 'exec' });
    expect(m('config-if', 'do show run')).toMatchObject({ kind: 'ok', id: 'show.running-config', mode: 'exec' });
    expect(m('config', 'do show mod ver')).toEqual({ kind: 'invalid', column: 9 });
    expect(m('config', 'do')).toEqual({ kind: 'incomplete' });
    expect(m('config', 'do show i')).toEqual({ kind: 'ambiguous' });
    // no `do` in exec modes; 'd' still matches 'disable'
    expect(m('exec', 'do show clock')).toEqual({ kind: 'invalid', column: 1 });
  });

  it('hides commands above the privilege', () => {
    expect(m('user', 'show run', 1)).toEqual({ kind: 'invalid', column: 5 });
    expect(m('exec', 'show run', 1)).toEqual({ kind: 'invalid', column: 5 });
    expect(m('exec', 'show running-config', 15)).toMatchObject({ kind: 'ok' });
    // with running-config invisible, `show r` is not ambiguous/incomplete, it is invalid
    expect(m('exec', 's r', 1)).toEqual({ kind: 'invalid', column: 2 });
    expect(m('config', 'hostname R1', 14)).toEqual({ kind: 'invalid', column: 0 });
  });

  it('matches hidden commands', () => {
    expect(m('config', 'crypto ca trustpoint TP')).toMatchObject({ kind: 'ok', id: 'crypto.ca.trustpoint', args: { name: 'TP' } });
  });

  it('strips a trailing newline', () => {
    expect(m('exec', 'show version\r\n')).toMatchObject({ kind: 'ok', id: 'show.version' });
  });
});

describe('construction', () => {
  it('has no declaration problems in the fixture', () => {
    expect(checkGrammar(g)).toEqual([]);
  });

  it('reports keywords without help and duplicate ids', () => {
    const g2 = new Grammar(MODES, [
      { id: 'a', modes: ['exec'], syntax: 'foo bar', help: { foo: 'Foo' } },
      { id: 'a', modes: ['config'], syntax: 'baz WORD$x', help: { baz: 'Baz', x: 'X' } },
      { id: 'b', modes: ['config'], syntax: 'qux', help: { qux: 'Qux' } },
      { id: 'b', modes: ['config'], syntax: 'qux', help: { qux: 'Qux' } },
    ]);
    const p = checkGrammar(g2);
    expect(p).toHaveLength(2);
    expect(p[0]).toContain("command 'b' declared twice in mode 'config'");
    expect(p[1]).toContain("keyword 'bar'");
    // aliases (one id, several syntaxes) are allowed unless strictIds
    const strict = checkGrammar(g2, { strictIds: true });
    expect(strict).toHaveLength(4);
    expect(strict).toContain("duplicate command id 'a'");
    expect(strict).toContain("duplicate command id 'b'");
  });

  it('lets several syntaxes share one intent id (aliases)', () => {
    const g5 = new Grammar(MODES, [
      { id: 'exit', modes: ['exec'], syntax: 'exit', help: { exit: 'Exit from the EXEC' } },
      { id: 'exit', modes: ['exec'], syntax: 'logout', help: { logout: 'Exit from the EXEC' } },
    ]);
    expect(g5.match('exec', 'logo', 15)).toMatchObject({ kind: 'ok', id: 'exit' });
    expect(g5.match('exec', 'exi', 15)).toMatchObject({ kind: 'ok', id: 'exit' });
  });

  it('throws on duplicate syntax in one mode, naming both ids', () => {
    expect(() => new Grammar(MODES, [
      { id: 'x1', modes: ['exec'], syntax: 'show thing [WORD$a]', help: {} },
      { id: 'x2', modes: ['exec'], syntax: 'show thing WORD$b', help: {} },
    ])).toThrow(/x1.*x2/);
    // the same syntax in different modes is fine
    expect(() => new Grammar(MODES, [
      { id: 'x1', modes: ['exec'], syntax: 'show thing', help: {} },
      { id: 'x2', modes: ['config'], syntax: 'show thing', help: {} },
    ])).not.toThrow();
  });

  it.each([
    ['show [version', /missing/],
    ['show version]', /unexpected/],
    ['show <a|b', /missing/],
    ['show <a||b>', /empty alternative/],
    ['show FOO$x', /unknown placeholder type 'FOO'/],
    ['description LINE$t more', /must be the last/],
    ['show WORD$1bad', /bad variable/],
    ['', /empty syntax/],
  ])('rejects malformed syntax %j with the command id', (syntax, re) => {
    expect(() => new Grammar(MODES, [{ id: 'bad.cmd', modes: ['exec'], syntax, help: {} }])).toThrow(/bad\.cmd/);
    expect(() => new Grammar(MODES, [{ id: 'bad.cmd', modes: ['exec'], syntax, help: {} }])).toThrow(re);
  });

  it('rejects unknown modes and accepts registered parameter types', () => {
    expect(() => new Grammar(MODES, [{ id: 'c', modes: ['nope'], syntax: 'x', help: {} }])).toThrow(/'c'.*unknown mode 'nope'/);
    const HEX = { name: 'HEX', helpToken: 'Hex-data', help: 'hex', parse: (w: string) => (/^[0-9a-f]+$/i.test(w) ? w.toUpperCase() : undefined) };
    const g3 = new Grammar(MODES, [{ id: 'k', modes: ['exec'], syntax: 'key HEX$data', help: { key: 'Key' } }], [HEX]);
    expect(g3.match('exec', 'key ab12', 15)).toMatchObject({ kind: 'ok', args: { data: 'AB12' } });
    expect(g3.match('exec', 'key xyz', 15)).toEqual({ kind: 'invalid', column: 4 });
  });

  it('lets a typed parameter compete with keywords (keyword wins for a unique prefix)', () => {
    const g4 = new Grammar(MODES, [
      { id: 'tp', modes: ['exec'], syntax: 'show cert WORD$name', help: {} },
      { id: 'st', modes: ['exec'], syntax: 'show cert storage', help: {} },
    ]);
    expect(g4.match('exec', 'show cert sto', 15)).toMatchObject({ kind: 'ok', id: 'st' });
    expect(g4.match('exec', 'show cert stx', 15)).toMatchObject({ kind: 'ok', id: 'tp', args: { name: 'stx' } });
    // the keyword takes the word even when only the WORD reading would fit the rest (IOS is greedy here)
    expect(g4.match('exec', 'show cert sto', 15)).toMatchObject({ id: 'st' });
    const g6 = new Grammar(MODES, [
      { id: 'tp', modes: ['exec'], syntax: 'show cert WORD$name detail', help: {} },
      { id: 'st', modes: ['exec'], syntax: 'show cert storage', help: {} },
    ]);
    expect(g6.match('exec', 'show cert sto detail', 15)).toEqual({ kind: 'invalid', column: 14 });
    expect(g6.match('exec', 'show cert stx detail', 15)).toMatchObject({ kind: 'ok', id: 'tp' });
  });
});

describe('renderError', () => {
  it('renders the caret line for invalid input', () => {
    const prompt = 'R1(config)#';
    const line = 'logging 0255.255.1';
    expect(renderError({ kind: 'invalid', column: 8 }, prompt.length, line)).toEqual([
      '                   ^',
      "% Invalid input detected at '^' marker.",
      '',
    ]);
    const r = g.match('exec', 'show mod ver', 15);
    expect(renderError(r, 'Router#'.length, 'show mod ver')[0]).toBe(' '.repeat(13) + '^');
  });

  it('renders incomplete and ambiguous exactly', () => {
    expect(renderError({ kind: 'incomplete' }, 7, 'show')).toEqual(['% Incomplete command.', '']);
    expect(renderError({ kind: 'ambiguous' }, 7, 'show i\r\n')).toEqual(['% Ambiguous command:  "show i"']);
    expect(renderError(g.match('exec', 'show i', 15), 7, 'show i').join('\r\n') + '\r\n').toBe('% Ambiguous command:  "show i"\r\n');
  });

  it('renders nothing for ok', () => {
    expect(renderError(g.match('exec', 'show clock', 15), 7, 'show clock')).toEqual([]);
  });
});
