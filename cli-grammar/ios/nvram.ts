/** Saving, erasing and reloading (ios-behaviour §4). */
import type { CommandSpec } from '../types.js';

export const NVRAM_COMMANDS: CommandSpec[] = [
  {
    id: 'nvram.write',
    modes: ['exec'],
    privilege: 15,
    syntax: 'write [<memory|erase|terminal>$what]',
    help: {
      write: 'Write running configuration to memory, network, or terminal',
      memory: 'Write to NV memory',
      erase: 'Erase NV memory',
      terminal: 'Write to terminal',
    },
  },
  {
    id: 'nvram.copy',
    modes: ['exec'],
    privilege: 15,
    syntax: 'copy <running-config|startup-config|system:running-config|nvram:startup-config>$src <running-config|startup-config|system:running-config|nvram:startup-config>$dst',
    help: {
      copy: 'Copy from one file to another',
      'running-config': 'Copy from current system configuration',
      'startup-config': 'Copy from startup configuration',
      'system:running-config': 'Copy from system: file system',
      'nvram:startup-config': 'Copy from nvram: file system',
    },
  },
  {
    id: 'nvram.erase',
    modes: ['exec'],
    privilege: 15,
    syntax: 'erase <startup-config|nvram:>$what',
    help: { erase: 'Erase a filesystem', 'startup-config': 'Erase contents of configuration memory', 'nvram:': 'Filesystem to be erased' },
  },
  { id: 'nvram.reload', modes: ['exec'], privilege: 15, syntax: 'reload', help: { reload: 'Halt and perform a cold restart' } },
];
