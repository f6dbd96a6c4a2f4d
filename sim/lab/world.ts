/**
 * Builds the simulator core's World for a lab (bridge lab file → core).
 * Placeholder until the core (sim/world) lands.
 */
import type { WorldFactory } from './run.js';

export const createLabWorld: WorldFactory = () => {
  throw new Error('the simulator core (sim/world) is not available yet');
};
