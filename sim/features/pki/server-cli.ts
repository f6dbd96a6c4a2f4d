/**
 * The IOS certificate server on a lab device (`crypto pki server NAME` → `(cs-server)#`):
 * configuration, enabling (`no shutdown`: CA key + self-signed CA certificate, the server's own
 * trustpoint NAME), its SCEP endpoint (in-process for lab routers; a real HTTP listener through
 * the injected ScepListenerPort), the request queue (`info requests`, `grant`, `reject`),
 * `show crypto pki server`, and persistence of the CA database in the device's private NVRAM.
 * The CA model itself is pki/ca.ts (ScepCa).
 */
import type { Device } from '../../device/device.js';
import type { Handler, HandlerContext } from '../../device/feature.js';
import { fmtCertTime } from '../../kernel/clock.js';
import { askYesNo } from '../util.js';
import { ScepCa, type GrantMode } from '../../../pki/ca.js';
import { newRuntime } from '../../../pki/enrollment.js';
import { emptyCerts, newTrustpointConfig } from '../../../pki/trustpoint.js';
import { iosFingerprint } from '../../../pki/x509.js';
import { keyPairAsync } from './keys-cli.js';
import { scepListenerPort } from './scep-route.js';
import { pkiState, type CsConfig, PKI_FEATURE_ID } from './state.js';
import type { RsaKeyPair } from '../../../pki/keys.js';

/** Key size of the CA key pair IOS generates at `no shutdown` (RECALLED: 1024 in 12.4). */
export const CA_KEY_BITS = 1024;

// ------------------------------------------------------------------ runtime

interface CaRuntime {
  listener?: { stop(): void } | undefined;
  flush?: { cancel(): void } | undefined;
  unsub?: () => void;
  /** Lab fault switches (twin-only) survive config changes. */
  simReject: boolean;
}
const runtimes = new WeakMap<Device, CaRuntime>();
function rt(device: Device): CaRuntime {
  let r = runtimes.get(device);
  if (!r) runtimes.set(device, (r = { simReject: false }));
  return r;
}

/** CA state loaded from private NVRAM at boot (kept until the server starts). */
const savedCa = new WeakMap<Device, unknown>();
export function setSavedCa(device: Device, json: unknown): void {
  if (json === undefined) savedCa.delete(device);
  else savedCa.set(device, json);
}

function grantMode(s: CsConfig): GrantMode {
  return s.grant === 'auto' ? 'auto' : 'manual';
}

/** Push the (cs-server) configuration into the running CA model. */
function applyConfig(device: Device): void {
  const st = pkiState(device);
  const s = st.server;
  const ca = st.ca;
  if (!s || !ca) return;
  ca.config.grant = grantMode(s);
  if (s.lifetimeCertDays !== undefined) ca.config.lifetimeCertDays = s.lifetimeCertDays;
  ca.faults.rejectAll = s.grant === 'none' || rt(device).simReject;
}

/** The CA database to private NVRAM (IOS writes its database files at once). */
export function persistCa(device: Device, now = false): void {
  const st = pkiState(device);
  if (!st.ca) return;
  const r = rt(device);
  const write = () => {
    r.flush = undefined;
    const cur = pkiState(device).ca;
    if (!cur) return;
    const priv = device.nvram.readPrivate().data;
    const mine = (priv[PKI_FEATURE_ID] ?? {}) as Record<string, unknown>;
    device.nvram.writePrivate({ ...priv, [PKI_FEATURE_ID]: { ...mine, ca: cur.toJSON() } });
  };
  if (now) {
    r.flush?.cancel();
    write();
    return;
  }
  // In-memory NVRAM (tests, benchmarks) is flushed at shutdown/save only; a file-backed one
  // at most once per simulated second.
  if (!device.nvram.dir || r.flush) return;
  r.flush = device.scheduler.after(1000, `pki.ca.persist @${device.name}`, write);
}

function watchCa(device: Device, ca: ScepCa): void {
  const r = rt(device);
  r.unsub?.();
  r.unsub = ca.onEvent((e) => {
    device.emit(`pki.ca.${e.type}`, { detail: e.detail, ...(e.requestId !== undefined ? { requestId: e.requestId } : {}), ...(e.serial !== undefined ? { serial: e.serial } : {}) });
    persistCa(device);
  });
}

/** The certificate server's own trustpoint (IOS creates `crypto pki trustpoint NAME` + `rsakeypair NAME`). */
function ensureServerTrustpoint(device: Device, ca: ScepCa): void {
  const st = pkiState(device);
  const name = ca.config.name;
  let tp = st.trustpoints.get(name);
  if (!tp) {
    const cfg = newTrustpointConfig(name);
    cfg.revocationCheck = ['crl'];
    cfg.rsakeypair = { label: name };
    tp = { cfg, certs: emptyCerts(), rt: newRuntime() };
    st.trustpoints.set(name, tp);
  }
  tp.certs.ca = ca.caCert;
  if (!st.keys.has(name)) {
    st.keys.put({ label: name, kind: 'general', exportable: false, generatedAt: device.wallNow(), main: ca.key });
  }
}

/** Start (or restart) the server: load or create the CA, enable it, bind its endpoint. */
export function startServer(device: Device, key?: RsaKeyPair): ScepCa | undefined {
  const st = pkiState(device);
  const s = st.server;
  if (!s) return undefined;
  if (!st.ca) {
    const saved = savedCa.get(device);
    const deps = { clock: () => device.wallNow(), rng: device.rng.fork(`pki.ca.${s.name}`) };
    if (saved !== undefined) {
      try {
        const ca = ScepCa.fromJSON(saved, deps);
        if (ca.config.name === s.name) st.ca = ca;
      } catch (e) {
        device.bootLog.push(`% PKI: certificate server database unreadable (${(e as Error).message})`);
      }
    }
    if (!st.ca) {
      const k = key ?? st.keys.get(s.name)?.main;
      if (!k) return undefined;
      st.ca = ScepCa.create({
        config: {
          name: s.name,
          ...(s.issuerName ? { issuerName: s.issuerName } : {}),
          ...(s.lifetimeCertDays !== undefined ? { lifetimeCertDays: s.lifetimeCertDays } : {}),
          ...(s.lifetimeCaCertDays !== undefined ? { lifetimeCaCertDays: s.lifetimeCaCertDays } : {}),
          grant: grantMode(s),
        },
        key: k,
        ...deps,
      });
    }
    watchCa(device, st.ca);
  }
  const ca = st.ca;
  ca.enabled = true;
  applyConfig(device);
  ensureServerTrustpoint(device, ca);
  const r = rt(device);
  r.listener?.stop();
  r.listener = scepListenerPort(device.world)?.start({ device, server: s.name, handle: (req) => ca.handleScep(req) });
  persistCa(device, true);
  device.emit('pki.cs.enabled', { server: s.name });
  return ca;
}

export function stopServer(device: Device): void {
  const st = pkiState(device);
  const r = rt(device);
  r.listener?.stop();
  r.listener = undefined;
  if (st.ca) {
    st.ca.enabled = false;
    persistCa(device, true);
  }
}

/** Device shutdown (reload): flush, unbind, forget the runtime. */
export function shutdownServer(device: Device): void {
  const st = pkiState(device);
  const r = rt(device);
  r.flush?.cancel();
  r.flush = undefined;
  if (st.ca) {
    const priv = device.nvram.readPrivate().data;
    const mine = (priv[PKI_FEATURE_ID] ?? {}) as Record<string, unknown>;
    device.nvram.writePrivate({ ...priv, [PKI_FEATURE_ID]: { ...mine, ca: st.ca.toJSON() } });
  }
  r.listener?.stop();
  r.listener = undefined;
  r.unsub?.();
  r.unsub = undefined;
}

/** Boot: a configured, not shut down server comes up by itself (keys from private-config). */
export async function bootServer(device: Device): Promise<void> {
  const st = pkiState(device);
  if (!st.server || st.server.shutdown) return;
  let key: RsaKeyPair | undefined;
  if (!savedCa.get(device) && !st.keys.has(st.server.name)) key = await keyPairAsync(device, CA_KEY_BITS);
  const ca = startServer(device, key);
  if (ca) {
    device.syslog.log('PKI-6-CS_ENABLED', 'Certificate server now enabled.');
    if (st.server.grant === 'auto') device.syslog.log('PKI-6-CS_GRANT_AUTO', 'All enrollment requests will be automatically granted.');
  }
}

export function setCaSimFault(device: Device, name: string, state: string, delayMs?: number): string | undefined {
  const st = pkiState(device);
  if (!st.server || st.server.name !== name) return `% Certificate server ${name} is not configured on this device.`;
  const r = rt(device);
  if (state === 'reject' || state === 'accept') r.simReject = state === 'reject';
  if (!st.ca) return undefined;
  if (state === 'down') st.ca.faults.down = 'drop';
  else if (state === 'up') {
    st.ca.faults.down = false;
    st.ca.faults.slowMs = 0;
  } else if (state === 'delay') st.ca.faults.slowMs = Math.max(0, delayMs ?? 0);
  applyConfig(device);
  return undefined;
}

// ------------------------------------------------------------------ CLI

function serverOf(ctx: HandlerContext): CsConfig | undefined {
  const s = pkiState(ctx.device).server;
  return s && s.name === String(ctx.modeCtx) ? s : undefined;
}

const LOCKED = '% Some server settings cannot be changed after CA certificate generation.';

export const serverHandlers: Record<string, Handler> = {
  'pki.server'(ctx) {
    const st = pkiState(ctx.device);
    const name = String(ctx.args.name);
    if (ctx.negated) {
      if (!st.server || st.server.name !== name) return;
      stopServer(ctx.device);
      st.server = undefined;
      st.ca = undefined;
      setSavedCa(ctx.device, undefined);
      const priv = ctx.device.nvram.readPrivate().data;
      const mine = { ...((priv[PKI_FEATURE_ID] ?? {}) as Record<string, unknown>) };
      delete mine.ca;
      ctx.device.nvram.writePrivate({ ...priv, [PKI_FEATURE_ID]: mine });
      return;
    }
    if (st.server && st.server.name !== name) {
      // CHOICE: IOS runs one certificate server per router; the text is not in the reference.
      ctx.error(`% Certificate server ${st.server.name} is already configured.`);
      return;
    }
    // A new server starts shut down (`no shutdown` creates the CA); from boot replay the
    // absence of a `shutdown` line means it runs.
    st.server ??= { name, grant: 'manual', shutdown: !ctx.booting };
    ctx.enterMode('cs-server', name);
  },
  'pki.cs.issuer-name'(ctx) {
    const s = serverOf(ctx);
    if (!s) return;
    if (pkiState(ctx.device).ca) {
      ctx.error(LOCKED);
      return;
    }
    if (ctx.negated) delete s.issuerName;
    else s.issuerName = String(ctx.args.dn).trim();
  },
  'pki.cs.lifetime'(ctx) {
    const s = serverOf(ctx);
    if (!s) return;
    const what = String(ctx.args.what);
    if (what === 'ca-certificate' && pkiState(ctx.device).ca) {
      ctx.error(LOCKED);
      return;
    }
    const v = ctx.negated ? undefined : Number(what === 'crl' ? ctx.args.hours : ctx.args.days);
    if (what === 'certificate') s.lifetimeCertDays = v;
    else if (what === 'ca-certificate') s.lifetimeCaCertDays = v;
    else s.lifetimeCrlHours = v;
    if (v === undefined) {
      if (what === 'certificate') delete s.lifetimeCertDays;
      else if (what === 'ca-certificate') delete s.lifetimeCaCertDays;
      else delete s.lifetimeCrlHours;
    }
    applyConfig(ctx.device);
  },
  'pki.cs.grant'(ctx) {
    const s = serverOf(ctx);
    if (!s) return;
    s.grant = ctx.negated ? 'manual' : ctx.args.how === 'auto' ? 'auto' : 'none';
    applyConfig(ctx.device);
    const st = pkiState(ctx.device);
    if (!ctx.booting && s.grant === 'auto' && st.ca?.enabled) ctx.log('PKI-6-CS_GRANT_AUTO', 'All enrollment requests will be automatically granted.');
  },
  'pki.cs.database-level'(ctx) {
    const s = serverOf(ctx);
    if (!s) return;
    if (ctx.negated) delete s.databaseLevel;
    else s.databaseLevel = ctx.args.level as CsConfig['databaseLevel'];
  },
  'pki.cs.database-url'(ctx) {
    const s = serverOf(ctx);
    if (!s) return;
    if (ctx.negated) delete s.databaseUrl;
    else s.databaseUrl = String(ctx.args.location);
  },
  async 'pki.cs.shutdown'(ctx) {
    const s = serverOf(ctx);
    if (!s) return;
    const st = pkiState(ctx.device);
    if (!ctx.negated) {
      if (!s.shutdown) {
        s.shutdown = true;
        stopServer(ctx.device);
        ctx.device.emit('pki.cs.disabled', { server: s.name });
      }
      return;
    }
    if (ctx.booting) {
      s.shutdown = false;
      return;
    }
    if (!s.shutdown && st.ca?.enabled) return;
    let key: RsaKeyPair | undefined;
    if (!st.ca && !savedCa.get(ctx.device)) {
      // First start: the CA key pair and certificate (RECALLED dialog, 12.4).
      ctx.out('%Some server settings cannot be changed after CA certificate generation.');
      ctx.out('% Please enter a passphrase to protect the private key');
      ctx.out('% or type Return to exit');
      for (;;) {
        const p1 = await ctx.ask('Password: ', { echo: false });
        if (p1 === '') return;
        ctx.out('');
        const p2 = await ctx.ask('Re-enter password: ', { echo: false });
        if (p1 === p2) break;
        ctx.out('% Passwords do not match.');
      }
      if (!st.keys.has(s.name)) {
        key = await keyPairAsync(ctx.device, CA_KEY_BITS);
        ctx.out(`% Generating ${CA_KEY_BITS} bit RSA keys, keys will be non-exportable...[OK]`);
      }
    }
    s.shutdown = false;
    const ca = startServer(ctx.device, key);
    if (!ca) {
      s.shutdown = true;
      ctx.error('% Failed to start the certificate server.');
      return;
    }
    ctx.out('% Certificate Server enabled.');
    ctx.log('PKI-6-CS_ENABLED', 'Certificate server now enabled.');
    if (s.grant === 'auto') ctx.log('PKI-6-CS_GRANT_AUTO', 'All enrollment requests will be automatically granted.');
  },

  // ---------------------------------------------------------------- exec

  'pki.cs.exec.requests'(ctx) {
    const ca = runningCa(ctx, String(ctx.args.name));
    if (ca === null) return;
    requestTable(ctx, ca);
  },
  async 'pki.cs.exec.grant'(ctx) {
    const name = String(ctx.args.name);
    const ca = runningCa(ctx, name);
    if (!ca) {
      if (ca === undefined) ctx.error(`% Certificate server ${name} is not running.`);
      return;
    }
    const id: number | 'all' = ctx.args.all ? 'all' : Number(ctx.args.reqId);
    if (id !== 'all' && !ca.listRequests().some((r) => r.id === id && r.state === 'pending')) {
      // CHOICE: text not in the reference.
      ctx.error(`% Request id ${id} not found or not pending.`);
      return;
    }
    if (ctx.args.action === 'reject') {
      if (id === 'all' && !(await askYesNo(ctx, '% Reject all pending enrollment requests? [yes/no]: '))) return;
      ca.reject(id);
    } else ca.grant(id);
    persistCa(ctx.device);
    ctx.device.emit(`pki.cs.${String(ctx.args.action)}`, { server: name, id });
  },
};

/** The running CA named `name`; null (error printed) when no such server, undefined when it is shut down. */
function runningCa(ctx: HandlerContext, name: string): ScepCa | null | undefined {
  const st = pkiState(ctx.device);
  if (!st.server || st.server.name !== name) {
    ctx.error(`% Certificate server ${name} is not configured.`);
    return null;
  }
  return st.ca && st.ca.enabled ? st.ca : st.ca ?? undefined;
}

/** `crypto pki server NAME info requests` / `show crypto pki server NAME requests` (§7.2 table). */
export function requestTable(ctx: HandlerContext, ca: ScepCa | undefined): void {
  const head = ['ReqID  State      Fingerprint                      SubjectName', '--------------------------------------------------------------'];
  ctx.out('Enrollment Request Database:');
  ctx.out('');
  ctx.out('Subordinate CA certificate requests:');
  for (const h of head) ctx.out(h);
  ctx.out('');
  ctx.out('RA certificate requests:');
  for (const h of head) ctx.out(h);
  ctx.out('');
  ctx.out('Router certificates requests:');
  for (const h of head) ctx.out(h);
  for (const r of ca?.listRequests() ?? []) {
    ctx.out(`${String(r.id).padEnd(7)}${r.state.padEnd(11)}${r.fingerprint} ${r.subject}`);
  }
}

/** `show crypto pki server [NAME] [requests]` (RECALLED 12.4 shape). */
export function showServer(ctx: HandlerContext): void {
  const st = pkiState(ctx.device);
  const s = st.server;
  const want = typeof ctx.args.name === 'string' ? ctx.args.name : undefined;
  if (!s || (want !== undefined && want !== s.name)) return;
  if (ctx.args.requests) {
    requestTable(ctx, st.ca);
    return;
  }
  const ca = st.ca;
  const on = !!ca && ca.enabled && !s.shutdown;
  ctx.out(`Certificate Server ${s.name}:`);
  ctx.out(`    Status: ${on ? 'enabled' : 'disabled'}`);
  ctx.out(`    State: ${on ? 'enabled' : ca ? 'disabled' : 'not configured'}`);
  if (on) ctx.out('    Server\'s configuration is locked  (enter "shut" to unlock it)');
  ctx.out(`    Issuer name: ${ca?.config.issuerName ?? s.issuerName ?? `CN=${s.name}`}`);
  if (ca) {
    ctx.out(`    CA cert fingerprint: ${iosFingerprint(ca.caCert.md5Hex)} `);
  }
  ctx.out(`    Granting mode is: ${s.grant === 'auto' ? 'auto' : s.grant === 'none' ? 'none' : 'manual'}`);
  if (ca) {
    const issued = ca.issued();
    const last = issued.length ? issued[issued.length - 1]!.serial : 1;
    ctx.out(`    Last certificate issued serial number (hex): ${last.toString(16).toUpperCase()}`);
    ctx.out(`    CA certificate expiration timer: ${fmtCertTime(ca.caCert.notAfter)}`);
  }
  ctx.out(`    Current primary storage dir: ${s.databaseUrl ?? 'nvram:'}`);
  const lvl = s.databaseLevel ?? 'minimum';
  ctx.out(
    `    Database Level: ${lvl === 'minimum' ? 'Minimum - no cert data written to storage' : lvl === 'names' ? 'Names - subject name data written to storage' : 'Complete - all issued certs written as <serialnum>.cer'}`,
  );
}
