import { describe, expect, it } from 'vitest';
import { Grammar, checkGrammar, renderError, renderHelp } from '../../cli-grammar/engine.js';
import { CORE_COMMANDS, CORE_MODE_SPECS } from '../../cli-grammar/ios/index.js';
import { PKI_COMMANDS, PKI_MODES } from '../../cli-grammar/ios/pki.js';
import { SIMULATION_COMMANDS } from '../../cli-grammar/ios/simulation.js';

const g = new Grammar([...CORE_MODE_SPECS, ...PKI_MODES], [...CORE_COMMANDS, ...PKI_COMMANDS, ...SIMULATION_COMMANDS]);

describe('PKI grammar declarations', () => {
  it('has help for every keyword and no repeated specs', () => {
    expect(checkGrammar(g).filter((p) => /pki|sim\.|crypto|simulation/.test(p))).toEqual([]);
  });
  it('auto-enroll ? lists regenerate, <10-100> and <cr> (engine order: keywords first)', () => {
    const h = g.help('ca-trustpoint', 'auto-enroll ', 15);
    expect(h.kind).toBe('list');
    if (h.kind !== 'list') return;
    expect(renderHelp(h.items)).toEqual([
      '  regenerate  Generate new keys on auto-enroll',
      '  <10-100>    percentage of the validity period to auto renew',
      '  <cr>',
    ]);
  });
  it('auto-enroll 5 is refused with the caret under the number', () => {
    const m = g.match('ca-trustpoint', 'auto-enroll 5 regenerate', 15);
    expect(m.kind).toBe('invalid');
    const prompt = 'R1(ca-trustpoint)#';
    expect(renderError(m, prompt.length, 'auto-enroll 5 regenerate')[0]).toBe(' '.repeat(prompt.length + 12) + '^');
  });
  it('matches the trustpoint commands and both crypto spellings', () => {
    const m1 = g.match('config', 'crypto ca trustpoint VPN', 15);
    expect(m1).toMatchObject({ kind: 'ok', id: 'pki.trustpoint', args: { name: 'VPN' } });
    const m2 = g.match('ca-trustpoint', 'auto-enroll 80 regenerate', 15);
    expect(m2).toMatchObject({ kind: 'ok', id: 'pki.tp.auto-enroll', args: { percent: 80, regenerate: true } });
    expect(g.match('ca-trustpoint', 'rsakey VPN 2048', 15)).toMatchObject({ kind: 'ok', id: 'pki.tp.rsakeypair', args: { label: 'VPN', size: 2048 } });
    expect(g.match('ca-trustpoint', 'rev none', 15)).toMatchObject({ kind: 'ok', id: 'pki.tp.revocation-check', args: { m1: 'none' } });
    expect(g.match('ca-trustpoint', 'ip-address FastEthernet0/0', 15)).toMatchObject({ kind: 'ok', args: { iface: 'FastEthernet0/0' } });
    expect(g.match('ca-trustpoint', 'ip-address 10.0.0.1', 15)).toMatchObject({ kind: 'ok', args: { addr: '10.0.0.1' } });
    expect(g.match('ca-trustpoint', 'no auto-enroll', 15)).toMatchObject({ kind: 'ok', negated: true });
    expect(g.match('config', 'crypto key generate rsa general-keys label K modulus 1024 exportable', 15)).toMatchObject({
      kind: 'ok', args: { kind: 'general-keys', keyLabel: 'K', bits: 1024, exportable: true },
    });
    expect(g.match('config-cert-chain', 'certificate ca 01 nvram:X#1CA.cer', 15)).toMatchObject({ kind: 'ok', args: { kind: 'ca', serial: '01', file: 'nvram:X#1CA.cer' } });
    expect(g.match('config-cert-chain', 'certificate 0B87', 15)).toMatchObject({ kind: 'ok', args: { serial: '0B87' } });
    expect(g.match('exec', 'simulation advance 90d', 15)).toMatchObject({ kind: 'ok', args: { duration: 90 * 86400000 } });
    expect(g.match('exec', 'crypto pki server CA grant all', 15)).toMatchObject({ kind: 'ok', args: { action: 'grant', all: 'all' } });
    expect(g.match('exec', 'crypto pki server CA reject 3', 15)).toMatchObject({ kind: 'ok', args: { action: 'reject', reqId: 3 } });
    expect(g.match('exec', 'show crypto ca certificates', 15)).toMatchObject({ kind: 'ok', id: 'show.pki.certificates' });
    expect(g.match('exec', 'sh cry pki cert TP verbose', 15)).toMatchObject({ kind: 'ok', args: { name: 'TP', verbose: true } });
  });
  it('simulation appears in ? help as not IOS', () => {
    const h = g.help('exec', '', 15);
    if (h.kind !== 'list') throw new Error('no list');
    expect(h.items.find((i) => i.token === 'simulation')?.text).toBe('Router Twin simulation control (not IOS)');
  });
});
