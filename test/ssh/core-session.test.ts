/** SSH transport with the real core: pty size, window-change, typeahead, exec privileges, reload. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, execCommand, login, openShell } from '../helpers/ssh-client.js';
import { startTwin, type TestTwin } from '../helpers/twin.js';

let twin: TestTwin;
beforeAll(async () => {
  twin = await startTwin([{ name: 'R1', privilege: 15 }, { name: 'R2' }]);
});
afterAll(async () => {
  await twin?.stop();
});

describe('SSH + real core', () => {
  it('pty size from pty-req, window-change resizes the line', async () => {
    const c = await connect({ port: twin.port('R1') });
    const sh = await openShell(c, { cols: 132, rows: 50 });
    await sh.expect(/R1#$/);
    expect(await sh.cmd('show terminal', /R1#$/)).toContain('Length: 50 lines, Width: 132 columns');
    sh.stream.setWindow(40, 100, 0, 0);
    // the resize and the next command travel in order on the same channel
    expect(await sh.cmd('show terminal', /R1#$/)).toContain('Length: 40 lines, Width: 100 columns');
    sh.end();
  });

  it('a whole reply (echo, output, prompt) arrives in one write', async () => {
    const sh = await login({ port: twin.port('R1'), prompt: /R1#$/ });
    await sh.cmd('terminal length 0', /R1#$/);
    let chunks = 0;
    sh.stream.on('data', () => chunks++);
    const out = await sh.cmd('show running-config', /R1#$/);
    expect(out).toContain('hostname R1');
    expect(chunks).toBeLessThanOrEqual(2);
    sh.end();
  });

  it('keyboard-interactive login; privilege from the login', async () => {
    const sh = await login({ port: twin.port('R2'), keyboardInteractive: true, prompt: /R2>$/ });
    expect(await sh.cmd('show privilege', /R2>$/)).toContain('Current privilege level is 1');
    sh.end();
  });

  it('typeahead sent before the first prompt is processed line by line', async () => {
    const c = await connect({ port: twin.port('R1') });
    const sh = await openShell(c);
    sh.send('terminal length 0\rshow privilege\r\nshow clock\n');
    await sh.expect(/Current privilege level is 15[\s\S]*UTC[\s\S]*R1#$/);
    sh.end();
  });

  it('exec: privileged command as a privilege-1 user fails with non-zero status', async () => {
    const ok = await execCommand({ port: twin.port('R2') }, 'show clock');
    expect(ok.code).toBe(0);
    const bad = await execCommand({ port: twin.port('R2') }, 'show running-config');
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/% /);
    const priv = await execCommand({ port: twin.port('R1') }, 'show running-config');
    expect(priv.code).toBe(0);
    expect(priv.output).toContain('hostname R1\r\n');
    expect(priv.output).not.toMatch(/[^\r]\n/); // CRLF only
  });

  it('exit gives exit-status 0 and the server closes the connection', async () => {
    const sh = await login({ port: twin.port('R2'), prompt: /R2>$/ });
    let closed = false;
    sh.client.on('close', () => (closed = true));
    sh.send('exit\r');
    await sh.waitClosed();
    expect(sh.exitCode).toBe(0);
    const end = Date.now() + 5000;
    while (!closed && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(true);
  });

  it('the lab rate scales simulated time (rate 3600: a real second is an hour)', async () => {
    const fast = await startTwin([{ name: 'F1' }], { extra: { rate: 3600 } });
    try {
      const clock = async () => {
        const r = await execCommand({ port: fast.port('F1') }, 'show clock');
        const m = /(\d{2}):(\d{2}):(\d{2})\.\d{3} UTC \w{3} (\w{3}) +(\d{1,2}) (\d{4})/.exec(r.output);
        if (!m) throw new Error(`bad clock ${r.output}`);
        const mon = 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[4]!) / 3;
        return Date.UTC(Number(m[6]), mon, Number(m[5]), Number(m[1]), Number(m[2]), Number(m[3]));
      };
      const a = await clock();
      await new Promise((r) => setTimeout(r, 1200));
      const b = await clock();
      expect(b - a).toBeGreaterThanOrEqual(3600_000); // at least 1 real second passed
    } finally {
      await fast.stop();
    }
  });

  it("reload drops that device's SSH sessions only; it comes back", async () => {
    const other = await login({ port: twin.port('R2'), prompt: /R2>$/ });
    const sh = await login({ port: twin.port('R1'), prompt: /R1#$/ });
    const bystander = await login({ port: twin.port('R1'), prompt: /R1#$/ });
    let dropped = false;
    bystander.client.on('close', () => (dropped = true));
    sh.send('reload\r');
    await sh.expect(/\[confirm\]/);
    sh.send('\r');
    await sh.waitClosed(10_000);
    const end = Date.now() + 5000;
    while (!dropped && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(dropped).toBe(true);
    expect(await other.cmd('show clock', /R2>$/)).toMatch(/UTC/);
    other.end();
    // R1 is back (boot replay from NVRAM) and accepts logins again
    let again;
    for (let i = 0; i < 50 && !again; i++) {
      again = await login({ port: twin.port('R1'), prompt: /R1#$/ }).catch(() => undefined);
      if (!again) await new Promise((r) => setTimeout(r, 100));
    }
    expect(again).toBeDefined();
    again!.end();
  });
});
