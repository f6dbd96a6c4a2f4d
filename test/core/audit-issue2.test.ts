/** Issue #2 acceptance audit: fixes found while driving the twin as a user (each test fails without its fix). */
import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world.js';
import { makeDevice, term } from './helpers.js';

const BASE = 'hostname R1\nenable secret cisco\nusername admin privilege 15 secret cisco\n';

describe('issue #2 audit', () => {
  it('? help keeps the aligned columns inside help texts (logging levels)', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    const out = await t.type('logging buffered ?');
    expect(out).toContain('\n  alerts             Immediate action needed           (severity=1)\n');
    expect(out).toContain('\n  notifications      Normal but significant conditions (severity=5)\n');
    expect(out.endsWith('R1(config)#logging buffered ')).toBe(true);
  });

  it('`no username` / `no ntp server` / `no interface` without their argument are incomplete', async () => {
    const { device } = await makeDevice({ startupConfig: BASE + 'username bob secret x\nntp server 10.0.0.1\n' });
    const t = await term(device);
    await t.cmd('conf t');
    expect(await t.cmd('no username')).toBe('no username\n% Incomplete command.\n\nR1(config)#');
    expect(await t.cmd('no ntp server')).toBe('no ntp server\n% Incomplete command.\n\nR1(config)#');
    expect(await t.cmd('no interface')).toBe('no interface\n% Incomplete command.\n\nR1(config)#');
    await t.cmd('end');
    let run = await t.cmd('show running-config');
    expect(run).toContain('\nusername bob secret 5 ');
    expect(run).toContain('\nntp server 10.0.0.1\n');
    await t.cmd('conf t');
    expect(await t.cmd('no username bob')).toBe('no username bob\nR1(config)#');
    expect(await t.cmd('no ntp server 10.0.0.1')).toBe('no ntp server 10.0.0.1\nR1(config)#');
    await t.cmd('end');
    run = await t.cmd('show running-config');
    expect(run).not.toContain('username bob');
    expect(run).not.toContain('ntp server');
  });

  it('enable secret level N: its own hashed line, `enable N` checks it, replays from NVRAM', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    expect(await t.cmd('enable secret level 5 lvl5pw')).toBe('enable secret level 5 lvl5pw\nR1(config)#');
    await t.cmd('end');
    const run = await t.cmd('show running-config');
    expect(run).toMatch(/\nenable secret level 5 5 \$1\$[./0-9A-Za-z]{4}\$[./0-9A-Za-z]{22}\nenable secret 5 \$1\$/);
    // the level-15 secret is unchanged
    const u = await term(device, { privilege: 1 });
    expect(await u.cmd('enable')).toBe('enable\nPassword: ');
    expect(await u.cmd('cisco')).toBe('\nR1#');
    await u.cmd('disable');
    expect(await u.cmd('enable 5')).toBe('enable 5\nPassword: ');
    expect(await u.cmd('lvl5pw')).toBe('\nR1#');
    expect(await u.cmd('show privilege')).toBe('show privilege\nCurrent privilege level is 5\nR1#');
    // survives write + reload (boot replay of `enable secret level 5 5 $1$...`)
    await t.cmd('write memory');
    await device.reload('test');
    const v = await term(device);
    const run2 = await v.cmd('show running-config');
    expect(run2.match(/\nenable secret level 5 5 \S+\n/)?.[0]).toBe(run.match(/\nenable secret level 5 5 \S+\n/)?.[0]);
    expect(device.bootErrors).toEqual([]);
    await v.cmd('conf t');
    await v.cmd('no enable secret level 5');
    await v.cmd('end');
    expect(await v.cmd('show running-config')).not.toContain('enable secret level');
  });

  it('show terminal reports the client terminal type', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const s = device.openSession({ user: 'admin', privilege: 15, line: 'vty', peer: '10.0.0.9', rows: 0, cols: 80, term: 'xterm-256color' });
    let out = '';
    s.onOutput((d) => (out += d));
    device.world.ingress(() => s.input('show terminal\r'));
    await s.idle();
    expect(out).toContain('Type: "xterm-256color"\r\n');
  });

  it('session ids are numbered per world (same transcript for every run in one process)', async () => {
    const ids = async (): Promise<number[]> => {
      const world = new World({ seed: 3 });
      const d = world.addDevice({ name: 'R1', startupConfig: BASE });
      await d.boot();
      const a = d.openSession({ user: 'admin', privilege: 15, line: 'vty', peer: '10.0.0.9' });
      const b = d.openSession({ user: 'admin', privilege: 15, line: 'vty', peer: '10.0.0.9' });
      const r = [a.id, b.id];
      a.close();
      b.close();
      return r;
    };
    const first = await ids();
    expect(await ids()).toEqual(first);
  });
});

describe('issue #2 audit: long host names', () => {
  it('config prompts keep the first 20 characters of the host name; EXEC prompts the whole name', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    expect(await t.cmd('hostname ABCDEFGHIJKLMNOPQRSTUVWXYZ0123')).toBe('hostname ABCDEFGHIJKLMNOPQRSTUVWXYZ0123\nABCDEFGHIJKLMNOPQRST(config)#');
    expect(await t.cmd('interface fa0/0')).toBe('interface fa0/0\nABCDEFGHIJKLMNOPQRST(config-if)#');
    // caret columns follow the printed prompt
    expect(await t.cmd('shutdown x')).toBe('shutdown x\n' + ' '.repeat('ABCDEFGHIJKLMNOPQRST(config-if)#shutdown '.length) + "^\n% Invalid input detected at '^' marker.\n\nABCDEFGHIJKLMNOPQRST(config-if)#");
    expect(await t.cmd('end')).toBe('end\nABCDEFGHIJKLMNOPQRSTUVWXYZ0123#');
    expect(await t.cmd('show running-config | include hostname')).toBe('show running-config | include hostname\nhostname ABCDEFGHIJKLMNOPQRSTUVWXYZ0123\nABCDEFGHIJKLMNOPQRSTUVWXYZ0123#');
  });
});

/** A one-line terminal: applies printable characters and backspaces from column 0 (after a \r\n or \n). */
function screenLine(out: string): { text: string; cursor: number } {
  const last = out.split('\n').pop()!;
  const cells: string[] = [];
  let x = 0;
  for (const ch of last) {
    if (ch === '\b') x = Math.max(0, x - 1);
    else if (ch === '\r') x = 0;
    else {
      cells[x] = ch;
      x++;
    }
  }
  return { text: cells.join('').replace(/\s+$/, ''), cursor: x };
}

describe('issue #2 audit: horizontal scroll of long lines ($)', () => {
  const long = 'username carol privilege 15 secret aVeryLongSecretValue1234567890 extra-words-here';
  it('a line longer than the width shifts ten characters at a time behind a $, Ctrl-A shows the start with a $ at the end', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device, { cols: 80 });
    await t.cmd('conf t');
    let all = 'R1(config)#' + (await t.type(long));
    let s = screenLine(all);
    expect(s.text.startsWith('R1(config)#$')).toBe(true);
    expect(s.text.endsWith('extra-words-here')).toBe(true);
    expect(s.text.length).toBeLessThan(80);
    expect(s.cursor).toBe(s.text.length);
    // first visible character after the $: the line shifted by 10 (+1 under the $), then by tens
    const shown = s.text.slice('R1(config)#$'.length);
    expect((long.length - shown.length - 1) % 10).toBe(0);
    all += await t.type('\x01');
    s = screenLine(all);
    expect(s.text).toBe('R1(config)#' + long.slice(0, 80 - 'R1(config)#'.length - 2) + '$');
    expect(s.cursor).toBe('R1(config)#'.length);
    all += await t.type('\x05');
    s = screenLine(all);
    expect(s.text.startsWith('R1(config)#$')).toBe(true);
    expect(s.cursor).toBe(s.text.length);
    // the command itself is whole
    await t.cmd('');
    expect(await t.cmd('do show running-config | include carol')).toMatch(/\nusername carol privilege 15 secret 5 \$1\$/);
  });

  it('short lines and terminal width 0 echo exactly what was typed (no $)', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device, { cols: 80 });
    expect(await t.type('show clock')).toBe('show clock');
    await t.type('\x15');
    await t.cmd('terminal width 0');
    const line = 'show running-config | include ' + 'x'.repeat(120);
    expect(await t.type(line)).toBe(line);
  });
});
