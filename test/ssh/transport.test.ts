/**
 * SSH transport against a fake CliSession (test/helpers/fake-world.ts): auth, pty, shell,
 * window-change, exec, exit-status, disconnects, reload, host key persistence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { DeviceSshServer, SshFrontEnd } from '../../sim/transport/ssh.js';
import { loadOrCreateHostKey } from '../../sim/transport/hostkey.js';
import { FakeWorld } from '../helpers/fake-world.js';
import { connect, execCommand, login, openShell } from '../helpers/ssh-client.js';

const world = new FakeWorld(['R1', 'R2']);
const fe = new SshFrontEnd(world, { idleConnectionMs: 200 });
let p1 = 0;
let p2 = 0;

beforeAll(async () => {
  p1 = (await fe.add(world.device('R1')!, { port: 0 })).port;
  p2 = (await fe.add(world.device('R2')!, { port: 0 })).port;
});
afterAll(async () => {
  await fe.close();
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ssh transport (fake session)', () => {
  it('identifies as SSH-2.0-Cisco-1.25', async () => {
    const net = await import('node:net');
    const banner = await new Promise<string>((resolve, reject) => {
      const s = net.connect(p1, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString('latin1'));
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(banner.split('\r\n')[0]).toBe('SSH-2.0-Cisco-1.25');
  });

  it('a client that waits for the server KEXINIT before sending its own still gets it', async () => {
    const net = await import('node:net');
    const got = await new Promise<Buffer>((resolve, reject) => {
      const s = net.connect(p1, '127.0.0.1');
      let buf = Buffer.alloc(0);
      s.on('connect', () => s.write('SSH-2.0-patient_client\r\n'));
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        const nl = buf.indexOf('\n');
        if (nl >= 0 && buf.length >= nl + 1 + 6) {
          s.destroy();
          resolve(buf.subarray(nl + 1));
        }
      });
      s.on('error', reject);
      setTimeout(() => reject(new Error('no KEXINIT')), 5000);
    });
    expect(got[5]).toBe(20); // SSH_MSG_KEXINIT
  });

  it('password login lands at the prompt; each device has its own server', async () => {
    const a = await login({ port: p1 });
    const b = await login({ port: p2 });
    expect(a.all).toContain('R1>');
    expect(b.all).toContain('R2>');
    a.end();
    b.end();
  });

  it('keyboard-interactive login works', async () => {
    const sh = await login({ port: p1, keyboardInteractive: true });
    expect(sh.all.endsWith('R1>')).toBe(true);
    sh.end();
  });

  it('wrong password is rejected, retries allowed, 3 failures disconnect', async () => {
    await expect(connect({ port: p1, password: 'nope' })).rejects.toThrow(/authentication/i);
    // A client that keeps trying on one connection: third failure ends the connection.
    const { Client } = ssh2;
    const c = new Client();
    const attempts0 = world.device('R1')!.authAttempts;
    let tries = 0;
    const outcome = await new Promise<string>((resolve) => {
      c.on('ready', () => resolve('ready'));
      c.on('error', (e) => resolve(`error: ${e.message}`));
      c.on('close', () => resolve('closed'));
      c.connect({
        host: '127.0.0.1',
        port: p1,
        username: 'admin',
        authHandler: (_methods, _partial, next) => {
          tries++;
          if (tries > 6) return next(false as never);
          next({ type: 'password', username: 'admin', password: `bad${tries}` });
        },
      });
    });
    expect(outcome).not.toBe('ready');
    expect(world.device('R1')!.authAttempts - attempts0).toBe(3);
    // A good login afterwards still works: the server is fine.
    const ok = await login({ port: p1 });
    ok.end();
  });

  it('passes pty size and term; window-change resizes', async () => {
    const client = await connect({ port: p1 });
    const sh = await openShell(client, { cols: 132, rows: 50, term: 'xterm' });
    await sh.expect('R1>');
    const out = await sh.cmd('show terminal', /R1>$/);
    expect(out).toContain('Length: 50 lines, Width: 132 columns');
    expect(out).toContain('Term: xterm');
    sh.stream.setWindow(40, 100, 0, 0);
    await until(() => world.device('R1')!.allSessions.at(-1)!.cols === 100);
    const out2 = await sh.cmd('show terminal', /R1>$/);
    expect(out2).toContain('Length: 40 lines, Width: 100 columns');
    sh.end();
  });

  it('enable, config, exit -> exit-status 0 and channel close', async () => {
    const sh = await login({ port: p1 });
    sh.send('enable\r');
    await sh.expect('Password: ');
    sh.send('cisco\r');
    await sh.expect('R1#');
    expect(sh.all).not.toContain('cisco');
    await sh.cmd('configure terminal', /R1\(config\)#$/);
    await sh.cmd('end', /R1#$/);
    sh.send('exit\r');
    await sh.waitClosed();
    expect(sh.exitCode).toBe(0);
    sh.end();
  });

  it('connection is ended by the server shortly after the last channel closed', async () => {
    const sh = await login({ port: p1 });
    let closed = false;
    sh.client.on('close', () => (closed = true));
    sh.send('exit\r');
    await sh.waitClosed();
    await until(() => closed, 3000);
  });

  it('coalesces output produced in one turn into few writes', async () => {
    const sh = await login({ port: p1 });
    let chunks = 0;
    sh.stream.on('data', () => chunks++);
    sh.send('burst\r');
    await sh.expect(/line 49\r\nR1>$/);
    expect(chunks).toBeLessThanOrEqual(3);
    sh.end();
  });

  it('flow control: a client that does not read pauses its input instead of growing buffers', async () => {
    const srv = fe.get('R1')!;
    const sh = await login({ port: p1 });
    sh.stream.pause(); // stop reading output
    let sent = 0;
    for (let i = 0; i < 600 && srv.stats().paused === 0; i++) {
      sh.stream.write('burst\r'.repeat(20)); // ~1,000 output lines per write
      sent += 20;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(srv.stats().paused).toBe(1);
    sh.send('show lines\r');
    sh.stream.resume();
    await sh.expect(new RegExp(`\\r\\n${sent + 1}\\r\\nR1>$`), 20_000);
    await until(() => srv.stats().paused === 0);
    sh.end();
  });

  it('CR, LF and CRLF each count as one Enter; typeahead before the prompt works', async () => {
    const client = await connect({ port: p1 });
    const sh = await openShell(client);
    sh.send('show lines\rshow lines\nshow lines\r\nshow lines\r');
    await sh.expect(/4\r\nR1>$/);
    sh.end();
  });

  it('exec: one command, output, exit 0; invalid command -> non-zero', async () => {
    const ok = await execCommand({ port: p1 }, 'show clock');
    expect(ok.code).toBe(0);
    expect(ok.output).toBe('*00:00:00.000 UTC Mon Mar 1 1993\r\n');
    const bad = await execCommand({ port: p1 }, 'show bogus');
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain('% Invalid input');
    const who = await execCommand({ port: p1 }, 'whoami');
    expect(who.output).toBe('admin 1 127.0.0.1\r\n');
  });

  it('disconnect mid-session closes the CLI session', async () => {
    const dev = world.device('R1')!;
    const sh = await login({ port: p1 });
    const s = dev.allSessions.at(-1)!;
    sh.send('show ter'); // half a command
    await until(() => dev.allSessions.at(-1) === s);
    sh.client.end();
    await until(() => s.closedByTransport);
    expect(s.closed).toBe(true);
  });

  it('device reload drops that device SSH sessions only', async () => {
    const a = await login({ port: p1 });
    const b = await login({ port: p2 });
    let aClosed = false;
    a.client.on('close', () => (aClosed = true));
    a.send('reload\r');
    await until(() => aClosed);
    const out = await b.cmd('show lines', /R2>$/);
    expect(out).toContain('1');
    b.end();
    const again = await login({ port: p1 });
    again.end();
  });

  it('all input goes through world.ingress', async () => {
    const before = world.ingressCount;
    const sh = await login({ port: p1 });
    await sh.cmd('show lines', /R1>$/);
    expect(world.ingressCount).toBeGreaterThan(before + 1);
    sh.end();
  });

  it('close() finishes even when a peer never completes the handshake', async () => {
    const w = new FakeWorld(['R7']);
    const srv = new DeviceSshServer(w, w.device('R7')!, { port: 0 });
    const port = await srv.listen();
    const net = await import('node:net');
    const s = net.connect(port, '127.0.0.1'); // says nothing
    s.resume();
    s.on('error', () => undefined);
    await new Promise((r) => s.once('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    await srv.close();
    await new Promise((r) => (s.destroyed ? r(undefined) : s.once('close', r)));
  });

  it('a port already in use gives a clear error', async () => {
    const srv = new DeviceSshServer(world, world.device('R2')!, { port: p1 });
    await expect(srv.listen()).rejects.toThrow(`R2: port 127.0.0.1:${p1} is already in use`);
  });
});

describe('host keys', () => {
  it('are created once, persisted 0600 and reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-hk-'));
    try {
      const k1 = await loadOrCreateHostKey(dir, 'R1');
      expect(k1).toContain('BEGIN OPENSSH PRIVATE KEY');
      const path = join(dir, 'R1', 'ssh_host_ed25519_key');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path + '.pub', 'utf8')).toMatch(/^ssh-ed25519 /);
      const k2 = await loadOrCreateHostKey(dir, 'R1');
      expect(k2).toBe(k1);
      const k3 = await loadOrCreateHostKey(dir, 'R2');
      expect(k3).not.toBe(k1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a corrupt key file is an error, not silently replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-hk-'));
    try {
      await loadOrCreateHostKey(dir, 'R1');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'R1', 'ssh_host_ed25519_key'), 'garbage');
      await expect(loadOrCreateHostKey(dir, 'R1')).rejects.toThrow(/unusable/);
      await expect(loadOrCreateHostKey(dir, '../evil')).rejects.toThrow(/cannot be used/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the server presents the persisted key across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-hk-'));
    const fps: string[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const w = new FakeWorld(['R9']);
        const srv = new DeviceSshServer(w, w.device('R9')!, { port: 0, hostKeys: [await loadOrCreateHostKey(dir, 'R9')] });
        const port = await srv.listen();
        const { Client } = ssh2;
        const c = new Client();
        const fp = await new Promise<string>((resolve, reject) => {
          let key = '';
          c.on('ready', () => resolve(key));
          c.on('error', reject);
          c.connect({
            host: '127.0.0.1',
            port,
            username: 'admin',
            password: 'admin',
            hostVerifier: (k: Buffer) => {
              key = k.toString('base64');
              return true;
            },
          });
        });
        c.end();
        await srv.close();
        fps.push(fp);
      }
      expect(fps[0]).toBe(fps[1]);
      expect(fps[0]!.length).toBeGreaterThan(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('host key generation', () => {
  it('every generated key parses (ssh2 drops leading zero bytes of some Ed25519 keys)', async () => {
    const { generateEd25519HostKey, checkHostKey } = await import('../../sim/transport/hostkey.js');
    for (let i = 0; i < 2000; i++) expect(checkHostKey(generateEd25519HostKey(`R${i}`).private)).toBeUndefined();
  });
});
