/**
 * THE HEADLINE: why key rollover (IOS 12.3(7)T) exists, measured.
 *
 * A simulated year; one-year certificates; R1 `auto-enroll 90 regenerate`; a CA that grants
 * MANUALLY two days after each request (typed on the CA's CLI); a VPN client connecting every
 * 10 minutes. Every attempt authenticates for real: both sides sign fresh nonces with their
 * current RSA keys and validate each other's certificate chains at their own wall time.
 *
 *  (a) with rollover: ZERO failed attempts, although R1's certificate AND key change;
 *  (b) pre-12.3(7)T (`simulation pki key-rollover off`): failures for the whole time the request
 *      waits at the CA (≈ 2 days of attempts), measured from the attempt records;
 *  (c) two regenerating trustpoints sharing one key pair: the affected trustpoint fails
 *      (key/cert mismatch, caught by the peer's real signature check) until it re-enrolls.
 */
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MIN, fmtMs, headlineRun, outages, type RunResult } from './harness.js';

function report(label: string, r: RunResult, peer: string): void {
  const recs = r.records.filter((x) => x.peer === peer);
  const fails = recs.filter((x) => !x.ok);
  const st = r.stats.find((s) => s.peer === peer)!;
  const serials = [...new Set(recs.map((x) => x.routerSerial).filter(Boolean))];
  console.log(
    `[headline ${label}] peer ${peer}: ${recs.length} attempts over ${fmtMs(r.end - r.start)}, ${fails.length} failed` +
      `, longest outage ${fmtMs(st.longestOutageMs)}${st.longestOutage?.ongoing ? ' (ongoing)' : ''}` +
      `, router certificates used: ${serials.join(' -> ')}, CA grants: ${r.grants.length}` +
      `, reasons: ${JSON.stringify(st.reasons)}, real time ${(r.elapsedMs / 1000).toFixed(1)} s`,
  );
}

describe('headline: IKE over a simulated year of auto-enroll 90 regenerate, CA grants after 2 days', () => {
  it('(a) with key rollover (12.3(7)T and later): zero failed attempts across the renewal', async () => {
    const r = await headlineRun();
    report('a: rollover', r, 'client1');
    const recs = r.records.filter((x) => x.peer === 'client1');
    // One attempt every 10 minutes for a year.
    expect(recs.length).toBeGreaterThanOrEqual(365 * 144 - 1);
    expect(recs.every((x) => x.via === 'sim' && x.direction === 'inbound')).toBe(true);
    expect(recs.filter((x) => !x.ok)).toEqual([]);
    // The renewal really happened: R1 authenticated with two certificates (and two keys) in turn.
    const serials = [...new Set(recs.map((x) => x.routerSerial))];
    expect(serials).toHaveLength(2);
    const switchAt = recs.find((x) => x.routerSerial === serials[1])!.t;
    // Renew date = 90 % of 365 days = day 328.5; the CA granted two days later.
    expect(switchAt - r.start).toBeGreaterThan(330 * DAY);
    expect(switchAt - r.start).toBeLessThan(331 * DAY + 2 * HOUR);
    // The peer renewed its own certificate too (80 %), also through a 2-day manual grant.
    expect(new Set(recs.map((x) => x.peerSerial)).size).toBe(2);
    expect(r.grants.length).toBe(2);
    for (const g of r.grants) expect(g.grantedAt - g.requestedAt).toBe(2 * DAY);
    const st = r.stats.find((s) => s.peer === 'client1')!;
    expect(st.failures).toBe(0);
    expect(st.longestOutageMs).toBe(0);
    // The same figures through the twin-only show.
    const sim = await r.t.cmd('show simulation ike');
    expect(sim).toMatch(new RegExp(`client1 +client +1 +${st.attempts} +0 +- +ok `));
    expect(r.logs.some((l) => l.includes('%CRYPTO-6-IKMP_MODE_FAILURE'))).toBe(false);
  }, 600_000);

  it('(b) pre-12.3(7)T (key-rollover off): every attempt fails while the request waits at the CA', async () => {
    const r = await headlineRun({ preRollover: true });
    report('b: pre-12.3(7)T', r, 'client1');
    const recs = r.records.filter((x) => x.peer === 'client1');
    const fails = recs.filter((x) => !x.ok);
    const o = outages(recs);
    // Exactly one outage: from the renewal (old key and certificate deleted) to the grant.
    expect(o).toHaveLength(1);
    const out = o[0]!;
    expect(out.reasons).toEqual(['no certificate']);
    expect(fails.every((x) => x.failedSide === 'router')).toBe(true);
    // ≈ 2 days of attempts: the manual grant delay, plus the router's next poll (retry period 60 min).
    const len = out.to - out.from;
    expect(len).toBeGreaterThanOrEqual(2 * DAY - 10 * MIN);
    expect(len).toBeLessThanOrEqual(2 * DAY + HOUR + 10 * MIN);
    expect(fails.length).toBeGreaterThanOrEqual(2 * 144 - 1);
    expect(fails.length).toBeLessThanOrEqual(2 * 144 + 7);
    expect(out.from - r.start).toBeGreaterThan(328 * DAY);
    expect(out.from - r.start).toBeLessThan(329 * DAY);
    const st = r.stats.find((s) => s.peer === 'client1')!;
    expect(st.failures).toBe(fails.length);
    expect(st.longestOutageMs).toBe(len);
    expect(st.longestOutage?.ongoing).toBe(false);
    // IOS-style log lines on the failures.
    expect(r.logs.filter((l) => l.includes('%CRYPTO-6-IKMP_MODE_FAILURE: Processing of Main mode failed with peer at 192.0.2.10')).length).toBe(fails.length);
    expect(r.logs.some((l) => l.includes('%CRYPTO-3-IKMP_QUERY_KEY: Querying key pair failed.'))).toBe(true);
    const detail = await r.t.cmd('show simulation ike client1');
    expect(detail).toContain(`failures ${fails.length} (no certificate ${fails.length})`);
    expect(detail).toMatch(/Longest outage: 2d0\d:\d\d:\d\d from /);
  }, 600_000);

  it('(c) two regenerating trustpoints sharing one key pair: the other trustpoint fails (key/cert mismatch)', async () => {
    const r = await headlineRun({ shared: true });
    report('c: shared key, trustpoint A', r, 'peerA');
    report('c: shared key, trustpoint B', r, 'peerB');
    const a = r.records.filter((x) => x.peer === 'peerA');
    const b = r.records.filter((x) => x.peer === 'peerB');
    // A rolled over cleanly: no failure.
    expect(a.filter((x) => !x.ok)).toEqual([]);
    expect(new Set(a.map((x) => x.routerSerial)).size).toBe(2);
    // B: from the moment A's new key took the shared label, B signs with a key its certificate
    // does not carry; the peer's signature check rejects every attempt until the end of the year
    // (B's own renewal is due on day 60 + 328.5).
    const o = outages(b);
    expect(o).toHaveLength(1);
    expect(o[0]!.reasons).toEqual(['key/cert mismatch']);
    const bf = b.filter((x) => !x.ok);
    expect(bf.every((x) => x.failedSide === 'router')).toBe(true);
    const aSwitch = a.find((x) => x.routerSerial !== a[0]!.routerSerial)!.t;
    expect(o[0]!.from).toBeGreaterThanOrEqual(aSwitch);
    expect(o[0]!.from - aSwitch).toBeLessThanOrEqual(10 * MIN);
    expect(b[b.length - 1]!.ok).toBe(false);
    const st = r.stats.find((s) => s.peer === 'peerB')!;
    expect(st.longestOutage?.ongoing).toBe(true);
    expect(st.longestOutageMs).toBeGreaterThan(30 * DAY);
    expect(bf.length).toBeGreaterThan(30 * 144);
    // IOS does not notice: B's certificate is still listed as available.
    expect(await r.t.cmd('show crypto pki certificates B')).toContain('Status: Available');
    expect(r.logs.some((l) => l.includes('%CRYPTO-6-IKMP_MODE_FAILURE'))).toBe(true);
  }, 600_000);
});
