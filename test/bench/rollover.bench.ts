/**
 * Rollover at scale: 100 routers × 10 simulated years against one lab CA (IOS certificate
 * server, grant auto, one-year certificates), every router with `auto-enroll 80 regenerate`.
 * The routers boot with the CA certificate already in their startup-config (hex chain, i.e.
 * authenticated) and enroll by themselves at boot; then the world clock runs ten years in 30-day
 * steps. Keys come from the seeded pool, SCEP runs in-process (same bytes as over HTTP).
 * Target: ≤ 20 s wall for the whole run.
 */
import { World } from '../../sim/world/world.js';
import { pkiState } from '../../sim/features/pki/state.js';
import { hexDumpLines } from '../../sim/features/pki/write.js';
import { selectCredential } from '../../sim/features/pki/credentials.js';
import type { BenchSection, Figure } from './types.js';

const DAY = 86_400_000;

export function caConfig(): string {
  return [
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
}

export function routerConfig(name: string, i: number, caDer: Buffer): string {
  return [
    `hostname ${name}`,
    'ip domain-name lab.example',
    'interface FastEthernet0/0',
    ` ip address 10.${1 + (i >> 8)}.${i & 255}.2 255.255.255.0`,
    ' no shutdown',
    'crypto pki trustpoint TP',
    ' enrollment url http://10.0.0.1:80',
    ' serial-number none',
    ' ip-address none',
    ' password 7 0822455D0A16',
    ` subject-name CN=${name},O=Twin`,
    ' rsakeypair TP 1024',
    ' auto-enroll 80 regenerate',
    'crypto pki certificate chain TP',
    ' certificate ca 01',
    ...hexDumpLines(caDer),
    '  quit',
    'end',
  ].join('\n');
}

export interface RolloverRun {
  wallMs: number;
  events: number;
  issued: number;
  renewed: number;
  failed: number;
  autosaves: number;
  usable: number;
  routers: number;
  years: number;
}

export async function runRollover(routers: number, years: number, seed = 7): Promise<RolloverRun> {
  const world = new World({ seed });
  const ca = world.addDevice({ name: 'CA', startupConfig: caConfig() });
  await ca.boot();
  const caDer = pkiState(ca).ca!.caCert.der;
  const rs = [];
  for (let i = 0; i < routers; i++) {
    const name = `R${i + 1}`;
    rs.push(world.addDevice({ name, startupConfig: routerConfig(name, i, caDer) }));
  }
  let renewed = 0;
  let issued = 0;
  let failed = 0;
  let autosaves = 0;
  world.events.on('pki.renewed', () => renewed++);
  world.events.on('pki.enrolled', () => issued++);
  world.events.on('pki.failed', () => failed++);
  world.events.on('nvram.autosave', () => autosaves++);
  const t0 = performance.now();
  const e0 = world.scheduler.executed;
  await world.bootAll();
  const end = years * 365 * DAY;
  while (world.now() < end) world.advance(Math.min(30 * DAY, end - world.now()));
  const wallMs = performance.now() - t0;
  const usable = rs.filter((r) => selectCredential(r, { trustpoint: 'TP' }).ok).length;
  return { wallMs, events: world.scheduler.executed - e0, issued: issued + renewed, renewed, failed, autosaves, usable, routers, years };
}

const section: BenchSection = {
  name: 'rollover',
  description: '100 routers x 10 simulated years, one-year certificates, auto-enroll 80 regenerate, CA grant auto',
  async run(ctx) {
    const routers = ctx.quick ? 20 : 100;
    const years = ctx.quick ? 3 : 10;
    const r = await runRollover(routers, years);
    ctx.log(`rollover: ${r.routers} routers x ${r.years} years: ${r.issued} certificates (${r.renewed} renewals), ${r.events} events, ${(r.wallMs / 1000).toFixed(2)} s`);
    const figs: Figure[] = [
      { metric: `${r.routers} routers x ${r.years} y, wall time`, value: r.wallMs / 1000, unit: 's', ...(ctx.quick ? {} : { target: { op: '<=', value: 20 } }) },
      { metric: 'scheduler events per second', value: r.events / (r.wallMs / 1000), unit: 'ops/s' },
      { metric: 'certificates issued (incl. renewals)', value: r.issued, unit: 'count' },
      { metric: 'renewals with key rollover', value: r.renewed, unit: 'count' },
      { metric: 'enrollment failures', value: r.failed, unit: 'count', target: { op: '<=', value: 0 } },
      { metric: 'autosaves (PKI-6-AUTOSAVE)', value: r.autosaves, unit: 'count' },
      { metric: 'routers with a usable credential at the end', value: r.usable, unit: 'count', target: { op: '>=', value: r.routers } },
    ];
    return figs;
  },
};

export default section;
