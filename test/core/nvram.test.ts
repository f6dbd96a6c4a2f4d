/** NVRAM, dirty flag, reload and boot replay (ios-behaviour §3–§4). */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { World } from '../../sim/world/world.js';
import { Rng } from '../../sim/kernel/rng.js';
import { renderBody } from '../../sim/config/render.js';
import { makeDevice, term, tmpDir } from './helpers.js';

const BASE = 'hostname R1\nenable secret cisco\nusername admin privilege 15 secret cisco\n';

describe('save, erase, reload', () => {
  it('write memory / write / copy run start / copy system:running-config nvram:startup-config', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(await t.cmd('write memory')).toBe('write memory\nBuilding configuration...\n[OK]\nR1#');
    expect(await t.cmd('write')).toBe('write\nBuilding configuration...\n[OK]\nR1#');
    expect(await t.cmd('wr mem')).toBe('wr mem\nBuilding configuration...\n[OK]\nR1#');
    expect(await t.cmd('copy running-config startup-config')).toBe('copy running-config startup-config\nDestination filename [startup-config]? ');
    expect(await t.cmd('')).toBe('\nBuilding configuration...\n[OK]\nR1#');
    await t.cmd('copy system:running-config nvram:startup-config');
    expect(await t.cmd('')).toBe('\nBuilding configuration...\n[OK]\nR1#');
    const start = await t.cmd('show startup-config');
    const lines = start.split('\n');
    expect(lines[1]).toBe(`Using ${Buffer.byteLength(device.startupText()!)} out of 196600 bytes`);
    expect(lines[2]).toBe('!');
    expect(lines[3]).toMatch(/^! NVRAM config last updated at 00:00:00 UTC Thu Jan 1 2026 by admin$/);
    expect(lines.at(-2)).toBe('end');
  });

  it('dirty flag: set when a changing config session ends, cleared by write; reload asks to save', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    expect(device.config.dirty).toBe(false);
    await t.cmd('conf t');
    await t.cmd('end');
    expect(device.config.dirty).toBe(false); // entering and leaving without a change
    await t.cmd('conf t');
    await t.cmd('hostname R2');
    expect(device.config.dirty).toBe(false); // still inside the config session
    expect(device.isModified()).toBe(true);
    await t.cmd('end');
    expect(device.config.dirty).toBe(true);
    await t.cmd('write memory');
    expect(device.config.dirty).toBe(false);
    // unmodified: reload only confirms
    expect(await t.cmd('reload')).toBe('reload\nProceed with reload? [confirm]');
    expect(await t.cmd('n')).toBe('n\nR2#');
    // modified: Save? first
    await t.cmd('conf t');
    await t.cmd('ip domain-name example.net');
    await t.cmd('end');
    expect(await t.cmd('reload')).toBe('reload\n\nSystem configuration has been modified. Save? [yes/no]: ');
    expect(await t.cmd('maybe')).toBe("maybe\n% Please answer 'yes' or 'no'.\nSystem configuration has been modified. Save? [yes/no]: ");
    expect(await t.cmd('yes')).toBe('yes\nBuilding configuration...\n[OK]\nProceed with reload? [confirm]');
    const events: string[] = [];
    device.world.events.on('*', (e) => events.push(e.type));
    let dropped = 0;
    device.onReload(() => dropped++);
    expect(await t.cmd('')).toBe('\n');
    expect(t.closed()).toBe(0);
    expect(dropped).toBe(1);
    expect(events).toContain('reload');
    expect(events).toContain('boot');
    await device.ready;
    expect(device.state.domainName).toBe('example.net');
    expect(device.hostname()).toBe('R2');
    const t2 = await term(device);
    expect(await t2.cmd('show version | include returned')).toBe('show version | include returned\nSystem returned to ROM by reload at 00:00:00 UTC Thu Jan 1 2026\nR2#');
    const log = await t2.cmd('show logging | include SYS-5');
    expect(log).toContain('%SYS-5-CONFIG_I: Configured from memory by console');
    expect(log).toContain('%SYS-5-RESTART: System restarted --');
  });

  it('erase startup-config: dialog, not present, reload asks to save even without other changes', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('write erase');
    expect(await t.cmd('')).toBe('\n[OK]\nErase of nvram: complete\nR1#');
    expect(await t.cmd('show startup-config')).toBe('show startup-config\nstartup-config is not present\nR1#');
    expect(device.config.dirty).toBe(true);
    await t.cmd('reload');
    await t.cmd('no');
    await t.cmd('y');
    await device.ready;
    expect(device.hostname()).toBe('Router');
    expect(device.startupText()).toBeUndefined();
  });

  it('CONFIG_I is logged when leaving config mode (vty wording), monitor shows it after the prompt', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device, { peer: '198.51.100.4' });
    await t.cmd('terminal monitor');
    await t.cmd('conf t');
    const out = await t.cmd('end');
    expect(out).toMatch(/^end\nR1#\n\*Jan {2}1 00:00:00\.000: %SYS-5-CONFIG_I: Configured from console by admin on vty0 \(198\.51\.100\.4\)\nR1#$/);
    // without terminal monitor nothing unsolicited follows the prompt
    const t2 = await term(device);
    await t2.cmd('conf t');
    expect(await t2.cmd('end')).toBe('end\nR1#');
  });
});

describe('boot replay', () => {
  it('render → NVRAM → reload → the same render', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    for (const l of [
      'conf t',
      'interface Loopback0',
      'ip address 10.255.0.1 255.255.255.255',
      'interface FastEthernet0/0',
      'description to ISP',
      'ip address 203.0.113.2 255.255.255.252',
      'ip address 203.0.113.9 255.255.255.252 secondary',
      'no shutdown',
      'exit',
      'line vty 0 4',
      'login local',
      'transport input ssh telnet',
      'line vty 5 15',
      'login local',
      'banner motd ^C\nHello\nWorld\n^C',
      'service password-encryption',
      'username op password 0 oper8',
      'logging buffered 8192 warnings',
      'ntp server 192.0.2.1 prefer',
      'end',
    ])
      await t.cmd(l);
    const before = renderBody(device, { target: 'running', comments: false });
    expect(before).toContain(' transport input ssh telnet');
    expect(before).toContain('line vty 5 15');
    await t.cmd('write memory');
    await device.reload('console');
    expect(device.bootErrors).toEqual([]);
    expect(renderBody(device, { target: 'running', comments: false })).toEqual(before);
  });

  it('random config sequences survive save + reload byte-identically', async () => {
    const world = new World({ seed: 99 });
    const rng = new Rng(1234);
    const pick = <T>(a: readonly T[]): T => a[rng.int(0, a.length - 1)]!;
    const word = () => pick(['alpha', 'bravo', 'charlie', 'delta', 'echo']) + rng.int(0, 99);
    const ip = () => `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const gens: (() => string[])[] = [
      () => [`hostname ${word()}`],
      () => [`interface Loopback${rng.int(0, 20)}`, `ip address ${ip()} 255.255.255.255`],
      () => [`interface Loopback${rng.int(0, 20)}`, `description ${word()} ${word()}`],
      () => [`no interface Loopback${rng.int(0, 20)}`],
      () => [`interface ${pick(['FastEthernet0/0', 'FastEthernet0/1', 'Serial0/0/0'])}`, pick(['shutdown', 'no shutdown', 'no ip address', `description ${word()}`])],
      () => [`username ${word()} privilege ${rng.int(0, 15)} secret ${word()}`],
      () => [`username ${word()} password ${word()}`],
      () => [`ntp server ${ip()}`],
      () => [`ip domain-name ${word()}.example`],
      () => [pick(['no ip domain-lookup', 'ip domain-lookup', 'no ip cef', 'ip cef', 'ip http server', 'no ip http server'])],
      () => [`logging buffered ${rng.int(4096, 100000)}`],
      () => [pick(['no logging console', 'logging console warnings', 'logging console'])],
      () => [`line vty ${rng.int(0, 4)} ${rng.int(5, 15)}`, pick(['login local', 'login', 'no login', 'exec-timeout 5 30', 'transport input ssh', 'privilege level 15', 'logging synchronous'])],
      () => ['line con 0', pick(['exec-timeout 0 0', 'logging synchronous', 'password c0nsole'])],
      () => [`banner motd ^C ${word()} ^C`],
      () => [pick(['service timestamps log uptime', 'service timestamps debug datetime msec localtime', 'no service timestamps log', 'service password-encryption'])],
      () => [`enable secret ${word()}`],
    ];
    for (let run = 0; run < 12; run++) {
      const d = world.addDevice({ name: `P${run}` });
      await d.boot();
      const t = await term(d);
      await t.cmd('conf t');
      for (let i = 0; i < 25; i++) for (const l of pick(gens)()) await t.cmd(l);
      await t.cmd('end');
      const before = renderBody(d, { target: 'running', comments: false });
      await t.cmd('write memory');
      await d.reload('console');
      expect(d.bootErrors).toEqual([]);
      expect(renderBody(d, { target: 'running', comments: false })).toEqual(before);
    }
  });

  it('errors in a startup-config are collected with line numbers, the rest still applies', async () => {
    const { device } = await makeDevice({ startupConfig: 'hostname R7\nfrobnicate the router\ninterface Loopback3\n ip address 1.2.3.4 255.0.255.0\n ip address 1.2.3.4 255.255.255.0\nntp server 10.0.0.1\n' });
    expect(device.hostname()).toBe('R7');
    expect(device.bootErrors.map((e) => e.lineNo)).toEqual([2, 4]);
    expect(device.bootErrors[0]!.message).toBe("% Invalid input detected at '^' marker.");
    expect(device.bootLog.join('\n')).toContain('% startup-config line 2: "frobnicate the router"');
    expect(device.state.interfaces.get('Loopback3')!.ip).toEqual({ addr: '1.2.3.4', mask: '255.255.255.0' });
    expect(device.state.ntpServers).toEqual([{ addr: '10.0.0.1', prefer: false }]);
  });
});

describe('persistence', () => {
  it('a new World on the same stateDir boots from NVRAM (power cycle)', async () => {
    const dir = tmpDir();
    {
      const w = new World({ seed: 5, stateDir: dir });
      const d = w.addDevice({ name: 'R1', startupConfig: BASE });
      await d.boot();
      const t = await term(d);
      await t.cmd('conf t');
      await t.cmd('hostname Saved');
      await t.cmd('end');
      await t.cmd('write memory');
      await t.cmd('conf t');
      await t.cmd('hostname Unsaved');
      await t.cmd('end');
      expect(fs.readFileSync(path.join(dir, 'R1', 'nvram', 'startup-config'), 'utf8')).toContain('hostname Saved\n');
      expect(fs.existsSync(path.join(dir, 'R1', 'nvram', 'private-config.json'))).toBe(true);
      expect(d.stateDir).toBe(path.join(dir, 'R1'));
    }
    const w2 = new World({ seed: 5, stateDir: dir });
    const d2 = w2.addDevice({ name: 'R1', startupConfig: 'hostname LabDefault\n' });
    await d2.boot();
    expect(d2.hostname()).toBe('Saved');
    expect(d2.authenticate('admin', 'cisco')).toEqual({ ok: true, privilege: 15 });
    expect(d2.config.nvramUpdated?.user).toBe('admin');
    expect(fs.readdirSync(path.join(dir, 'R1', 'nvram')).sort()).toEqual(['private-config.json', 'startup-config']);
  });

  it('a corrupt or unreadable NVRAM file boots the default configuration with a boot log line', async () => {
    const dir = tmpDir();
    const nv = path.join(dir, 'R1', 'nvram');
    fs.mkdirSync(nv, { recursive: true });
    fs.writeFileSync(path.join(nv, 'startup-config'), Buffer.from([0x68, 0x6f, 0x00, 0xff, 0xfe, 0x01]));
    fs.writeFileSync(path.join(nv, 'private-config.json'), '{not json');
    const w = new World({ seed: 5, stateDir: dir });
    const d = w.addDevice({ name: 'R1', startupConfig: BASE });
    await d.boot();
    expect(d.hostname()).toBe('Router');
    expect(d.bootLog.join('\n')).toContain('startup-config is unreadable');
    expect(d.bootLog.join('\n')).toContain('private-config unreadable');
    // a directory where the file should be
    const dir2 = tmpDir();
    fs.mkdirSync(path.join(dir2, 'R1', 'nvram', 'startup-config'), { recursive: true });
    const w2 = new World({ stateDir: dir2 });
    const d2 = w2.addDevice({ name: 'R1' });
    await d2.boot();
    expect(d2.bootLog.join('\n')).toContain('startup-config is unreadable (EISDIR)');
    const t = await term(d2, { privilege: 15 });
    expect(await t.cmd('show privilege')).toContain('Current privilege level is 15');
  });

  it('private-config.json holds one entry per feature with private NVRAM data', async () => {
    const dir = tmpDir();
    const w = new World({ seed: 5, stateDir: dir });
    const d = w.addDevice({ name: 'R1', startupConfig: BASE });
    await d.boot();
    d.saveToNvram('console');
    const priv = JSON.parse(fs.readFileSync(path.join(dir, 'R1', 'nvram', 'private-config.json'), 'utf8')) as Record<string, unknown>;
    const withPrivate = d.registry.features.filter((f) => f.privateNvram).map((f) => f.id);
    expect(Object.keys(priv).sort()).toEqual(withPrivate.sort());
  });
});

describe('merging NVRAM into running-config', () => {
  it('copy startup-config running-config and configure memory merge, mark dirty, log CONFIG_I from memory', async () => {
    const { device } = await makeDevice({ startupConfig: BASE + 'ntp server 192.0.2.5\n' });
    const t = await term(device);
    expect((await t.cmd('show startup-config')).split('\n').slice(1, 4)).toEqual([`Using ${Buffer.byteLength(device.startupText()!)} out of 196600 bytes`, '!', 'version 12.4']);
    await t.cmd('conf t');
    await t.cmd('no ntp server 192.0.2.5');
    await t.cmd('end');
    await t.cmd('write memory');
    await t.cmd('conf t');
    await t.cmd('ntp server 192.0.2.6');
    await t.cmd('end');
    expect(await t.cmd('copy startup-config running-config')).toBe('copy startup-config running-config\nDestination filename [running-config]? ');
    const out = await t.cmd('');
    expect(out).toMatch(/^\n\d+ bytes copied in 0\.124 secs \(\d+ bytes\/sec\)\nR1#$/);
    expect(device.state.ntpServers.map((n) => n.addr)).toEqual(['192.0.2.6']);
    expect(device.config.dirty).toBe(true);
    await t.cmd('configure memory');
    expect(await t.cmd('show logging | include from memory')).toContain('%SYS-5-CONFIG_I: Configured from memory by admin on vty0 (10.0.0.9)');
  });

  it('a session that drops inside config mode still ends its config session', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    await t.cmd('conf t');
    await t.cmd('hostname Gone');
    t.session.close();
    expect(device.config.dirty).toBe(true);
    expect(device.syslog.entries().at(-1)!.text).toContain('%SYS-5-CONFIG_I: Configured from console by admin on vty0');
  });
});
