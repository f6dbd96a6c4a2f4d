/**
 * `twin record`: a scripted SSH session against a recording twin (child process) becomes a
 * scenario file; `twin play` of that file reproduces exactly the bytes the SSH client received.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../helpers/proc.js';
import { consecutiveFreePorts } from './ports.js';
import { login } from '../helpers/ssh-client.js';
import { twinArgs, ROOT } from '../helpers/twin.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { formatFailure, playScenario } from '../../sim/scenario/runner.js';

const dir = mkdtempSync(join(tmpdir(), 'scn-record-'));
let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('twin record', () => {
  it('records a scripted SSH session into a scenario that plays back to the same transcript', async () => {
    // R1 gets `port`, CA gets `port + 1`: both must be free (a lone free port says nothing about its neighbour)
    const port = await consecutiveFreePorts(2);
    const lab = readFileSync(join(ROOT, 'scenarios/labs/pki-lab.yaml'), 'utf8').replace('port: 2341', `port: ${port + 1}`).replace('port: 2342', `port: ${port}`);
    const labFile = join(dir, 'lab.yaml');
    writeFileSync(labFile, lab);
    const out = join(dir, 'recorded.yaml');
    const [cmd, args] = twinArgs('record', '--device', 'R1', '--out', out, '--lab', labFile, '--ca', 'CA:LABCA');
    daemon = startDaemon(cmd, args, { cwd: ROOT });
    await daemon.waitFor(/Log out of R1 to finish/, 30_000);

    const sh = await login({ port, username: 'admin', password: 'admin', prompt: /R1#$/ });
    // a realistic session: typing with pauses, ?, Tab, a dialog, config, a PKI enrollment
    for (const ch of 'show clo') {
      sh.send(ch);
      await sleep(15);
    }
    sh.send('\t');
    await sleep(30);
    sh.send('\r');
    await sh.expect(/R1#$/);
    sh.send('show ?');
    await sh.expect(/R1#show $/);
    sh.send('\x15');
    await sleep(20);
    await sh.cmd('configure terminal', /\(config\)#$/);
    await sh.cmd('crypto pki trustpoint pki-tp', /\(ca-trustpoint\)#$/);
    await sh.cmd('enrollment url http://10.1.1.1:80', /\(ca-trustpoint\)#$/);
    await sh.cmd('subject-name CN=router.example.com', /\(ca-trustpoint\)#$/);
    await sh.cmd('auto-enroll 90 regenerate', /\(ca-trustpoint\)#$/);
    await sh.cmd('exit', /\(config\)#$/);
    await sh.cmd('crypto pki authenticate pki-tp', /\[yes\/no\]: $/);
    await sh.cmd('yes', /\(config\)#$/);
    await sh.cmd('end', /R1#$/);
    await sleep(300);
    await sh.cmd('show crypto pki certificates pki-tp', / --More-- $/);
    sh.send(' ');
    await sh.expect(/R1#$/);
    await sh.cmd('write memory', /R1#$/);
    await sleep(200);
    await sh.cmd('show clock', /R1#$/);
    sh.send('exit\r');
    await sh.waitClosed(10_000);
    const received = sh.all;
    sh.end();

    await daemon.waitFor(/wrote .*recorded\.yaml/, 20_000);
    expect((await daemon.exited).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const text = readFileSync(out, 'utf8');
    if (process.env.SHOW_RECORDED) console.log(text);
    expect(text).toContain('lab: lab.yaml');
    expect(text).toContain('type: crypto pki authenticate pki-tp');
    expect(text).toMatch(/advance: \d/);

    const r = await playScenario(loadScenarioFile(out));
    expect(r.ok, formatFailure(r)).toBe(true);
    const played = r.sessions.find((s) => s.id === 's1')!.output;
    expect(played).toContain('Certificate Serial Number (hex): 02');
    expect(played).toBe(received);
  });

  it('refuses an unknown device with a clear message and exit status 2', async () => {
    const [cmd, args] = twinArgs('record', '--device', 'R9', '--out', join(dir, 'x.yaml'), '--lab', join(ROOT, 'scenarios/labs/pki-lab.yaml'));
    const d = startDaemon(cmd, args, { cwd: ROOT });
    const ex = await d.exited;
    expect(ex.code).toBe(2);
    expect(d.stderr()).toContain('twin record: unknown device "R9" (the lab has: CA, R1)');
    expect(d.stderr()).not.toMatch(/\n\s+at /);
  });
});
