/**
 * A two-device lab for PKI tests: CA (IOS certificate server, grant auto) and R1, in one World,
 * stepped time, in-memory NVRAM unless a state dir is given. Terminal helpers from test/core.
 */
import { World } from '../../sim/world/world.js';
import type { Device } from '../../sim/device/device.js';
import { term, type Term } from '../core/helpers.js';

export const CA_CONFIG = [
  'hostname CA',
  'ip domain-name lab.example',
  'interface FastEthernet0/0',
  ' ip address 10.0.0.1 255.255.255.0',
  ' no shutdown',
  'crypto pki server CA',
  ' issuer-name CN=LabCA,O=Twin',
  ' grant auto',
  ' lifetime certificate 365',
  ' lifetime ca-certificate 7305',
  'line vty 0 4',
  ' exec-timeout 0 0',
  'end',
].join('\n');

export const R1_CONFIG = [
  'hostname R1',
  'ip domain-name lab.example',
  'interface FastEthernet0/0',
  ' ip address 10.0.0.2 255.255.255.0',
  ' no shutdown',
  'line vty 0 4',
  ' exec-timeout 0 0',
  'end',
].join('\n');

export interface Lab {
  world: World;
  ca: Device;
  r1: Device;
  t: Term;
  tca: Term;
}

export async function lab(o: { seed?: number; stateDir?: string; r1Config?: string; caConfig?: string; more?: string[] } = {}): Promise<Lab & { others: Device[] }> {
  const world = new World({ seed: o.seed ?? 42, ...(o.stateDir ? { stateDir: o.stateDir } : {}) });
  const ca = world.addDevice({ name: 'CA', startupConfig: o.caConfig ?? CA_CONFIG });
  const r1 = world.addDevice({ name: 'R1', startupConfig: o.r1Config ?? R1_CONFIG });
  const others = (o.more ?? []).map((n) => world.addDevice({ name: n, startupConfig: (o.r1Config ?? R1_CONFIG).replace(/R1/g, n) }));
  await world.bootAll();
  const t = await term(r1);
  const tca = await term(ca);
  return { world, ca, r1, t, tca, others };
}

/** Type several lines (config mode etc.) and return all output. */
export async function lines(t: Term, ls: string[]): Promise<string> {
  let out = '';
  for (const l of ls) out += await t.cmd(l);
  return out;
}

import type { WorldEvent } from '../../sim/world/events.js';

/** Collect every world event (the determinism log and assertions). */
export function recordEvents(world: World): WorldEvent[] {
  const out: WorldEvent[] = [];
  world.events.on('*', (e) => out.push(e));
  return out;
}

/** Syslog texts a device produced (from world events). */
export function logsOf(events: readonly WorldEvent[], device: string): string[] {
  return events.filter((e) => e.type === 'log' && e.device === device).map((e) => String(e.data.text));
}

/**
 * Configure trustpoint `tp` on the terminal's device against the lab CA, authenticate it,
 * and (unless `enroll: false`) wait for auto-enrollment; then `write memory`.
 */
export async function setupTrustpoint(
  t: Term,
  o: { tp?: string; autoEnroll?: string; label?: string; extra?: string[]; save?: boolean; manualEnroll?: boolean } = {},
): Promise<string> {
  const tp = o.tp ?? 'TP';
  let out = await lines(t, [
    'configure terminal',
    `crypto pki trustpoint ${tp}`,
    'enrollment url http://10.0.0.1:80',
    'subject-name CN=R1,O=Twin',
    'serial-number none',
    'ip-address none',
    'password s3cret',
    `rsakeypair ${o.label ?? tp} 1024`,
    ...(o.extra ?? []),
    ...(o.autoEnroll !== undefined ? [`auto-enroll ${o.autoEnroll}`.trim()] : []),
    'exit',
    `crypto pki authenticate ${tp}`,
    'yes',
  ]);
  if (o.manualEnroll) out += await lines(t, [`crypto pki enroll ${tp}`, 'yes']);
  out += await t.cmd('end');
  t.world.advance(2000);
  if (o.save !== false) out += await t.cmd('write memory');
  return out;
}
