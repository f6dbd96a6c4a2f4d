/**
 * The built-in lab `twin serve` runs without --lab: router R1 (ssh -p 2222 admin@127.0.0.1,
 * password admin, privilege 1 → `R1>`, `enable secret cisco`) and a CA router on 2223 whose
 * SCEP server is http://127.0.0.1:8080 (wired when the core's CA feature is available).
 */
import type { Lab, LabDevice } from './schema.js';

export const DEFAULT_SSH_PORT = 2222;
export const DEFAULT_SCEP_PORT = 8080;
/** Simulated wall clock at start of the default lab: 2026-01-01T00:00:00Z. */
export const DEFAULT_EPOCH = 1_767_225_600_000;

export function routerStartupConfig(hostname: string, user = 'admin', password = 'admin', privilege = 1, secret = 'cisco'): string {
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
    'no ip http server',
    '!',
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
    startupConfig: routerStartupConfig('CA'),
    // TODO(pki): served once the core exposes the CA/SCEP HTTP front end.
    scep: { host: '127.0.0.1', port: DEFAULT_SCEP_PORT },
  };
  return { name: 'default', seed: 1, epoch: DEFAULT_EPOCH, rate: 1, devices: [r1, ca] };
}
