/**
 * NVRAM feature: write/copy/erase/reload and show running-config/startup-config
 * (ios-behaviour §3.1, §3.4, §4).
 */
import { NVRAM_COMMANDS } from '../../../cli-grammar/ios/nvram.js';
import type { Feature, Handler, HandlerContext } from '../../device/feature.js';
import { byteCount, renderRunning } from '../../config/render.js';
import { ConfigWriter } from '../../config/writer.js';
import { renderInterface } from '../interface/index.js';
import { IMAGE } from '../../device/platform.js';
import { askYesNo, byWhom, confirmed } from '../util.js';
import { mergeStartup } from '../exec/index.js';

function save(ctx: HandlerContext): void {
  ctx.out('Building configuration...');
  ctx.device.saveToNvram(ctx.user);
  ctx.out('[OK]');
}

async function erase(ctx: HandlerContext): Promise<void> {
  const a = await ctx.ask('Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]');
  if (!confirmed(a)) return;
  ctx.device.eraseNvram();
  ctx.out('[OK]');
  ctx.out('Erase of nvram: complete');
  ctx.log('SYS-7-NV_BLOCK_INIT', 'Initialized the geometry of nvram');
}

function showRunning(ctx: HandlerContext): void {
  for (const l of renderRunning(ctx.device)) ctx.out(l);
}

const isRun = (s: unknown) => s === 'running-config' || s === 'system:running-config';
const isStart = (s: unknown) => s === 'startup-config' || s === 'nvram:startup-config';

const handlers: Record<string, Handler> = {
  async 'nvram.write'(ctx) {
    const what = ctx.args.what ?? 'memory';
    if (what === 'memory') save(ctx);
    else if (what === 'terminal') showRunning(ctx);
    else await erase(ctx);
  },
  async 'nvram.copy'(ctx) {
    const { src, dst } = ctx.args;
    if (isRun(src) && isStart(dst)) {
      const a = (await ctx.ask('Destination filename [startup-config]? ')).trim();
      if (a !== '' && a !== 'startup-config') {
        ctx.error(`%Error opening nvram:${a} (Permission denied)`);
        return;
      }
      save(ctx);
    } else if (isStart(src) && isRun(dst)) {
      const a = (await ctx.ask('Destination filename [running-config]? ')).trim();
      if (a !== '' && a !== 'running-config') {
        ctx.error(`%Error opening system:${a} (Permission denied)`);
        return;
      }
      const text = ctx.device.startupText() ?? '';
      await mergeStartup(ctx);
      ctx.out(`${Buffer.byteLength(text)} bytes copied in 0.124 secs (${Math.floor(Buffer.byteLength(text) / 0.124)} bytes/sec)`);
    } else {
      ctx.invalid(String(dst));
    }
  },
  async 'nvram.erase'(ctx) {
    await erase(ctx);
  },
  async 'nvram.reload'(ctx) {
    const d = ctx.device;
    if (d.isModified()) {
      ctx.out('');
      const yes = await askYesNo(ctx, 'System configuration has been modified. Save? [yes/no]: ');
      if (yes) save(ctx);
    }
    const a = await ctx.ask('Proceed with reload? [confirm]');
    if (!confirmed(a)) return;
    const by = ctx.session && ctx.session.lineKind === 'vty' ? byWhom(ctx) : 'console';
    await d.reload(by);
  },
  'show.running-config'(ctx) {
    const name = ctx.args.ifname;
    if (typeof name !== 'string') {
      showRunning(ctx);
      return;
    }
    const itf = ctx.state.interfaces.get(name);
    if (!itf) {
      ctx.invalid(ctx.line.trim().split(/\s+/).slice(3).join(' ') || undefined);
      return;
    }
    const w = new ConfigWriter();
    w.bang();
    renderInterface(itf, w);
    w.line('end');
    const body = w.lines;
    ctx.out('Building configuration...');
    ctx.out('');
    ctx.out(`Current configuration : ${byteCount(body)} bytes`);
    for (const l of body) ctx.out(l);
    ctx.out('');
  },
  'show.startup-config'(ctx) {
    const text = ctx.device.startupText();
    if (text === undefined) {
      ctx.out('startup-config is not present');
      return;
    }
    ctx.out(`Using ${Buffer.byteLength(text)} out of ${IMAGE.nvramBytes} bytes`);
    const lines = text.replace(/\r/g, '').replace(/\n$/, '').split('\n');
    for (const l of lines) ctx.out(l);
  },
};

export const nvramFeature: Feature = {
  id: 'nvram',
  commands: NVRAM_COMMANDS,
  handlers,
};
