/**
 * Aggregates the core IOS command declarations and modes.
 *
 * sim/ builds ONE Grammar per process from the features' declarations
 * (sim/features/index.ts); this index exists for grammar-only users (checkGrammar tests,
 * docs). Feature files: exec.ts, show.ts, nvram.ts, system.ts, interface.ts, line.ts,
 * logging.ts, users.ts. A later feature (e.g. pki.ts) exports its own CommandSpec[] and
 * ModeSpec[] and is registered in sim/features/index.ts, not here.
 */
import type { CommandSpec, ModeSpec } from '../types.js';
import { CORE_MODES } from './modes.js';
import { EXEC_COMMANDS } from './exec.js';
import { SHOW_COMMANDS } from './show.js';
import { NVRAM_COMMANDS } from './nvram.js';
import { CONFIG_NAV_COMMANDS, SYSTEM_COMMANDS } from './system.js';
import { INTERFACE_COMMANDS } from './interface.js';
import { LINE_COMMANDS } from './line.js';
import { LOGGING_COMMANDS } from './logging.js';
import { USER_COMMANDS } from './users.js';
import { PIPE_COMMANDS, PIPE_MODE } from './pipe.js';

export { PIPE_COMMANDS, PIPE_MODE, CORE_MODES, EXEC_COMMANDS, SHOW_COMMANDS, NVRAM_COMMANDS, CONFIG_NAV_COMMANDS, SYSTEM_COMMANDS, INTERFACE_COMMANDS, LINE_COMMANDS, LOGGING_COMMANDS, USER_COMMANDS };

export const CORE_COMMANDS: readonly CommandSpec[] = [
  ...EXEC_COMMANDS,
  ...SHOW_COMMANDS,
  ...NVRAM_COMMANDS,
  ...CONFIG_NAV_COMMANDS,
  ...SYSTEM_COMMANDS,
  ...INTERFACE_COMMANDS,
  ...LINE_COMMANDS,
  ...LOGGING_COMMANDS,
  ...USER_COMMANDS,
  ...PIPE_COMMANDS,
];

export const CORE_MODE_SPECS: readonly ModeSpec[] = [...CORE_MODES, PIPE_MODE];
