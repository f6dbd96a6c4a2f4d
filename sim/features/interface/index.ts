/**
 * Interface feature: `interface X` (config-if), ip address, shutdown, description,
 * duplex/speed; `show ip interface brief`, `show interfaces`; section 900.
 * Physical ports of the 2811 persona exist from boot; Loopback/Tunnel are created on demand.
 */
import { INTERFACE_COMMANDS } from '../../../cli-grammar/ios/interface.js';
import type { Feature, Handler, HandlerContext, Section } from '../../device/feature.js';
import { compareInterfaces, type InterfaceState } from '../../device/state.js';
import type { ConfigWriter } from '../../config/writer.js';
import type { Device } from '../../device/device.js';

const VIRTUAL = /^(Loopback|Tunnel)(\d+)$/;

function ipToInt(a: string): number {
  return a.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

function maskLen(mask: string): number | undefined {
  const m = ipToInt(mask);
  const inv = ~m >>> 0;
  if ((inv & (inv + 1)) !== 0) return undefined; // not contiguous
  let n = 0;
  for (let b = m; b; b = (b << 1) >>> 0) n++;
  return n;
}

function ifOf(ctx: HandlerContext): InterfaceState | undefined {
  return ctx.state.interfaces.get(String(ctx.modeCtx));
}

export function renderInterface(itf: InterfaceState, w: ConfigWriter): void {
  w.line(`interface ${itf.name}`);
  if (itf.description !== undefined) w.line(` description ${itf.description}`);
  for (const s of itf.secondaries) w.line(` ip address ${s.addr} ${s.mask} secondary`);
  if (itf.ip) w.line(` ip address ${itf.ip.addr} ${itf.ip.mask}`);
  else w.line(' no ip address');
  if (itf.shutdown) w.line(' shutdown');
  // 12.4 on a 2811 also prints ` duplex auto` / ` speed auto`; the twin prints only
  // non-default values (deliberate: ntc-templates' show-running-config-interface template
  // rejects ` duplex …`, and netmiko/ansible users parse with it).
  if (itf.duplex && itf.duplex !== 'auto') w.line(` duplex ${itf.duplex}`);
  if (itf.speed && itf.speed !== 'auto') w.line(` speed ${itf.speed}`);
}

function linkLogs(device: Device, itf: InterfaceState, wasShut: boolean): void {
  if (device.booting || wasShut === itf.shutdown) return;
  if (itf.shutdown) {
    device.syslog.log('LINK-5-CHANGED', `Interface ${itf.name}, changed state to administratively down`);
    device.syslog.log('LINEPROTO-5-UPDOWN', `Line protocol on Interface ${itf.name}, changed state to down`);
  } else {
    const st = device.interfaceStatus(itf.name);
    if (st.status === 'up') device.syslog.log('LINK-3-UPDOWN', `Interface ${itf.name}, changed state to up`);
    else device.syslog.log('LINK-3-UPDOWN', `Interface ${itf.name}, changed state to down`);
    if (st.protocol === 'up') device.syslog.log('LINEPROTO-5-UPDOWN', `Line protocol on Interface ${itf.name}, changed state to up`);
  }
}

const handlers: Record<string, Handler> = {
  'interface.enter'(ctx) {
    const name = String(ctx.args.ifname ?? '');
    const map = ctx.state.interfaces;
    if (ctx.negated) {
      const itf = map.get(name);
      if (!itf) return;
      if (itf.physical) {
        ctx.error('% Removal of physical interfaces is not permitted');
        return;
      }
      map.delete(name);
      return;
    }
    let itf = map.get(name);
    if (!itf) {
      if (!VIRTUAL.test(name)) {
        ctx.invalid(ctx.line.trim().split(/\s+/).slice(1).join(' '));
        return;
      }
      itf = { name, secondaries: [], shutdown: false, physical: false, method: 'unset' };
      map.set(name, itf);
      if (!ctx.booting) {
        ctx.log('LINK-3-UPDOWN', `Interface ${name}, changed state to up`);
        ctx.log('LINEPROTO-5-UPDOWN', `Line protocol on Interface ${name}, changed state to up`);
      }
    }
    ctx.enterMode('config-if', name);
  },
  'interface.ip-address'(ctx) {
    const itf = ifOf(ctx);
    if (!itf) return;
    itf.method = ctx.booting ? 'NVRAM' : 'manual';
    const secondary = ctx.args.secondary === true;
    if (ctx.negated) {
      const addr = ctx.args.addr;
      if (secondary) itf.secondaries = itf.secondaries.filter((s) => s.addr !== addr);
      else if (addr === undefined || itf.ip?.addr === addr) {
        delete itf.ip;
        itf.secondaries = [];
      }
      return;
    }
    const addr = String(ctx.args.addr);
    const mask = String(ctx.args.mask);
    const len = maskLen(mask);
    if (len === undefined || len === 0) {
      ctx.error(`Bad mask 0x${ipToInt(mask).toString(16).toUpperCase()} for address ${addr}`);
      return;
    }
    const net = (ipToInt(addr) & ipToInt(mask)) >>> 0;
    if (len < 31) {
      const host = (ipToInt(addr) & ~ipToInt(mask)) >>> 0;
      const bcast = (~ipToInt(mask)) >>> 0;
      if (host === 0 || host === bcast) {
        ctx.error(`Bad mask /${len} for address ${addr}`);
        return;
      }
    }
    for (const other of ctx.state.interfaces.values()) {
      if (other === itf) continue;
      for (const a of [other.ip, ...other.secondaries]) {
        if (!a) continue;
        const ml = Math.min(len, maskLen(a.mask) ?? 32);
        const m = ml === 0 ? 0 : (0xffffffff << (32 - ml)) >>> 0;
        if (((ipToInt(a.addr) & m) >>> 0) === ((ipToInt(addr) & m) >>> 0)) {
          const n = [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
          ctx.error(`% ${n} overlaps with ${other.name}`);
          return;
        }
      }
    }
    if (secondary) {
      // IOS prints secondaries before the primary, so replay must accept them first.
      if (!itf.secondaries.some((s) => s.addr === addr)) itf.secondaries.push({ addr, mask });
    } else itf.ip = { addr, mask };
  },
  'interface.shutdown'(ctx) {
    const itf = ifOf(ctx);
    if (!itf) return;
    const was = itf.shutdown;
    itf.shutdown = !ctx.negated;
    linkLogs(ctx.device, itf, was);
  },
  'interface.description'(ctx) {
    const itf = ifOf(ctx);
    if (!itf) return;
    if (ctx.negated) delete itf.description;
    else itf.description = String(ctx.args.text).slice(0, 240);
  },
  'interface.duplex'(ctx) {
    const itf = ifOf(ctx);
    if (!itf) return;
    if (!itf.name.startsWith('FastEthernet')) {
      ctx.invalid('duplex');
      return;
    }
    itf.duplex = ctx.negated ? 'auto' : (String(ctx.args.value) as 'auto' | 'full' | 'half');
  },
  'interface.speed'(ctx) {
    const itf = ifOf(ctx);
    if (!itf) return;
    if (!itf.name.startsWith('FastEthernet')) {
      ctx.invalid('speed');
      return;
    }
    itf.speed = ctx.negated ? 'auto' : (String(ctx.args.value) as '10' | '100' | 'auto');
  },
  'show.ip-interface-brief'(ctx) {
    ctx.out('Interface                  IP-Address      OK? Method Status                Protocol');
    for (const itf of briefOrder(ctx.device)) {
      const st = ctx.device.interfaceStatus(itf.name);
      ctx.out(`${itf.name.padEnd(27)}${(itf.ip?.addr ?? 'unassigned').padEnd(16)}YES ${itf.method.padEnd(7)}${st.status.padEnd(22)}${st.protocol}`);
    }
  },
  'show.interfaces'(ctx) {
    const name = ctx.args.ifname;
    const list = typeof name === 'string' ? [ctx.state.interfaces.get(name)] : briefOrder(ctx.device);
    if (list[0] === undefined) {
      ctx.invalid(ctx.line.trim().split(/\s+/).slice(2).join(' ') || undefined);
      return;
    }
    for (const itf of list) if (itf) for (const l of showInterface(ctx.device, itf)) ctx.out(l);
  },
};

/** `show ip interface brief` order: physical ports first, then virtual ones by type/number. */
function briefOrder(device: Device): InterfaceState[] {
  const all = [...device.state.interfaces.values()];
  return [...all.filter((i) => i.physical), ...all.filter((i) => !i.physical).sort((a, b) => compareInterfaces(a.name, b.name))];
}

function mac(device: Device, name: string): string {
  // Stable per device and port: derived from the serial number (no Rng draw, so adding
  // interfaces never shifts other random streams).
  let h = 0x811c9dc5;
  for (const c of device.serial + name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const hex = ('0019' + h.toString(16).padStart(8, '0')).slice(0, 12);
  return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8, 12)}`;
}

function showInterface(device: Device, itf: InterfaceState): string[] {
  const st = device.interfaceStatus(itf.name);
  const out: string[] = [`${itf.name} is ${st.status}, line protocol is ${st.protocol} `];
  const fe = itf.name.startsWith('FastEthernet');
  const lo = itf.name.startsWith('Loopback');
  if (fe) {
    const m = mac(device, itf.name);
    out.push(`  Hardware is MV96340 Ethernet, address is ${m} (bia ${m})`);
  } else if (lo) out.push('  Hardware is Loopback');
  else out.push('  Hardware is GT96K Serial');
  if (itf.description !== undefined) out.push(`  Description: ${itf.description}`);
  if (itf.ip) out.push(`  Internet address is ${itf.ip.addr}/${maskLen(itf.ip.mask)}`);
  if (fe) out.push('  MTU 1500 bytes, BW 100000 Kbit/sec, DLY 100 usec, ');
  else if (lo) out.push('  MTU 1514 bytes, BW 8000000 Kbit/sec, DLY 5000 usec, ');
  else out.push('  MTU 1500 bytes, BW 1544 Kbit/sec, DLY 20000 usec, ');
  out.push('     reliability 255/255, txload 1/255, rxload 1/255');
  if (fe) {
    out.push('  Encapsulation ARPA, loopback not set');
    out.push('  Keepalive set (10 sec)');
    out.push(st.status === 'up' ? '  Full-duplex, 100Mb/s, 100BaseTX/FX' : '  Auto-duplex, Auto Speed, 100BaseTX/FX');
    out.push('  ARP type: ARPA, ARP Timeout 04:00:00');
  } else if (lo) {
    out.push('  Encapsulation LOOPBACK, loopback not set');
    out.push('  Keepalive set (10 sec)');
  } else {
    out.push('  Encapsulation HDLC, crc 16, loopback not set');
    out.push('  Keepalive set (10 sec)');
  }
  out.push('  Last input never, output never, output hang never');
  out.push('  Last clearing of "show interface" counters never');
  out.push('  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0');
  out.push('  Queueing strategy: fifo');
  out.push('  Output queue: 0/40 (size/max)');
  out.push('  5 minute input rate 0 bits/sec, 0 packets/sec');
  out.push('  5 minute output rate 0 bits/sec, 0 packets/sec');
  out.push('     0 packets input, 0 bytes, 0 no buffer');
  out.push('     Received 0 broadcasts, 0 runts, 0 giants, 0 throttles');
  out.push('     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort');
  out.push('     0 packets output, 0 bytes, 0 underruns');
  out.push('     0 output errors, 0 collisions, 0 interface resets');
  out.push('     0 unknown protocol drops');
  out.push('     0 output buffer failures, 0 output buffers swapped out');
  return out;
}

const sections: Section[] = [
  {
    id: 'interface.all',
    order: 900,
    render({ state }, w) {
      const list = [...state.interfaces.values()].sort((a, b) => compareInterfaces(a.name, b.name));
      for (const itf of list) {
        renderInterface(itf, w);
        w.bang();
      }
    },
  },
];

export const interfaceFeature: Feature = {
  id: 'interface',
  commands: INTERFACE_COMMANDS,
  handlers,
  sections,
};
