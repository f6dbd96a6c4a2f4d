/**
 * Thin adapter to the IKE simulation (sim/features/ike, owned by the IKE helpers): install a
 * lab's `ike:` peers into a World and read per-peer attempt totals and outages. Loaded lazily so
 * scenarios without IKE never depend on it; a missing or failing module is a clear error.
 */
import type { World } from '../world/world.js';

export interface IkeStats {
  peer: string;
  router: string;
  attempts: number;
  successes: number;
  failures: number;
  longestOutageMs: number;
  totalOutageMs: number;
  outages: number;
  outageSince?: number | undefined;
  last?: { t: number; ok: boolean; reason?: string | undefined } | undefined;
}

interface IkeModules {
  install(world: World, spec: unknown): void;
  stats(world: World, f: { router?: string; peer?: string }): IkeStats[];
}

let mods: IkeModules | undefined;

/** Load the IKE simulation modules once (throws a readable Error when unavailable). */
export async function loadIke(): Promise<IkeModules> {
  if (mods) return mods;
  try {
    const lab = await import('../features/ike/lab.js');
    const rec = await import('../features/ike/records.js');
    mods = {
      install: (w, spec) => void lab.installIkeLab(w, spec),
      stats: (w, f) => rec.ikePeerStats(w, f) as IkeStats[],
    };
    return mods;
  } catch (e) {
    throw new Error(`IKE peers need the IKE simulation (sim/features/ike): ${(e as Error).message}`);
  }
}

/** Already-loaded modules (sync callers such as the dashboard), or undefined. */
export function ikeLoaded(): IkeModules | undefined {
  return mods;
}
