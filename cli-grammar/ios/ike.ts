/**
 * IKE commands: ISAKMP (IKEv1) policies as IOS 12.4 has them, and the IKEv2 proposal / policy /
 * profile commands. Bound by sim/features/ike/.
 *
 * Era note: IOS 12.4 has no IKEv2 at all — `crypto ikev2 …` arrived with 15.1(1)T. The twin
 * accepts the 15.x commands because its wire protocol is IKEv2 (strongSwan interop); their help
 * texts say so. Values that 12.4 does not offer but later images do are accepted for the same
 * reason and marked below: `hash sha256` and `group 14` under `crypto isakmp policy` (15.x),
 * IKEv2 `group 31` (Curve25519, IOS XE 16.x; the default first KE of strongSwan 5.9).
 *
 * Help texts: 12.4 strings RECALLED (`crypto isakmp policy ?`, `encryption ?`, …); IKEv2 ones
 * RECALLED from 15.x where known, otherwise shaped after them (INFERRED).
 */
import type { CommandSpec, ModeSpec } from '../types.js';
import type { CommandSpecExt } from '../engine.js';

export const ISAKMP_MODE: ModeSpec = { id: 'config-isakmp', parent: 'config', prompt: '(config-isakmp)#', kind: 'config' };
export const IKEV2_PROPOSAL_MODE: ModeSpec = { id: 'config-ikev2-proposal', parent: 'config', prompt: '(config-ikev2-proposal)#', kind: 'config' };
export const IKEV2_POLICY_MODE: ModeSpec = { id: 'config-ikev2-policy', parent: 'config', prompt: '(config-ikev2-policy)#', kind: 'config' };
export const IKEV2_PROFILE_MODE: ModeSpec = { id: 'config-ikev2-profile', parent: 'config', prompt: '(config-ikev2-profile)#', kind: 'config' };

export const IKE_MODES: readonly ModeSpec[] = [ISAKMP_MODE, IKEV2_PROPOSAL_MODE, IKEV2_POLICY_MODE, IKEV2_PROFILE_MODE];

const H = {
  crypto: 'Encryption module',
  isakmp: 'Configure ISAKMP policy',
  ikev2: 'Configure IKEv2 (IOS 15.x commands; the twin speaks IKEv2 on the wire)',
  show: 'Show running system information',
  sim: 'Router Twin simulation control (not IOS)',
};

/** IKEv2 algorithm keywords in the order IOS lists them (and the twin prints them). */
export const IKEV2_ENCRYPTIONS = ['3des', 'aes-cbc-128', 'aes-cbc-192', 'aes-cbc-256', 'aes-gcm-128', 'aes-gcm-256'] as const;
export const IKEV2_INTEGRITIES = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const;
export const IKEV2_GROUPS = ['1', '2', '5', '14', '15', '16', '19', '20', '21', '24', '31'] as const;

export const IKE_CONFIG_COMMANDS: CommandSpec[] = [
  {
    id: 'ike.isakmp.policy',
    modes: ['config'],
    no: true,
    syntax: 'crypto isakmp policy <1-10000>$priority',
    help: {
      crypto: H.crypto,
      isakmp: 'Configure ISAKMP policy',
      policy: 'Set policy for an ISAKMP protection suite',
      priority: 'Priority of protection suite',
    },
  },
  {
    id: 'ike.isakmp.identity',
    modes: ['config'],
    no: true,
    syntax: 'crypto isakmp identity < address$how | dn$how | hostname$how >',
    help: {
      crypto: H.crypto,
      isakmp: H.isakmp,
      identity: 'Set the identity which ISAKMP will use',
      address: 'Use the IP address of the interface for the identity',
      dn: 'Use the distinguished name of the router cert for the identity',
      hostname: 'Use the hostname of the router for the identity',
    },
  },
  {
    id: 'ike.v2.proposal',
    modes: ['config'],
    no: true,
    syntax: 'crypto ikev2 proposal WORD$name',
    help: { crypto: H.crypto, ikev2: H.ikev2, proposal: 'Define IKEv2 proposals', name: 'Name of IKEv2 proposal' },
  },
  {
    id: 'ike.v2.policy',
    modes: ['config'],
    no: true,
    syntax: 'crypto ikev2 policy WORD$name',
    help: { crypto: H.crypto, ikev2: H.ikev2, policy: 'Define IKEv2 policies', name: 'Name of IKEv2 policy' },
  },
  {
    id: 'ike.v2.profile',
    modes: ['config'],
    no: true,
    syntax: 'crypto ikev2 profile WORD$name',
    help: { crypto: H.crypto, ikev2: H.ikev2, profile: 'Define IKEv2 profiles', name: 'Name of IKEv2 profile' },
  },
];

// `no encryption` / `default hash` …: the value may be omitted (explicit no-forms; the engine's implicit
// truncation keeps a required choice).
export const ISAKMP_POLICY_COMMANDS: CommandSpecExt[] = [
  {
    id: 'ike.isakmp.authentication',
    modes: ['config-isakmp'],
    no: true,
    default: true,
    syntax: 'authentication < pre-share$method | rsa-encr$method | rsa-sig$method >',
    noSyntax: 'authentication [< pre-share$method | rsa-encr$method | rsa-sig$method >]',
    help: {
      authentication: 'Set authentication method for protection suite',
      'pre-share': 'Pre-Shared Key',
      'rsa-encr': 'Rivest-Shamir-Adleman Encryption',
      'rsa-sig': 'Rivest-Shamir-Adleman Signature',
    },
  },
  {
    id: 'ike.isakmp.encryption',
    modes: ['config-isakmp'],
    no: true,
    default: true,
    // IOS prints `encr` in running-config; typing either works (`encr` is a prefix of `encryption`).
    syntax: 'encryption < des$alg | 3des$alg | aes$alg [< 128$bits | 192$bits | 256$bits >] >',
    noSyntax: 'encryption [< des$alg | 3des$alg | aes$alg [< 128$bits | 192$bits | 256$bits >] >]',
    help: {
      encryption: 'Set encryption algorithm for protection suite',
      des: 'DES - Data Encryption Standard (56 bit keys).',
      '3des': 'Three key triple DES',
      aes: 'AES - Advanced Encryption Standard.',
      '128': '128 bit keys.',
      '192': '192 bit keys.',
      '256': '256 bit keys.',
    },
  },
  {
    id: 'ike.isakmp.hash',
    modes: ['config-isakmp'],
    no: true,
    default: true,
    syntax: 'hash < md5$alg | sha$alg | sha256$alg >',
    noSyntax: 'hash [< md5$alg | sha$alg | sha256$alg >]',
    help: {
      hash: 'Set hash algorithm for protection suite',
      md5: 'Message Digest 5',
      sha: 'Secure Hash Standard',
      sha256: 'Secure Hash Standard 2 (256 bit) (IOS 15.x)',
    },
  },
  {
    id: 'ike.isakmp.group',
    modes: ['config-isakmp'],
    no: true,
    default: true,
    syntax: 'group < 1$group | 2$group | 5$group | 14$group >',
    noSyntax: 'group [< 1$group | 2$group | 5$group | 14$group >]',
    help: {
      group: 'Set the Diffie-Hellman group',
      '1': 'Diffie-Hellman group 1',
      '2': 'Diffie-Hellman group 2',
      '5': 'Diffie-Hellman group 5',
      '14': 'Diffie-Hellman group 14 (IOS 15.x)',
    },
  },
  {
    id: 'ike.isakmp.lifetime',
    modes: ['config-isakmp'],
    no: true,
    default: true,
    syntax: 'lifetime <60-86400>$seconds',
    help: { lifetime: 'Set lifetime for ISAKMP security association', seconds: 'lifetime in seconds' },
  },
];

const encHelp: Record<string, string> = {
  '3des': 'Triple DES',
  'aes-cbc-128': 'AES-CBC with 128 bit keys',
  'aes-cbc-192': 'AES-CBC with 192 bit keys',
  'aes-cbc-256': 'AES-CBC with 256 bit keys',
  'aes-gcm-128': 'AES-GCM with 128 bit keys (combined mode, no integrity)',
  'aes-gcm-256': 'AES-GCM with 256 bit keys (combined mode, no integrity)',
};
const integHelp: Record<string, string> = {
  md5: 'Message Digest 5',
  sha1: 'Secure Hash Standard',
  sha256: 'Secure Hash Standard 2 (256 bit)',
  sha384: 'Secure Hash Standard 2 (384 bit)',
  sha512: 'Secure Hash Standard 2 (512 bit)',
};
const groupHelp: Record<string, string> = {
  '1': 'DH 768 MODP',
  '2': 'DH 1024 MODP',
  '5': 'DH 1536 MODP',
  '14': 'DH 2048 MODP',
  '15': 'DH 3072 MODP',
  '16': 'DH 4096 MODP',
  '19': '256 bit ECP',
  '20': '384 bit ECP',
  '21': '521 bit ECP',
  '24': 'DH 2048 (256 subgroup) MODP',
  '31': 'Curve25519 (IOS XE; strongSwan default)',
};

export const IKEV2_PROPOSAL_COMMANDS: CommandSpec[] = [
  {
    id: 'ike.v2.proposal.encryption',
    modes: ['config-ikev2-proposal'],
    no: true,
    syntax: `encryption { ${IKEV2_ENCRYPTIONS.join(' | ')} }`,
    help: { encryption: 'Set encryption algorithm(s)', ...encHelp },
  },
  {
    id: 'ike.v2.proposal.integrity',
    modes: ['config-ikev2-proposal'],
    no: true,
    syntax: `integrity { ${IKEV2_INTEGRITIES.join(' | ')} }`,
    help: { integrity: 'Set integrity hash algorithm(s)', ...integHelp },
  },
  {
    id: 'ike.v2.proposal.group',
    modes: ['config-ikev2-proposal'],
    no: true,
    // Up to three groups in preference order (an any-order `{…}` of 11 groups expands too far).
    syntax: `group < ${IKEV2_GROUPS.join(' | ')} >$g1 [< ${IKEV2_GROUPS.join(' | ')} >$g2] [< ${IKEV2_GROUPS.join(' | ')} >$g3]`,
    help: { group: 'Set the Diffie-Hellman group(s)', ...groupHelp },
  },
];

export const IKEV2_POLICY_COMMANDS: CommandSpec[] = [
  {
    id: 'ike.v2.policy.proposal',
    modes: ['config-ikev2-policy'],
    no: true,
    syntax: 'proposal WORD$name',
    help: { proposal: 'Specify Proposal', name: 'Specify IKEv2 Proposal name' },
  },
];

export const IKEV2_PROFILE_COMMANDS: CommandSpecExt[] = [
  {
    id: 'ike.v2.profile.match',
    modes: ['config-ikev2-profile'],
    no: true,
    syntax: 'match identity remote < any$kind | address$kind A.B.C.D$addr [A.B.C.D$mask] | fqdn$kind [domain$domain] WORD$fqdn >',
    help: {
      match: 'Match values of peer',
      identity: 'Match peer identities',
      remote: 'Remote identity',
      any: 'match any peer identity',
      address: 'IP Address(es)',
      addr: 'IP address',
      mask: 'IP mask',
      fqdn: 'Fully Qualified Domain Name of peer',
      domain: 'Match the domain of the fully qualified domain name',
      // help for WORD$fqdn
      WORD: 'FQDN string',
    },
  },
  {
    id: 'ike.v2.profile.authentication',
    modes: ['config-ikev2-profile'],
    no: true,
    syntax: 'authentication < local$side | remote$side > < rsa-sig$method | pre-share$method >',
    noSyntax: 'authentication < local$side | remote$side > [< rsa-sig$method | pre-share$method >]',
    help: {
      authentication: 'Set authentication method',
      local: 'Local authentication method',
      remote: 'Remote authentication method',
      'rsa-sig': 'Rivest-Shamir-Adleman Signature',
      'pre-share': 'Pre-Shared Key',
    },
  },
  {
    id: 'ike.v2.profile.pki',
    modes: ['config-ikev2-profile'],
    no: true,
    syntax: 'pki trustpoint WORD$tp',
    help: { pki: 'Specify certificate authorities to trust', trustpoint: 'Specify trustpoint', tp: 'trustpoint label' },
  },
  {
    id: 'ike.v2.profile.identity',
    modes: ['config-ikev2-profile'],
    no: true,
    syntax: 'identity local < address$how A.B.C.D$addr | dn$how | fqdn$how WORD$fqdn >',
    noSyntax: 'identity local [< address$how A.B.C.D$addr | dn$how | fqdn$how WORD$fqdn >]',
    help: {
      identity: 'Specify local identity',
      local: 'Local identity',
      address: 'address',
      addr: 'IP address',
      dn: 'Distinguished Name',
      fqdn: 'Fully Qualified Domain Name',
      WORD: 'FQDN string',
    },
  },
  {
    id: 'ike.v2.profile.lifetime',
    modes: ['config-ikev2-profile'],
    no: true,
    syntax: 'lifetime <120-86400>$seconds',
    help: { lifetime: 'Specify lifetime for IKEv2 SAs', seconds: 'lifetime in seconds' },
  },
];

/** Leaving the IKE sub-modes (shared core intents). */
export const IKE_NAV_COMMANDS: CommandSpec[] = [
  { id: 'config.exit', modes: ['config-isakmp'], syntax: 'exit', help: { exit: 'Exit from ISAKMP protection suite configuration mode' } },
  { id: 'config.exit', modes: ['config-ikev2-proposal'], syntax: 'exit', help: { exit: 'Exit from IKEv2 proposal sub mode' } },
  { id: 'config.exit', modes: ['config-ikev2-policy'], syntax: 'exit', help: { exit: 'Exit from IKEv2 policy sub mode' } },
  { id: 'config.exit', modes: ['config-ikev2-profile'], syntax: 'exit', help: { exit: 'Exit from IKEv2 profile sub mode' } },
  {
    id: 'config.end',
    modes: ['config-isakmp', 'config-ikev2-proposal', 'config-ikev2-policy', 'config-ikev2-profile'],
    syntax: 'end',
    help: { end: 'Exit from configure mode' },
  },
];

export const IKE_EXEC_COMMANDS: CommandSpec[] = [
  {
    id: 'show.ike.isakmp-sa',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto isakmp sa',
    help: { show: H.show, crypto: H.crypto, isakmp: 'Show ISAKMP', sa: 'Show ISAKMP Security Associations' },
  },
  {
    id: 'show.ike.isakmp-policy',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto isakmp policy',
    help: { show: H.show, crypto: H.crypto, isakmp: 'Show ISAKMP', policy: 'Show ISAKMP protection suite policy' },
  },
  {
    id: 'show.ike.ikev2-sa',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto ikev2 sa [detailed]',
    help: { show: H.show, crypto: H.crypto, ikev2: 'Shows ikev2 information (IOS 15.x command)', sa: 'Shows ikev2 SAs', detailed: 'detailed output' },
  },
  {
    id: 'show.ike.simulation',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show simulation ike [WORD$peer]',
    help: { show: H.show, simulation: H.sim, ike: 'IKE attempts of the simulated lab peers: totals, outages, history', peer: 'Peer name: its attempt history' },
  },
  {
    id: 'sim.ike.attempt',
    modes: ['exec'],
    privilege: 15,
    syntax: 'simulation ike < initiate$dir | connect$dir > WORD$peer',
    help: {
      simulation: H.sim,
      ike: 'IKE simulation of the lab peers',
      initiate: 'This router initiates an IKE SA to the peer now',
      connect: 'The peer initiates an IKE SA to this router now',
      peer: 'Peer name (see show simulation ike)',
    },
  },
  {
    id: 'sim.ike.revoke',
    modes: ['exec'],
    privilege: 15,
    syntax: 'simulation ike < revoke$op | unrevoke$op > WORD$serial',
    help: {
      simulation: H.sim,
      ike: 'IKE simulation of the lab peers',
      revoke: 'Treat peer certificates with this serial as revoked (stands in for a CRL)',
      unrevoke: 'Stop treating this serial as revoked',
      serial: 'Certificate serial number (hex)',
    },
  },
];

export const IKE_COMMANDS: readonly CommandSpec[] = [
  ...IKE_CONFIG_COMMANDS,
  ...ISAKMP_POLICY_COMMANDS,
  ...IKEV2_PROPOSAL_COMMANDS,
  ...IKEV2_POLICY_COMMANDS,
  ...IKEV2_PROFILE_COMMANDS,
  ...IKE_NAV_COMMANDS,
  ...IKE_EXEC_COMMANDS,
];
