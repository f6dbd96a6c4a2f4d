/** `line con|aux|vty` and the config-line sub-mode. */
import type { CommandSpec } from '../types.js';

export const LINE_COMMANDS: CommandSpec[] = [
  {
    id: 'line.enter',
    modes: ['config'],
    syntax: 'line <console|aux|vty>$kind <0-15>$first [<1-15>$last]',
    help: {
      line: 'Configure a terminal line',
      console: 'Primary terminal line',
      aux: 'Auxiliary line',
      vty: 'Virtual terminal',
      first: 'First Line number',
      last: 'Last Line number',
    },
  },
  { id: 'line.login', modes: ['config-line'], no: true, syntax: 'login [local]', help: { login: 'Enable password checking', local: 'Local password checking' } },
  { id: 'line.password', modes: ['config-line'], no: true, syntax: 'password LINE$text', help: { password: 'Set a password', text: 'The UNENCRYPTED (cleartext) line password' } },
  {
    id: 'line.exec-timeout',
    modes: ['config-line'],
    no: true,
    default: true,
    syntax: 'exec-timeout <0-35791>$minutes [<0-2147483>$seconds]',
    help: { 'exec-timeout': 'Set the EXEC timeout', minutes: 'Timeout in minutes', seconds: 'Timeout in seconds' },
  },
  {
    id: 'line.transport-input',
    modes: ['config-line'],
    no: true,
    syntax: 'transport input < all$proto | none$proto | {ssh|telnet} >',
    help: {
      transport: 'Define transport protocols for line',
      input: 'Define which protocols to use when connecting to the terminal server',
      all: 'All protocols',
      none: 'No protocols',
      ssh: 'TCP/IP SSH protocol',
      telnet: 'TCP/IP Telnet protocol',
    },
  },
  {
    id: 'line.privilege-level',
    modes: ['config-line'],
    no: true,
    syntax: 'privilege level <0-15>$privLevel',
    help: { privilege: 'Change privilege level for line', level: 'Assign default privilege level for line', privLevel: 'Default privilege level for line' },
  },
  {
    id: 'line.logging-synchronous',
    modes: ['config-line'],
    no: true,
    syntax: 'logging synchronous',
    help: { logging: 'Modify message logging facilities', synchronous: 'Synchronized message output' },
  },
];
