/**
 * Report timeline details a PKI engineer reads: calendar month ticks (not every 91 days from
 * 1970), IKE outages visible as red spans even when a few hours long on a one-year axis, the
 * rollover certificate's label kept inside the plot, renewal points drawn on the trustpoint lane.
 */
import { describe, expect, it } from 'vitest';
import { fromCivil } from '../../sim/kernel/clock.js';
import { axisTicks, ikeOutages, renderDeviceSvg, type DeviceTimeline } from '../../sim/scenario/report.js';

const H = 3_600_000;
const D = 24 * H;
const jan1 = fromCivil(2026, 1, 1);

describe('report axis', () => {
  it('puts long runs on the first of calendar months', () => {
    const t = axisTicks(jan1, fromCivil(2027, 1, 1));
    expect(t[0]!.label).toBe('Jan 2026');
    expect(t.map((x) => x.label)).toContain('Jul 2026');
    for (const x of t) expect(new Date(x.at).getUTCDate()).toBe(1);
    expect(t.length).toBeLessThanOrEqual(13);
    const two = axisTicks(jan1, fromCivil(2028, 1, 1)).map((x) => x.label);
    expect(two.slice(0, 4)).toEqual(['Jan 2026', 'Mar 2026', 'May 2026', 'Jul 2026']);
    expect(two[two.length - 1]).toBe('Jan 2028');
    const five = axisTicks(jan1, fromCivil(2031, 1, 1)).map((x) => x.label);
    expect(five.slice(0, 3)).toEqual(['Jan 2026', 'Jul 2026', 'Jan 2027']);
  });
  it('keeps hours and days for short runs', () => {
    expect(axisTicks(jan1, jan1 + H).map((x) => x.label)[1]).toBe('00:15');
    expect(axisTicks(jan1, jan1 + 30 * D)[0]!.label).toBe('Jan 1 2026');
  });
});

describe('report IKE outages', () => {
  it('spans first failure to the next success, or to the last failure when ongoing', () => {
    const m = (at: number, ok: boolean) => ({ at, cls: ok ? 'ike-ok' : 'ike-fail', title: '' });
    expect(ikeOutages([m(0, true), m(10, false), m(20, false), m(30, true), m(40, false), m(50, false)])).toEqual([
      { from: 10, to: 30, failures: 2, ongoing: false },
      { from: 40, to: 50, failures: 2, ongoing: true },
    ]);
  });
});

describe('report SVG', () => {
  const end = fromCivil(2027, 1, 1);
  const renew = jan1 + 328 * D;
  const tl: DeviceTimeline = {
    device: 'R1',
    lanes: [
      {
        label: 'trustpoint pki-tp',
        kind: 'trustpoint',
        bars: [
          { from: jan1, to: end, label: 'SN 02 · key R1.example.com', title: 'a', cls: 'cert', serial: '02' },
          { from: renew, to: renew + 365 * D, label: 'SN 03 · key R1.example.com', title: 'b', cls: 'cert rollover', serial: '03' },
        ],
        marks: [{ at: renew, cls: 'renew', title: 'renewal started' }],
      },
      { label: 'IKE client1', kind: 'ike', bars: [], marks: [{ at: renew, cls: 'ike-fail', title: 'f' }, { at: renew + 5 * H, cls: 'ike-ok', title: 'o' }] },
    ],
  };
  const svg = renderDeviceSvg(tl, jan1, end);
  it('draws a visible IKE outage span', () => {
    const m = /<rect class="outage" data-kind="ike-outage" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/.exec(svg);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(4);
    expect(svg).toContain('IKE outage 5h');
  });
  it('labels a rollover bar that starts near the end outside it, to its left', () => {
    expect(svg).toMatch(/<text class="bar-label out" x="[\d.]+" y="[\d.]+" text-anchor="end">SN 03 · key R1\.example\.com<\/text>/);
    expect(svg).toContain('>SN 02 · key R1.example.com</text>');
  });
  it('marks the renewal point across the trustpoint lane, below the bars', () => {
    expect(svg).toContain('class="renew-line"');
    const bars = [...svg.matchAll(/data-kind="cert-bar"[^>]* y="([\d.]+)"[^>]* height="9"/g)].map((x) => Number(x[1]));
    const tri = /data-kind="renew" d="M[\d.]+ ([\d.]+)/.exec(svg);
    expect(Number(tri![1]) - 6).toBeGreaterThanOrEqual(Math.max(...bars) + 9);
  });
});
