/**
 * The scenario and lab subcommands of `twin` (play, record, lab), registered by one call from
 * sim/bin/twin.ts so that file stays the ssh helper's.
 */
import type { Command } from 'commander';
import { addPlayCommand } from './play.js';
import { addRecordCommand } from './record.js';
import { addLabCommand } from './lab.js';

export function addScenarioCommands(program: Command): void {
  const exit = (code: number) => {
    process.exitCode = code;
    // flush stdout/stderr before leaving (pipes)
    process.stdout.write('', () => process.exit(code));
  };
  addPlayCommand(program, exit);
  addRecordCommand(program, exit);
  addLabCommand(program, exit);
}
