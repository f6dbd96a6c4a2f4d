/** Bad input against the transport with a fake CLI session. */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { SshFrontEnd } from '../../sim/transport/ssh.js';
import { FakeWorld } from '../helpers/fake-world.js';
import { login } from '../helpers/ssh-client.js';
import { badInputSuite } from './bad-input.suite.js';

const world = new FakeWorld(['R1']);
const fe = new SshFrontEnd(world);
let port = 0;
beforeAll(async () => {
  port = (await fe.add(world.device('R1')!, { port: 0 })).port;
});
afterAll(() => fe.close());

describe('bad input (fake session)', () => {
  badInputSuite({
    port: () => port,
    prompt: /R1>$/,
    openSessions: () => world.device('R1')!.sessions.size,
    async checkIntact() {
      expect(world.device('R1')!.host).toBe('R1');
      const sh = await login({ port, prompt: /R1>$/ });
      sh.end();
    },
  });
});
