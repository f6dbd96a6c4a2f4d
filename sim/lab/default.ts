/**
 * The built-in lab `twin serve` runs without --lab: router R1 (ssh -p 2222 admin@127.0.0.1,
 * password admin, privilege 1 → `R1>`, `enable secret cisco`) and a CA router on 2223 whose
 * certificate server (`crypto pki server CA`, grant auto) answers SCEP on http://127.0.0.1:8080.
 */
import type { Lab, LabDevice } from './schema.js';

export const DEFAULT_SSH_PORT = 2222;
export const DEFAULT_SCEP_PORT = 8080;
/** Simulated wall clock at start of the default lab: 2026-01-01T00:00:00Z. */
export const DEFAULT_EPOCH = 1_767_225_600_000;

/** The certificate server block of the lab CA (IOS `crypto pki server`, running at boot). */
export function caServerConfig(name = 'CA'): string[] {
  return [
    `crypto pki server ${name}`,
    ' issuer-name CN=TwinLab CA,O=Router Twin',
    ' grant auto',
    ' lifetime certificate 365',
    ' lifetime ca-certificate 3650',
    '!',
  ];
}

export function routerStartupConfig(
  hostname: string,
  user = 'admin',
  password = 'admin',
  privilege = 1,
  secret = 'cisco',
  extra: { httpServer?: boolean; blocks?: string[] } = {},
): string {
  return [
    '!',
    'version 12.4',
    'service timestamps debug datetime msec',
    'service timestamps log datetime msec',
    'no service password-encryption',
    '!',
    `hostname ${hostname}`,
    '!',
    'boot-start-marker',
    'boot-end-marker',
    '!',
    `enable secret ${secret}`,
    '!',
    'no aaa new-model',
    'ip cef',
    '!',
    'no ip domain lookup',
    'ip domain name lab.local',
    '!',
    `username ${user} privilege ${privilege} password 0 ${password}`,
    '!',
    'interface FastEthernet0/0',
    ' no ip address',
    ' shutdown',
    ' duplex auto',
    ' speed auto',
    '!',
    'interface FastEthernet0/1',
    ' no ip address',
    ' shutdown',
    ' duplex auto',
    ' speed auto',
    '!',
    'ip forward-protocol nd',
    '!',
    extra.httpServer ? 'ip http server' : 'no ip http server',
    '!',
    ...(extra.blocks ?? []),
    'line con 0',
    'line aux 0',
    'line vty 0 4',
    ' login local',
    ' transport input ssh',
    '!',
    'end',
    '',
  ].join('\n');
}

export function defaultLab(): Lab {
  const login = { username: 'admin', password: 'admin', privilege: 1 };
  const r1: LabDevice = {
    name: 'R1',
    role: 'router',
    ssh: { host: '127.0.0.1', port: DEFAULT_SSH_PORT },
    login,
    enableSecret: 'cisco',
    startupConfig: routerStartupConfig('R1'),
  };
  const ca: LabDevice = {
    name: 'CA',
    role: 'ca',
    ssh: { host: '127.0.0.1', port: DEFAULT_SSH_PORT + 1 },
    login,
    enableSecret: 'cisco',
    startupConfig: routerStartupConfig('CA', 'admin', 'admin', 1, 'cisco', { httpServer: true, blocks: caServerConfig('CA') }),
    // SCEP of the certificate server: in-process for lab routers, real HTTP for outside clients
    scep: { host: '127.0.0.1', port: DEFAULT_SCEP_PORT },
  };
  return { name: 'default', seed: 1, epoch: DEFAULT_EPOCH, rate: 1, devices: [r1, ca] };
}
