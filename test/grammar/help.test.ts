import { describe, expect, it } from 'vitest';
import { Grammar, renderHelp, renderWordHelp } from '../../cli-grammar/engine.js';
import type { HelpItem } from '../../cli-grammar/types.js';
import { COMMANDS, MODES } from './fixture.js';

const g = new Grammar(MODES, COMMANDS);
const tokens = (mode: string, line: string, priv = 15): string[] => {
  const r = g.help(mode, line, priv);
  if (r.kind !== 'list') throw new Error(`expected list, got ${JSON.stringify(r)}`);
  return r.items.map((i) => i.token);
};

describe('? help listings', () => {
  it('lists next keywords sorted, placeholders after keywords, <cr> last', () => {
    expect(tokens('exec', 'show ')).toEqual(['clock', 'interfaces', 'ip', 'memory', 'running-config', 'startup-config', 'version']);
    expect(tokens('config', 'crypto key generate rsa ')).toEqual(['exportable', 'general-keys', 'label', 'modulus', 'usage-keys', '<cr>']);
    expect(tokens('ca-trustpoint', 'auto-enroll ')).toEqual(['regenerate', '<10-100>', '<cr>']);
    expect(tokens('ca-trustpoint', 'auto-enroll 90 ')).toEqual(['regenerate', '<cr>']);
    expect(tokens('ca-trustpoint', 'rsakeypair K ')).toEqual(['<360-4096>', '<cr>']);
    expect(tokens('exec', 'show version ')).toEqual(['<cr>']);
    expect(tokens('config', 'interface ')).toContain('FastEthernet');
    expect(tokens('exec', 'show interfaces ').at(-1)).toBe('<cr>');
  });

  it('gives the help text from the specs, including placeholders', () => {
    const r = g.help('config', 'crypto key generate rsa modulus ', 15);
    expect(r).toEqual({ kind: 'list', items: [{ token: '<360-4096>', text: 'size of the key modulus [360-4096]' }] });
    expect(g.help('exec', 'clock set ', 15)).toEqual({ kind: 'list', items: [{ token: 'hh:mm:ss', text: 'Current Time' }] });
    expect(g.help('exec', 'clock set 10:00:00 1 ', 15)).toEqual({ kind: 'list', items: [{ token: 'MONTH', text: 'Month of the year' }] });
    expect(g.help('config', 'crypto key generate rsa label ', 15)).toEqual({ kind: 'list', items: [{ token: 'WORD', text: 'RSA key pair label' }] });
  });

  it('lists the root of config modes with no/default/do', () => {
    expect(tokens('config', '')).toEqual(['crypto', 'default', 'do', 'end', 'exit', 'hostname', 'interface', 'ip', 'no', 'username']);
    expect(tokens('config-if', 'no ')).toEqual(['description', 'ip', 'shutdown']);
    expect(tokens('config-if', 'no ip address ')).toEqual(['A.B.C.D', '<cr>']);
  });

  it('hides commands above the privilege and hidden commands', () => {
    expect(tokens('exec', 'show ', 1)).toEqual(['clock', 'interfaces', 'ip', 'memory', 'version']);
    expect(tokens('config', 'crypto ')).toEqual(['key', 'pki']);
    expect(g.help('config', 'crypto c', 15)).toEqual({ kind: 'invalid', column: 7 });
  });

  it('answers word help for a partial word', () => {
    expect(g.help('exec', 'sh', 15)).toEqual({ kind: 'words', words: ['show'] });
    expect(g.help('config', 'ip domain', 15)).toEqual({ kind: 'words', words: ['domain', 'domain-lookup', 'domain-name'] });
    expect(g.help('exec', 'c', 15)).toEqual({ kind: 'words', words: ['clock', 'configure', 'copy'] });
    expect(g.help('config', 'd', 15)).toEqual({ kind: 'words', words: ['default', 'do'] });
    expect(g.help('config', 'int f', 15)).toEqual({ kind: 'words', words: ['FastEthernet'] });
    expect(g.help('config', 'hostname R', 15)).toEqual({ kind: 'list', items: [{ token: 'WORD', text: "This system's network name" }] });
  });

  it('reports invalid and ambiguous prefixes', () => {
    expect(g.help('exec', 'show xyz ', 15)).toEqual({ kind: 'invalid', column: 5 });
    expect(g.help('exec', 'show mod', 15)).toEqual({ kind: 'invalid', column: 6 });
    expect(g.help('exec', 'show i ', 15)).toEqual({ kind: 'ambiguous' });
  });

  it('walks up for help of a parent-mode command, and supports do', () => {
    expect(tokens('config-if', 'hostname ')).toEqual(['WORD']);
    expect(tokens('config', 'do show ')).toContain('running-config');
    expect(g.help('config', 'do sh', 15)).toEqual({ kind: 'words', words: ['show'] });
    expect(g.help('config', 'do show xyz ', 15)).toEqual({ kind: 'invalid', column: 8 });
  });

  it('shows LINE again inside free text', () => {
    expect(tokens('config-if', 'description hello ')).toEqual(['LINE', '<cr>']);
  });
});

describe('Tab completion', () => {
  it('completes a unique keyword prefix with a trailing space', () => {
    expect(g.complete('exec', 'sh', 15)).toBe('show ');
    expect(g.complete('exec', 'sh ru', 15)).toBe('sh running-config ');
    expect(g.complete('exec', '  sh  ver', 15)).toBe('  sh  version ');
    expect(g.complete('config', 'ip domain', 15)).toBe('ip domain '); // exact keyword
    expect(g.complete('config', 'ip domain-l', 15)).toBe('ip domain-lookup ');
  });

  it('returns null when nothing unique completes', () => {
    expect(g.complete('exec', 'c', 15)).toBeNull();
    expect(g.complete('exec', 'show ', 15)).toBeNull();
    expect(g.complete('exec', '', 15)).toBeNull();
    expect(g.complete('exec', 'show xyz', 15)).toBeNull();
    expect(g.complete('exec', 'sh ru', 1)).toBeNull();
    expect(g.complete('config', 'crypto c', 15)).toBeNull(); // hidden
    expect(g.complete('config', 'hostname R', 15)).toBeNull();
  });

  it('completes interface types, do lines and parent-mode commands', () => {
    expect(g.complete('config', 'int fa', 15)).toBe('int FastEthernet');
    expect(g.complete('config', 'do sh cl', 15)).toBe('do sh clock ');
    expect(g.complete('config-if', 'hostn', 15)).toBe('hostname ');
  });
});

describe('renderHelp / renderWordHelp', () => {
  it('pads the token column and wraps long help at 80 columns like IOS', () => {
    const r = g.help('config', 'crypto key generate rsa ', 15);
    if (r.kind !== 'list') throw new Error('list expected');
    expect(renderHelp(r.items)).toEqual([
      '  exportable    Allow the key to be exported',
      '  general-keys  Generate a general purpose RSA key pair for signing and',
      '                encryption',
      '  label         Provide a label',
      '  modulus       Provide number of modulus bits on the command line',
      '  usage-keys    Generate separate RSA key pairs for signing and encryption',
      '  <cr>',
    ]);
  });

  it('never exceeds the width and keeps the last word that fits exactly', () => {
    const text = 'x'.repeat(70) + ' yy'; // 2+2+2 + 70 = 76, + ' yy' = 79 <= 80
    expect(renderHelp([{ token: 'ab', text }])).toEqual([`  ab  ${text}`]);
    const text2 = 'x'.repeat(73) + ' yy'; // would be 82
    expect(renderHelp([{ token: 'ab', text: text2 }])).toEqual([`  ab  ${'x'.repeat(73)}`, '      yy']);
    const many: HelpItem[] = [{ token: 'k', text: Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ') }];
    const lines = renderHelp(many);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    for (const l of lines.slice(1)) expect(l.startsWith('     w')).toBe(true);
  });

  it('renders word help with two spaces after each word', () => {
    expect(renderWordHelp(['domain', 'domain-lookup', 'domain-name'])).toBe('domain  domain-lookup  domain-name  ');
    expect(renderWordHelp(['show'])).toBe('show  ');
  });
});
