/**
 * Twin-only commands (NOT IOS): drive the simulated clock and the lab's PKI switches.
 * They are deliberately visible in `?` help with a text that says they are not IOS, so nobody
 * mistakes them for router commands. Privileged EXEC only. Bound by sim/features/simulation/.
 */
import type { CommandSpec } from '../types.js';

const SIM = 'Router Twin simulation control (not IOS)';
const show = 'Show running system information';

export const SIMULATION_COMMANDS: CommandSpec[] = [
  {
    id: 'sim.advance',
    modes: ['exec'],
    privilege: 15,
    syntax: 'simulation advance DURATION$duration',
    help: { simulation: SIM, advance: 'Run every event due in the next DURATION at simulation speed', duration: 'Duration such as 90d, 12h, 30m or 1d12h' },
  },
  {
    id: 'sim.rate',
    modes: ['exec'],
    privilege: 15,
    syntax: 'simulation rate < <1-100000000>$factor | step$step >',
    help: {
      simulation: SIM,
      rate: 'Pace simulated time against real time',
      factor: 'Simulated seconds per real second (1 = real time)',
      step: 'Freeze the clock: time moves only with simulation advance',
    },
  },
  {
    id: 'sim.pki.key-rollover',
    modes: ['exec'],
    privilege: 15,
    syntax: 'simulation pki key-rollover < on$state | off$state >',
    help: {
      simulation: SIM,
      pki: 'PKI behaviour switches of this device',
      'key-rollover': 'Key Rollover for Certificate Renewal (IOS 12.3(7)T)',
      on: 'Keep the old key and certificate until the new certificate arrives (12.3(7)T and later)',
      off: 'Pre-12.3(7)T: delete the old key and certificate as soon as the new key exists',
    },
  },
  {
    id: 'sim.pki.ca',
    modes: ['exec'],
    privilege: 15,
    syntax: 'simulation pki server WORD$name < down$state | up$state | delay$state DURATION$delay | reject$state | accept$state >',
    help: {
      simulation: SIM,
      pki: 'PKI behaviour switches of this device',
      server: 'Fault switches of this device\'s certificate server',
      name: 'Certificate Server Name',
      down: 'Stop answering SCEP requests (clients see the CA as unreachable)',
      up: 'Answer SCEP requests again',
      delay: 'Answer SCEP requests after a delay',
      reject: 'Reject every new enrollment request',
      accept: 'Stop rejecting enrollment requests',
    },
  },
  {
    id: 'show.simulation',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show simulation [events]',
    help: { show, simulation: SIM, events: 'Recent simulation events (PKI, NVRAM, syslog)' },
  },
];
