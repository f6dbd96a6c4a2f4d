/**
 * Binds the pure enrollment engine (pki/enrollment.ts) to one device: its wall clock and the
 * world scheduler, its syslog and event bus, its dirty flag / NVRAM (the autosave rule), the
 * key pool, and the SCEP route (scep-route.ts). One engine per device per boot.
 */
import { readFileSync } from 'node:fs';
import type { Device } from '../../device/device.js';
import type { World } from '../../world/world.js';
import { EnrollmentEngine, type EnrollmentPorts, type SyslogMsg } from '../../../pki/enrollment.js';
import { DEFAULT_POOL_PATH, KeyPool, type KeyPoolFile, type RsaKeyPair } from '../../../pki/keys.js';
import { defaultKeyLabel } from '../../../pki/trustpoint.js';
import type { Rng } from '../../kernel/rng.js';
import { generateRsaKeyPair } from '../../transport/keygen.js';
import { makeCaPort } from './scep-route.js';
import { labSwitches, pkiState } from './state.js';

// ------------------------------------------------------------------ keys

let poolFile: KeyPoolFile | undefined;
const pools = new WeakMap<World, KeyPool>();
/** One deterministic key pool per world: two devices never get the same key while it lasts. */
export function worldKeyPool(world: World): KeyPool {
  let p = pools.get(world);
  if (!p) {
    poolFile ??= JSON.parse(readFileSync(DEFAULT_POOL_PATH, 'utf8')) as KeyPoolFile;
    pools.set(world, (p = new KeyPool(poolFile)));
  }
  return p;
}

const keyRngs = new WeakMap<Device, Rng>();
function keyRng(device: Device): Rng {
  let r = keyRngs.get(device);
  if (!r) keyRngs.set(device, (r = device.rng.fork('pki.keys')));
  return r;
}

/** Smallest modulus node/OpenSSL can make; IOS accepts 360 (a 360-bit request is served with 512). */
export const MIN_REAL_BITS = 512;

/**
 * A new RSA key pair: from the world's pool when it has the size (synchronous, deterministic),
 * else real generation off the event loop whose result re-enters through world.ingress.
 */
export function newKeyPair(device: Device, bits: number, done: (k: RsaKeyPair | Error) => void): void {
  const want = Math.max(MIN_REAL_BITS, bits);
  const k = worldKeyPool(device.world).take(want, keyRng(device));
  if (k) {
    done(k);
    return;
  }
  generateRsaKeyPair(want).then(
    (kp) => device.world.ingress(() => done(kp)),
    (e: unknown) => device.world.ingress(() => done(e instanceof Error ? e : new Error(String(e)))),
  );
}

// ------------------------------------------------------------------ syslog

export function pkiLog(device: Device, m: SyslogMsg): void {
  if ('raw' in m) {
    const stamp = device.syslog.stamp();
    device.syslog.raw(stamp ? `${stamp}: ${m.raw}` : m.raw, 'CRYPTO_PKI', 7);
  } else {
    device.syslog.log(`${m.facility}-${m.severity}-${m.mnemonic}`, m.text);
  }
}

// ------------------------------------------------------------------ engine

export function engineOf(device: Device): EnrollmentEngine {
  const st = pkiState(device);
  if (st.engine) return st.engine;
  const ports: EnrollmentPorts = {
    wallNow: () => device.wallNow(),
    atWall: (w, label, fn) => device.scheduler.at(device.world.now() + (w - device.wallNow()), `${label} @${device.name}`, fn),
    ca: makeCaPort(device),
    keys: () => pkiState(device).keys,
    newKey: (bits, done) => newKeyPair(device, bits, done),
    log: (m) => pkiLog(device, m),
    emit: (e) => {
      const { type, ...data } = e;
      device.emit(type, data);
    },
    configModified: () => device.isModified(),
    markConfigModified: () => device.markSystemChange('console'),
    writeNvram: () => device.saveToNvram('console'),
    identity: () => {
      const s = device.state;
      return {
        hostname: s.hostname,
        ...(s.domainName ? { domain: s.domainName } : {}),
        serial: device.serial,
        interfaceAddress: (name: string) => s.interfaces.get(name)?.ip?.addr,
        defaultKeyLabel: () => defaultKeyLabel(s.hostname, s.domainName),
      };
    },
    preRollover: () => labSwitches(device).preRollover,
  };
  st.engine = new EnrollmentEngine(ports, st.trustpoints);
  return st.engine;
}
