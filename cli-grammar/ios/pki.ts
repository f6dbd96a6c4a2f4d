/**
 * PKI commands (router side): RSA keys, trustpoints, authenticate/enroll, certificate chains,
 * the IOS certificate server, and the PKI shows. Bound by sim/features/pki/.
 *
 * Spelling: 12.4 accepts both `crypto ca …` and `crypto pki …` (renamed in 12.3(7)T) and always
 * DISPLAYS `crypto pki` (ios-behaviour.md §0). Both spellings share an intent id.
 *
 * Choices (commented where the reference is silent):
 *  - `crypto key generate rsa … modulus <360-2048>`: the 12.x range (§5.1); 15.x says 4096.
 *  - `auto-enroll <10-100>`: the reference (§7.1, §10 item 2) does not know whether IOS refuses
 *    percentages below 10 nor with what text. The twin uses a parser range, so `auto-enroll 5`
 *    gets IOS's generic caret error under the number, which is what any range check prints.
 *  - `rsakeypair LABEL [<360-2048> [<360-2048>]]`: an encryption size selects usage keys.
 */
import type { CommandSpec, ModeSpec } from '../types.js';

export const CA_TRUSTPOINT: ModeSpec = { id: 'ca-trustpoint', parent: 'config', prompt: '(ca-trustpoint)#', kind: 'config' };
export const CS_SERVER: ModeSpec = { id: 'cs-server', parent: 'config', prompt: '(cs-server)#', kind: 'config' };
export const CERT_CHAIN: ModeSpec = { id: 'config-cert-chain', parent: 'config', prompt: '(config-cert-chain)#', kind: 'config' };

export const PKI_MODES: readonly ModeSpec[] = [CA_TRUSTPOINT, CS_SERVER, CERT_CHAIN];
export const PKI_SUBMODES = ['ca-trustpoint', 'cs-server', 'config-cert-chain'] as const;
/**
 * Hex entry after `certificate [ca] SERIAL` (no nvram: file) is not a grammar mode: the handler
 * reads raw lines (HandlerContext.readText) under the prompt `(config-pubkey)#` until `quit`.
 */
export const CONFIG_PUBKEY_PROMPT = '(config-pubkey)#';

const H = {
  crypto: 'Encryption module',
  pki: 'Public Key components',
  ca: 'Certification authority',
  key: 'Long term key operations',
  generate: 'Generate new keys',
  zeroize: 'Remove keys',
  show: 'Show running system information',
  trustpoint: 'Define a CA trustpoint',
  tpName: 'Trustpoint Name',
};

const crypto = (extra: Record<string, string>): Record<string, string> => ({ crypto: H.crypto, pki: H.pki, ca: H.ca, ...extra });

/** `crypto pki X …` and `crypto ca X …` under one intent. */
function both(spec: Omit<CommandSpec, 'syntax'> & { tail: string }): CommandSpec[] {
  const { tail, ...rest } = spec;
  return [
    { ...rest, syntax: `crypto pki ${tail}` },
    { ...rest, syntax: `crypto ca ${tail}` },
  ];
}

export const PKI_CONFIG_COMMANDS: CommandSpec[] = [
  {
    id: 'pki.key.generate',
    modes: ['config'],
    syntax: 'crypto key generate rsa [{ general-keys$kind | usage-keys$kind | label WORD$keyLabel | modulus <360-2048>$bits | exportable }]',
    help: {
      crypto: H.crypto,
      key: H.key,
      generate: H.generate,
      rsa: 'Generate RSA keys',
      'general-keys': 'Generate a general purpose RSA key pair for signing and encryption',
      'usage-keys': 'Generate separate RSA key pairs for signing and encryption',
      label: 'Provide a label',
      modulus: 'Provide number of modulus bits on the command line',
      exportable: 'Allow the key to be exported',
      keyLabel: 'RSA keypair label',
      // §2.2 shape `<360-4096>  size of the key modulus [360-4096]`, with the 12.x bound.
      bits: 'size of the key modulus [360-2048]',
    },
  },
  {
    id: 'pki.key.zeroize',
    modes: ['config'],
    syntax: 'crypto key zeroize rsa [WORD$label]',
    help: { crypto: H.crypto, key: H.key, zeroize: H.zeroize, rsa: 'Remove RSA keys', label: 'RSA keypair label' },
  },
  ...both({
    id: 'pki.trustpoint',
    modes: ['config'],
    no: true,
    tail: 'trustpoint WORD$name',
    help: crypto({ trustpoint: H.trustpoint, name: H.tpName }),
  }),
  ...both({
    id: 'pki.authenticate',
    modes: ['config'],
    tail: 'authenticate WORD$name',
    help: crypto({ authenticate: 'Get the certification authority certificate', name: H.tpName }),
  }),
  ...both({
    id: 'pki.enroll',
    modes: ['config'],
    tail: 'enroll WORD$name',
    help: crypto({ enroll: 'Request a certificate from a CA', name: H.tpName }),
  }),
  ...both({
    id: 'pki.chain',
    modes: ['config'],
    no: true,
    tail: 'certificate chain WORD$name',
    help: crypto({ certificate: 'Actions on certificates', chain: 'Enter a certificate chain', name: H.tpName }),
  }),
  {
    id: 'pki.server',
    modes: ['config'],
    no: true,
    syntax: 'crypto pki server WORD$name',
    help: crypto({ server: 'Enable IOS Certificate Server', name: 'Certificate Server Name' }),
  },
];

export const PKI_TRUSTPOINT_COMMANDS: CommandSpec[] = [
  {
    id: 'pki.tp.enrollment-url',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'enrollment url URL$address',
    help: { enrollment: 'Enrollment parameters', url: 'CA server enrollment URL', address: 'CA server enrollment URL' },
  },
  {
    id: 'pki.tp.enrollment-retry-period',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'enrollment retry period <1-60>$minutes',
    help: { enrollment: 'Enrollment parameters', retry: 'Polling parameters', period: 'Polling period', minutes: 'minutes' },
  },
  {
    id: 'pki.tp.enrollment-retry-count',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'enrollment retry count <1-100>$times',
    help: { enrollment: 'Enrollment parameters', retry: 'Polling parameters', count: 'How many times to poll', times: 'count' },
  },
  {
    id: 'pki.tp.subject-name',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'subject-name [LINE$dn]',
    help: { 'subject-name': 'Subject Name', dn: 'subject name' },
  },
  {
    id: 'pki.tp.ip-address',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'ip-address < A.B.C.D$addr | none$none | INTERFACE$iface >',
    help: { 'ip-address': 'include ip address in the subject name', addr: 'ip address', none: 'Do not include ip address', iface: 'Interface name' },
  },
  {
    id: 'pki.tp.serial-number',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'serial-number [none]',
    help: { 'serial-number': 'include serial number in subject name', none: 'Do not include serial number' },
  },
  {
    id: 'pki.tp.fqdn',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'fqdn WORD$name',
    help: { fqdn: 'fully qualified domain name', name: 'fully qualified domain name' },
  },
  {
    id: 'pki.tp.auto-enroll',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'auto-enroll [<10-100>$percent] [regenerate]',
    help: { 'auto-enroll': 'Auto-Enroll', percent: 'percentage of the validity period to auto renew', regenerate: 'Generate new keys on auto-enroll' },
  },
  {
    id: 'pki.tp.password',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'password LINE$secret',
    help: { password: 'Password for enrollment', secret: 'password' },
  },
  {
    id: 'pki.tp.rsakeypair',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'rsakeypair WORD$label [<360-2048>$size [<360-2048>$encSize]]',
    help: { rsakeypair: 'Specify the rsakeypair to use', label: 'RSA keypair label', size: 'Size of key to generate', encSize: 'Size of encryption key to generate' },
  },
  {
    id: 'pki.tp.regenerate',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'regenerate',
    help: { regenerate: 'Regenerate keys on enrollment' },
  },
  {
    id: 'pki.tp.revocation-check',
    modes: ['ca-trustpoint'],
    no: true,
    syntax: 'revocation-check < crl$m1 | none$m1 | ocsp$m1 > [< crl$m2 | none$m2 | ocsp$m2 > [< crl$m3 | none$m3 | ocsp$m3 >]]',
    help: { 'revocation-check': 'Revocation checking options', crl: 'Revocation check by CRL', none: 'Ignore revocation check', ocsp: 'Revocation check by OCSP' },
  },
];

export const PKI_SERVER_COMMANDS: CommandSpec[] = [
  {
    id: 'pki.cs.issuer-name',
    modes: ['cs-server'],
    no: true,
    syntax: 'issuer-name LINE$dn',
    help: { 'issuer-name': 'Issuer name', dn: 'Issuer name string' },
  },
  {
    id: 'pki.cs.lifetime',
    modes: ['cs-server'],
    no: true,
    syntax: 'lifetime < certificate$what <1-1825>$days | ca-certificate$what <1-7305>$days | crl$what <1-336>$hours >',
    help: {
      lifetime: 'Lifetime parameters',
      certificate: 'Lifetime of issued certificates',
      'ca-certificate': 'Lifetime of the CA certificate',
      crl: 'Lifetime of the CRL',
      days: 'days',
      hours: 'hours',
    },
  },
  {
    id: 'pki.cs.grant',
    modes: ['cs-server'],
    no: true,
    syntax: 'grant < auto$how | none$how >',
    help: { grant: 'Grant certificate requests', auto: 'Automatically grant incoming certificate requests', none: 'Automatically reject incoming certificate requests' },
  },
  {
    id: 'pki.cs.database-level',
    modes: ['cs-server'],
    no: true,
    syntax: 'database level < minimum$level | names$level | complete$level >',
    help: {
      database: 'Database parameters',
      level: 'Database content level',
      minimum: 'Minimum information required for issuing new certificates',
      names: 'Certificate serial number and subject name stored',
      complete: 'Complete certificates stored',
    },
  },
  {
    id: 'pki.cs.database-url',
    modes: ['cs-server'],
    no: true,
    syntax: 'database url WORD$location',
    help: { database: 'Database parameters', url: 'Database location', location: 'Location (e.g. nvram:)' },
  },
  {
    id: 'pki.cs.shutdown',
    modes: ['cs-server'],
    no: true,
    syntax: 'shutdown',
    help: { shutdown: 'Shutdown the certificate server' },
  },
];

export const PKI_CHAIN_COMMANDS: CommandSpec[] = [
  {
    id: 'pki.chain.certificate',
    modes: ['config-cert-chain'],
    no: true,
    syntax: 'certificate [< ca$kind | self-signed$kind >] WORD$serial [WORD$file]',
    help: { certificate: 'Enter certificate', ca: 'CA certificate', 'self-signed': 'Self-signed certificate', serial: 'Serial number', file: 'Certificate location (nvram: file)' },
  },
];

/** Leaving the PKI sub-modes (shared core intents). */
export const PKI_NAV_COMMANDS: CommandSpec[] = [
  { id: 'config.exit', modes: ['ca-trustpoint'], syntax: 'exit', help: { exit: 'Exit from certificate authority trustpoint entry mode' } },
  { id: 'config.exit', modes: ['cs-server'], syntax: 'exit', help: { exit: 'Exit from certificate server configuration mode' } },
  { id: 'config.exit', modes: ['config-cert-chain'], syntax: 'exit', help: { exit: 'Exit from certificate chain entry mode' } },
  { id: 'config.end', modes: ['ca-trustpoint', 'cs-server', 'config-cert-chain'], syntax: 'end', help: { end: 'Exit from configure mode' } },
];

export const PKI_EXEC_COMMANDS: CommandSpec[] = [
  {
    id: 'show.pki.certificates',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto < pki | ca > certificates [WORD$name] [verbose]',
    help: { show: H.show, crypto: H.crypto, pki: H.pki, ca: H.ca, certificates: 'Show certificates', name: H.tpName, verbose: 'Display in verbose mode' },
  },
  {
    id: 'show.pki.trustpoints',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto < pki | ca > trustpoints [WORD$name] [status]',
    help: { show: H.show, crypto: H.crypto, pki: H.pki, ca: H.ca, trustpoints: 'Show trustpoints', name: H.tpName, status: 'Show trustpoint status' },
  },
  {
    id: 'show.pki.timers',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto < pki | ca > timers',
    help: { show: H.show, crypto: H.crypto, pki: H.pki, ca: H.ca, timers: 'Show PKI timers' },
  },
  {
    id: 'show.pki.mypubkey',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto key mypubkey rsa [WORD$label]',
    help: { show: H.show, crypto: H.crypto, key: 'Show long term public keys', mypubkey: 'Show public keys associated with this router', rsa: 'Show RSA public keys', label: 'RSA keypair label' },
  },
  {
    id: 'show.pki.server',
    modes: ['exec'],
    privilege: 1,
    syntax: 'show crypto pki server [WORD$name] [requests]',
    help: { show: H.show, crypto: H.crypto, pki: H.pki, server: 'Show Certificate Server information', name: 'Certificate Server Name', requests: 'Show certificate enrollment requests' },
  },
  {
    id: 'pki.cs.exec.requests',
    modes: ['exec'],
    privilege: 15,
    syntax: 'crypto pki server WORD$name info requests',
    help: { crypto: H.crypto, pki: H.pki, server: 'Certificate Server', name: 'Certificate Server Name', info: 'Display information', requests: 'Display the enrollment request database' },
  },
  {
    id: 'pki.cs.exec.grant',
    modes: ['exec'],
    privilege: 15,
    syntax: 'crypto pki server WORD$name < grant$action | reject$action > < all$all | <1-2147483647>$reqId >',
    help: {
      crypto: H.crypto,
      pki: H.pki,
      server: 'Certificate Server',
      name: 'Certificate Server Name',
      grant: 'Grant certificate requests',
      reject: 'Reject certificate requests',
      all: 'All requests',
      reqId: 'Request ID',
    },
  },
];

export const PKI_COMMANDS: readonly CommandSpec[] = [
  ...PKI_CONFIG_COMMANDS,
  ...PKI_TRUSTPOINT_COMMANDS,
  ...PKI_SERVER_COMMANDS,
  ...PKI_CHAIN_COMMANDS,
  ...PKI_NAV_COMMANDS,
  ...PKI_EXEC_COMMANDS,
];
