/**
 * Logging feature: `logging buffered|console|monitor`, `show logging`; section 400.
 */
import { LOGGING_COMMANDS } from '../../../cli-grammar/ios/logging.js';
import type { Feature, Handler, Section } from '../../device/feature.js';
import { SEVERITY_NAMES, type Severity } from '../../device/state.js';
import { levelFromArgs } from '../util.js';

const DEFAULT_BUFFER = 4096;

const handlers: Record<string, Handler> = {
  'logging.buffered'(ctx) {
    const b = ctx.state.logging.buffered;
    if (ctx.prefix === 'default') {
      Object.assign(b, { enabled: true, size: DEFAULT_BUFFER, level: 7 });
    } else if (ctx.negated) {
      b.enabled = false;
    } else {
      b.enabled = true;
      if (typeof ctx.args.size === 'number') b.size = ctx.args.size;
      const lv = levelFromArgs(ctx.args);
      if (lv !== undefined) b.level = lv;
    }
    ctx.device.syslog.resize();
  },
  'logging.console'(ctx) {
    const c = ctx.state.logging.console;
    if (ctx.negated) c.enabled = false;
    else {
      c.enabled = true;
      c.level = levelFromArgs(ctx.args) ?? 7;
    }
  },
  'logging.monitor'(ctx) {
    const c = ctx.state.logging.monitor;
    if (ctx.negated) c.enabled = false;
    else {
      c.enabled = true;
      c.level = levelFromArgs(ctx.args) ?? 7;
    }
  },
  'show.logging'(ctx) {
    const lg = ctx.state.logging;
    const cnt = ctx.device.syslog.counts;
    const lvl = (on: boolean, l: Severity, n: number) => (on ? `level ${SEVERITY_NAMES[l]}, ${n} messages logged` : 'disabled');
    // RECALLED 12.4(24)T layout (values reflect the twin's state).
    ctx.out(`Syslog logging: enabled (${cnt.dropped} messages dropped, 0 messages rate-limited,`);
    ctx.out('                0 flushes, 0 overruns, xml disabled, filtering disabled)');
    ctx.out('');
    ctx.out('No Active Message Discriminator.');
    ctx.out('');
    ctx.out('');
    ctx.out('');
    ctx.out('No Inactive Message Discriminator.');
    ctx.out('');
    ctx.out('');
    ctx.out(`    Console logging: ${lvl(lg.console.enabled, lg.console.level, cnt.console)}, xml disabled,`);
    ctx.out('                     filtering disabled');
    ctx.out(`    Monitor logging: ${lvl(lg.monitor.enabled, lg.monitor.level, cnt.monitor)}, xml disabled,`);
    ctx.out('                     filtering disabled');
    ctx.out(`    Buffer logging:  ${lvl(lg.buffered.enabled, lg.buffered.level, cnt.buffer)}, xml disabled,`);
    ctx.out('                    filtering disabled');
    ctx.out('    Logging Exception size (4096 bytes)');
    ctx.out('    Count and timestamp logging messages: disabled');
    ctx.out('    Persistent logging: disabled');
    ctx.out('');
    ctx.out('No active filter modules.');
    ctx.out('');
    ctx.out(`    Trap logging: level informational, ${cnt.trap} message lines logged`);
    if (!lg.buffered.enabled) return;
    ctx.out('');
    ctx.out(`Log Buffer (${lg.buffered.size} bytes):`);
    ctx.out('');
    for (const e of ctx.device.syslog.entries()) for (const l of e.text.split('\n')) ctx.out(l);
  },
};

const sections: Section[] = [
  {
    id: 'logging.config',
    order: 400,
    render({ state }, w) {
      const b = state.logging.buffered;
      if (!b.enabled) w.line('no logging buffered');
      else if (b.size !== DEFAULT_BUFFER || b.level !== 7) w.line(`logging buffered ${b.size}${b.level !== 7 ? ` ${SEVERITY_NAMES[b.level]}` : ''}`);
      const c = state.logging.console;
      if (!c.enabled) w.line('no logging console');
      else if (c.level !== 7) w.line(`logging console ${SEVERITY_NAMES[c.level]}`);
      const m = state.logging.monitor;
      if (!m.enabled) w.line('no logging monitor');
      else if (m.level !== 7) w.line(`logging monitor ${SEVERITY_NAMES[m.level]}`);
    },
  },
];

export const loggingFeature: Feature = {
  id: 'logging',
  commands: LOGGING_COMMANDS,
  handlers,
  sections,
};
