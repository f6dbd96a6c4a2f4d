import { describe, expect, it } from 'vitest';
import { renewalAt, MS_DAY, autoEnrollBackoff, MS_HOUR, MS_MINUTE } from '../../pki/renewal.js';
import { harness, EPOCH } from './engine-harness.js';
import { autosaveDecision } from '../../pki/autosave.js';
import { stagedLabel } from '../../pki/keystore.js';


const YEAR = 365 * MS_DAY;

describe('renewalAt (pure)', () => {
  it('90 % of a one-year certificate is 36.5 days before expiry', () => {
    const nb = EPOCH;
    const na = nb + YEAR;
    expect(na - renewalAt(nb, na, 90)).toBe(36.5 * MS_DAY);
  });
  it('no percent = at expiry; result inside the validity; monotonic in percent', () => {
    const nb = EPOCH + 1234;
    const na = nb + 1000 * 3600 * 7 + 17;
    expect(renewalAt(nb, na)).toBe(na);
    let prev = nb;
    for (let p = 10; p <= 100; p++) {
      const t = renewalAt(nb, na, p);
      expect(t).toBeGreaterThanOrEqual(prev);
      expect(t).toBeGreaterThanOrEqual(nb);
      expect(t).toBeLessThanOrEqual(na);
      expect((t - nb) % 1000).toBe(0);
      prev = t;
    }
  });
  it('back-off stays within the retry period .. 6 hours while valid', () => {
    expect(autoEnrollBackoff({ now: 0, validUntil: 100 * MS_DAY, retryPeriodMs: MS_MINUTE, failures: 1 })).toBe(6 * MS_HOUR);
    expect(autoEnrollBackoff({ now: 0, validUntil: 5 * MS_MINUTE, retryPeriodMs: MS_MINUTE, failures: 1 })).toBe(MS_MINUTE);
    expect(autoEnrollBackoff({ now: 0, retryPeriodMs: MS_MINUTE, failures: 30 })).toBe(MS_HOUR);
  });
  it('autosave decision', () => {
    expect(autosaveDecision('auto', false)).toBe('save');
    expect(autosaveDecision('auto', true)).toBe('warn');
    expect(autosaveDecision('manual', false)).toBe('none');
  });
});

describe('enrollment engine', () => {
  it('boot-time auto-enroll: enrolls, CERTRET then AUTOSAVE when the config is saved', () => {
    const h = harness();
    h.addTp('TP', { autoEnroll: { renewAtElapsedPct: 80, regenerate: true }, rsakeypair: { label: 'TP', size: 1024 } });
    h.engine.reconcileAll();
    h.advance(1000);
    const tp = h.tps.get('TP')!;
    expect(tp.certs.ids).toHaveLength(1);
    expect(h.select('TP')?.serialHex).toBe(tp.certs.ids[0]!.cert.serialHex);
    expect(h.logs.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      '%PKI-6-CERTENROLLAUTO: Enrolling the router certificate for trustpoint TP',
      '%CRYPTO-6-AUTOGEN: Generated new 1024 bit key pair',
      expect.stringMatching(/^CRYPTO_PKI: {2}Certificate Request Fingerprint MD5: [0-9A-F]{8}( [0-9A-F]{8}){3}$/),
      expect.stringMatching(/^CRYPTO_PKI: {2}Certificate Request Fingerprint SHA1: [0-9A-F]{8}( [0-9A-F]{8}){4}$/),
      '%PKI-6-CERTRET: Certificate received from Certificate Authority',
      '%PKI-6-AUTOSAVE: Running configuration saved to NVRAM',
    ]);
    expect(h.nvram.saved).toBe(1);
  });

  it('renews at 80 % with regenerate: the old cert serves until the new one arrives (key rollover)', () => {
    const h = harness();
    h.addTp('TP', { autoEnroll: { renewAtElapsedPct: 80, regenerate: true }, rsakeypair: { label: 'TP', size: 1024 }, retryPeriodMin: 60, retryCount: 100 });
    h.engine.reconcileAll();
    h.advance(1000);
    const first = h.tps.get('TP')!.certs.ids[0]!.cert;
    const oldKeyFp = h.keys.get('TP')!.main;
    h.ca.mode = 'manual';
    // Just before the renew date nothing happened.
    const due = renewalAt(first.notBefore, first.notAfter, 80);
    h.advance(due - h.wall.now() - 1000);
    expect(h.events.filter((e) => e.type === 'pki.enroll.start')).toHaveLength(1);
    h.advance(2000);
    expect(h.events.filter((e) => e.type === 'pki.enroll.start')).toHaveLength(2);
    // A staged key exists under TP#, the old key still under TP, the old cert still selected.
    expect(h.keys.get(stagedLabel('TP'))).toBeDefined();
    expect(h.keys.get('TP')!.main).toBe(oldKeyFp);
    h.advance(2 * MS_DAY);
    expect(h.select('TP')?.serialHex).toBe(first.serialHex);
    expect(h.tps.get('TP')!.rt.lastStatus).toBe('Pending');
    // The CA admin grants after two days; the next poll picks it up.
    h.ca.grantAll();
    h.advance(61 * MS_MINUTE);
    const now = h.tps.get('TP')!.certs.ids[0]!.cert;
    expect(now.serialHex).not.toBe(first.serialHex);
    expect(h.select('TP')?.serialHex).toBe(now.serialHex);
    expect(h.keys.get(stagedLabel('TP'))).toBeUndefined();
    expect(h.keys.get('TP')!.main).not.toBe(oldKeyFp);
    expect(h.logs.some((l) => l.includes('%PKI-6-CERTROLLOVER'))).toBe(true);
  });

  it('pre-12.3(7)T switch: the old key and cert are gone as soon as the new key exists', () => {
    const h = harness();
    h.pre.value = true;
    h.addTp('TP', { autoEnroll: { renewAtElapsedPct: 80, regenerate: true }, rsakeypair: { label: 'TP', size: 1024 }, retryPeriodMin: 60, retryCount: 100 });
    h.engine.reconcileAll();
    h.advance(1000);
    const first = h.tps.get('TP')!.certs.ids[0]!.cert;
    h.ca.mode = 'manual';
    h.advance(renewalAt(first.notBefore, first.notAfter, 80) - h.wall.now() + 1000);
    expect(h.select('TP')).toBeUndefined();
    expect(h.keys.get(stagedLabel('TP'))).toBeUndefined();
    h.ca.grantAll();
    h.advance(61 * MS_MINUTE);
    expect(h.select('TP')).toBeDefined();
  });

  it('NOAUTOSAVE when the running-config has unsaved changes', () => {
    const h = harness();
    h.addTp('TP', { autoEnroll: { renewAtElapsedPct: 50, regenerate: false } });
    h.nvram.modified = true;
    h.engine.reconcileAll();
    h.advance(1000);
    expect(h.logs.at(-1)).toMatch(/%PKI-4-NOAUTOSAVE: Configuration was modified\. {2}Issue "write memory" to save new certificate$/);
    expect(h.nvram.saved).toBe(0);
  });

  it('manual enroll logs only CERTRET and marks the config modified', () => {
    const h = harness();
    h.addTp('TP', {});
    const r = h.engine.enrollManual('TP', { includeSerial: false });
    expect(r.ok).toBe(true);
    h.advance(1000);
    expect(h.logs.some((l) => l.includes('AUTOSAVE'))).toBe(false);
    expect(h.logs.some((l) => l.includes('CERTRET'))).toBe(true);
    expect(h.nvram.modified).toBe(true);
  });

  it('CA down through expiry: retries, AUTOCERTFAIL back-off, expiry logged, unattended recovery', () => {
    const h = harness();
    h.ca.lifetimeMs = 30 * MS_DAY;
    h.addTp('TP', { autoEnroll: { renewAtElapsedPct: 90, regenerate: true }, rsakeypair: { label: 'TP', size: 1024 } });
    h.engine.reconcileAll();
    h.advance(1000);
    const first = h.tps.get('TP')!.certs.ids[0]!.cert;
    h.ca.mode = 'down';
    h.advance(first.notAfter - h.wall.now() + MS_HOUR);
    expect(h.select('TP')).toBeUndefined();
    expect(h.logs.some((l) => l.includes('%PKI-3-SOCKETSEND'))).toBe(true);
    expect(h.logs.some((l) => l.includes('%PKI-3-AUTOCERTFAIL'))).toBe(true);
    expect(h.logs.some((l) => l.includes('CERTIFICATE_INVALID_EXPIRED'))).toBe(true);
    h.ca.mode = 'auto';
    h.advance(2 * MS_HOUR);
    expect(h.select('TP')).toBeDefined();
    expect(h.select('TP')!.serialHex).not.toBe(first.serialHex);
  });

  it('shared key pair: one trustpoint regenerating breaks the other (documented loss of service)', () => {
    const h = harness();
    h.addTp('A', { autoEnroll: { renewAtElapsedPct: 50, regenerate: true }, rsakeypair: { label: 'SHARED', size: 1024 } });
    h.addTp('B', { rsakeypair: { label: 'SHARED', size: 1024 } });
    h.engine.reconcileAll();
    h.advance(1000);
    h.engine.enrollManual('B', { includeSerial: false });
    h.advance(1000);
    expect(h.select('A')).toBeDefined();
    expect(h.select('B')).toBeDefined();
    h.advance(200 * MS_DAY);
    expect(h.select('A')).toBeDefined();
    expect(h.select('B')).toBeUndefined();
    expect(h.tps.get('B')!.certs.ids).toHaveLength(1);
  });

  it('rejection: CERTREJECT, then a fresh request after back-off', () => {
    const h = harness();
    h.ca.mode = 'reject';
    h.addTp('TP', { autoEnroll: { renewAtElapsedPct: 80, regenerate: false } });
    h.engine.reconcileAll();
    h.advance(1000);
    expect(h.logs.some((l) => l.includes('%PKI-6-CERTREJECT'))).toBe(true);
    h.ca.mode = 'auto';
    h.advance(2 * MS_HOUR);
    expect(h.select('TP')).toBeDefined();
  });
});
