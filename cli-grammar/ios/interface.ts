/** `interface` and the config-if sub-mode. */
import type { CommandSpec } from '../types.js';

export const INTERFACE_COMMANDS: CommandSpec[] = [
  {
    id: 'interface.enter',
    modes: ['config'],
    no: true,
    syntax: 'interface INTERFACE$ifname',
    noSyntax: 'interface INTERFACE$ifname',
    help: { interface: 'Select an interface to configure', ifname: 'Interface name' },
  },
  {
    id: 'interface.ip-address',
    modes: ['config-if'],
    no: true,
    syntax: 'ip address A.B.C.D$addr A.B.C.D$mask [secondary]',
    help: {
      ip: 'Interface Internet Protocol config commands',
      address: 'Set the IP address of an interface',
      addr: 'IP address',
      mask: 'IP subnet mask',
      secondary: 'Make this IP address a secondary address',
    },
  },
  { id: 'interface.shutdown', modes: ['config-if'], no: true, syntax: 'shutdown', help: { shutdown: 'Shutdown the selected interface' } },
  {
    id: 'interface.description',
    modes: ['config-if'],
    no: true,
    syntax: 'description LINE$text',
    help: { description: 'Interface specific description', text: 'Up to 240 characters describing this interface' },
  },
  {
    id: 'interface.duplex',
    modes: ['config-if'],
    no: true,
    syntax: 'duplex <auto|full|half>$value',
    help: { duplex: 'Configure duplex operation.', auto: 'Enable AUTO duplex configuration', full: 'Force full duplex operation', half: 'Force half-duplex operation' },
  },
  {
    id: 'interface.speed',
    modes: ['config-if'],
    no: true,
    syntax: 'speed <10|100|auto>$value',
    help: { speed: 'Configure speed operation.', '10': 'Force 10 Mbps operation', '100': 'Force 100 Mbps operation', auto: 'Enable AUTO speed configuration' },
  },
];
