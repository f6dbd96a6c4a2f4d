/**
 * LabRuntime state dir: a reset rebuilds it but keeps the running lab's control socket, so
 * `twin lab NAME --check` keeps grading the live lab after `r` (was: the reset deleted
 * control.sock and --check fell back to the stale saved state).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTROL_SOCKET, LabRuntime, clearStateDir, labIkePeers } from '../../sim/lab-runner/runtime.js';
import { findTrainingLab, loadTrainingLab } from '../../sim/lab-runner/training.js';

const dir = mkdtempSync(join(tmpdir(), 'labrt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab state dir', () => {
  it('clearStateDir empties the dir but keeps the control socket', () => {
    const d = join(dir, 'a');
    clearStateDir(d);
    expect(existsSync(d)).toBe(true);
    mkdirSync(join(d, 'R1'));
    writeFileSync(join(d, 'R1', 'startup-config'), 'x');
    writeFileSync(join(d, 'lab-state.json'), '{}');
    writeFileSync(join(d, CONTROL_SOCKET), '');
    clearStateDir(d);
    expect(readdirSync(d)).toEqual([CONTROL_SOCKET]);
  });

  it('a reset keeps the control socket and lists the IKE peers before their first attempt', async () => {
    const d = join(dir, 'b');
    const rt = new LabRuntime(loadTrainingLab(findTrainingLab('autoenroll-setup')!), { stateDir: d, realTime: false, ephemeralPorts: true });
    try {
      await rt.start();
      writeFileSync(join(d, CONTROL_SOCKET), '');
      expect(rt.snapshot().ike).toEqual([{ peer: 'R1↔client1', status: 'no attempt yet', attempts: 0, failures: 0 }]);
      await rt.reset();
      expect(existsSync(join(d, CONTROL_SOCKET))).toBe(true);
      expect(existsSync(join(d, 'lab-state.json'))).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it('labIkePeers reads the lab ike section', () => {
    expect(labIkePeers({ peers: [{ name: 'c1', router: 'R1' }, { name: 'x' }] })).toEqual([{ router: 'R1', peer: 'c1' }]);
    expect(labIkePeers(undefined)).toEqual([]);
  });
});
