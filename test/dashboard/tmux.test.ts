/**
 * `twin lab` in a real terminal: tmux (120x40, CI=false so ink renders live frames), a student
 * logs in over SSH and does the guided lab; the dashboard grades it live; keys pause, step and
 * quit work; `twin lab NAME --check` grades the running lab from another process.
 * Only the tmux session this test creates is killed (by its unique name).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/proc.js';
import { consecutiveFreePorts } from '../scenario/ports.js';
import { login } from '../helpers/ssh-client.js';
import { ROOT, twinArgs } from '../helpers/twin.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'lab-tmux-'));
const session = `twin-lab-test-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}
function pane(): string {
  return tmux('capture-pane', '-p', '-t', session);
}
async function paneWith(re: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = pane();
    } catch {
      last = '(no pane)';
    }
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`pane never matched ${re}:\n${last}`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)('twin lab in tmux', () => {
  it('shows the dashboard, grades an SSH student live, pauses, steps and quits', async () => {
    // two consecutive ports: CA gets the first, R1 the second
    const base = await consecutiveFreePorts(2);
    const state = join(dir, 'state');
    const [node, args] = twinArgs('lab', 'autoenroll-setup', '--ssh-port', String(base), '--state-dir', state);
    const cmd = `cd ${ROOT} && env CI=false ${[node, ...args].map((a) => `'${a}'`).join(' ')}; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', cmd);

    let f = await paneWith(/Tasks 0\/6/, 30_000);
    expect(f).toContain('Router Twin lab · autoenroll-setup (guided)');
    expect(f).toMatch(/2026-01-01 00:0\d:\d\d UTC +▶ ×60/);
    expect(f).toContain(`R1   ssh -p ${base + 1} admin@127.0.0.1`);

    // a student over SSH
    const sh = await login({ port: base + 1, username: 'admin', password: 'admin', prompt: /R1#$/ });
    for (const line of ['configure terminal', 'crypto pki trustpoint pki-tp', 'enrollment url http://10.1.1.1:80', 'subject-name CN=router.example.com', 'auto-enroll 90 regenerate', 'revocation-check none', 'exit']) {
      await sh.cmd(line, /#$/);
    }
    f = await paneWith(/✔ pki-tp has auto-enroll 90 regenerate/);
    expect(f).toMatch(/sessions 1 +unsaved changes/);
    await sh.cmd('crypto pki authenticate pki-tp', /\[yes\/no\]: $/);
    await sh.cmd('yes', /#$/);
    await sh.cmd('end', /R1#$/);
    f = await paneWith(/Tasks 4\/6/);
    expect(f).toMatch(/R1 +pki-tp +SN 0\d /);
    expect(f).toContain('%PKI-4-NOAUTOSAVE');
    await sh.cmd('write memory', /R1#$/);
    f = await paneWith(/Tasks 5\/6/);

    // graded from another process while it runs: the VPN task is still open
    let chk = await run(...twinArgs('lab', 'autoenroll-setup', '--check', '--state-dir', state), { cwd: ROOT, timeoutMs: 30_000 });
    expect(chk.stdout).toContain('running lab');
    expect(chk.stdout).toMatch(/[56]\/6 tasks done/);

    tmux('send-keys', '-t', session, 'p');
    f = await paneWith(/⏸ PAUSED/);
    const clock = /(\d{4}-\d\d-\d\d) \d\d:\d\d:\d\d UTC +⏸/.exec(f)![1];
    await sleep(50);
    tmux('send-keys', '-t', session, 's');
    f = await paneWith(/stepped 1d/);
    expect(f).not.toContain(`${clock} `);
    f = await paneWith(/Tasks 6\/6/);
    expect(f).toMatch(/R1↔client1 +up/);
    chk = await run(...twinArgs('lab', 'autoenroll-setup', '--check', '--state-dir', state), { cwd: ROOT, timeoutMs: 30_000 });
    expect(chk.stdout).toContain('6/6 tasks done — lab complete');
    expect(chk.code).toBe(0);
    await sleep(50);
    tmux('send-keys', '-t', session, 'q');
    f = await paneWith(/EXIT=0/);
    expect(f).toContain('lab stopped');
    expect(f).toContain('6/6 tasks done — lab complete');
    sh.end();
  });
});
