/**
 * IKE feature (router side): ISAKMP policies and identity (IOS 12.4), IKEv2 proposals / policies /
 * profiles (15.x commands, for the IKEv2 wire protocol), the SA table and its shows, and the
 * twin-only `show simulation ike` / `simulation ike …`.
 *
 * The attempts themselves are driven by the lab (lab.ts: simulated peers on the world scheduler,
 * attempts.ts: level-0 authentication with real certificates and signatures; udp.ts: real IKEv2
 * on the wire). Every outcome is an attempt record (records.ts) on the world event bus
 * (`ike.attempt`) and in `ikePeerStats(world)` / `ikeAttempts(world)`.
 */
import { IKE_COMMANDS, IKE_MODES } from '../../../cli-grammar/ios/ike.js';
import type { Feature } from '../../device/feature.js';
import { configHandlers, IKE_SECTIONS } from './config.js';
import { showHandlers } from './show.js';
import { IKE_FEATURE_ID, initIkeState, type IkeState } from './state.js';

export const ikeFeature: Feature<IkeState> = {
  id: IKE_FEATURE_ID,
  modes: IKE_MODES,
  commands: IKE_COMMANDS,
  handlers: { ...configHandlers, ...showHandlers },
  sections: IKE_SECTIONS,
  initState: initIkeState,
};

export { installIkeLab, ikeLab, startLabIkeUdp } from './lab.js';
export { ikePeerStats, ikeAttempts, onIkeAttempt, resetIkeRecords } from './records.js';
export type { IkeAttemptRecord, IkePeerStats, IkeFailReason } from './records.js';
