/** Global configuration commands of the `system` feature. */
import type { CommandSpec } from '../types.js';
import { CONFIG_MODES } from './modes.js';

const ip = 'Global IP configuration subcommands';
const service = 'Modify use of network based services';

export const CONFIG_NAV_COMMANDS: CommandSpec[] = [
  { id: 'config.end', modes: [...CONFIG_MODES], syntax: 'end', help: { end: 'Exit from configure mode' } },
  { id: 'config.exit', modes: ['config'], syntax: 'exit', help: { exit: 'Exit from configure mode' } },
  { id: 'config.exit', modes: ['config-if'], syntax: 'exit', help: { exit: 'Exit from interface configuration mode' } },
  { id: 'config.exit', modes: ['config-line'], syntax: 'exit', help: { exit: 'Exit from line configuration mode' } },
];

export const SYSTEM_COMMANDS: CommandSpec[] = [
  // Lines IOS writes into every config; accepted on replay, no effect (hidden, as in IOS).
  { id: 'system.version', modes: ['config'], hidden: true, syntax: 'version WORD$version', help: { version: 'Version', 'version$': 'Version number' } },
  { id: 'system.boot-marker', modes: ['config'], hidden: true, syntax: '<boot-start-marker|boot-end-marker>$marker', help: { 'boot-start-marker': 'Boot start marker', 'boot-end-marker': 'Boot end marker' } },
  { id: 'system.hostname', modes: ['config'], syntax: 'hostname WORD$name', help: { hostname: "Set system's network name", name: "This system's network name" } },
  {
    id: 'system.enable-secret',
    modes: ['config'],
    no: true,
    syntax: 'enable secret [level <1-15>$level] LINE$secretText',
    noSyntax: 'enable secret [level <1-15>$level] [LINE$secretText]',
    help: {
      enable: 'Modify enable password parameters',
      secret: 'Assign the privileged level secret',
      level: 'Set exec level password',
      '$level': 'Level number',
      secretText: "The UNENCRYPTED (cleartext) 'enable' secret",
    },
  },
  {
    id: 'system.enable-password',
    modes: ['config'],
    no: true,
    syntax: 'enable password LINE$passwordText',
    help: { enable: 'Modify enable password parameters', password: 'Assign the privileged level password', passwordText: "The UNENCRYPTED (cleartext) 'enable' password" },
  },
  {
    id: 'system.service-timestamps',
    modes: ['config'],
    no: true,
    syntax: 'service timestamps [<debug|log>$kind] [< uptime$format | datetime$format [{msec|localtime|show-timezone|year}] >]',
    help: {
      service,
      timestamps: 'Timestamp debug/log messages',
      debug: 'Timestamp debug messages',
      log: 'Timestamp log messages',
      uptime: 'Timestamp with system uptime',
      datetime: 'Timestamp with date and time',
      msec: 'Include milliseconds in timestamp',
      localtime: 'Use local time zone for timestamps',
      'show-timezone': 'Add time zone information to timestamp',
      year: 'Include year in timestamp',
    },
  },
  {
    id: 'system.service-password-encryption',
    modes: ['config'],
    no: true,
    syntax: 'service password-encryption',
    help: { service, 'password-encryption': 'Encrypt system passwords' },
  },
  {
    id: 'system.ip-domain-name',
    modes: ['config'],
    no: true,
    syntax: 'ip domain-name WORD$name',
    help: { ip, 'domain-name': 'Define the default domain name', name: 'Default domain name' },
  },
  {
    id: 'system.ip-domain-name',
    modes: ['config'],
    no: true,
    syntax: 'ip domain name WORD$name',
    help: { ip, domain: 'IP DNS Resolver', name: 'Define the default domain name' },
  },
  { id: 'system.ip-domain-lookup', modes: ['config'], no: true, syntax: 'ip domain-lookup', help: { ip, 'domain-lookup': 'Enable IP Domain Name System hostname translation' } },
  { id: 'system.ip-domain-lookup', modes: ['config'], no: true, syntax: 'ip domain lookup', help: { ip, domain: 'IP DNS Resolver', lookup: 'Enable IP Domain Name System hostname translation' } },
  { id: 'system.ip-cef', modes: ['config'], no: true, syntax: 'ip cef', help: { ip, cef: 'Cisco Express Forwarding' } },
  {
    id: 'system.ip-forward-protocol',
    modes: ['config'],
    no: true,
    syntax: 'ip forward-protocol nd',
    help: { ip, 'forward-protocol': 'Controls forwarding of physical and directed IP broadcasts', nd: 'Sun\'s Network Disk protocol' },
  },
  { id: 'system.ip-http-server', modes: ['config'], no: true, syntax: 'ip http server', help: { ip, http: 'HTTP server configuration', server: 'Enable HTTP server' } },
  {
    id: 'system.ip-http-secure-server',
    modes: ['config'],
    no: true,
    syntax: 'ip http secure-server',
    help: { ip, http: 'HTTP server configuration', 'secure-server': 'Enable HTTP secure server' },
  },
  {
    id: 'system.aaa-new-model',
    modes: ['config'],
    no: true,
    syntax: 'aaa new-model',
    help: { aaa: 'Authentication, Authorization and Accounting.', 'new-model': 'Enable NEW access control commands and functions.(Disables OLD commands.)' },
  },
  {
    id: 'system.ntp-server',
    modes: ['config'],
    no: true,
    syntax: 'ntp server A.B.C.D$addr [prefer]',
    noSyntax: 'ntp server A.B.C.D$addr [prefer]',
    help: { ntp: 'Configure NTP', server: 'Configure NTP server', addr: 'IP address of peer', prefer: 'Prefer this peer when possible' },
  },
  {
    id: 'system.banner-motd',
    modes: ['config'],
    no: true,
    syntax: 'banner motd [LINE$text]',
    help: { banner: 'Define a login banner', motd: 'Set Message of the Day banner', text: 'c banner-text c, where \'c\' is a delimiting character' },
  },
];
