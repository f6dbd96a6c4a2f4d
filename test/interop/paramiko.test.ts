/** paramiko 2.12 (Debian's /usr/bin/python3) directly: login, shell, exec, wrong password. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { run, SYSTEM_PYTHON } from '../helpers/proc.js';
import { startTwin, type TestTwin } from '../helpers/twin.js';

let twin: TestTwin;
beforeAll(async () => {
  twin = await startTwin([{ name: 'R1' }]);
});
afterAll(async () => {
  await twin?.stop();
});

describe('paramiko', () => {
  it('negotiates, logs in, runs shell and exec commands, rejects a wrong password', async () => {
    const r = await run(SYSTEM_PYTHON, [join(import.meta.dirname, 'paramiko_client.py'), String(twin.port('R1'))], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(o.remote_version).toBe('SSH-2.0-Cisco-1.25');
    expect(o.host_key_type).toBe('ssh-ed25519');
    expect(o.cipher).toMatch(/^aes\d+-ctr$/);
    expect(o.prompt).toBe('R1>');
    expect(o.show_clock).toMatch(/\d{2}:\d{2}:\d{2}\.\d{3} UTC/);
    expect(o.shell_exit_status).toBe(0);
    expect(o.exec_status).toBe(0);
    expect(o.exec_output).toMatch(/UTC/);
    expect(o.bad_exec_status).not.toBe(0);
    expect(o.bad_exec_output).toContain('% Invalid input');
    expect(o.wrong_password).toBe('rejected');
  });
});
