/**
 * The PKI slice of a device's state (state.ext.pki), rebuilt at every boot: trustpoints
 * (configuration + certificates + enrollment runtime), the RSA key store, the certificate
 * files of NVRAM, the IOS certificate server configuration and its CA model.
 *
 * What survives a reload (ios-behaviour §3.4): keys and certificate files live in the device's
 * private NVRAM (written by `write memory` and by the PKI autosave), the trustpoint and chain
 * configuration in startup-config text (`certificate ca 01 nvram:CA#1CA.cer`). The CA database
 * of a certificate server is written to private NVRAM as soon as it changes (IOS writes its
 * database files at once, independent of `write memory`).
 */
import type { Device } from '../../device/device.js';
import { featureState } from '../../device/feature.js';
import { KeyStore } from '../../../pki/keystore.js';
import type { Trustpoint } from '../../../pki/enrollment.js';
import type { EnrollmentEngine } from '../../../pki/enrollment.js';
import type { ScepCa } from '../../../pki/ca.js';
import type { IdentityCert } from '../../../pki/trustpoint.js';

export const PKI_FEATURE_ID = 'pki';

export interface CsConfig {
  name: string;
  issuerName?: string;
  lifetimeCertDays?: number;
  lifetimeCaCertDays?: number;
  lifetimeCrlHours?: number;
  /** `grant auto` / `grant none` / manual (default). */
  grant: 'manual' | 'auto' | 'none';
  databaseLevel?: 'minimum' | 'names' | 'complete';
  databaseUrl?: string;
  /** A new server stays shut down until `no shutdown` (IOS). */
  shutdown: boolean;
}

export interface PkiState {
  trustpoints: Map<string, Trustpoint>;
  keys: KeyStore;
  /** Certificate files of NVRAM (`nvram:R1#1CA.cer` → DER), as loaded at boot / last saved. */
  nvramFiles: Map<string, Buffer>;
  /** Stable NVRAM file name per certificate (key: SHA-1 of the DER). */
  fileNames: Map<string, string>;
  /** Rollover certificates received but not active, saved with the keys (not in config text). */
  savedRollover: Map<string, IdentityCert[]>;
  server?: CsConfig;
  ca?: ScepCa;
  /** Lab switch `simulation pki key-rollover off` (pre-12.3(7)T). Kept across reloads (per device). */
  engine?: EnrollmentEngine;
  booted: boolean;
  unsubscribe: (() => void)[];
}

export function initPkiState(): PkiState {
  return {
    trustpoints: new Map(),
    keys: new KeyStore(),
    nvramFiles: new Map(),
    fileNames: new Map(),
    savedRollover: new Map(),
    booted: false,
    unsubscribe: [],
  };
}

export function pkiState(device: Device): PkiState {
  return featureState<PkiState>(device.state, PKI_FEATURE_ID);
}

/** Per-device settings that are not configuration (lab switches), kept across reloads in this process. */
export interface DeviceLabSwitches {
  preRollover: boolean;
}
const switches = new WeakMap<Device, DeviceLabSwitches>();
export function labSwitches(device: Device): DeviceLabSwitches {
  let s = switches.get(device);
  if (!s) switches.set(device, (s = { preRollover: false }));
  return s;
}
