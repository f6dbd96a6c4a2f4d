import { describe, expect, it } from 'vitest';
import { DURATION, INTERFACE, IPV4, LINE, MONTH, ParamRegistry, TIME, URL, WORD, interfaceType, rangeType } from '../../cli-grammar/engine.js';

describe('built-in parameter types', () => {
  it('A.B.C.D', () => {
    expect(IPV4.parse('10.0.0.1')).toBe('10.0.0.1');
    expect(IPV4.parse('255.255.255.0')).toBe('255.255.255.0');
    expect(IPV4.parse('010.000.0.1')).toBe('10.0.0.1');
    for (const bad of ['10.0.0.256', '10.0.0', '10.0.0.1.2', 'a.b.c.d', '1..2.3', '']) expect(IPV4.parse(bad), bad).toBeUndefined();
  });

  it('<lo-hi> ranges', () => {
    const r = rangeType(360, 4096);
    expect(r.helpToken).toBe('<360-4096>');
    expect(r.parse('2048')).toBe(2048);
    expect(r.parse('360')).toBe(360);
    expect(r.parse('4096')).toBe(4096);
    for (const bad of ['359', '4097', '-1', '2e3', '0x10', '', '20 48', '99999999999999999999']) expect(r.parse(bad), bad).toBeUndefined();
  });

  it('HH:MM:SS', () => {
    expect(TIME.parse('10:00:00')).toBe('10:00:00');
    expect(TIME.parse('9:5:7')).toBe('09:05:07');
    expect(TIME.parse('23:59:59')).toBe('23:59:59');
    for (const bad of ['24:00:00', '10:60:00', '10:00:60', '10:00', '10-00-00', 'noon']) expect(TIME.parse(bad), bad).toBeUndefined();
  });

  it('MONTH accepts any unique prefix', () => {
    expect(MONTH.parse('January')).toBe('January');
    expect(MONTH.parse('jan')).toBe('January');
    expect(MONTH.parse('F')).toBe('February');
    expect(MONTH.parse('mar')).toBe('March');
    expect(MONTH.parse('MAY')).toBe('May');
    expect(MONTH.parse('jun')).toBe('June');
    expect(MONTH.parse('jul')).toBe('July');
    expect(MONTH.parse('s')).toBe('September');
    for (const bad of ['j', 'ju', 'ma', 'a', 'foo', '', '1']) expect(MONTH.parse(bad), bad).toBeUndefined();
  });

  it('INTERFACE normalises one- and two-word names', () => {
    const cases: [string, string][] = [
      ['FastEthernet0/0', 'FastEthernet0/0'], ['fa0/0', 'FastEthernet0/0'], ['Fa0/1', 'FastEthernet0/1'],
      ['fa 0/0', 'FastEthernet0/0'], ['FastEthernet 0/0', 'FastEthernet0/0'], ['GigabitEthernet0/1', 'GigabitEthernet0/1'],
      ['gi0/1', 'GigabitEthernet0/1'], ['Loopback0', 'Loopback0'], ['lo 1', 'Loopback1'], ['e0/0', 'Ethernet0/0'],
      ['Serial0/0/0', 'Serial0/0/0'], ['se0/0/0', 'Serial0/0/0'], ['fa0/0.100', 'FastEthernet0/0.100'], ['tu0', 'Tunnel0'],
    ];
    for (const [inp, out] of cases) expect(INTERFACE.parse(inp), inp).toBe(out);
    for (const bad of ['fa', 'foo0/0', '0/0', 'fa0/', 'fa/0', 'x1', 'fa  0/0', 'fa0/0 x']) expect(INTERFACE.parse(bad), bad).toBeUndefined();
    expect(INTERFACE.parse('v1')).toBe('Virtual-Template1');
    expect(INTERFACE.complete!('fa')).toEqual(['FastEthernet']);
    expect(INTERFACE.complete!('')).toHaveLength(11);
    const only = interfaceType([{ token: 'Vlan', text: 'Catalyst Vlans' }]);
    expect(only.parse('v10')).toBe('Vlan10');
  });

  it('URL', () => {
    expect(URL.parse('http://10.0.0.1')).toBe('http://10.0.0.1');
    expect(URL.parse('http://ca.example.com:8080/cgi-bin/pkiclient.exe')).toBe('http://ca.example.com:8080/cgi-bin/pkiclient.exe');
    expect(URL.parse('HTTP://10.0.0.1:80')).toBe('HTTP://10.0.0.1:80');
    for (const bad of ['10.0.0.1', 'http://', 'http://host:0', 'http://host:70000', 'ftp://host', 'http:/host']) expect(URL.parse(bad), bad).toBeUndefined();
  });

  it('DURATION binds milliseconds', () => {
    expect(DURATION.parse('90d')).toBe(90 * 86_400_000);
    expect(DURATION.parse('12h')).toBe(12 * 3_600_000);
    expect(DURATION.parse('30m')).toBe(30 * 60_000);
    expect(DURATION.parse('45s')).toBe(45_000);
    expect(DURATION.parse('1d12h')).toBe(36 * 3_600_000);
    expect(DURATION.parse('1D2H3M4S')).toBe(((26 * 60 + 3) * 60 + 4) * 1000);
    for (const bad of ['', '12', 'h', '12h1d', '1.5h', '-1d']) expect(DURATION.parse(bad), bad).toBeUndefined();
  });

  it('WORD and LINE', () => {
    expect(WORD.parse('abc')).toBe('abc');
    expect(LINE.parse('a  b')).toBe('a  b');
    expect(WORD.precedence).toBe('any');
    expect(LINE.rest).toBe(true);
  });

  it('registry: built-ins, ranges on demand, caller types replace built-ins', () => {
    const reg = new ParamRegistry([{ name: 'WORD', helpToken: 'WORD', parse: (w) => (w === 'x' ? w : undefined) }]);
    expect(reg.get('A.B.C.D')).toBe(IPV4);
    expect(reg.get('<1-31>')!.parse('31')).toBe(31);
    expect(reg.get('<5-1>')).toBeUndefined();
    expect(reg.get('NOPE')).toBeUndefined();
    expect(reg.get('WORD')!.parse('y')).toBeUndefined();
    expect(() => reg.register({ name: '', helpToken: '', parse: () => undefined })).toThrow();
  });
});
