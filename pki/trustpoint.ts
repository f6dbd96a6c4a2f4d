/**
 * Trustpoint model: the configuration typed under `crypto pki trustpoint NAME`
 * (`(ca-trustpoint)#`) and the certificates IOS keeps for it (the CA certificate from
 * `crypto pki authenticate`, the router's identity certificate(s), a received rollover
 * certificate not yet active). Pure data; the running-config writer and the shows live in
 * sim/features/pki/.
 */
import type { CertInfo } from './x509.js';

export type IpAddressSetting = { kind: 'interface'; name: string } | { kind: 'address'; addr: string } | { kind: 'none' };

export interface AutoEnrollSetting {
  /** Renew at this share of the lifetime ELAPSED; undefined = at expiry. */
  renewAtElapsedPct?: number;
  regenerate: boolean;
}

export interface RsaKeypairSetting {
  label: string;
  /** General-purpose (or signature) key size used when the key is generated at enrollment. */
  size?: number;
  /** An encryption size makes the trustpoint use special-usage keys (two pairs, two certificates). */
  encSize?: number;
}

export interface TrustpointConfig {
  name: string;
  enrollmentUrl?: string;
  /** `enrollment retry period <1-60>` minutes. */
  retryPeriodMin?: number;
  /** `enrollment retry count <1-100>`. */
  retryCount?: number;
  /** `serial-number` (include) / `serial-number none`; undefined = ask at enrollment. */
  serialNumber?: 'include' | 'none';
  fqdn?: string;
  ipAddress?: IpAddressSetting;
  /** Challenge password (plain text; the running-config writer renders it as `password 7 …`). */
  password?: string;
  /** The `password 7 …` text when it was typed that way (kept verbatim, as IOS shows it). */
  password7?: string;
  subjectName?: string;
  /** `revocation-check` methods in the order typed; undefined = default (crl, not printed). */
  revocationCheck?: ('none' | 'crl' | 'ocsp')[];
  rsakeypair?: RsaKeypairSetting;
  autoEnroll?: AutoEnrollSetting;
  /** Trustpoint `regenerate` command: manual enrollment makes a new key pair (with rollover). */
  regenerate: boolean;
}

export function newTrustpointConfig(name: string): TrustpointConfig {
  return { name, regenerate: false };
}

export type CertUsage = 'general' | 'signature' | 'encryption';

export interface IdentityCert {
  usage: CertUsage;
  cert: CertInfo;
  /** Device wall time it was installed (`Cert install time:` in verbose). */
  installedAt: number;
}

export interface TrustpointCerts {
  ca?: CertInfo;
  /** Active identity certificate(s): one general-purpose, or signature + encryption. */
  ids: IdentityCert[];
  /** Received for a staged (rollover) key but not active yet (shown as `Certificate (Rollover)`). */
  rollover: IdentityCert[];
}

export function emptyCerts(): TrustpointCerts {
  return { ids: [], rollover: [] };
}

/** The key usages a trustpoint enrolls for. */
export function usagesOf(cfg: TrustpointConfig): CertUsage[] {
  return cfg.rsakeypair?.encSize !== undefined ? ['signature', 'encryption'] : ['general'];
}

/** Label of the key pair a trustpoint uses: `rsakeypair LABEL`, else the router's default key (its FQDN). */
export function keyLabelOf(cfg: TrustpointConfig, defaultLabel: string): string {
  return cfg.rsakeypair?.label ?? defaultLabel;
}

/** IOS's default RSA key label: `hostname.domain` (or the bare hostname without a domain). */
export function defaultKeyLabel(hostname: string, domain: string | undefined): string {
  return domain ? `${hostname}.${domain}` : hostname;
}
