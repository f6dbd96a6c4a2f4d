/**
 * Twin-only commands (NOT IOS), privileged EXEC: drive the simulated clock and flip lab
 * switches. Declared in cli-grammar/ios/simulation.ts with help text that says "(not IOS)".
 *
 *   simulation advance DURATION   run every event due in DURATION, in order, at simulation speed
 *   simulation rate N | step      pace world time at N× real time, or freeze it (stepped)
 *   simulation pki key-rollover on|off           this device: 12.3(7)T rollover or pre-12.3(7)T
 *   simulation pki server NAME down|up|delay D|reject|accept   this device's CA fault switches
 *   show simulation [events]
 */
import { SIMULATION_COMMANDS } from '../../../cli-grammar/ios/simulation.js';
import type { Feature, Handler } from '../../device/feature.js';
import type { World, } from '../../world/world.js';
import type { WorldEvent } from '../../world/events.js';
import { isoUtc } from '../../kernel/clock.js';
import { labSwitches } from '../pki/state.js';
import { setCaSimFault } from '../pki/server-cli.js';

/** `+12d03:04:05` style span. */
export function fmtSpan(ms: number): string {
  const neg = ms < 0;
  let v = Math.abs(Math.floor(ms / 1000));
  const d = Math.floor(v / 86400);
  v -= d * 86400;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${neg ? '-' : '+'}${d}d${p(Math.floor(v / 3600))}:${p(Math.floor(v / 60) % 60)}:${p(v % 60)}`;
}

function fmtDuration(ms: number): string {
  const parts: string[] = [];
  let v = ms;
  for (const [u, n] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (v >= n) {
      parts.push(`${Math.floor(v / n)}${u}`);
      v %= n;
    }
  }
  if (v) parts.push(`${v}ms`);
  return parts.join('') || '0s';
}

// ------------------------------------------------------------------ event ring

const RING = 200;
const rings = new WeakMap<World, WorldEvent[]>();
function ring(world: World): WorldEvent[] {
  let r = rings.get(world);
  if (!r) {
    const buf: WorldEvent[] = [];
    rings.set(world, (r = buf));
    world.events.on('*', (e) => {
      if (e.type === 'session.open' || e.type === 'session.close' || e.type === 'config.changed') return;
      if (e.type === 'log' && !/^(PKI|CRYPTO|CRYPTO_PKI|SYS-5-RELOAD|SYS-5-RESTART)/.test(String(e.data.tag ?? ''))) return;
      buf.push(e);
      if (buf.length > RING) buf.shift();
    });
  }
  return r;
}

function modeText(world: World): string {
  const d = world.driver;
  if (d.mode === 'stepped') return 'stepped (time moves only with simulation advance)';
  if (d.mode === 'real') return 'real time (x1)';
  return `scaled x${d.rate}`;
}

const handlers: Record<string, Handler> = {
  'sim.advance'(ctx) {
    const world = ctx.device.world;
    ring(world);
    const ms = Number(ctx.args.duration);
    const before = world.scheduler.executed;
    const t0 = world.now();
    // The session typing the command is busy, not idle: its exec-timeout must not end it in the
    // middle of its own advance (IOS counts exec-timeout while waiting for input). Its idle time
    // starts when the advance is over: the timer, if it fires meanwhile, re-arms for then.
    const s = ctx.session as { lastInputAt: number } | undefined;
    if (s) s.lastInputAt = Math.max(s.lastInputAt, t0 + Math.max(0, Math.floor(ms)));
    try {
      world.advance(ms);
    } catch (e) {
      ctx.error(`% Simulation stopped: ${(e as Error).message}`);
      return;
    } finally {
      if (s) s.lastInputAt = Math.min(s.lastInputAt, world.now());
    }
    const n = world.scheduler.executed - before;
    ctx.out(`Simulated ${fmtDuration(world.now() - t0)}: ${n} event${n === 1 ? '' : 's'}, ${ctx.device.name} clock now ${isoUtc(ctx.device.wallNow())} (world ${fmtSpan(world.now())})`);
  },
  'sim.rate'(ctx) {
    const world = ctx.device.world;
    ring(world);
    try {
      if (ctx.args.step) world.setTimeMode('stepped');
      else {
        const f = Number(ctx.args.factor);
        world.setTimeMode(f === 1 ? 'real' : 'scaled', f);
      }
    } catch {
      ctx.error('% This simulation has no real-time clock: only "simulation rate step" and "simulation advance" are available.');
      return;
    }
    ctx.out(`Simulation pace: ${modeText(world)}`);
  },
  'sim.pki.key-rollover'(ctx) {
    labSwitches(ctx.device).preRollover = ctx.args.state === 'off';
    ctx.out(
      ctx.args.state === 'off'
        ? 'Key rollover OFF on this device: pre-12.3(7)T behaviour (old key and certificate deleted when the new key is generated)'
        : 'Key rollover ON on this device: 12.3(7)T behaviour (old key and certificate serve until the new certificate arrives)',
    );
  },
  'sim.pki.ca'(ctx) {
    const err = setCaSimFault(ctx.device, String(ctx.args.name), String(ctx.args.state), typeof ctx.args.delay === 'number' ? ctx.args.delay : undefined);
    if (err) ctx.error(err);
  },
  'show.simulation'(ctx) {
    const world = ctx.device.world;
    const events = ring(world);
    if (ctx.args.events) {
      ctx.out('Recent simulation events (not IOS):');
      for (const e of events.slice(-50)) {
        const data = e.type === 'log' ? String(e.data.text ?? '') : JSON.stringify(e.data);
        ctx.out(`  ${fmtSpan(e.t)} ${(e.device ?? '-').padEnd(8)} ${e.type.padEnd(22)} ${data.length > 120 ? `${data.slice(0, 117)}...` : data}`);
      }
      return;
    }
    ctx.out('Router Twin simulation (not IOS)');
    ctx.out(`  World time : ${isoUtc(world.epoch + world.now())} (${fmtSpan(world.now())} since start)`);
    ctx.out(`  Pace       : ${modeText(world)}`);
    ctx.out(`  Seed       : ${world.seed}`);
    ctx.out(`  Events run : ${world.scheduler.executed}, pending ${world.scheduler.pending}`);
    ctx.out('  Devices:');
    for (const d of world.devices()) {
      const off = d.clockOffsetMs();
      ctx.out(`    ${d.name.padEnd(10)} wall ${isoUtc(d.wallNow())}  offset ${fmtSpan(off)}${labSwitches(d).preRollover ? '  key-rollover off' : ''}`);
    }
    const next = world.scheduler.upcoming(10);
    ctx.out('  Next events:');
    if (next.length === 0) ctx.out('    (none)');
    for (const e of next) ctx.out(`    ${isoUtc(world.epoch + e.at)}  in ${fmtSpan(e.at - world.now()).slice(1)}  ${e.label}`);
  },
};

export const simulationFeature: Feature = {
  id: 'simulation',
  commands: SIMULATION_COMMANDS,
  handlers,
  // Start recording the event ring as soon as a device of the world boots.
  onBoot: (device) => void ring(device.world),
};
