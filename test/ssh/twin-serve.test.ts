/**
 * `twin serve` as a child process: banner, SSH to every device of a lab, SIGTERM/SIGINT exit 0,
 * state (host keys, NVRAM) persisted across restarts, port already in use, the built-in lab.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { request } from 'node:http';
import ssh2 from 'ssh2';
import { freePort, freePorts, run } from '../helpers/proc.js';
import { execCommand, login } from '../helpers/ssh-client.js';
import { ROOT, spawnTwin, tempDir, twinArgs, writeLab } from '../helpers/twin.js';
import { startDaemon } from '../helpers/proc.js';
import { consecutiveFreePorts } from '../scenario/ports.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function hostKeyOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    let key = '';
    c.on('ready', () => {
      c.end();
      resolve(key);
    });
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
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('twin serve (child process)', () => {
  it('serves every device of a lab, persists state, exits 0 on SIGTERM and SIGINT', async () => {
    const [p1, p2] = await freePorts(2);
    const lab = writeLab(tmp.path, [
      { name: 'R1', port: p1! },
      { name: 'R2', port: p2!, privilege: 15 },
    ]);
    const state = `${tmp.path}/state`;
    const d = await spawnTwin(lab, state);
    let keys: string[];
    try {
      expect(d.output()).toContain(`R1  ssh -p ${p1} admin@127.0.0.1  (password admin, enable secret cisco)`);
      expect(d.output()).toContain(`R2  ssh -p ${p2} admin@127.0.0.1`);
      const a = await execCommand({ port: p1! }, 'show clock');
      expect(a.code).toBe(0);
      const sh = await login({ port: p2!, prompt: /R2#$/ });
      await sh.cmd('configure terminal', /R2\(config\)#$/);
      await sh.cmd('hostname R2X', /R2X\(config\)#$/);
      await sh.cmd('end', /R2X#$/);
      await sh.cmd('write memory', /\[OK\][\s\S]*R2X#$/);
      sh.send('exit\r');
      await sh.waitClosed();
      expect(sh.exitCode).toBe(0);
      sh.end();
      keys = [await hostKeyOf(p1!), await hostKeyOf(p2!)];
      expect(keys[0]).not.toBe(keys[1]);
    } finally {
      const r = await d.stop('SIGTERM');
      expect(r).toEqual({ code: 0, signal: null });
    }
    // restart: same host keys, NVRAM kept
    const d2 = await spawnTwin(lab, state);
    try {
      expect([await hostKeyOf(p1!), await hostKeyOf(p2!)]).toEqual(keys);
      const sh = await login({ port: p2!, prompt: /R2X#$/ });
      sh.end();
    } finally {
      const r = await d2.stop('SIGINT');
      expect(r).toEqual({ code: 0, signal: null });
    }
  });

  it('a port already in use: one clear message, non-zero exit', async () => {
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const lab = writeLab(tmp.path, [{ name: 'R1', port }]);
      const [cmd, args] = twinArgs('serve', '--lab', lab, '--state-dir', `${tmp.path}/busy`);
      const r = await run(cmd, args, { cwd: ROOT, timeoutMs: 30_000 });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`twin: R1: port 127.0.0.1:${port} is already in use\n`);
      // the SCEP port of the built-in lab's CA
      const ssh = await freePort();
      const r2 = await run(...twinArgs('serve', '--state-dir', `${tmp.path}/busy2`, '--ssh-port', String(ssh), '--scep-port', String(port)), {
        cwd: ROOT,
        timeoutMs: 30_000,
      });
      expect(r2.code).toBe(1);
      expect(r2.stderr).toBe(`twin: CA: SCEP port 127.0.0.1:${port} is already in use\n`);
    } finally {
      blocker.close();
    }
  });

  it('the built-in lab: R1 at R1> with admin/admin, enable secret cisco; CA serves SCEP; R1 enrols with it', async () => {
    // the built-in lab puts R1 on --ssh-port and CA on the next port: both must be free
    const ssh = await consecutiveFreePorts(2);
    let scep = await freePort();
    for (let i = 0; i < 20 && (scep === ssh || scep === ssh + 1); i++) scep = await freePort();
    const [cmd, args] = twinArgs('serve', '--state-dir', `${tmp.path}/default`, '--ssh-port', String(ssh), '--scep-port', String(scep));
    const d = startDaemon(cmd, args, { cwd: ROOT });
    try {
      await d.waitFor(/Press Ctrl-C to stop\./, 30_000);
      expect(d.output()).toContain(`R1  ssh -p ${ssh} admin@127.0.0.1  (password admin, enable secret cisco)`);
      expect(d.output()).toContain(`CA  ssh -p ${ssh + 1} admin@127.0.0.1`);
      expect(d.output()).toContain(`CA  SCEP http://127.0.0.1:${scep}`);
      const sh = await login({ port: ssh, prompt: /R1>$/ });
      sh.send('enable\r');
      await sh.expect('Password: ');
      sh.send('cisco\r');
      await sh.expect(/R1#$/);
      sh.end();
      const caps = await httpGet(`http://127.0.0.1:${scep}/cgi-bin/pkiclient.exe?operation=GetCACaps`);
      expect(caps.status).toBe(200);
      expect(caps.body).toContain('POSTPKIOperation');

      // R1 enrols with the lab CA through its SCEP URL
      const t = await login({ port: ssh, prompt: /R1>$/ });
      t.send('enable\r');
      await t.expect('Password: ');
      t.send('cisco\r');
      await t.expect(/R1#$/);
      await t.cmd('terminal length 0', /R1#$/);
      await t.cmd('configure terminal', /R1\(config\)#$/);
      await t.cmd('crypto key generate rsa modulus 1024', /R1\(config\)#$/, 20_000);
      await t.cmd('crypto pki trustpoint TP', /R1\(ca-trustpoint\)#$/);
      await t.cmd(`enrollment url http://127.0.0.1:${scep}`, /R1\(ca-trustpoint\)#$/);
      await t.cmd('revocation-check none', /R1\(ca-trustpoint\)#$/);
      await t.cmd('exit', /R1\(config\)#$/);
      t.send('crypto pki authenticate TP\r');
      await t.expect(/\[yes\/no\]: ?$/, 20_000);
      await t.cmd('yes', /R1\(config\)#$/, 20_000);
      t.send('crypto pki enroll TP\r');
      await t.expect(/Password: ?$/, 20_000);
      t.send('secret123\r');
      await t.expect(/Re-enter password: ?$/);
      t.send('secret123\r');
      await t.expect(/\[yes\/no\]: ?$/);
      t.send('no\r');
      await t.expect(/\[no\]: ?$/);
      t.send('no\r');
      await t.expect(/Request certificate from CA\? \[yes\/no\]: ?$/);
      await t.cmd('yes', /R1\(config\)#$/, 20_000);
      await t.cmd('end', /R1#$/);
      let certs = '';
      for (let i = 0; i < 100 && !/^Certificate\r\n  Status: Available/m.test(certs); i++) {
        await new Promise((r) => setTimeout(r, 100));
        certs = await t.cmd('show crypto pki certificates', /R1#$/);
      }
      expect(certs).toMatch(/^Certificate\r\n  Status: Available/m);
      expect(certs).toMatch(/^CA Certificate\r\n  Status: Available/m);
      expect(certs).toContain('cn=TwinLab CA');
      t.end();
    } finally {
      expect(await d.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });
});
