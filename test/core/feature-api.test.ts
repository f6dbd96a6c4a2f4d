/**
 * The extension seam later features (PKI, IKE) use: one Feature object contributes modes,
 * commands, handlers (with dialogs and raw text), running-config sections, state, private
 * NVRAM and boot hooks — registered with one line.
 */
import { describe, expect, it } from 'vitest';
import { registerFeature, FEATURES } from '../../sim/features/index.js';
import { Registry } from '../../sim/device/registry.js';
import { featureState, type Feature } from '../../sim/device/feature.js';
import { World } from '../../sim/world/world.js';
import { term, tmpDir } from './helpers.js';

interface ToyState {
  points: Map<string, { url?: string; hex: string[] }>;
  keys: string[];
  booted: number;
}

const toy: Feature<ToyState> = {
  id: 'toy',
  modes: [{ id: 'toy-point', parent: 'config', prompt: '(toy-point)#', kind: 'config' }],
  commands: [
    { id: 'toy.point', modes: ['config'], no: true, syntax: 'toy point WORD$name', help: { toy: 'Toy feature', point: 'Define a toy point', name: 'Point name' } },
    { id: 'toy.url', modes: ['toy-point'], no: true, syntax: 'url WORD$url', help: { url: 'Set the URL', 'url$': 'URL' } },
    { id: 'toy.hex', modes: ['toy-point'], syntax: 'hex', help: { hex: 'Enter hex data' } },
    { id: 'toy.genkey', modes: ['config'], syntax: 'toy genkey', help: { toy: 'Toy feature', genkey: 'Generate a key' } },
    { id: 'toy.show', modes: ['exec'], syntax: 'show toy', help: { show: 'Show running system information', toy: 'Toy status' } },
  ],
  initState: () => ({ points: new Map(), keys: [], booted: 0 }),
  handlers: {
    'toy.point'(ctx) {
      const st = featureState<ToyState>(ctx.state, 'toy');
      const name = String(ctx.args.name);
      if (ctx.negated) {
        st.points.delete(name);
        return;
      }
      if (!st.points.has(name)) st.points.set(name, { hex: [] });
      ctx.enterMode('toy-point', name);
    },
    'toy.url'(ctx) {
      const p = featureState<ToyState>(ctx.state, 'toy').points.get(String(ctx.modeCtx))!;
      if (ctx.negated) delete p.url;
      else p.url = String(ctx.args.url);
    },
    async 'toy.hex'(ctx) {
      const p = featureState<ToyState>(ctx.state, 'toy').points.get(String(ctx.modeCtx))!;
      p.hex = [];
      for (;;) {
        const l = await ctx.readText();
        if (l === null || l.trim() === 'quit') break;
        p.hex.push(l.trim());
      }
    },
    async 'toy.genkey'(ctx) {
      const st = featureState<ToyState>(ctx.state, 'toy');
      if (st.keys.length) {
        const a = await ctx.ask('% Do you really want to replace them? [yes/no]: ');
        if (!/^y/i.test(a)) return;
      }
      st.keys = [`key-${ctx.device.rng.fork('toy').u32().toString(16)}`];
      ctx.out('% Generating keys ...[OK]');
      ctx.device.markSystemChange(ctx.user);
    },
    'toy.show'(ctx) {
      const st = featureState<ToyState>(ctx.state, 'toy');
      ctx.out(`points=${[...st.points.keys()].join(',')} keys=${st.keys.length} booted=${st.booted}`);
    },
  },
  sections: [
    {
      id: 'toy.points',
      order: 700,
      render({ state, target }, w) {
        for (const [name, p] of featureState<ToyState>(state, 'toy').points) {
          w.line(`toy point ${name}`);
          if (p.url) w.line(` url ${p.url}`);
          if (p.hex.length) {
            w.line(' hex');
            for (const h of p.hex) w.line(target === 'running' ? `  ${h}` : `  ${h}`);
            w.line('  quit');
          }
          w.bang();
        }
      },
    },
  ],
  privateNvram: {
    save: (d) => ({ keys: featureState<ToyState>(d.state, 'toy').keys }),
    load: (d, data) => {
      featureState<ToyState>(d.state, 'toy').keys = (data as { keys: string[] }).keys;
    },
  },
  onBoot(d) {
    featureState<ToyState>(d.state, 'toy').booted++;
  },
};

registerFeature(toy);

describe('feature API', () => {
  it('a registered feature gets modes, commands, dialogs, raw text, sections, private NVRAM and boot hooks', async () => {
    const dir = tmpDir();
    const w = new World({ seed: 2, stateDir: dir });
    const d = w.addDevice({ name: 'R1', startupConfig: 'hostname R1\n' });
    await d.boot();
    const t = await term(d);
    await t.cmd('conf t');
    expect(await t.cmd('toy point TP1')).toBe('toy point TP1\nR1(toy-point)#');
    await t.cmd('url http://10.0.0.1/scep');
    await t.cmd('hex');
    await t.cmd('  0A0B0C0D');
    await t.cmd('  1E1F');
    expect(await t.cmd('quit')).toBe('quit\nR1(toy-point)#');
    expect(await t.cmd('toy genkey')).toBe('toy genkey\n% Generating keys ...[OK]\nR1(config)#');
    expect(await t.cmd('toy genkey')).toBe('toy genkey\n% Do you really want to replace them? [yes/no]: ');
    expect(await t.cmd('no')).toBe('no\nR1(config)#');
    await t.cmd('end');
    const run = await t.cmd('show running-config | section toy');
    expect(run).toBe('show running-config | section toy\ntoy point TP1\n url http://10.0.0.1/scep\n hex\n  0A0B0C0D\n  1E1F\n  quit\nR1#');
    // order: after `ip cef`, before interfaces
    const full = await t.cmd('show running-config');
    expect(full.indexOf('toy point TP1')).toBeGreaterThan(full.indexOf('ip cef'));
    expect(full.indexOf('toy point TP1')).toBeLessThan(full.indexOf('interface FastEthernet0/0'));
    const keys = featureState<ToyState>(d.state, 'toy').keys;
    await t.cmd('write memory');
    // power cycle: a new world on the same state dir
    const w2 = new World({ seed: 2, stateDir: dir });
    const d2 = w2.addDevice({ name: 'R1' });
    await d2.boot();
    expect(d2.bootErrors).toEqual([]);
    const st2 = featureState<ToyState>(d2.state, 'toy');
    expect(st2.keys).toEqual(keys);
    expect(st2.points.get('TP1')).toEqual({ url: 'http://10.0.0.1/scep', hex: ['0A0B0C0D', '1E1F'] });
    const t2 = await term(d2);
    expect(await t2.cmd('show toy')).toBe('show toy\npoints=TP1 keys=1 booted=1\nR1#');
  });

  it('markSystemChange dirties the config (PKI autosave rule input)', async () => {
    const w = new World({ seed: 2 });
    const d = w.addDevice({ name: 'R1', startupConfig: 'hostname R1\n' });
    await d.boot();
    expect(d.config.dirty).toBe(false);
    d.markSystemChange('console');
    expect(d.config.dirty).toBe(true);
    d.saveToNvram('console');
    expect(d.config.dirty).toBe(false);
  });

  it('the registry rejects unbound, doubly bound and undeclared intents', () => {
    const base = FEATURES.filter((f) => f.id !== 'toy');
    expect(() => new Registry([...base, { id: 'x', commands: [{ id: 'x.a', modes: ['config'], syntax: 'xa', help: { xa: 'x' } }] }])).toThrow(/without handler: x\.a/);
    expect(() => new Registry([...base, { id: 'x', handlers: { 'show.version': () => {} } }])).toThrow(/bound twice/);
    expect(() => new Registry([...base, { id: 'x', handlers: { 'x.nothing': () => {} } }])).toThrow(/undeclared intents: x\.nothing/);
  });
});
