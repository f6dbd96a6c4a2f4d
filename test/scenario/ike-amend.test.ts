import { describe, expect, it } from 'vitest';
import { ikeSummary, withIkeAmendments } from '../../sim/scenario/report.js';
import type { RunResult } from '../../sim/scenario/runner.js';

const ev = (type: string, wall: number, data: Record<string, unknown>) => ({ t: wall, seq: wall, wall, type, device: 'R1', data });

describe('IKE attempts corrected after the fact', () => {
  const events = [
    ev('ike.attempt', 1000, { peer: 'sw', connId: 7, ok: true }),
    ev('ike.attempt', 2000, { peer: 'sw', connId: 8, ok: true }),
    ev('ike.attempt.amended', 2001, { peer: 'sw', connId: 8, ok: false, reason: 'peer rejected', amended: true }),
    ev('ike.attempt', 3000, { peer: 'sw', connId: 9, ok: true }),
  ];

  it('replaces the original record in place and drops the amendment event', () => {
    const out = withIkeAmendments(events);
    expect(out.map((e) => e.type)).toEqual(['ike.attempt', 'ike.attempt', 'ike.attempt']);
    expect(out[1]!.wall).toBe(2000);
    expect(out[1]!.data.ok).toBe(false);
    expect(out[1]!.data.reason).toBe('peer rejected');
  });

  it('the summary counts the corrected outcome once', () => {
    const [s] = ikeSummary({ events } as unknown as RunResult);
    expect(s).toMatchObject({ router: 'R1', peer: 'sw', attempts: 3, failures: 1, outages: 1, longestOutageMs: 1000, reasons: { 'peer rejected': 1 } });
  });
});
