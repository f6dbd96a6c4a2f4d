/** Lab files: schema, defaults, errors with line:column; the sample labs validate. */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, loadLabFile, parseLab } from '../../sim/lab/load.js';
import { defaultLab } from '../../sim/lab/default.js';
import { parseIsoUtc } from '../../sim/lab/schema.js';
import { applyOverrides } from '../../sim/bin/twin.js';

function problems(text: string): string[] {
  try {
    parseLab(text, 'lab.yaml');
  } catch (e) {
    if (e instanceof LabError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a LabError');
}

describe('lab files', () => {
  it('fills defaults', () => {
    const lab = parseLab('devices:\n  - name: R1\n    ssh: { port: 2222 }\n');
    expect(lab.seed).toBe(1);
    expect(lab.rate).toBe(1);
    expect(lab.devices[0]).toEqual({
      name: 'R1',
      role: 'router',
      ssh: { host: '127.0.0.1', port: 2222 },
      login: { username: 'admin', password: 'admin', privilege: 1 },
    });
  });

  it('parses the epoch without Date', () => {
    expect(parseIsoUtc('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseIsoUtc('2024-02-29T12:34:56.789Z')).toBe(Date.UTC(2024, 1, 29, 12, 34, 56, 789));
    expect(parseIsoUtc('1993-03-01')).toBe(Date.UTC(1993, 2, 1));
    expect(parseIsoUtc('2026-02-29')).toBeUndefined();
    expect(parseIsoUtc('2026-13-01')).toBeUndefined();
    expect(parseIsoUtc('yesterday')).toBeUndefined();
  });

  it('reports type errors, unknown keys and bad values with line:column', () => {
    const p = problems(
      [
        'seed: 1', // 1
        'devices:', // 2
        '  - name: R1', // 3
        '    ssh: { port: abc }', // 4
        '    bogus: 1', // 5
        '  - name: 9lives', // 6
        '    ssh: { port: 70000, host: 10.0.0.1 }', // 7
      ].join('\n'),
    );
    expect(p).toEqual([
      'lab.yaml:4:18: devices.0.ssh.port: must be a port number',
      'lab.yaml:5:5: devices.0: unknown key "bogus"',
      expect.stringMatching(/^lab\.yaml:6:11: devices\.1\.name: must start with a letter/),
      'lab.yaml:7:18: devices.1.ssh.port: must be 1-65535',
      'lab.yaml:7:31: devices.1.ssh.host: must be a loopback IPv4 address (127.x.y.z)',
    ]);
  });

  it('reports YAML syntax errors with line:column', () => {
    const p = problems('devices:\n  - name: R1\n    ssh: { port: 1\n');
    expect(p[0]).toMatch(/^lab\.yaml:\d+:\d+: /);
  });

  it('rejects duplicate names and ports, empty files, missing devices', () => {
    const p = problems('devices:\n  - name: R1\n    ssh: { port: 2222 }\n  - name: r1\n    ssh: { port: 2222 }\n');
    expect(p).toEqual(['lab.yaml:4:11: devices.1.name: duplicate device name r1', 'lab.yaml:5:18: devices.1.ssh.port: port 127.0.0.1:2222 is used twice']);
    expect(problems('')).toEqual(['lab.yaml:1:1: the lab file is empty']);
    expect(problems('seed: 3\n')).toEqual(['lab.yaml:1:1: devices: required']);
    expect(problems('- 1\n- 2\n')[0]).toMatch(/^lab\.yaml:1:1: /);
  });

  it('a missing file is a plain clear error', () => {
    expect(() => loadLabFile('/nonexistent/lab.yaml')).toThrow('lab file /nonexistent/lab.yaml not found');
  });

  it('every sample lab in scenarios/labs validates', () => {
    const dir = join(import.meta.dirname, '../../scenarios/labs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files).toContain('two-routers.yaml');
    for (const f of files) {
      const lab = loadLabFile(join(dir, f));
      expect(lab.devices.length).toBeGreaterThan(0);
    }
    const two = loadLabFile(join(dir, 'two-routers.yaml'));
    expect(two.devices.map((d) => [d.name, d.ssh.port])).toEqual([
      ['R1', 2231],
      ['R2', 2232],
    ]);
    expect(two.devices[0]!.startupConfig).toContain('hostname R1\n');
  });

  it('the built-in lab: R1 on 2222 (admin/admin, priv 1, secret cisco), CA on 2223', () => {
    const lab = defaultLab();
    expect(lab.devices.map((d) => [d.name, d.role, d.ssh.port])).toEqual([
      ['R1', 'router', 2222],
      ['CA', 'ca', 2223],
    ]);
    expect(lab.devices[0]!.login).toEqual({ username: 'admin', password: 'admin', privilege: 1 });
    expect(lab.devices[0]!.enableSecret).toBe('cisco');
  });

  it('command-line overrides: ports renumber from --ssh-port, host, seed, rate', () => {
    const lab = applyOverrides(defaultLab(), { stateDir: '.', sshPort: 3000, host: '127.0.0.5', seed: 7, rate: 60 });
    expect(lab.devices.map((d) => `${d.ssh.host}:${d.ssh.port}`)).toEqual(['127.0.0.5:3000', '127.0.0.5:3001']);
    expect([lab.seed, lab.rate]).toEqual([7, 60]);
    expect(defaultLab().devices[0]!.ssh.port).toBe(2222);
    expect(() => applyOverrides(defaultLab(), { stateDir: '.', sshPort: 65535 })).toThrow(/not enough ports/);
  });
});
