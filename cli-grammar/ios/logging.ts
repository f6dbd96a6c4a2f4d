/** Syslog configuration (`logging buffered`, `logging console`). */
import type { CommandSpec } from '../types.js';

const logging = 'Modify message logging facilities';
const levels = {
  emergencies: 'System is unusable                (severity=0)',
  alerts: 'Immediate action needed           (severity=1)',
  critical: 'Critical conditions               (severity=2)',
  errors: 'Error conditions                  (severity=3)',
  warnings: 'Warning conditions                (severity=4)',
  notifications: 'Normal but significant conditions (severity=5)',
  informational: 'Informational messages            (severity=6)',
  debugging: 'Debugging messages                (severity=7)',
};
const LEVEL_ALT = '< <0-7>$level | emergencies$levelName | alerts$levelName | critical$levelName | errors$levelName | warnings$levelName | notifications$levelName | informational$levelName | debugging$levelName >';

export const LOGGING_COMMANDS: CommandSpec[] = [
  {
    id: 'logging.buffered',
    modes: ['config'],
    no: true,
    default: true,
    syntax: `logging buffered [<4096-2147483647>$size] [${LEVEL_ALT}]`,
    help: { logging, buffered: 'Set buffered logging parameters', size: 'Logging buffer size', level: 'Logging severity level', ...levels },
  },
  {
    id: 'logging.console',
    modes: ['config'],
    no: true,
    syntax: `logging console [${LEVEL_ALT}]`,
    help: { logging, console: 'Set console logging parameters', level: 'Logging severity level', ...levels },
  },
  {
    id: 'logging.monitor',
    modes: ['config'],
    no: true,
    syntax: `logging monitor [${LEVEL_ALT}]`,
    help: { logging, monitor: 'Set terminal line (monitor) logging parameters', level: 'Logging severity level', ...levels },
  },
];
