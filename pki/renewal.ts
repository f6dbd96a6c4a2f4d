/**
 * Pure renewal timing for IOS `auto-enroll [percent] [regenerate]` (issue #4 point 1).
 *
 * IOS semantics (ios-behaviour.md §7.1): `auto-enroll N` renews when N % of the certificate's
 * lifetime has ELAPSED (a 90 % renewal on a one-year certificate fires 36.5 days before expiry);
 * without a percentage the router re-enrolls when the certificate expires. This is the opposite
 * of cert-manager's `renewBeforePercentage` (share remaining), hence the explicit field name
 * `renewAtElapsedPct` used across the PKI code.
 *
 * Integer milliseconds only, truncated to whole seconds so that a stored renew date and a
 * recomputed one always agree (cert-manager `renewaltime.go` lesson). No clock is read here.
 */

export const MS_SECOND = 1000;
export const MS_MINUTE = 60 * MS_SECOND;
export const MS_HOUR = 60 * MS_MINUTE;
export const MS_DAY = 24 * MS_HOUR;

/** Lowest percentage the parser accepts (`auto-enroll ?` shows `<10-100>`; see cli-grammar/ios/pki.ts). */
export const AUTO_ENROLL_MIN_PCT = 10;
export const AUTO_ENROLL_MAX_PCT = 100;

/**
 * When to renew a certificate valid from `notBefore` to `notAfter` (ms since the epoch).
 * `percent` undefined → at expiry. The result is always inside [notBefore, notAfter].
 */
export function renewalAt(notBefore: number, notAfter: number, percent?: number): number {
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) throw new RangeError('renewalAt: non-finite validity');
  if (notAfter <= notBefore) return notAfter;
  if (percent === undefined) return notAfter;
  const pct = Math.min(AUTO_ENROLL_MAX_PCT, Math.max(0, Math.floor(percent)));
  const life = notAfter - notBefore;
  // life * pct stays far below 2^53 for any realistic certificate (1000 years ≈ 3.2e13 ms × 100).
  const offsetMs = Math.floor((life * pct) / 100);
  const t = notBefore + Math.floor(offsetMs / MS_SECOND) * MS_SECOND;
  return Math.min(notAfter, Math.max(notBefore, t));
}

/** IOS enrollment retry defaults (RECALLED: `enrollment retry period` 1 minute; count 10 as on IOS XR). */
export const DEFAULT_RETRY_PERIOD_MIN = 1;
export const DEFAULT_RETRY_COUNT = 10;

/** Longest auto-enroll back-off after a failed (re)enrollment: "within 6 hours" (RECALLED, §7.2). */
export const MAX_AUTO_BACKOFF_MS = 6 * MS_HOUR;

/**
 * Delay before the next unattended attempt after a whole enrollment attempt failed
 * (`%PKI-3-AUTOCERTFAIL: Certificate (re)enrollment failed. Delaying before retry`).
 *
 * The system-message guide only says the retry comes "within 6 hours depending on expiry"
 * (RECALLED). Chosen (INFERRED): while the current certificate is valid, a tenth of its
 * remaining life, at least the retry period and at most 6 hours; with no valid certificate,
 * the retry period doubled per consecutive failure, capped at one hour, so a router that lost
 * its certificate recovers within the hour once the CA is back.
 */
export function autoEnrollBackoff(opts: { now: number; validUntil?: number; retryPeriodMs: number; failures: number }): number {
  const period = Math.max(MS_MINUTE, Math.floor(opts.retryPeriodMs));
  if (opts.validUntil !== undefined && opts.validUntil > opts.now) {
    const remaining = opts.validUntil - opts.now;
    return Math.min(MAX_AUTO_BACKOFF_MS, Math.max(period, Math.floor(remaining / 10)));
  }
  const k = Math.min(20, Math.max(0, opts.failures - 1));
  return Math.min(MS_HOUR, period * 2 ** k);
}
