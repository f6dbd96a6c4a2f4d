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
  'end',
].join('\n');

export const R1_CONFIG = [
  'hostname R1',
  'ip domain-name lab.example',
  'interface FastEthernet0/0',
  ' ip address 10.0.0.2 255.255.255.0',
  ' no shutdown',
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
