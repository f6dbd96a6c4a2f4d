import { describe, expect, it } from 'vitest';
import { selectLocal, type CertView } from '../../pki/selection.js';
import { Rng } from '../../sim/kernel/rng.js';

interface C extends CertView { id: number; issuer: number }

describe('selectLocal (strongSwan-style credential choice)', () => {
  it('never returns a certificate without its key, outside its validity or not chaining; newest wins', () => {
    const seed = 99;
    const rng = new Rng(seed);
    for (let round = 0; round < 500; round++) {
      const now = 1000;
      const keys = new Set<string>();
      const cas: C[] = [0, 1].map((i) => ({ id: 100 + i, issuer: 100 + i, serialHex: `CA${i}`, notBefore: rng.int(0, 900), notAfter: rng.int(900, 2000), spkiSha1Hex: `K-CA${i}` }));
      const cands = Array.from({ length: rng.int(0, 6) }, (_, i) => {
        const c: C = { id: i, issuer: 100 + rng.int(0, 1), serialHex: String(i), notBefore: rng.int(0, 1500), notAfter: rng.int(500, 2500), spkiSha1Hex: `K${rng.int(0, 5)}` };
        if (rng.chance(2, 3)) keys.add(c.spkiSha1Hex);
        return { trustpoint: `T${i}`, cert: c, ...(rng.chance(5, 6) ? { ca: cas[rng.int(0, 1)]! } : {}) };
      });
      const r = selectLocal({ now, candidates: cands, keyFor: (fp) => (keys.has(fp) ? fp : undefined), chainsTo: (c, ca) => c.issuer === ca.id });
      const usable = cands.filter((c) => keys.has(c.cert.spkiSha1Hex) && c.cert.notBefore <= now && now <= c.cert.notAfter && c.ca && c.ca.notBefore <= now && now <= c.ca.notAfter && c.cert.issuer === c.ca.id);
      if (!r.ok) {
        expect(usable, `seed=${seed} round=${round}`).toHaveLength(0);
        continue;
      }
      expect(keys.has(r.cert.spkiSha1Hex)).toBe(true);
      expect(r.cert.notBefore <= now && now <= r.cert.notAfter).toBe(true);
      expect(r.cert.issuer).toBe(r.ca.id);
      expect(r.cert.notBefore).toBe(Math.max(...usable.map((u) => u.cert.notBefore)));
    }
  });

  it('prefers a certificate chaining to a requested anchor', () => {
    const ca1 = { serialHex: 'A', notBefore: 0, notAfter: 10, spkiSha1Hex: 'CA1' };
    const ca2 = { serialHex: 'B', notBefore: 0, notAfter: 10, spkiSha1Hex: 'CA2' };
    const older = { serialHex: '1', notBefore: 1, notAfter: 9, spkiSha1Hex: 'K1' };
    const newer = { serialHex: '2', notBefore: 2, notAfter: 9, spkiSha1Hex: 'K2' };
    const r = selectLocal({
      now: 5,
      candidates: [{ trustpoint: 'A', cert: older, ca: ca1 }, { trustpoint: 'B', cert: newer, ca: ca2 }],
      keyFor: (k) => k,
      chainsTo: () => true,
      isRequestedAnchor: (ca) => ca === ca1,
    });
    expect(r.ok && r.trustpoint).toBe('A');
  });
});
