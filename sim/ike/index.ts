/**
 * IKE engine public API (see the individual modules for details).
 *  - credentials.ts: LocalCredentials, validatePeerChain (peer certificate checks at a device's wall time)
 *  - attempt.ts: authenticateOnce (level 0, in-process authentication attempt)
 *  - v2/engine.ts: IkeEngine (level 1/2, real IKEv2 responder + initiator, transport-agnostic)
 *  - ../transport/ike-udp.ts: IkeUdpTransport (UDP sockets, NAT-T marker rule, timers)
 */
export * from './credentials.js';
export * from './identity.js';
export { authenticateOnce, proveKeyPossession, SignatureCache, sharedSignatureCache } from './attempt.js';
export type { AttemptOptions, AttemptResult, AttemptSide, PeerInfo, RandomSource, Side } from './attempt.js';
export { parseCert, tryParseCert, pemToDer, formatName, type ParsedCert } from './x509.js';
export {
  IkeEngine, describeMessage, iosIkev2Status,
  type AuthOutcome, type CredentialContext, type Endpoint, type IkeEngineOptions, type IkeEvent, type IkeSaInfo,
  type InitiateOptions, type Outgoing, type SaState, type TrustSettings,
} from './v2/engine.js';
export { DEFAULT_PROPOSALS, suiteName, type IkeProposalConfig } from './v2/proposals.js';
export { DH, ENCR, INTEG, PRF, AUTH_METHOD } from './v2/constants.js';
