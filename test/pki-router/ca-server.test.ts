/** The IOS certificate server on a lab device: persistence across reloads, reject, shutdown. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, lines, logsOf, recordEvents, setupTrustpoint } from './lab.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { term } from '../core/helpers.js';
import { MS_MINUTE } from '../../pki/renewal.js';

describe('certificate server', () => {
  it('keeps its CA certificate, key and serial counter across a reload (file-backed NVRAM)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-ca-'));
    try {
      const { t, ca, world } = await lab({ stateDir: dir });
      await setupTrustpoint(t, { autoEnroll: '80' });
      const cert0 = pkiState(ca).ca!.caCert.sha1Hex;
      world.advance(2000); // the debounced database write
      const priv = JSON.parse(fs.readFileSync(path.join(dir, 'CA', 'nvram', 'private-config.json'), 'utf8')) as { pki: { ca: { nextSerial: number } } };
      expect(priv.pki.ca.nextSerial).toBe(3);
      await ca.reload('console');
      await ca.ready;
      expect(pkiState(ca).ca!.caCert.sha1Hex).toBe(cert0);
      const tca = await term(ca);
      expect(await tca.cmd('show crypto pki server')).toContain('Last certificate issued serial number (hex): 2\n');
      // A second router enrolls against the reloaded CA: serial 03.
      await lines(t, ['configure terminal', 'crypto pki trustpoint T2', 'enrollment url http://10.0.0.1:80', 'exit', 'crypto pki authenticate T2', 'yes', 'crypto pki enroll T2', 'x', 'x', 'no', 'no', 'yes', 'end']);
      world.advance(1000);
      expect(pkiState(t.device).trustpoints.get('T2')!.certs.ids[0]!.cert.serialHex).toBe('03');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reject: the router logs CERTREJECT and backs off', async () => {
    const { t, tca, world, r1 } = await lab();
    const ev = recordEvents(world);
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'no grant auto', 'end']);
    await setupTrustpoint(t, { autoEnroll: '80' });
    world.advance(MS_MINUTE);
    await tca.cmd('crypto pki server CA reject 1');
    world.advance(2 * MS_MINUTE);
    const logs = logsOf(ev, 'R1');
    expect(logs.some((l) => l.includes('%PKI-6-CERTREJECT: Certificate enrollment request was rejected by Certificate Authority'))).toBe(true);
    expect(logs.some((l) => l.includes('%PKI-3-AUTOCERTFAIL'))).toBe(true);
    // After the back-off a fresh request (new transaction) is pending at the CA.
    expect(await tca.cmd('crypto pki server CA info requests')).toMatch(/\n1 {6}rejected {3}[0-9A-F]{32} .*\n2 {6}pending {4}/);
    expect(pkiState(r1).trustpoints.get('TP')!.rt.lastStatus).toBe('Pending');
  });

  it('shutdown makes the CA unreachable; no shutdown brings it back without the key dialog', async () => {
    const { t, tca, world, r1 } = await lab();
    await lines(tca, ['configure terminal', 'crypto pki server CA', 'shutdown', 'end']);
    expect(await tca.cmd('show crypto pki server')).toContain('    Status: disabled\n');
    await lines(t, ['configure terminal', 'crypto pki trustpoint TP', 'enrollment url http://10.0.0.1:80', 'exit']);
    expect(await t.cmd('crypto pki authenticate TP')).toContain('% Error in receiving Certificate Authority certificate: status = FAIL, cert length = 0');
    await tca.cmd('configure terminal');
    await tca.cmd('crypto pki server CA');
    expect(await tca.cmd('no shutdown')).toBe('no shutdown\n% Certificate Server enabled.\nCA(cs-server)#');
    await tca.cmd('end');
    await lines(t, ['crypto pki authenticate TP', 'yes']);
    expect(pkiState(r1).trustpoints.get('TP')!.certs.ca).toBeDefined();
    void world;
  });
});

describe('simulation commands (not IOS)', () => {
  it('advance prints a summary; rate needs a real clock; show simulation lists devices and next events', async () => {
    const { t } = await lab();
    await setupTrustpoint(t, { autoEnroll: '80' });
    expect(await t.cmd('simulation advance 1d12h')).toMatch(/^simulation advance 1d12h\nSimulated 1d12h: \d+ events?, R1 clock now 2026-01-02T12:00:0\d\.\d{3}Z \(world \+1d12:00:0\d\)\nR1#$/);
    expect(await t.cmd('simulation rate 3600')).toContain('% This simulation has no real-time clock');
    expect(await t.cmd('simulation rate step')).toContain('Simulation pace: stepped');
    const s = await t.cmd('show simulation');
    expect(s).toContain('Router Twin simulation (not IOS)\n');
    expect(s).toMatch(/\n {4}R1 +wall 2026-01-02T12:00:0\d\.\d{3}Z/);
    expect(s).toContain('pki.reconcile TP @R1');
    expect(await t.cmd('show simulation events')).toContain('pki.enrolled');
  });
});
