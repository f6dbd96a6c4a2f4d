/** `show` commands of the core (features with their own shows declare them in their file). */
import type { CommandSpec } from '../types.js';

const show = 'Show running system information';

export const SHOW_COMMANDS: CommandSpec[] = [
  { id: 'show.version', modes: ['exec'], privilege: 1, syntax: 'show version', help: { show, version: 'System hardware and software status' } },
  {
    id: 'show.running-config',
    modes: ['exec'],
    privilege: 15,
    syntax: 'show running-config [interface INTERFACE$ifname]',
    help: { show, 'running-config': 'Current operating configuration', interface: 'Show interface configuration', ifname: 'Interface name' },
  },
  { id: 'show.startup-config', modes: ['exec'], privilege: 15, syntax: 'show startup-config', help: { show, 'startup-config': 'Contents of startup configuration' } },
  { id: 'show.privilege', modes: ['exec'], privilege: 0, syntax: 'show privilege', help: { show, privilege: 'Show current privilege level' } },
  { id: 'show.clock', modes: ['exec'], privilege: 1, syntax: 'show clock [detail]', help: { show, clock: 'Display the system clock', detail: 'Display detailed information' } },
  { id: 'show.users', modes: ['exec'], privilege: 1, syntax: 'show users [all]', help: { show, users: 'Display information about terminal lines', all: 'Include information about inactive ports' } },
  {
    id: 'show.ip-interface-brief',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show ip interface brief',
    help: { show, ip: 'IP information', interface: 'IP interface status and configuration', brief: 'Brief summary of IP status and configuration' },
  },
  {
    id: 'show.interfaces',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show interfaces [INTERFACE$ifname]',
    help: { show, interfaces: 'Interface status and configuration', ifname: 'Interface name' },
  },
  { id: 'show.logging', modes: ['exec'], privilege: 1, syntax: 'show logging', help: { show, logging: 'Show the contents of logging buffers' } },
  { id: 'show.history', modes: ['exec'], privilege: 0, syntax: 'show history', help: { show, history: 'Display the session command history' } },
  { id: 'show.terminal', modes: ['exec'], privilege: 0, syntax: 'show terminal', help: { show, terminal: 'Display terminal configuration parameters' } },
];
