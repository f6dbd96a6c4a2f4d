/**
 * Plays every shipped scenario (scenarios/*.yaml) with its pinned seed: each must pass.
 * A failure message carries the seed, phase, step position, transcript tail and diff.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { formatFailure, playScenario } from '../../sim/scenario/runner.js';

const DIR = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('shipped scenario library', () => {
  it('has the scenarios issue #6 asks for', () => {
    for (const name of [
      'autoenroll-90-regenerate.yaml',
      'manual-enroll-regenerate.yaml',
      'autosave-clean-config.yaml',
      'noautosave-lost-on-reload.yaml',
      'shared-keypair-loss.yaml',
      'ca-outage-during-renewal.yaml',
      'ca-outage-past-expiry.yaml',
      'pre-rollover-outage-vs-rollover.yaml',
      'auto-enroll-percent-below-10.yaml',
    ]) {
      expect(files).toContain(name);
    }
  });

  for (const f of files) {
    it(`plays ${f}`, async () => {
      const s = loadScenarioFile(join(DIR, f));
      const r = await playScenario(s);
      expect(r.ok, formatFailure(r)).toBe(true);
    });
  }
});
