/**
 * Acceptance-audit regressions (issues #3/#4) found by driving the product over SSH.
 */
import { describe, expect, it } from 'vitest';
import { lab, R1_CONFIG } from './lab.js';

describe('simulation advance from an SSH session', () => {
  it('does not end the session typing it by its own exec-timeout (default 10 minutes)', async () => {
    const { t } = await lab({ r1Config: R1_CONFIG.replace(' exec-timeout 0 0\n', '') });
    await t.cmd('enable');
    const out = await t.cmd('simulation advance 30d');
    expect(out).toMatch(/Simulated 30d: \d+ events?, R1 clock now/);
    expect(t.closed()).toBeUndefined();
    expect(await t.cmd('show clock')).toMatch(/Jan 31/);
    // idle time counts again from the end of the advance: a later advance past 10 minutes
    // issued by the same session still does not close it, but plain idling does.
    await t.cmd('simulation advance 11m');
    expect(t.closed()).toBeUndefined();
  });
});
