/**
 * Core IOS modes. The EXEC prompt character is chosen by the session from the privilege
 * level (`>` at 0–1, `#` at 2–15), so one `exec` mode serves both user and privileged EXEC.
 * Features may contribute more modes (e.g. PKI's `ca-trustpoint`) through their Feature.
 */
import type { ModeSpec } from '../types.js';

export const EXEC: ModeSpec = { id: 'exec', prompt: '>', kind: 'exec' };
export const CONFIG: ModeSpec = { id: 'config', prompt: '(config)#', kind: 'config' };
export const CONFIG_IF: ModeSpec = { id: 'config-if', parent: 'config', prompt: '(config-if)#', kind: 'config' };
export const CONFIG_LINE: ModeSpec = { id: 'config-line', parent: 'config', prompt: '(config-line)#', kind: 'config' };

export const CORE_MODES: readonly ModeSpec[] = [EXEC, CONFIG, CONFIG_IF, CONFIG_LINE];

/** Every config mode of the core; features list their own modes in their CommandSpecs. */
export const CONFIG_MODES = ['config', 'config-if', 'config-line'] as const;
