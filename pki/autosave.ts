/**
 * IOS's PKI autosave rule (ios-behaviour.md §7.4), as a pure decision.
 *
 * When PKI obtains a certificate (and, for `regenerate`, a key) ON ITS OWN — auto-enroll
 * renewal, rollover activation, boot-time auto-enroll — then
 *   - running-config unmodified since the last save → write NVRAM (startup-config, the
 *     certificate files and the keys in private-config) and log
 *     `%PKI-6-AUTOSAVE: Running configuration saved to NVRAM`;
 *   - otherwise → leave NVRAM untouched and log
 *     `%PKI-4-NOAUTOSAVE: Configuration was modified.  Issue "write memory" to save new certificate`
 *     (two spaces after `modified.`, straight double quotes; SEEN 2).
 * A manual `crypto pki enroll` logs only `%PKI-6-CERTRET` (SEEN 3) and marks the configuration
 * modified (a new certificate is a configuration change: the reload Save question appears).
 */

export type InstallOrigin = 'manual' | 'auto';

export type AutosaveDecision = 'save' | 'warn' | 'none';

export function autosaveDecision(origin: InstallOrigin, configModified: boolean): AutosaveDecision {
  if (origin === 'manual') return 'none';
  return configModified ? 'warn' : 'save';
}

export const MSG_AUTOSAVE = { facility: 'PKI', severity: 6, mnemonic: 'AUTOSAVE', text: 'Running configuration saved to NVRAM' } as const;
export const MSG_NOAUTOSAVE = {
  facility: 'PKI',
  severity: 4,
  mnemonic: 'NOAUTOSAVE',
  text: 'Configuration was modified.  Issue "write memory" to save new certificate',
} as const;
