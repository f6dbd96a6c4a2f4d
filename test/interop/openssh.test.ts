/**
 * OpenSSH 9.2 (sshpass, expect) against a twin started in this process with the real core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../helpers/proc.js';
import { startTwin, type TestTwin } from '../helpers/twin.js';

let twin: TestTwin;
beforeAll(async () => {
  twin = await startTwin([{ name: 'R1' }]);
});
afterAll(async () => {
  await twin?.stop();
});

const SSH_OPTS = [
  '-o', 'StrictHostKeyChecking=no',
  '-o', 'UserKnownHostsFile=/dev/null',
  '-o', 'LogLevel=ERROR',
  '-o', 'PubkeyAuthentication=no',
  '-o', 'PreferredAuthentications=password,keyboard-interactive',
];

function ssh(args: string[], input?: string, password = 'admin') {
  return run('sshpass', ['-p', password, 'ssh', '-p', String(twin.port('R1')), ...SSH_OPTS, ...args], {
    timeoutMs: 30_000,
    ...(input !== undefined ? { input } : {}),
  });
}

function startupConfig(): string {
  return readFileSync(join(twin.stateDir, 'R1', 'nvram', 'startup-config'), 'utf8');
}

describe('OpenSSH client', () => {
  it('exec channel: show clock -> output, exit 0', async () => {
    const r = await ssh(['admin@127.0.0.1', 'show clock']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\*?\d{2}:\d{2}:\d{2}\.\d{3} UTC \w{3} \w{3} +\d{1,2} \d{4}\r?\n$/);
  });

  it('exec channel: an invalid command -> error text, non-zero exit', async () => {
    const r = await ssh(['admin@127.0.0.1', 'show bogus-thing']);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(255);
    expect(r.stdout + r.stderr).toContain('% Invalid input detected');
  });

  it('wrong password: rejected, no crash', async () => {
    const r = await ssh(['admin@127.0.0.1', 'show clock'], undefined, 'wrong');
    expect(r.code).not.toBe(0);
    const ok = await ssh(['admin@127.0.0.1', 'show clock']);
    expect(ok.code).toBe(0);
  });

  it('ssh -tt with piped commands (typeahead): enable, configure, write memory, exit 0', async () => {
    const r = await ssh(
      ['-tt', 'admin@127.0.0.1'],
      'enable\ncisco\nconfigure terminal\nhostname PIPED\nend\nwrite memory\nexit\n',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PIPED(config)#');
    expect(r.stdout).toContain('[OK]');
    expect(r.stdout).not.toContain('cisco'); // the secret is not echoed
    expect(twin.world.device('R1')!.hostname()).toBe('PIPED');
    expect(startupConfig()).toMatch(/^hostname PIPED$/m);
  });

  it('expect-driven interactive session: login, enable, conf t, hostname, end, write memory, exit', async () => {
    // reset the hostname first (the previous test changed it)
    await ssh(['-tt', 'admin@127.0.0.1'], 'enable\ncisco\nconfigure terminal\nhostname R1\nend\nexit\n');
    const r = await run('expect', [join(import.meta.dirname, 'openssh_session.exp'), String(twin.port('R1')), 'EXPECTED'], {
      timeoutMs: 60_000,
    });
    expect(r.stdout).not.toContain('EXPECT-FAIL');
    expect(r.stdout).toContain('SSH-EXIT-STATUS: 0');
    expect(r.code).toBe(0);
    expect(twin.world.device('R1')!.hostname()).toBe('EXPECTED');
    expect(startupConfig()).toMatch(/^hostname EXPECTED$/m);
    await ssh(['-tt', 'admin@127.0.0.1'], 'enable\ncisco\nconfigure terminal\nhostname R1\nend\nwrite memory\nexit\n');
  });
});
