/**
 * Per-device SSH host keys, persisted in the state dir so clients' known_hosts stay valid
 * across restarts: `<stateDir>/<device>/ssh_host_ed25519_key` (OpenSSH private key format,
 * which ssh2 parses; PKCS#8 PEM does not work with ssh2) plus a `.pub` next to it.
 *
 * Writes are atomic: temp file, fsync, rename, fsync of the directory.
 * This is I/O edge code (sim/transport/): it may use the file system and OS randomness.
 */
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2;

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

/** Device names become directory names: keep them to a safe alphabet. */
export function safeDeviceDir(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new Error(`device name ${JSON.stringify(name)} cannot be used as a state directory name`);
  }
  return name;
}


/** Checks that ssh2 can use `text` as a host key; returns an error message or undefined. */
export function checkHostKey(text: string): string | undefined {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) return parsed.message;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key.getPrivatePEM() === null) return 'not a private key';
  return undefined;
}

/**
 * A fresh Ed25519 host key in OpenSSH format. ssh2 1.17's generateKeyPairSync('ed25519')
 * drops a leading zero byte of the public key (about 1 key in 256), producing a file its own
 * parseKey rejects ("Malformed OpenSSH private key"): such keys are discarded and redrawn.
 */
export function generateEd25519HostKey(comment = ''): { private: string; public: string } {
  for (let i = 0; i < 64; i++) {
    const kp = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    if (checkHostKey(kp.private) === undefined) return { private: kp.private, public: kp.public };
  }
  throw new Error('could not generate a usable Ed25519 host key');
}


/** Write `data` to `path` atomically: temp file, fsync, rename, fsync dir (in the thread pool, so several overlap). */
export async function writeFileAtomicAsync(path: string, data: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  try {
    const dh = await open(join(path, '..'), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* best effort */
  }
}

/** The device's host key: read it, or create and persist it on first use. A corrupt file is an error. */
export async function loadOrCreateHostKey(stateDir: string, device: string): Promise<string> {
  const dir = join(stateDir, safeDeviceDir(device));
  const path = join(dir, HOST_KEY_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read host key ${path}: ${(e as Error).message}`);
    }
  }
  if (text !== undefined) {
    const err = checkHostKey(text);
    if (err) throw new Error(`host key ${path} is unusable (${err}); delete it to generate a new one`);
    return text;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const kp = generateEd25519HostKey(`${device}@router-twin`);
  await writeFile(`${path}.pub`, kp.public + '\n', { mode: 0o644 });
  await writeFileAtomicAsync(path, kp.private, 0o600);
  return kp.private;
}

/**
 * loadOrCreateHostKey for many devices at once (labs with hundreds of routers): the
 * durable writes of new keys overlap instead of queuing one fsync after another.
 */
export async function loadOrCreateHostKeys(stateDir: string, devices: string[], concurrency = 32): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < devices.length) {
      const name = devices[next++]!;
      out.set(name, await loadOrCreateHostKey(stateDir, name));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, worker));
  return out;
}
