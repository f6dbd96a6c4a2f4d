import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { World } from '../../sim/world/world.js';
import { readWorldClock } from '../../sim/world/clock-store.js';

const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 1);

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twin-clock-'));
}

async function world(dir: string, resumeClock: boolean): Promise<World> {
  const w = new World({ seed: 1, stateDir: dir, epoch: EPOCH, resumeClock });
  w.addDevice({ name: 'R1', startupConfig: 'hostname R1\n' });
  await w.bootAll();
  return w;
}

describe('world calendar across a process restart', () => {
  it('a restarted world resumes the saved simulated time (power cycle, not time travel)', async () => {
    const dir = tmp();
    const a = await world(dir, true);
    a.advance(400 * DAY);
    expect(readWorldClock(dir)).toBe(EPOCH + 400 * DAY);
    const wallBefore = a.device('R1')!.wallNow();

    const b = await world(dir, true);
    expect(b.epoch).toBe(EPOCH + 400 * DAY);
    expect(b.device('R1')!.wallNow()).toBeGreaterThanOrEqual(wallBefore);
  });

  it('NVRAM writes save the calendar too', async () => {
    const dir = tmp();
    const a = await world(dir, true);
    a.scheduler.runUntil(3 * DAY); // time moved without World.advance
    a.device('R1')!.saveToNvram('admin');
    expect(readWorldClock(dir)).toBe(EPOCH + 3 * DAY);
  });

  it('without resumeClock (scenarios) the epoch is what the caller gives', async () => {
    const dir = tmp();
    const a = await world(dir, true);
    a.advance(10 * DAY);
    const b = await world(dir, false);
    expect(b.epoch).toBe(EPOCH);
  });

  it('a corrupt clock file falls back to the lab epoch', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'world-clock.json'), '{not json');
    const w = await world(dir, true);
    expect(w.epoch).toBe(EPOCH);
  });
});
