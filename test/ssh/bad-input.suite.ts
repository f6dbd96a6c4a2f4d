/**
 * Transport-level bad input, shared by the fake-session and the real-core runs:
 * 64 KiB line, control/binary bytes, 1,000 pasted lines, disconnect mid-command,
 * non-SSH bytes on the port, many concurrent sessions. The server must stay up and the
 * device state intact.
 */
import { expect, it } from 'vitest';
import { connect as tcpConnect } from 'node:net';
import { connect, login, openShell } from '../helpers/ssh-client.js';

export interface BadInputTarget {
  port(): number;
  /** Prompt of a fresh login (user EXEC), e.g. /R1>$/ */
  prompt: RegExp;
  /** Asserts that the device still works and its state is as before. */
  checkIntact(): Promise<void>;
  /** Number of CLI sessions the device currently has open (for leak checks), if known. */
  openSessions?(): number;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Simple seeded byte generator (xorshift32) so failures reproduce. */
function bytes(seed: number, n: number): Buffer {
  let x = seed >>> 0 || 1;
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

export function badInputSuite(t: BadInputTarget): void {
  it('a 64 KiB line is handled and the prompt comes back', async () => {
    const sh = await login({ port: t.port(), prompt: t.prompt });
    sh.send('x'.repeat(65536) + '\r');
    await sh.expect(t.prompt, 20_000);
    sh.send('\r');
    await sh.expect(t.prompt, 10_000);
    sh.end();
    await t.checkIntact();
  });

  it('control characters and binary bytes do not break the session', async () => {
    const sh = await login({ port: t.port(), prompt: t.prompt });
    const all = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    // no CR/LF inside the noise so it is one line; Ctrl-C/Ctrl-Z included
    const noise = Buffer.concat([all, bytes(42, 4096)]).filter((b) => b !== 0x0d && b !== 0x0a);
    sh.stream.write(Buffer.from(noise));
    sh.stream.write('\x03\r'); // Ctrl-C, then Enter
    await sh.expect(t.prompt, 10_000);
    sh.send('\r');
    await sh.expect(t.prompt, 10_000);
    sh.end();
    await t.checkIntact();
  });

  it('1,000 pasted lines are all processed in order', async () => {
    const sh = await login({ port: t.port(), prompt: t.prompt });
    const lines = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'show clock' : ''));
    sh.send(lines.join('\r') + '\rshow marker-999-zz\r');
    await sh.expect(/marker-999-zz[\s\S]*?[>#]$/, 30_000);
    sh.end();
    await t.checkIntact();
  });

  it('disconnect mid-command releases the session', async () => {
    // sessions of the previous tests are closed asynchronously: let them drain first
    if (t.openSessions) await until(() => t.openSessions!() === 0);
    const before = 0;
    const sh = await login({ port: t.port(), prompt: t.prompt });
    if (t.openSessions) await until(() => t.openSessions!() === before! + 1);
    sh.send('show running-con');
    sh.client.end();
    if (t.openSessions) await until(() => t.openSessions!() === before);
    // and an abrupt socket reset in the middle of a paste
    const sh2 = await login({ port: t.port(), prompt: t.prompt });
    sh2.send('show clock\rshow clock\rshow cl');
    (sh2.client as unknown as { _sock: { destroy(): void } })._sock.destroy();
    if (t.openSessions) await until(() => t.openSessions!() === before);
    await t.checkIntact();
  });

  it('non-SSH bytes and half-open connections on the port', async () => {
    for (const payload of [Buffer.from('GET / HTTP/1.0\r\n\r\n'), bytes(7, 2000), Buffer.from('SSH-2.0-evil\r\n' + 'A'.repeat(40000))]) {
      await new Promise<void>((resolve) => {
        const s = tcpConnect(t.port(), '127.0.0.1');
        s.on('error', () => resolve());
        s.on('close', () => resolve());
        s.on('connect', () => {
          s.write(payload);
          setTimeout(() => s.destroy(), 100);
        });
      });
    }
    // a connection that never says anything, closed before the handshake
    await new Promise<void>((resolve) => {
      const s = tcpConnect(t.port(), '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
      s.on('error', () => resolve());
    });
    await t.checkIntact();
  });

  it('many concurrent sessions', async () => {
    const n = 40;
    const results = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const client = await connect({ port: t.port() });
        const sh = await openShell(client);
        await sh.expect(t.prompt, 20_000);
        const out = await sh.cmd(i % 2 ? 'show clock' : '', t.prompt, 20_000);
        sh.send('exit\r');
        await sh.waitClosed(20_000);
        client.end();
        return { out, code: sh.exitCode };
      }),
    );
    expect(results.every((r) => r.code === 0)).toBe(true);
    await t.checkIntact();
  });
}
