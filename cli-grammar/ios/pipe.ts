/** Output modifiers after `|` (mode 'pipe', matched by sim/cli/executor.ts). */
import type { CommandSpec, ModeSpec } from '../types.js';

export const PIPE_MODE: ModeSpec = { id: 'pipe', prompt: '', kind: 'exec' };

const regex = 'Regular Expression';
export const PIPE_COMMANDS: CommandSpec[] = [
  { id: 'pipe.begin', modes: ['pipe'], privilege: 0, syntax: 'begin LINE$regex', help: { begin: 'Begin with the line that matches', regex } },
  { id: 'pipe.count', modes: ['pipe'], privilege: 0, syntax: 'count LINE$regex', help: { count: 'Count number of lines which match regexp', regex } },
  { id: 'pipe.exclude', modes: ['pipe'], privilege: 0, syntax: 'exclude LINE$regex', help: { exclude: 'Exclude lines that match', regex } },
  { id: 'pipe.include', modes: ['pipe'], privilege: 0, syntax: 'include LINE$regex', help: { include: 'Include lines that match', regex } },
  { id: 'pipe.section', modes: ['pipe'], privilege: 0, syntax: 'section LINE$regex', help: { section: 'Filter a section of output', regex } },
];
