/** Transcript helpers for core tests: drive a CliSession and read its output. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { World, type WorldOptions } from '../../sim/world/world.js';
import type { Device, DeviceOptions } from '../../sim/device/device.js';
import type { Session } from '../../sim/cli/session.js';

export interface Term {
  world: World;
  device: Device;
  session: Session;
  /** Everything written so far. */
  all(): string;
  /** Output since the last take(), with \r\n turned into \n. */
  take(): string;
  /** Type text (no implicit Enter) and wait until idle. */
  type(text: string): Promise<string>;
  /** Type a line + Enter and return the output it produced (\n line ends). */
  cmd(line: string): Promise<string>;
  closed(): number | undefined;
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twin-core-'));
}

export async function makeDevice(opts: Partial<DeviceOptions> & { world?: WorldOptions; worldObj?: World } = {}): Promise<{ world: World; device: Device }> {
  const world = opts.worldObj ?? new World({ seed: 7, ...(opts.world ?? {}) });
  const device = world.addDevice({ name: opts.name ?? 'R1', ...(opts.startupConfig !== undefined ? { startupConfig: opts.startupConfig } : {}), ...(opts.login ? { login: opts.login } : {}) });
  await device.boot();
  return { world, device };
}

export async function term(device: Device, o: { user?: string; privilege?: number; line?: 'vty' | 'con'; peer?: string; rows?: number; cols?: number } = {}): Promise<Term> {
  const session = device.openSession({
    user: o.user ?? 'admin',
    privilege: o.privilege ?? 15,
    line: o.line ?? 'vty',
    peer: o.peer ?? '10.0.0.9',
    rows: o.rows ?? 0,
    cols: o.cols ?? 80,
  }) as Session;
  let buf = '';
  let mark = 0;
  let closedWith: number | undefined;
  session.onOutput((d) => (buf += d));
  session.onClose((s) => (closedWith = s));
  const take = () => {
    const s = buf.slice(mark);
    mark = buf.length;
    return s.replace(/\r\n/g, '\n');
  };
  const t: Term = {
    world: device.world,
    device,
    session,
    all: () => buf,
    take,
    async type(text) {
      take();
      device.world.ingress(() => session.input(text));
      await session.idle();
      return take();
    },
    async cmd(line) {
      return t.type(line + '\r');
    },
    closed: () => closedWith,
  };
  await session.idle();
  take();
  return t;
}
