/** Bad input over SSH against the real core: the server stays up and the device state is intact. */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Device } from '../../sim/device/device.js';
import { login } from '../helpers/ssh-client.js';
import { startTwin, type TestTwin } from '../helpers/twin.js';
import { badInputSuite } from './bad-input.suite.js';

let twin: TestTwin;
let dev: Device;
let baseline = '';

async function runningConfig(): Promise<string> {
  const r = await dev.exec({ user: 'admin', privilege: 15, line: 'vty', peer: '127.0.0.1' }, 'show running-config');
  // drop the volatile header lines
  return r.output
    .split('\r\n')
    .filter((l) => !/^(Building configuration|Current configuration|! (Last|NVRAM))/.test(l))
    .join('\n');
}

beforeAll(async () => {
  twin = await startTwin([{ name: 'R1' }]);
  dev = twin.world.device('R1') as Device;
  baseline = await runningConfig();
  expect(baseline).toContain('hostname R1');
});
afterAll(async () => {
  await twin?.stop();
});

describe('bad input (real core)', () => {
  badInputSuite({
    port: () => twin.port('R1'),
    prompt: /R1>$/,
    openSessions: () => dev.sessions.size,
    async checkIntact() {
      expect(dev.hostname()).toBe('R1');
      expect(await runningConfig()).toBe(baseline);
      const sh = await login({ port: twin.port('R1'), prompt: /R1>$/ });
      sh.end();
    },
  });
});
