/**
 * Shared pieces of the strongSwan test drivers (run inside `unshare --net --mount --fork`, with a
 * private tmpfs on /run): the plugin list 5.9.8 needs, an async command runner (the twin lives in
 * the same process, so the event loop must keep running), bounded waits, the charon section of
 * strongswan.conf, and `swanctl --load-all` with a retry while charon's socket is not yet accepting.
 */
import { spawn } from 'node:child_process';

export const PLUGINS = 'random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints kdf hmac sha1 sha2 aes gmp curve25519 kernel-netlink socket-default vici';
export const VICI = 'unix:///run/charon.vici';

export function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    const t = setTimeout(() => p.pid && p.exitCode === null && p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
    p.on('error', (e) => {
      clearTimeout(t);
      resolve({ code: -1, out: String(e) });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (pred()) return true;
    await sleep(20);
  }
  return pred();
}

/** The `charon { … }` section: ports 5500/5501, no routes/VIPs, short retransmits, a file log. */
export function charonSection(charonLog: string): string {
  return `charon {
  port = 5500
  port_nat_t = 5501
  install_routes = no
  install_virtual_ip = no
  retransmit_tries = 2
  retransmit_timeout = 2
  load_modular = no
  load = ${PLUGINS}
  plugins {
    vici {
      socket = ${VICI}
    }
  }
  filelog {
    charonlog {
      path = ${charonLog}
      time_format = %T
      default = 1
      ike = 2
      cfg = 2
      flush_line = yes
    }
  }
}
`;
}

/** `swanctl --load-all`; the socket file appears before charon accepts on it, so retry "refused" (bounded). */
export async function swanctlLoadAll(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  let l = await sh('swanctl', ['--load-all', '--uri', VICI], env);
  for (let i = 0; i < 50 && l.code !== 0 && /Connection refused|No such file/i.test(l.out); i++) {
    await sleep(200);
    l = await sh('swanctl', ['--load-all', '--uri', VICI], env);
  }
  return l;
}
