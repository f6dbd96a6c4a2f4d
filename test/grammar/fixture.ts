/** A realistic fixture set of modes and commands for the grammar engine tests. */
import type { CommandSpec, ModeSpec } from '../../cli-grammar/types.js';

export const MODES: ModeSpec[] = [
  { id: 'user', prompt: '>', kind: 'exec' },
  { id: 'exec', prompt: '#', kind: 'exec' },
  { id: 'config', prompt: '(config)#', kind: 'config' },
  { id: 'config-if', parent: 'config', prompt: '(config-if)#', kind: 'config' },
  { id: 'ca-trustpoint', parent: 'config', prompt: '(ca-trustpoint)#', kind: 'config' },
];

const SHOW = { show: 'Show running system information' };
const IP = { ip: 'Global IP configuration subcommands' };
const CRYPTO = { crypto: 'Encryption module' };

export const COMMANDS: CommandSpec[] = [
  // ---- exec
  { id: 'show.version', modes: ['user', 'exec'], syntax: 'show version', help: { ...SHOW, version: 'System hardware and software status' } },
  { id: 'show.memory', modes: ['user', 'exec'], syntax: 'show memory', help: { ...SHOW, memory: 'Memory statistics' } },
  { id: 'show.running-config', modes: ['exec'], syntax: 'show running-config', privilege: 15, help: { ...SHOW, 'running-config': 'Current operating configuration' } },
  { id: 'show.startup-config', modes: ['exec'], syntax: 'show startup-config', privilege: 15, help: { ...SHOW, 'startup-config': 'Contents of startup configuration' } },
  { id: 'show.clock', modes: ['user', 'exec'], syntax: 'show clock', help: { ...SHOW, clock: 'Display the system clock' } },
  { id: 'show.ip-interface-brief', modes: ['user', 'exec'], syntax: 'show ip interface brief', help: { ...SHOW, ip: 'IP information', interface: 'IP interface status and configuration', brief: 'Brief summary of IP status and configuration' } },
  { id: 'show.interfaces', modes: ['user', 'exec'], syntax: 'show interfaces [INTERFACE$name]', help: { ...SHOW, interfaces: 'Interface status and configuration' } },
  { id: 'configure.terminal', modes: ['exec'], syntax: 'configure terminal', help: { configure: 'Enter configuration mode', terminal: 'Configure from the terminal' } },
  { id: 'copy.run-start', modes: ['exec'], syntax: 'copy running-config startup-config', help: { copy: 'Copy from one file to another', 'running-config': 'Copy from current system configuration', 'startup-config': 'Copy to startup configuration' } },
  { id: 'clock.set', modes: ['exec'], syntax: 'clock set HH:MM:SS$time <1-31>$day MONTH$month <1993-2035>$year', help: { clock: 'Manage the system clock', set: 'Set the time and date', time: 'Current Time', day: 'Day of the month', month: 'Month of the year', year: 'Year' } },
  { id: 'enable', modes: ['user'], syntax: 'enable', help: { enable: 'Turn on privileged commands' } },
  { id: 'disable', modes: ['exec'], syntax: 'disable', help: { disable: 'Turn off privileged commands' } },

  // ---- global config
  { id: 'hostname', modes: ['config'], syntax: 'hostname WORD$name', no: true, help: { hostname: 'Set system\'s network name', name: 'This system\'s network name' } },
  { id: 'interface', modes: ['config'], syntax: 'interface INTERFACE$name', help: { interface: 'Select an interface to configure' } },
  { id: 'ip.domain-name', modes: ['config'], syntax: 'ip domain-name WORD$name', no: true, help: { ...IP, 'domain-name': 'Define the default domain name', name: 'Default domain name' } },
  { id: 'ip.domain-lookup', modes: ['config'], syntax: 'ip domain-lookup', no: true, default: true, help: { ...IP, 'domain-lookup': 'Enable IP Domain Name System hostname translation' } },
  { id: 'ip.domain-list', modes: ['config'], syntax: 'ip domain list WORD$name', no: true, help: { ...IP, domain: 'IP DNS Resolver', list: 'Domain name to complete unqualified host names', name: 'A domain name' } },
  { id: 'username', modes: ['config'], syntax: 'username WORD$user privilege <0-15>$level secret LINE$pass', no: true, help: { username: 'Establish User Name Authentication', user: 'User name', privilege: 'Set user privilege level', level: 'User privilege level', secret: 'Specify the secret for the user', pass: 'The UNENCRYPTED (cleartext) user secret' } },
  { id: 'crypto.key.generate', modes: ['config'], syntax: 'crypto key generate rsa [<general-keys|usage-keys>$kind] [label WORD$label] [exportable] [modulus <360-4096>$modulus]', help: { ...CRYPTO, key: 'Long term key operations', generate: 'Generate new keys', rsa: 'Generate RSA keys', 'general-keys': 'Generate a general purpose RSA key pair for signing and encryption', 'usage-keys': 'Generate separate RSA key pairs for signing and encryption', label: 'Provide a label', exportable: 'Allow the key to be exported', modulus: 'Provide number of modulus bits on the command line', $modulus: 'size of the key modulus [360-4096]', $label: 'RSA key pair label' } },
  { id: 'crypto.pki.trustpoint', modes: ['config'], syntax: 'crypto pki trustpoint WORD$name', no: true, help: { ...CRYPTO, pki: 'Public Key components', trustpoint: 'Define a CA trustpoint', name: 'Trustpoint Name' } },
  { id: 'crypto.ca.trustpoint', modes: ['config'], syntax: 'crypto ca trustpoint WORD$name', no: true, hidden: true, help: { ...CRYPTO, ca: 'Certification authority', trustpoint: 'Define a CA trustpoint', name: 'Trustpoint Name' } },
  { id: 'end', modes: ['config', 'config-if', 'ca-trustpoint'], syntax: 'end', help: { end: 'Exit from configure mode' } },
  { id: 'exit', modes: ['config', 'config-if', 'ca-trustpoint'], syntax: 'exit', help: { exit: 'Exit from configure mode' } },

  // ---- interface
  { id: 'if.ip-address', modes: ['config-if'], syntax: 'ip address A.B.C.D$addr A.B.C.D$mask', no: true, help: { ip: 'Interface Internet Protocol config commands', address: 'Set the IP address of an interface', addr: 'IP address', mask: 'IP subnet mask' } },
  { id: 'if.shutdown', modes: ['config-if'], syntax: 'shutdown', no: true, default: true, help: { shutdown: 'Shutdown the selected interface' } },
  { id: 'if.description', modes: ['config-if'], syntax: 'description LINE$text', no: true, help: { description: 'Interface specific description', text: 'Up to 240 characters describing this interface' } },

  // ---- trustpoint
  { id: 'tp.auto-enroll', modes: ['ca-trustpoint'], syntax: 'auto-enroll [<10-100>$percent] [regenerate]', no: true, help: { 'auto-enroll': 'Enable auto-enrollment', percent: 'percentage of validity period to trigger renewal', regenerate: 'Generate a new key pair for re-enrollment' } },
  { id: 'tp.enrollment-url', modes: ['ca-trustpoint'], syntax: 'enrollment url URL$url', no: true, help: { enrollment: 'Enrollment parameters', url: 'CA server enrollment URL', $url: 'CA server enrollment URL' } },
  { id: 'tp.enrollment-retry-count', modes: ['ca-trustpoint'], syntax: 'enrollment retry count <1-100>$count', no: true, help: { enrollment: 'Enrollment parameters', retry: 'Polling parameters', count: 'How many times the router should poll the CA', $count: 'Number of retries' } },
  { id: 'tp.rsakeypair', modes: ['ca-trustpoint'], syntax: 'rsakeypair WORD$label [<360-4096>$size [<360-4096>$encSize]]', no: true, help: { rsakeypair: 'Specify rsakeypair label', label: 'label', size: 'size of the signature key', encSize: 'size of the encryption key' } },
  { id: 'tp.revocation-check', modes: ['ca-trustpoint'], syntax: 'revocation-check {none$none|crl$crl}', no: true, help: { 'revocation-check': 'Revocation checking options', none: 'Ignore revocation check', crl: 'Revocation check by CRL' } },
  { id: 'tp.renewal-window', modes: ['ca-trustpoint'], syntax: 'renewal-window DURATION$window', no: true, help: { 'renewal-window': 'Twin-only: renewal window', window: 'Duration' } },
];
