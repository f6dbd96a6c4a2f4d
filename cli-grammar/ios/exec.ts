/**
 * EXEC-level commands of the core: privilege changes, session/terminal settings,
 * leaving. (Show commands live in show.ts, NVRAM commands in nvram.ts.)
 */
import type { CommandSpec } from '../types.js';

const H = {
  enable: 'Turn on privileged commands',
  disable: 'Turn off privileged commands',
  level: 'Enable level',
  exit: 'Exit from the EXEC',
  logout: 'Exit from the EXEC',
  terminal: 'Set terminal line parameters',
  length: 'Set number of lines on a screen',
  width: 'Set width of the display terminal',
  monitor: 'Copy debug output to the current terminal line',
  no: 'Negate a command or set its defaults',
  lines: 'Number of lines on screen (0 for no pausing)',
  characters: 'Number of characters on a screen line',
  configure: 'Enter configuration mode',
  terminalSrc: 'Configure from the terminal',
  memory: 'Configure from NV memory',
  network: 'Configure from a TFTP network host',
  clock: 'Manage the system clock',
  set: 'Set the time and date',
  time: 'Current Time',
  day: 'Day of the month',
  month: 'Month of the year',
  year: 'Year',
};

export const EXEC_COMMANDS: CommandSpec[] = [
  { id: 'exec.enable', modes: ['exec'], privilege: 0, syntax: 'enable [<0-15>$level]', help: { enable: H.enable, level: H.level } },
  { id: 'exec.disable', modes: ['exec'], privilege: 0, syntax: 'disable [<0-15>$level]', help: { disable: H.disable, level: 'Privilege level to go to' } },
  { id: 'exec.exit', modes: ['exec'], privilege: 0, syntax: 'exit', help: { exit: H.exit } },
  { id: 'exec.exit', modes: ['exec'], privilege: 0, syntax: 'logout', help: { logout: H.logout } },
  { id: 'exec.exit', modes: ['exec'], privilege: 0, syntax: 'quit', help: { quit: H.exit }, hidden: true },
  { id: 'exec.terminal.length', modes: ['exec'], privilege: 0, syntax: 'terminal length <0-512>$lines', help: { terminal: H.terminal, length: H.length, lines: H.lines } },
  { id: 'exec.terminal.width', modes: ['exec'], privilege: 0, syntax: 'terminal width <0-512>$cols', help: { terminal: H.terminal, width: H.width, cols: H.characters } },
  { id: 'exec.terminal.monitor', modes: ['exec'], privilege: 1, syntax: 'terminal monitor', help: { terminal: H.terminal, monitor: H.monitor } },
  { id: 'exec.terminal.no-monitor', modes: ['exec'], privilege: 1, syntax: 'terminal no monitor', help: { terminal: H.terminal, no: H.no, monitor: H.monitor } },
  {
    id: 'exec.configure',
    modes: ['exec'],
    privilege: 15,
    syntax: 'configure [<terminal|memory|network>$source]',
    help: { configure: H.configure, terminal: H.terminalSrc, memory: H.memory, network: H.network },
  },
  {
    id: 'exec.clock.set',
    modes: ['exec'],
    privilege: 15,
    syntax: 'clock set HH:MM:SS$time < <1-31>$day MONTH$month | MONTH$month <1-31>$day > <1993-2035>$year',
    help: { clock: H.clock, set: H.set, time: H.time, day: H.day, month: H.month, year: H.year },
  },
];
