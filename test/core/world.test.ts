/** World: time drivers, determinism, events, exec channel, clocks and syslog timestamps. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { World } from '../../sim/world/world.js';
import type { RealClock } from '../../sim/world/time-driver.js';
import { md5crypt, type7Decode, type7Encode } from '../../sim/config/md5crypt.js';
import { fmtUptime, parseIsoUtc, toCivil } from '../../sim/kernel/clock.js';
import { makeDevice, term } from './helpers.js';

const BASE = 'hostname R1\nenable secret cisco\nusername admin privilege 15 secret cisco\n';

class FakeClock implements RealClock {
  t = 1000;
  nowMs(): number {
    return this.t;
  }
}

describe('time', () => {
  it('stepped: time moves only when told; timers fire in order', () => {
    const w = new World({ seed: 1 });
    const seen: number[] = [];
    w.scheduler.after(500, 'a', () => seen.push(w.now()));
    w.scheduler.after(100, 'b', () => seen.push(w.now()));
    w.ingress(() => undefined);
    expect(w.now()).toBe(0);
    w.advance(1000);
    expect(seen).toEqual([100, 500]);
    expect(w.now()).toBe(1000);
  });

  it('real and scaled modes follow the injected RealClock', () => {
    const rc = new FakeClock();
    const w = new World({ seed: 1, time: { mode: 'real' }, realClock: rc });
    rc.t += 2500;
    w.ingress(() => undefined);
    expect(w.now()).toBe(2500);
    w.setTimeMode('scaled', 3600);
    rc.t += 1000;
    expect(w.ingress(() => w.now())).toBe(2500 + 3_600_000);
    w.setTimeMode('stepped');
    rc.t += 1000;
    expect(w.ingress(() => w.now())).toBe(2500 + 3_600_000);
    expect(() => new World({ time: { mode: 'real' } })).toThrow(/RealClock/);
  });

  it('exec-timeout closes an idle session (line default 10 minutes)', async () => {
    const { world, device } = await makeDevice({ startupConfig: BASE + 'line vty 0 4\n exec-timeout 1 30\n' });
    const t = await term(device);
    world.advance(60_000);
    await t.cmd('show clock'); // activity re-arms the timer
    world.advance(89_000);
    expect(t.closed()).toBeUndefined();
    world.advance(2_000);
    expect(t.closed()).toBe(0);
  });

  it('clock set moves only this device, logs CLOCKUPDATE; log stamps follow the wall clock', async () => {
    const w = new World({ seed: 3 });
    const a = w.addDevice({ name: 'A', startupConfig: BASE });
    const b = w.addDevice({ name: 'B', startupConfig: BASE });
    await w.bootAll();
    w.advance(38_168);
    const t = await term(a, { peer: '10.1.1.1' });
    await t.cmd('clock set 16:01:00 25 Sep 2020');
    expect(await t.cmd('show logging | include CLOCKUPDATE')).toBe(
      'show logging | include CLOCKUPDATE\nSep 25 16:01:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:38 UTC Thu Jan 1 2026 to 16:01:00 UTC Fri Sep 25 2020, configured from console by admin on vty0 (10.1.1.1).\nR1#',
    );
    const tb = await term(b);
    expect(await tb.cmd('show clock')).toBe('show clock\n*00:00:38.168 UTC Thu Jan 1 2026\nR1#');
    expect(await tb.cmd('show logging | include RESTART')).toBe('show logging | include RESTART\n*Jan  1 00:00:00.000: %SYS-5-RESTART: System restarted --\nR1#');
    await tb.cmd('conf t');
    await tb.cmd('service timestamps log uptime');
    await tb.cmd('end');
    expect(await tb.cmd('show logging | include CONFIG_I')).toBe('show logging | include CONFIG_I\n*Jan  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from memory by console\n00:00:38: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.9)\nR1#');
  });

  it('calendar helpers', () => {
    expect(parseIsoUtc('2026-01-01T00:00:00Z')).toBe(1767225600000);
    expect(toCivil(951782400000)).toMatchObject({ year: 2000, month: 2, day: 29, weekday: 2 });
    expect(fmtUptime(0)).toBe('0 minutes');
    expect(fmtUptime((365 + 7 * 10 + 3) * 86400e3 + 13 * 3600e3 + 37 * 60e3)).toBe('1 year, 10 weeks, 3 days, 13 hours, 37 minutes');
    expect(fmtUptime(86400e3 + 60e3)).toBe('1 day, 1 minute');
  });
});

describe('determinism', () => {
  async function run(seed: number): Promise<string> {
    const w = new World({ seed });
    const d = w.addDevice({ name: 'R1', startupConfig: BASE });
    await d.boot();
    const t = await term(d);
    await t.cmd('conf t');
    await t.cmd('username u1 secret pw1');
    await t.cmd('end');
    w.advance(12_345);
    await t.cmd('show running-config');
    await t.cmd('show version');
    await t.cmd('show logging');
    return t.all();
  }
  it('same seed + same input = same bytes; another seed differs', async () => {
    const a = await run(11);
    expect(await run(11)).toBe(a);
    expect(await run(12)).not.toBe(a);
  });

  it('adding a device does not change another device’s draws', async () => {
    const w1 = new World({ seed: 4 });
    const x1 = w1.addDevice({ name: 'X' });
    const w2 = new World({ seed: 4 });
    w2.addDevice({ name: 'Other' });
    const x2 = w2.addDevice({ name: 'X' });
    expect(x1.serial).toBe(x2.serial);
  });

  it('the input log records keystrokes with world time', async () => {
    const { world, device } = await makeDevice({ startupConfig: BASE });
    const t = await term(device);
    world.advance(5);
    await t.cmd('show clock');
    expect(world.inputLog.at(-1)).toMatchObject({ t: 5, device: 'R1', session: t.session.id, data: 'show clock\r' });
  });
});

describe('exec channel and events', () => {
  it('exec returns output and an exit status', async () => {
    const { device } = await makeDevice({ startupConfig: BASE });
    const opts = { user: 'admin', privilege: 15, line: 'vty' as const, peer: '127.0.0.1' };
    const ok = await device.exec(opts, 'show privilege');
    expect(ok).toEqual({ output: 'Current privilege level is 15\r\n', exitStatus: 0 });
    const bad = await device.exec(opts, 'show bogus');
    expect(bad.exitStatus).toBe(1);
    expect(bad.output).toBe("     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n");
    const save = await device.exec(opts, 'copy running-config startup-config');
    expect(save).toEqual({ output: 'Destination filename [startup-config]? \r\nBuilding configuration...\r\n[OK]\r\n', exitStatus: 0 });
    const low = await device.exec({ ...opts, privilege: 1 }, 'show running-config');
    expect(low.exitStatus).toBe(1);
    expect(device.sessions.size).toBe(0);
  });

  it('events: log, config.changed, config.dirty, nvram.write, session open/close', async () => {
    const { world, device } = await makeDevice({ startupConfig: BASE });
    const ev: string[] = [];
    world.events.on('*', (e) => ev.push(`${e.type}@${e.t}`));
    world.advance(10);
    const t = await term(device);
    await t.cmd('conf t');
    await t.cmd('hostname Z');
    await t.cmd('end');
    await t.cmd('write');
    await t.cmd('exit');
    expect(ev).toEqual(['session.open@10', 'config.changed@10', 'log@10', 'config.dirty@10', 'nvram.write@10', 'session.close@10']);
  });
});

describe('password hashing', () => {
  it('md5-crypt matches openssl passwd -1', () => {
    expect(md5crypt('secret', 'abcd')).toBe('$1$abcd$Oy8OD9LGKv7H9yIMreLNV1');
    let openssl: string | undefined;
    try {
      openssl = execFileSync('openssl', ['passwd', '-1', '-salt', 'Xy9.', 'a longer pass phrase!']).toString().trim();
    } catch {
      openssl = undefined;
    }
    if (openssl) expect(md5crypt('a longer pass phrase!', 'Xy9.')).toBe(openssl);
  });
  it('type 7 round trip (and the well-known sample)', () => {
    expect(type7Decode('0822455D0A16')).toBe('cisco');
    expect(type7Decode(type7Encode('p@ss w0rd', 9))).toBe('p@ss w0rd');
  });
});
