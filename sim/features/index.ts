/**
 * THE feature list. A new feature (pki, ike, …) is registered by adding ONE entry here.
 * The registry (grammar, handlers, sections) is built once per process, on first use.
 */
import type { Feature } from '../device/feature.js';
import { Registry } from '../device/registry.js';
import { execFeature } from './exec/index.js';
import { systemFeature } from './system/index.js';
import { loggingFeature } from './logging/index.js';
import { usersFeature } from './users/index.js';
import { interfaceFeature } from './interface/index.js';
import { lineFeature } from './line/index.js';
import { nvramFeature } from './nvram/index.js';
import { pkiFeature } from './pki/index.js';
import { simulationFeature } from './simulation/index.js';
import { ikeFeature } from './ike/index.js';

export const FEATURES: Feature[] = [
  execFeature,
  systemFeature,
  loggingFeature,
  usersFeature,
  interfaceFeature,
  lineFeature,
  nvramFeature,
  pkiFeature,
  simulationFeature,
  ikeFeature,
];

let shared: Registry | undefined;

/** The process-wide registry (built lazily so features can be appended before first use). */
export function getRegistry(): Registry {
  return (shared ??= new Registry(FEATURES));
}

/** Register an extra feature before any device is created (tests, plug-ins). */
export function registerFeature(f: Feature): void {
  if (shared) throw new Error(`registerFeature(${f.id}): the registry is already built`);
  FEATURES.push(f);
}
