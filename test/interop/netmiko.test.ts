/** netmiko 2.4.2 `cisco_ios` (paramiko) against the twin: the usual automation sequence. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
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

describe('netmiko cisco_ios', () => {
  it('find_prompt, enable, show version/running-config, send_config_set, save_config, disconnect', async () => {
    const r = await run(SYSTEM_PYTHON, [join(import.meta.dirname, 'netmiko_client.py'), String(twin.port('R1'))], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`netmiko failed (${r.code}): ${r.stderr.slice(-2000)}`);
    const o = JSON.parse(r.stdout) as Record<string, string>;
    expect(o.prompt0).toBe('R1>');
    expect(o.prompt_enable).toBe('R1#');
    expect(o.show_version).toContain('Cisco IOS Software');
    expect(o.show_version).toMatch(/Version \S+/);
    expect(o.config_set).toContain('R1(config)#');
    expect(o.config_set).not.toMatch(/% Invalid|% Incomplete|% Ambiguous/);
    for (const text of [o.show_run!, o.show_start!]) {
      expect(text).toMatch(/^ntp server 192\.0\.2\.10$/m);
      expect(text).toMatch(/^logging buffered 16384$/m);
      expect(text).toMatch(/^interface Loopback7\n description set by netmiko\n ip address 192\.0\.2\.7 255\.255\.255\.255$/m);
    }
    expect(o.save).toContain('[OK]');
    expect(o.prompt_end).toBe('R1#');
    const nvram = readFileSync(join(twin.stateDir, 'R1', 'nvram', 'startup-config'), 'utf8');
    expect(nvram).toMatch(/^ntp server 192\.0\.2\.10$/m);
  });
});
