/**
 * Power cut: `kill -9` of `twin serve` while it is saving; the restarted process boots the last
 * saved startup-config like a power cycle, and leftovers of interrupted atomic writes are removed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/proc.js';
import { execCommand, login } from '../helpers/ssh-client.js';
import { spawnTwin, tempDir, writeLab } from '../helpers/twin.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('twin serve killed with SIGKILL', () => {
  it('configure, write memory, kill -9 mid-save, restart: the saved config is there, NVRAM intact', async () => {
    const port = await freePort();
    const lab = writeLab(tmp.path, [{ name: 'R1', port, privilege: 15 }]);
    const state = join(tmp.path, 'state');
    const d = await spawnTwin(lab, state);
    try {
      const sh = await login({ port, prompt: /R1#$/ });
      await sh.cmd('configure terminal', /R1\(config\)#$/);
      await sh.cmd('hostname SAVED', /SAVED\(config\)#$/);
      await sh.cmd('interface FastEthernet0/1', /\(config-if\)#$/);
      await sh.cmd('description kept across a power cut', /\(config-if\)#$/);
      await sh.cmd('end', /SAVED#$/);
      await sh.cmd('write memory', /\[OK\][\s\S]*SAVED#$/);
      // keep saving (typeahead: many lines at once) and pull the plug in the middle
      let burst = '';
      for (let i = 0; i < 200; i++) burst += `configure terminal\rinterface FastEthernet0/0\rdescription burst ${i}\rend\rwrite memory\r`;
      sh.send(burst);
      await sh.expect(/burst 3/, 5000).catch(() => undefined);
    } finally {
      const r = await d.stop('SIGKILL');
      expect(r.signal).toBe('SIGKILL');
    }
    const nvram = join(state, 'R1', 'nvram');
    const text = readFileSync(join(nvram, 'startup-config'), 'utf8');
    expect(text).toMatch(/\nhostname SAVED\n/);
    expect(text.endsWith('\nend\n')).toBe(true);
    // an interrupted write of an earlier process leaves a temp file; power-on removes it
    writeFileSync(join(nvram, 'startup-config.tmp-999999-0'), 'hostname HALF');
    const d2 = await spawnTwin(lab, state);
    try {
      const r = await execCommand({ port }, 'show running-config');
      expect(r.code).toBe(0);
      expect(r.output).toContain('\nhostname SAVED\r\n');
      expect(r.output).toContain(' description kept across a power cut\r\n');
      expect(r.output).toMatch(/\r\nend\r\n/);
      const st = await execCommand({ port }, 'show startup-config');
      expect(st.output).toMatch(/^Using \d+ out of 196600 bytes\r\n/);
      expect(readdirSync(nvram).filter((n) => n.includes('.tmp-'))).toEqual([]);
      expect(existsSync(join(nvram, 'startup-config'))).toBe(true);
    } finally {
      await d2.stop('SIGTERM');
    }
  }, 60_000);
});
