/**
 * System feature: hostname, enable secret/password, service lines, ip domain, ip cef & co,
 * ntp server, banner motd, config navigation (end/exit), `show version`; running-config
 * sections 100 (version/service), 200 (hostname), 300 (boot markers), 400 (enable — after
 * logging's 400 lines), 500 (aaa), 600 (ip cef / domain), 1000 (ip forward/http),
 * 1200 (banner), 1400 (ntp).
 */
import { CONFIG_NAV_COMMANDS, SYSTEM_COMMANDS } from '../../../cli-grammar/ios/system.js';
import { SHOW_COMMANDS } from '../../../cli-grammar/ios/show.js';
import type { Feature, Handler, Section } from '../../device/feature.js';
import type { TimestampFormat } from '../../device/state.js';
import { fmtConfigTime, fmtUptime } from '../../kernel/clock.js';
import { isMd5Crypt, md5crypt, newSalt, type7Decode, type7Encode } from '../../config/md5crypt.js';
import { CRYPTO_NOTICE, IMAGE } from '../../device/platform.js';

const BAD_SECRET = [
  'ERROR: The secret you entered is not a valid encrypted secret.',
  'To enter an UNENCRYPTED secret, do not specify type 5 encryption.',
  'When you properly enter an UNENCRYPTED secret, it will be encrypted.',
];

function tsLine(kind: 'debug' | 'log', f: TimestampFormat): string {
  if (f.kind === null) return `no service timestamps ${kind}`;
  if (f.kind === 'uptime') return `service timestamps ${kind} uptime`;
  let s = `service timestamps ${kind} datetime`;
  if (f.msec) s += ' msec';
  if (f.localtime) s += ' localtime';
  if (f.showTimezone) s += ' show-timezone';
  if (f.year) s += ' year';
  return s;
}

/** Parse `[0|7] text` of a password argument. */
export function parsePassword(text: string): { type: 0 | 7; text: string } | undefined {
  const m = /^([07])\s+(\S.*)$/.exec(text);
  if (m) {
    if (m[1] === '7' && type7Decode(m[2]!.trim()) === undefined) return undefined;
    return { type: Number(m[1]) as 0 | 7, text: m[2]!.trim() };
  }
  return { type: 0, text };
}

/** Parse `[0|5] secret`: returns the md5-crypt hash, or undefined for an invalid type-5 hash. */
export function parseSecret(text: string, salt: () => string): string | undefined {
  const m = /^([05])\s+(\S+)\s*$/.exec(text);
  if (m && m[1] === '5') return isMd5Crypt(m[2]!) ? m[2]! : undefined;
  const plain = m ? m[2]! : text;
  return md5crypt(plain, salt());
}

export function displayPassword(p: { type: 0 | 7; text: string }, encrypt: boolean, seed: number): string {
  if (p.type === 7) return `7 ${p.text}`;
  return encrypt ? `7 ${type7Encode(p.text, seed)}` : p.text;
}

const handlers: Record<string, Handler> = {
  'config.end'(ctx) {
    ctx.exitMode('all');
  },
  'config.exit'(ctx) {
    ctx.exitMode(1);
  },
  'system.version'() {},
  'system.boot-marker'() {},
  'system.hostname'(ctx) {
    const name = String(ctx.args.name);
    // IOS: host names must start with a letter (RECALLED wording).
    if (!/^[A-Za-z]/.test(name)) {
      ctx.error('% Hostname contains one or more illegal characters.');
      return;
    }
    ctx.state.hostname = name.slice(0, 63);
  },
  'system.enable-secret'(ctx) {
    const level = typeof ctx.args.level === 'number' && ctx.args.level !== 15 ? ctx.args.level : undefined;
    if (ctx.negated) {
      if (level === undefined) delete ctx.state.enableSecret;
      else if (ctx.state.enableSecretLevels) delete ctx.state.enableSecretLevels[level];
      return;
    }
    const h = parseSecret(String(ctx.args.secretText), () => newSalt(ctx.device.saltRng()));
    if (h === undefined) {
      for (const l of BAD_SECRET) ctx.error(l);
      return;
    }
    if (level === undefined) ctx.state.enableSecret = h;
    else (ctx.state.enableSecretLevels ??= {})[level] = h;
  },
  'system.enable-password'(ctx) {
    if (ctx.negated) {
      delete ctx.state.enablePassword;
      return;
    }
    const p = parsePassword(String(ctx.args.passwordText));
    if (!p) {
      ctx.error('Invalid encrypted password');
      return;
    }
    ctx.state.enablePassword = p.type === 0 && ctx.state.servicePasswordEncryption ? { type: 7, text: type7Encode(p.text, ctx.device.saltRng().int(0, 15)) } : p;
  },
  'system.service-timestamps'(ctx) {
    const a = ctx.args;
    const kinds: ('debug' | 'log')[] = a.kind === 'log' ? ['log'] : a.kind === 'debug' ? ['debug'] : ctx.negated ? ['debug', 'log'] : ['debug'];
    for (const k of kinds) {
      if (ctx.negated) {
        ctx.state.timestamps[k] = { kind: ctx.prefix === 'default' ? 'uptime' : null, msec: false, localtime: false, showTimezone: false, year: false };
        continue;
      }
      const dt = a.format === 'datetime';
      ctx.state.timestamps[k] = {
        kind: dt ? 'datetime' : 'uptime',
        msec: dt && a.msec === true,
        localtime: dt && a.localtime === true,
        showTimezone: dt && a['show-timezone'] === true,
        year: dt && a.year === true,
      };
    }
  },
  'system.service-password-encryption'(ctx) {
    ctx.state.servicePasswordEncryption = !ctx.negated;
    if (!ctx.negated) {
      // Like IOS: turning it on encrypts the existing type-0 passwords once and for all.
      const seed = () => ctx.device.saltRng().int(0, 15);
      const st = ctx.state;
      if (st.enablePassword?.type === 0) st.enablePassword = { type: 7, text: type7Encode(st.enablePassword.text, seed()) };
      for (const u of st.users.values()) if (u.password?.type === 0) u.password = { type: 7, text: type7Encode(u.password.text, seed()) };
      for (const l of [...st.lines.con, ...st.lines.aux, ...st.lines.vty]) {
        if (l.password && !/^7 /.test(l.password)) l.password = `7 ${type7Encode(l.password, seed())}`;
      }
    }
  },
  'system.ip-domain-name'(ctx) {
    if (ctx.negated) delete ctx.state.domainName;
    else ctx.state.domainName = String(ctx.args.name);
  },
  'system.ip-domain-lookup'(ctx) {
    ctx.state.domainLookup = !ctx.negated || ctx.prefix === 'default';
  },
  'system.ip-cef'(ctx) {
    ctx.state.ipCef = !ctx.negated || ctx.prefix === 'default';
  },
  'system.ip-forward-protocol'(ctx) {
    ctx.state.ipForwardProtocolNd = !ctx.negated || ctx.prefix === 'default';
  },
  'system.ip-http-server'(ctx) {
    ctx.state.ipHttpServer = !ctx.negated;
  },
  'system.ip-http-secure-server'(ctx) {
    ctx.state.ipHttpSecureServer = !ctx.negated;
  },
  'system.aaa-new-model'(ctx) {
    ctx.state.aaaNewModel = !ctx.negated;
  },
  'system.ntp-server'(ctx) {
    const addr = String(ctx.args.addr ?? '');
    const list = ctx.state.ntpServers;
    if (ctx.negated) {
      if (!ctx.args.addr) return;
      const i = list.findIndex((n) => n.addr === addr);
      if (i >= 0) list.splice(i, 1);
      return;
    }
    const e = list.find((n) => n.addr === addr);
    if (e) e.prefer = ctx.args.prefer === true;
    else list.push({ addr, prefer: ctx.args.prefer === true });
  },
  async 'system.banner-motd'(ctx) {
    if (ctx.negated) {
      delete ctx.state.bannerMotd;
      return;
    }
    const raw = typeof ctx.args.text === 'string' ? ctx.args.text.replace(/^\s+/, '') : '';
    if (raw === '') {
      ctx.error('% Incomplete command.');
      ctx.out('');
      return;
    }
    // IOS displays the delimiter as `^C`; a text starting with `^C` uses that two-character delimiter.
    const delim = raw.startsWith('^C') ? '^C' : raw[0]!;
    const rest = raw.slice(delim.length);
    const end = rest.indexOf(delim);
    if (end >= 0) {
      ctx.state.bannerMotd = rest.slice(0, end);
      return;
    }
    if (!ctx.booting) ctx.out(`Enter TEXT message.  End with the character '${delim[0]}'.`);
    const parts = [rest];
    for (;;) {
      const l = await ctx.readText('');
      if (l === null) break;
      const i = l.indexOf(delim);
      if (i >= 0) {
        parts.push(l.slice(0, i));
        break;
      }
      parts.push(l);
    }
    ctx.state.bannerMotd = parts.join('\n');
  },
  'show.version'(ctx) {
    const d = ctx.device;
    const lines = [
      ...IMAGE.banner,
      '',
      IMAGE.rom,
      '',
      `${d.state.hostname} uptime is ${fmtUptime(d.uptimeMs())}`,
      d.lastReload.reason === 'reload' && d.lastReload.wall !== undefined
        ? `System returned to ROM by reload at ${fmtConfigTime(d.lastReload.wall)}`
        : 'System returned to ROM by power-on',
      `System restarted at ${fmtConfigTime(d.wallNow() - d.uptimeMs())}`,
      `System image file is "${IMAGE.file}"`,
      '',
      '',
      ...CRYPTO_NOTICE,
      '',
      IMAGE.memory,
      `Processor board ID ${d.serial}`,
      '2 FastEthernet interfaces',
      '2 Serial(sync/async) interfaces',
      '1 Virtual Private Network (VPN) Module',
      'DRAM configuration is 64 bits wide with parity enabled.',
      `${Math.floor(IMAGE.nvramBytes / 1024)}K bytes of non-volatile configuration memory.`,
      '62720K bytes of ATA CompactFlash (Read/Write)',
      '',
      `Configuration register is ${IMAGE.configRegister}`,
    ];
    for (const l of lines) ctx.out(l);
  },
};

const sections: Section[] = [
  {
    id: 'system.header',
    order: 100,
    render({ state }, w) {
      w.line('version 12.4');
      w.line(tsLine('debug', state.timestamps.debug));
      w.line(tsLine('log', state.timestamps.log));
      w.line(state.servicePasswordEncryption ? 'service password-encryption' : 'no service password-encryption');
      w.bang();
    },
  },
  {
    id: 'system.hostname',
    order: 200,
    render({ state }, w) {
      w.line(`hostname ${state.hostname}`);
      w.bang();
    },
  },
  {
    id: 'system.boot',
    order: 300,
    render(_c, w) {
      w.line('boot-start-marker');
      w.line('boot-end-marker');
      w.bang();
    },
  },
  {
    id: 'system.enable',
    order: 410,
    render({ state }, w) {
      const levels = state.enableSecretLevels ?? {};
      for (const n of Object.keys(levels).map(Number).sort((a, b) => a - b)) w.line(`enable secret level ${n} 5 ${levels[n]}`);
      if (state.enableSecret) w.line(`enable secret 5 ${state.enableSecret}`);
      if (state.enablePassword) w.line(`enable password ${displayPassword(state.enablePassword, state.servicePasswordEncryption, 8)}`);
      w.bang();
    },
  },
  {
    id: 'system.aaa',
    order: 500,
    render({ state }, w) {
      w.line(state.aaaNewModel ? 'aaa new-model' : 'no aaa new-model');
      w.bang();
    },
  },
  {
    id: 'system.ip',
    order: 600,
    render({ state }, w) {
      w.line(state.ipCef ? 'ip cef' : 'no ip cef');
      w.bang();
      if (!state.domainLookup) w.line('no ip domain lookup');
      if (state.domainName) w.line(`ip domain name ${state.domainName}`);
      if (!state.domainLookup || state.domainName) w.bang();
    },
  },
  {
    id: 'system.ip-services',
    order: 1000,
    render({ state }, w) {
      w.line(state.ipForwardProtocolNd ? 'ip forward-protocol nd' : 'no ip forward-protocol nd');
      w.line(state.ipHttpServer ? 'ip http server' : 'no ip http server');
      w.line(state.ipHttpSecureServer ? 'ip http secure-server' : 'no ip http secure-server');
      w.bang();
    },
  },
  {
    id: 'system.banner',
    order: 1200,
    render({ state }, w) {
      if (state.bannerMotd === undefined) return;
      const lines = `banner motd ^C${state.bannerMotd}^C`.split('\n');
      for (const l of lines) w.line(l);
    },
  },
  {
    id: 'system.ntp',
    order: 1400,
    render({ state }, w) {
      for (const n of state.ntpServers) w.line(`ntp server ${n.addr}${n.prefer ? ' prefer' : ''}`);
    },
  },
];

export const systemFeature: Feature = {
  id: 'system',
  commands: [...CONFIG_NAV_COMMANDS, ...SYSTEM_COMMANDS, ...SHOW_COMMANDS],
  handlers,
  sections,
};
