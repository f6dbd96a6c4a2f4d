/**
 * Line feature: `line console 0`, `line aux 0`, `line vty A [B]` (config-line) with login,
 * password, exec-timeout, transport input, privilege level, logging synchronous; section 1300.
 * vty lines 0–4 exist from boot; 5–15 are created when first configured. Consecutive vty lines
 * with identical settings print as one `line vty A B` block (IOS groups them).
 */
import { LINE_COMMANDS } from '../../../cli-grammar/ios/line.js';
import type { Feature, Handler, HandlerContext, Section } from '../../device/feature.js';
import { defaultLine, DEFAULT_EXEC_TIMEOUT_S, type LineConfig, type LineKind } from '../../device/state.js';
import type { ConfigWriter } from '../../config/writer.js';
import { type7Decode, type7Encode } from '../../config/md5crypt.js';

interface LineRange {
  kind: LineKind;
  first: number;
  last: number;
}

function each(ctx: HandlerContext, fn: (l: LineConfig) => void): void {
  const r = ctx.modeCtx as LineRange;
  const arr = ctx.state.lines[r.kind];
  for (let i = r.first; i <= r.last; i++) if (arr[i]) fn(arr[i]!);
}

const handlers: Record<string, Handler> = {
  'line.enter'(ctx) {
    const kindWord = String(ctx.args.kind);
    const kind: LineKind = kindWord === 'console' ? 'con' : kindWord === 'aux' ? 'aux' : 'vty';
    const first = Number(ctx.args.first);
    const last = typeof ctx.args.last === 'number' ? ctx.args.last : first;
    if (kind !== 'vty' && first !== 0) {
      ctx.invalid(String(first));
      return;
    }
    if (kind !== 'vty' && typeof ctx.args.last === 'number') {
      ctx.invalid(String(ctx.args.last));
      return;
    }
    if (last < first) {
      ctx.invalid(String(last));
      return;
    }
    const arr = ctx.state.lines[kind];
    while (arr.length <= last) arr.push(defaultLine(kind));
    ctx.enterMode('config-line', { kind, first, last } satisfies LineRange);
  },
  'line.login'(ctx) {
    each(ctx, (l) => {
      l.login = ctx.negated ? 'none' : ctx.args.local === true ? 'local' : 'password';
    });
  },
  'line.password'(ctx) {
    const text = typeof ctx.args.text === 'string' ? ctx.args.text.trim() : '';
    let stored: string | undefined;
    if (!ctx.negated) {
      const m = /^([07])\s+(\S+)$/.exec(text);
      if (m && m[1] === '7') {
        if (type7Decode(m[2]!) === undefined) {
          ctx.error('Invalid encrypted password');
          return;
        }
        stored = `7 ${m[2]}`;
      } else {
        const plain = m ? m[2]! : text;
        stored = ctx.state.servicePasswordEncryption ? `7 ${type7Encode(plain, ctx.device.saltRng().int(0, 15))}` : plain;
      }
    }
    each(ctx, (l) => {
      if (stored === undefined) delete l.password;
      else l.password = stored;
    });
  },
  'line.exec-timeout'(ctx) {
    const secs = ctx.negated ? DEFAULT_EXEC_TIMEOUT_S : Number(ctx.args.minutes) * 60 + (typeof ctx.args.seconds === 'number' ? ctx.args.seconds : 0);
    each(ctx, (l) => {
      l.execTimeoutS = secs;
    });
  },
  'line.transport-input'(ctx) {
    const a = ctx.args;
    let v: LineConfig['transportInput'];
    if (!ctx.negated) {
      if (a.proto === 'all' || a.proto === 'none') v = a.proto;
      else if (a.ssh === true && a.telnet === true) v = 'ssh telnet';
      else if (a.ssh === true) v = 'ssh';
      else if (a.telnet === true) v = 'telnet';
    }
    each(ctx, (l) => {
      if (v === undefined) delete l.transportInput;
      else l.transportInput = v;
    });
  },
  'line.privilege-level'(ctx) {
    each(ctx, (l) => {
      if (ctx.negated) delete l.privilegeLevel;
      else l.privilegeLevel = Number(ctx.args.privLevel);
    });
  },
  'line.logging-synchronous'(ctx) {
    each(ctx, (l) => {
      l.loggingSynchronous = !ctx.negated;
    });
  },
};

function children(kind: LineKind, l: LineConfig): string[] {
  const out: string[] = [];
  if (l.execTimeoutS !== DEFAULT_EXEC_TIMEOUT_S) out.push(` exec-timeout ${Math.floor(l.execTimeoutS / 60)} ${l.execTimeoutS % 60}`);
  if (l.privilegeLevel !== undefined) out.push(` privilege level ${l.privilegeLevel}`);
  if (l.password !== undefined) out.push(` password ${l.password}`);
  if (l.loggingSynchronous) out.push(' logging synchronous');
  const defLogin = kind === 'vty' ? 'password' : 'none';
  if (l.login === 'local') out.push(' login local');
  else if (l.login === 'password' && defLogin !== 'password') out.push(' login');
  else if (l.login === 'password') out.push(' login');
  else if (l.login === 'none' && defLogin !== 'none') out.push(' no login');
  if (l.transportInput !== undefined) out.push(` transport input ${l.transportInput}`);
  return out;
}

function renderLines(kind: LineKind, name: string, arr: LineConfig[], w: ConfigWriter): void {
  let i = 0;
  while (i < arr.length) {
    const key = JSON.stringify(children(kind, arr[i]!));
    let j = i;
    // vty 0–4 always form the first block (IOS keeps the default range together).
    while (j + 1 < arr.length && JSON.stringify(children(kind, arr[j + 1]!)) === key && !(kind === 'vty' && j + 1 === 5)) j++;
    w.line(j > i ? `line ${name} ${i} ${j}` : `line ${name} ${i}`);
    for (const c of children(kind, arr[i]!)) w.line(c);
    i = j + 1;
  }
}

const sections: Section[] = [
  {
    id: 'line.all',
    order: 1300,
    render({ state }, w) {
      w.bang();
      renderLines('con', 'con', state.lines.con, w);
      renderLines('aux', 'aux', state.lines.aux, w);
      renderLines('vty', 'vty', state.lines.vty, w);
      w.bang();
    },
  },
];

export const lineFeature: Feature = {
  id: 'line',
  commands: LINE_COMMANDS,
  handlers,
  sections,
};
