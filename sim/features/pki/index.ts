/**
 * PKI feature (router side): RSA keys, trustpoints, authenticate/enroll, certificate chains,
 * auto-enroll with key rollover and the autosave rule, the IOS certificate server, PKI shows.
 *
 * Persistence: private NVRAM (`pki` entry of private-config.json) holds the key store, the
 * certificate files referenced by startup-config (`nvram:NAME#1CA.cer`), received rollover
 * certificates, and a certificate server's CA database. Everything else is startup-config text.
 */
import { PKI_COMMANDS, PKI_MODES } from '../../../cli-grammar/ios/pki.js';
import type { Device } from '../../device/device.js';
import type { Feature, Handler } from '../../device/feature.js';
import { KeyStore } from '../../../pki/keystore.js';
import { parseCertificate } from '../../../pki/x509.js';
import type { CertUsage, IdentityCert } from '../../../pki/trustpoint.js';
import { generateRsa, showMypubkey, zeroizeRsa } from './keys-cli.js';
import { engineOf } from './runtime.js';
import { bootServer, serverHandlers, setSavedCa, showServer, shutdownServer } from './server-cli.js';
import { showCertificates, showTimers, showTrustpoints } from './show.js';
import { initPkiState, pkiState, PKI_FEATURE_ID, type PkiState } from './state.js';
import { trustpointHandlers } from './trustpoint-cli.js';
import { referencedFiles, rememberFileName } from './write.js';
import { PKI_SECTIONS } from './write.js';

interface PrivateData {
  keys?: unknown;
  files?: Record<string, string>;
  rollover?: Record<string, { usage: CertUsage; der: string; installedAt: number }[]>;
  ca?: unknown;
}

function save(device: Device): PrivateData {
  const st = pkiState(device);
  const files: Record<string, string> = {};
  for (const [name, der] of referencedFiles(st, device.state.hostname)) files[name] = der.toString('base64');
  const rollover: PrivateData['rollover'] = {};
  for (const tp of st.trustpoints.values()) {
    if (tp.certs.rollover.length) rollover[tp.cfg.name] = tp.certs.rollover.map((r) => ({ usage: r.usage, der: r.cert.der.toString('base64'), installedAt: r.installedAt }));
  }
  return {
    keys: st.keys.toJSON(),
    files,
    ...(Object.keys(rollover).length ? { rollover } : {}),
    ...(st.ca ? { ca: st.ca.toJSON() } : {}),
  };
}

function load(device: Device, raw: unknown): void {
  const st = pkiState(device);
  const data = (raw ?? {}) as PrivateData;
  const { store, errors } = KeyStore.fromJSON(data.keys);
  st.keys = store;
  for (const e of errors) device.bootLog.push(`% PKI: ${e}`);
  for (const [name, b64] of Object.entries(data.files ?? {})) {
    if (typeof b64 !== 'string') continue;
    const der = Buffer.from(b64, 'base64');
    st.nvramFiles.set(name, der);
    rememberFileName(st, der, name);
  }
  for (const [tp, list] of Object.entries(data.rollover ?? {})) {
    const out: IdentityCert[] = [];
    for (const r of list ?? []) {
      try {
        out.push({ usage: r.usage, cert: parseCertificate(Buffer.from(r.der, 'base64')), installedAt: r.installedAt });
      } catch {
        device.bootLog.push(`% PKI: unreadable rollover certificate of ${tp} ignored`);
      }
    }
    if (out.length) st.savedRollover.set(tp, out);
  }
  setSavedCa(device, data.ca);
}

function onBoot(device: Device): void {
  const st = pkiState(device);
  st.booted = true;
  for (const [name, list] of st.savedRollover) {
    const tp = st.trustpoints.get(name);
    if (tp) tp.certs.rollover = list;
  }
  st.unsubscribe.push(
    device.world.events.on('clock.set', (e) => {
      if (e.device === device.name && pkiState(device) === st) engineOf(device).reconcileAll();
    }),
  );
  void bootServer(device).then(() => {
    if (pkiState(device) === st) engineOf(device).reconcileAll();
  });
  engineOf(device).reconcileAll();
}

function onShutdown(device: Device): void {
  let st: PkiState;
  try {
    st = pkiState(device);
  } catch {
    return;
  }
  st.engine?.shutdown();
  shutdownServer(device);
  for (const u of st.unsubscribe) u();
  st.unsubscribe = [];
}

const handlers: Record<string, Handler> = {
  ...trustpointHandlers,
  ...serverHandlers,
  'pki.key.generate': generateRsa,
  'pki.key.zeroize': zeroizeRsa,
  'show.pki.certificates': showCertificates,
  'show.pki.trustpoints': showTrustpoints,
  'show.pki.timers': showTimers,
  'show.pki.mypubkey': showMypubkey,
  'show.pki.server': showServer,
};

export const pkiFeature: Feature<PkiState> = {
  id: PKI_FEATURE_ID,
  modes: PKI_MODES,
  commands: PKI_COMMANDS,
  handlers,
  sections: PKI_SECTIONS,
  initState: initPkiState,
  privateNvram: { save, load },
  onBoot,
  onShutdown,
};
