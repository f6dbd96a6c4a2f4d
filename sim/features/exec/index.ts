/**
 * EXEC feature: enable/disable, exit/logout, terminal settings, configure, clock set,
 * show privilege/history/terminal/users, and the output-modifier intents (no-ops: the
 * executor applies them).
 */
import { EXEC_COMMANDS } from '../../../cli-grammar/ios/exec.js';
import { PIPE_COMMANDS, PIPE_MODE } from '../../../cli-grammar/ios/pipe.js';
import { CORE_MODES } from '../../../cli-grammar/ios/modes.js';
import type { Feature, Handler, HandlerContext } from '../../device/feature.js';
import { fmtConfigTime, fmtShowClock, fromCivil, monthFromName, daysInMonth, p2 } from '../../kernel/clock.js';
import { md5verify, type7Decode } from '../../config/md5crypt.js';
import { replayConfig } from '../../config/boot.js';
import { byWhom } from '../util.js';

const CONF_BANNER = 'Enter configuration commands, one per line.  End with CNTL/Z.';

function enterConfig(ctx: HandlerContext): void {
  ctx.out(CONF_BANNER);
  ctx.enterMode('config');
}

/** `copy startup-config running-config` / `configure memory`: merge NVRAM into running. */
export async function mergeStartup(ctx: HandlerContext): Promise<void> {
  const text = ctx.device.startupText();
  if (text === undefined) {
    ctx.error('%Error opening nvram:/startup-config (No such file or directory)');
    return;
  }
  const errs = await replayConfig(ctx.device, text, { user: ctx.user });
  for (const e of errs) ctx.out(`% line ${e.lineNo}: ${e.message}`);
  ctx.device.noteChange(ctx.user);
  ctx.device.markDirty('copy');
  ctx.log('SYS-5-CONFIG_I', `Configured from memory by ${byWhom(ctx)}`);
}

const handlers: Record<string, Handler> = {
  async 'exec.enable'(ctx) {
    const s = ctx.session;
    if (!s) return;
    const level = typeof ctx.args.level === 'number' ? ctx.args.level : 15;
    if (level <= s.privilege) {
      s.privilege = level;
      return;
    }
    const st = ctx.state;
    // `enable N` (N < 15) checks `enable secret level N` when one is set (INFERRED: otherwise the
    // level-15 secret/password, as without per-level secrets).
    const levelSecret = level < 15 ? st.enableSecretLevels?.[level] : undefined;
    if (!levelSecret && !st.enableSecret && !st.enablePassword) {
      // IOS: a vty needs an enable password; the console enters without one.
      if (s.lineKind === 'vty') ctx.error('% No password set');
      else s.privilege = level;
      return;
    }
    for (let i = 0; i < 3; i++) {
      const pw = await ctx.ask('Password: ', { echo: false });
      const ok = levelSecret
        ? md5verify(pw, levelSecret)
        : st.enableSecret
        ? md5verify(pw, st.enableSecret)
        : st.enablePassword!.type === 7
          ? type7Decode(st.enablePassword!.text) === pw
          : st.enablePassword!.text === pw;
      if (ok) {
        s.privilege = level;
        return;
      }
    }
    ctx.error('% Bad secrets');
    ctx.out('');
  },
  'exec.disable'(ctx) {
    const s = ctx.session;
    if (!s) return;
    const level = typeof ctx.args.level === 'number' ? ctx.args.level : 1;
    if (level > s.privilege) {
      ctx.error('% New privilege level must be less than current privilege level');
      return;
    }
    s.privilege = level;
  },
  'exec.exit'(ctx) {
    ctx.session?.end(0);
  },
  'exec.terminal.length'(ctx) {
    if (ctx.session) ctx.session.termLength = Number(ctx.args.lines);
  },
  'exec.terminal.width'(ctx) {
    if (ctx.session) ctx.session.termWidth = Number(ctx.args.cols);
  },
  'exec.terminal.monitor'(ctx) {
    if (ctx.session) ctx.session.monitor = true;
  },
  'exec.terminal.no-monitor'(ctx) {
    if (ctx.session) ctx.session.monitor = false;
  },
  async 'exec.configure'(ctx) {
    let src = typeof ctx.args.source === 'string' ? ctx.args.source : undefined;
    if (!src) {
      const a = (await ctx.ask('Configuring from terminal, memory, or network [terminal]? ')).trim().toLowerCase();
      if (a === '' || 'terminal'.startsWith(a)) src = 'terminal';
      else if ('memory'.startsWith(a)) src = 'memory';
      else if ('network'.startsWith(a)) src = 'network';
      else {
        ctx.error('?Must be "terminal", "memory" or "network"');
        return;
      }
    }
    if (src === 'terminal') enterConfig(ctx);
    else if (src === 'memory') await mergeStartup(ctx);
    // The twin has no TFTP client: say so honestly, in IOS's error shape.
    else ctx.error('%Error opening tftp://255.255.255.255/network-confg (Timed out)');
  },
  'exec.clock.set'(ctx) {
    const [hh, mm, ss] = String(ctx.args.time).split(':').map(Number) as [number, number, number];
    const month = monthFromName(String(ctx.args.month));
    const day = Number(ctx.args.day);
    const year = Number(ctx.args.year);
    if (!month || day > daysInMonth(year, month)) {
      ctx.invalid(String(day));
      return;
    }
    const before = ctx.device.wallNow();
    const t = fromCivil(year, month, day, hh, mm, ss);
    ctx.device.setWallClock(t);
    ctx.device.emit('clock.set', { from: before, to: t, by: ctx.user });
    ctx.log('SYS-6-CLOCKUPDATE', `System clock has been updated from ${fmtConfigTime(before)} to ${fmtConfigTime(t)}, configured from console by ${byWhom(ctx)}.`);
  },
  'show.privilege'(ctx) {
    ctx.out(`Current privilege level is ${ctx.session?.privilege ?? 15}`);
  },
  'show.history'(ctx) {
    for (const h of ctx.session?.history ?? []) ctx.out(`  ${h}`);
  },
  'show.terminal'(ctx) {
    const s = ctx.session;
    if (!s) return;
    const abs = s.lineKind === 'con' ? 0 : 2 + s.lineIndex;
    ctx.out(`Line ${abs}, Location: "", Type: "${s.lineKind === 'con' ? '' : s.termType || 'vt100'}"`);
    ctx.out(`Length: ${s.termLength} lines, Width: ${s.termWidth} columns`);
    ctx.out('Status: PSI Enabled, Ready, Active, Automore On');
    ctx.out('Capabilities: none');
    ctx.out('Modem state: Ready');
    ctx.out(`Idle EXEC timeout is ${fmtMinSec(ctx.state.lines[s.lineKind === 'con' ? 'con' : 'vty'][0]?.execTimeoutS ?? 600)}.`);
    ctx.out('History is enabled, history size is 10.');
  },
  'show.users'(ctx) {
    const me = ctx.session;
    const now = ctx.device.world.now();
    ctx.out('    Line       User       Host(s)              Idle       Location');
    const rows: { abs: number; name: string; user: string; host: string; idle: string; loc: string; mine: boolean }[] = [];
    const sessions = [...ctx.device.sessions].sort((a, b) => (a.lineKind === b.lineKind ? a.lineIndex - b.lineIndex : a.lineKind === 'con' ? -1 : 1));
    for (const s of sessions) {
      const abs = s.lineKind === 'con' ? 0 : 2 + s.lineIndex;
      rows.push({
        abs,
        name: s.lineKind === 'con' ? 'con 0' : `vty ${s.lineIndex}`,
        user: s.lineKind === 'con' ? '' : s.user,
        host: 'idle',
        idle: idleText(now - s.lastInputAt),
        loc: s.lineKind === 'con' ? '' : s.peer,
        mine: s === me,
      });
    }
    if (ctx.args.all === true) {
      const used = new Set(rows.map((r) => r.abs));
      const all = [
        { abs: 0, name: 'con 0' },
        { abs: 1, name: 'aux 0' },
        ...ctx.state.lines.vty.map((_, i) => ({ abs: 2 + i, name: `vty ${i}` })),
      ];
      for (const l of all) {
        if (!used.has(l.abs)) rows.push({ abs: l.abs, name: l.name, user: '', host: '', idle: '00:00:00', loc: '', mine: false });
      }
      rows.sort((a, b) => a.abs - b.abs);
    }
    for (const r of rows) {
      const lead = `${r.mine ? '*' : ' '}${String(r.abs).padStart(3)} ${r.name.padEnd(10)}`;
      ctx.out(`${lead}${r.user.padEnd(11)}${r.host.padEnd(21)}${r.idle.padEnd(11)}${r.loc}`.replace(/\s+$/, ''));
    }
    ctx.out('');
    ctx.out('  Interface    User               Mode         Idle     Peer Address');
  },
  'show.clock'(ctx) {
    const d = ctx.device;
    ctx.out(`${d.clockAuthoritative() ? '' : '*'}${fmtShowClock(d.wallNow())}`);
    if (ctx.args.detail === true) ctx.out(d.clockAuthoritative() ? 'Time source is user configuration' : 'No time source');
  },
};
for (const c of PIPE_COMMANDS) handlers[c.id] = () => {};

function fmtMinSec(s: number): string {
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
}

function idleText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 86400) return `${Math.floor(s / 86400)}d${p2(Math.floor(s / 3600) % 24)}h`;
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
}

export const execFeature: Feature = {
  id: 'exec',
  modes: [...CORE_MODES, PIPE_MODE],
  commands: [...EXEC_COMMANDS, ...PIPE_COMMANDS],
  handlers,
};
