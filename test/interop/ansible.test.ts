/**
 * Ansible 7.7 (ansible-core 2.14, cisco.ios 4.6.1) over network_cli/paramiko:
 * ios_command, ios_config with save_when: modified (idempotent second run), ios_facts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../helpers/proc.js';
import { startTwin, tempDir, type TestTwin } from '../helpers/twin.js';

let twin: TestTwin;
const tmp = tempDir('twin-ansible-');
beforeAll(async () => {
  twin = await startTwin([{ name: 'R1' }]);
});
afterAll(async () => {
  await twin?.stop();
  tmp.cleanup();
});

const PLAYBOOK = `
- hosts: routers
  gather_facts: false
  tasks:
    - name: show version
      cisco.ios.ios_command:
        commands: [show version]
      register: ver
    - name: configure and save
      cisco.ios.ios_config:
        lines:
          - ntp server 192.0.2.20
          - logging buffered 32768
        save_when: modified
      register: cfg
    - name: facts
      cisco.ios.ios_facts:
        gather_subset: min
      register: facts
`;

interface TaskResult {
  task: { name: string };
  hosts: Record<string, Record<string, unknown>>;
}

async function playbook() {
  const home = join(tmp.path, 'home');
  mkdirSync(join(tmp.path, 'ltmp'), { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(tmp.path, 'inventory.ini'),
    [
      '[routers]',
      `r1 ansible_host=127.0.0.1 ansible_port=${twin.port('R1')}`,
      '',
      '[routers:vars]',
      'ansible_connection=ansible.netcommon.network_cli',
      'ansible_network_os=cisco.ios.ios',
      'ansible_network_cli_ssh_type=paramiko',
      'ansible_user=admin',
      'ansible_password=admin',
      'ansible_become=yes',
      'ansible_become_method=enable',
      'ansible_become_password=cisco',
      '',
    ].join('\n'),
  );
  writeFileSync(join(tmp.path, 'play.yml'), PLAYBOOK);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_LOCAL_TEMP: join(tmp.path, 'ltmp'),
    ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: join(tmp.path, 'pc'),
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_PARAMIKO_LOOK_FOR_KEYS: 'False',
    ANSIBLE_PERSISTENT_COMMAND_TIMEOUT: '60',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
  };
  const r = await run('ansible-playbook', ['-i', join(tmp.path, 'inventory.ini'), join(tmp.path, 'play.yml')], {
    env,
    cwd: tmp.path,
    timeoutMs: 180_000,
  });
  let parsed: { plays: { tasks: TaskResult[] }[]; stats: Record<string, Record<string, number>> };
  try {
    parsed = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  } catch {
    throw new Error(`ansible-playbook output is not JSON (code ${r.code}): ${r.stdout.slice(-2000)} ${r.stderr.slice(-2000)}`);
  }
  const tasks = new Map(parsed.plays[0]!.tasks.map((t) => [t.task.name, t.hosts.r1!]));
  return { r, tasks, stats: parsed.stats.r1! };
}

describe('ansible cisco.ios over network_cli (paramiko)', () => {
  it('ios_command, ios_config save_when: modified, ios_facts; second run is unchanged', async () => {
    const first = await playbook();
    if (first.stats.failures || first.stats.unreachable) {
      throw new Error(`first run failed: ${JSON.stringify([...first.tasks.values()].map((t) => t.msg ?? t.stderr ?? ''), null, 1).slice(0, 3000)}`);
    }
    const ver = first.tasks.get('show version')!;
    expect((ver.stdout as string[])[0]).toContain('Cisco IOS Software');
    expect(first.tasks.get('configure and save')!.changed).toBe(true);
    const facts = first.tasks.get('facts')!.ansible_facts as Record<string, unknown>;
    expect(facts.ansible_net_hostname).toBe('R1');
    expect(facts.ansible_net_version).toMatch(/^\d+\.\d+\(\w+\)\w*$/);
    expect(facts.ansible_net_serialnum).toMatch(/^\w+$/);
    expect(facts.ansible_net_system).toBe('ios');
    const nvram = readFileSync(join(twin.stateDir, 'R1', 'nvram', 'startup-config'), 'utf8');
    expect(nvram).toMatch(/^ntp server 192\.0\.2\.20$/m);
    expect(nvram).toMatch(/^logging buffered 32768$/m);

    const second = await playbook();
    expect(second.stats.failures ?? 0).toBe(0);
    expect(second.tasks.get('configure and save')!.changed).toBe(false);
    expect(second.stats.changed ?? 0).toBe(0);
  });
});
