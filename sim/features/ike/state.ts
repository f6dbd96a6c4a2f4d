/**
 * The IKE slice of a device's state (state.ext.ike), rebuilt at every boot: ISAKMP policies and
 * identity, IKEv2 proposals/policies/profiles (configuration), and the router's current SA table
 * (runtime; a reload clears it like on a real router).
 *
 * Attempt records and per-peer totals are NOT here: they are measurements of the lab and live
 * per world (records.ts), so they survive a router reload.
 */
import type { Device } from '../../device/device.js';
import { featureState } from '../../device/feature.js';

export const IKE_FEATURE_ID = 'ike';

export type IsakmpEncr = 'des' | '3des' | 'aes';
export type IsakmpHash = 'sha' | 'md5' | 'sha256';
export type IsakmpAuth = 'rsa-sig' | 'pre-share' | 'rsa-encr';

export interface IsakmpPolicy {
  priority: number;
  encr: IsakmpEncr;
  /** AES key size; 128 when `encr aes` without a size. */
  aesBits?: 128 | 192 | 256;
  hash: IsakmpHash;
  auth: IsakmpAuth;
  group: 1 | 2 | 5 | 14;
  lifetime: number;
}

/** IOS default protection suite (protocols.md §10.1, ios-behaviour §6.5): DES, SHA-1, rsa-sig, group 1, 86400 s. */
export function defaultIsakmpPolicy(priority: number): IsakmpPolicy {
  return { priority, encr: 'des', hash: 'sha', auth: 'rsa-sig', group: 1, lifetime: 86_400 };
}

export interface Ikev2Proposal {
  name: string;
  encryption: string[];
  integrity: string[];
  group: string[];
}

export interface Ikev2Policy {
  name: string;
  proposals: string[];
}

export type Ikev2Match = { kind: 'any' } | { kind: 'address'; addr: string; mask?: string } | { kind: 'fqdn'; value: string; domain: boolean };

export interface Ikev2Profile {
  name: string;
  match: Ikev2Match[];
  authLocal?: 'rsa-sig' | 'pre-share';
  authRemote?: 'rsa-sig' | 'pre-share';
  /** `pki trustpoint NAME` (the first one signs; all are trusted). */
  trustpoints: string[];
  identityLocal?: { kind: 'dn' } | { kind: 'address'; addr: string } | { kind: 'fqdn'; value: string };
  lifetime?: number;
}

export type SaVersion = 1 | 2;

/** One IKE SA of the router's table as the show commands see it. */
export interface RouterSa {
  connId: number;
  version: SaVersion;
  peer: string;
  /** Router address and peer address (dst/src depend on who initiated). */
  local: string;
  remote: string;
  localPort: number;
  remotePort: number;
  initiator: 'router' | 'peer';
  state: 'QM_IDLE' | 'MM_NO_STATE' | 'READY' | 'DELETED';
  /** Failed negotiations stay listed as `ACTIVE (deleted)` for a short while. */
  deleted: boolean;
  createdAt: number;
  expiresAt: number;
  /** IKEv1: encr/hash/auth/group of the matched policy; IKEv2: suite text. */
  suite: string;
  encrShow?: string;
  keysize?: number;
  prfShow?: string;
  hashShow?: string;
  dhGroup?: number;
  lifetimeSec: number;
  trustpoint?: string;
  localSerial?: string;
  peerSerial?: string;
  peerId?: string;
  /** 'sim' = level-0 attempt, 'udp' = real IKEv2 on the wire. */
  via: 'sim' | 'udp';
}

export interface IkeState {
  isakmpPolicies: Map<number, IsakmpPolicy>;
  identity: 'address' | 'dn' | 'hostname';
  v2Proposals: Map<string, Ikev2Proposal>;
  v2Policies: Map<string, Ikev2Policy>;
  v2Profiles: Map<string, Ikev2Profile>;
  sas: RouterSa[];
  nextConnId: number;
  unsubscribe: (() => void)[];
}

export function initIkeState(): IkeState {
  return {
    isakmpPolicies: new Map(),
    identity: 'address',
    v2Proposals: new Map(),
    v2Policies: new Map(),
    v2Profiles: new Map(),
    sas: [],
    nextConnId: 1,
    unsubscribe: [],
  };
}

export function ikeState(device: Device): IkeState {
  return featureState<IkeState>(device.state, IKE_FEATURE_ID);
}

/** ikeState, or undefined when the feature is not registered / the device never booted. */
export function ikeStateOrUndefined(device: Device): IkeState | undefined {
  const s = device.state.ext[IKE_FEATURE_ID];
  return s === undefined ? undefined : (s as IkeState);
}
