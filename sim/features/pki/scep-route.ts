/**
 * Where a router's SCEP requests go (the CaClientPort of pki/enrollment.ts, and GetCACert for
 * `crypto pki authenticate`).
 *
 *  - A URL that names a lab device running `crypto pki server` (one of its interface addresses,
 *    its hostname/device name, or an alias the lab registered, e.g. http://127.0.0.1:8080 → CA)
 *    is served IN-PROCESS: the same SCEP bytes (pki/scep/client.ts prepare/finish halves and
 *    ScepCa.handleScep) travel through scheduler events with a deterministic latency, so
 *    `simulation advance 365d` runs synchronously and reproducibly.
 *  - Any other URL goes to the real network through an injected transport
 *    (sim/transport/http-client.ts, set by sim/bin or a lab); its answer re-enters the
 *    simulation through world.ingress. Without one, the CA is unreachable.
 *
 * The CA side exposes its HTTP listener through an injected ScepListenerPort (the lab/bin code
 * binds sockets; in pure simulation nothing is bound).
 *
 * CHOICE: a real IOS certificate server answers SCEP only with `ip http server`; the twin does not
 * require it (lab configs may omit it), a lab CA is reachable as soon as its server runs.
 */
import { createHash } from 'node:crypto';
import type { Device } from '../../device/device.js';
import type { World } from '../../world/world.js';
import type { Rng } from '../../kernel/rng.js';
import type { ScepCa, ScepHttpRequest, ScepHttpResponse } from '../../../pki/ca.js';
import {
  finishOperation, getCaCert, parseCaCaps, prepareEnroll, preparePoll, scepEndpoint, ScepClientError,
  type HttpResponse, type PendingSession, type PreparedOperation, type ScepTransport,
} from '../../../pki/scep/client.js';
import { parseCertificate, type CertInfo } from '../../../pki/x509.js';
import type { RsaKeyPair } from '../../../pki/keys.js';
import type { CaClientPort, CaOutcome, EnrollRequestSpec } from '../../../pki/enrollment.js';
import { pkiState } from './state.js';

// ------------------------------------------------------------------ world-level wiring

interface WorldScep {
  aliases: Map<string, string>;
  external?: ScepTransport;
  listener?: ScepListenerPort;
}
const perWorld = new WeakMap<World, WorldScep>();
function ws(world: World): WorldScep {
  let w = perWorld.get(world);
  if (!w) perWorld.set(world, (w = { aliases: new Map() }));
  return w;
}

/** `http://127.0.0.1:8080` (or `127.0.0.1:8080`) reaches the certificate server of `device`. */
export function registerScepAlias(world: World, url: string, device: string): void {
  ws(world).aliases.set(hostPort(url), device);
}

/** Real HTTP for CAs outside the lab (e.g. `httpTransport()` from sim/transport/http-client.ts). */
export function setExternalScepTransport(world: World, t: ScepTransport | undefined): void {
  if (t) ws(world).external = t;
  else delete ws(world).external;
}

export interface ScepListenerPort {
  /** A certificate server was enabled: serve `handle` (call it through world.ingress). */
  start(info: { device: Device; server: string; handle(req: ScepHttpRequest): ScepHttpResponse }): { stop(): void } | undefined;
}

export function setScepListenerPort(world: World, port: ScepListenerPort | undefined): void {
  if (port) ws(world).listener = port;
  else delete ws(world).listener;
}

export function scepListenerPort(world: World): ScepListenerPort | undefined {
  return ws(world).listener;
}

/** The lab-internal aliases (for `show simulation`). */
export function scepAliases(world: World): ReadonlyMap<string, string> {
  return ws(world).aliases;
}

function hostPort(url: string): string {
  const s = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`;
  try {
    const u = new URL(s);
    return `${u.hostname.toLowerCase()}:${u.port || '80'}`;
  } catch {
    return url.toLowerCase();
  }
}

/** The running CA a URL reaches inside the lab, if any. */
export function resolveLabCa(world: World, url: string): { device: Device; ca: ScepCa } | undefined {
  const hp = hostPort(url);
  const running = (d: Device | undefined): { device: Device; ca: ScepCa } | undefined => {
    if (!d || !d.booted) return undefined;
    let st;
    try {
      st = pkiState(d);
    } catch {
      return undefined;
    }
    return st.ca && st.server && !st.server.shutdown ? { device: d, ca: st.ca } : undefined;
  };
  const alias = ws(world).aliases.get(hp);
  if (alias) return running(world.device(alias));
  const [host, port] = [hp.slice(0, hp.lastIndexOf(':')), hp.slice(hp.lastIndexOf(':') + 1)];
  if (port !== '80') return undefined;
  for (const d of world.devices()) {
    const hit =
      d.name.toLowerCase() === host ||
      d.state.hostname.toLowerCase() === host ||
      (d.state.domainName && `${d.state.hostname}.${d.state.domainName}`.toLowerCase() === host) ||
      [...d.state.interfaces.values()].some((i) => !i.shutdown && (i.ip?.addr === host || i.secondaries.some((s) => s.addr === host)));
    if (hit) {
      const r = running(d);
      if (r) return r;
    }
  }
  return undefined;
}

/** Is the URL one the lab claims (so a stopped lab CA is "unreachable", not sent to the real network)? */
function isLabUrl(world: World, url: string): boolean {
  const hp = hostPort(url);
  if (ws(world).aliases.has(hp)) return true;
  const host = hp.slice(0, hp.lastIndexOf(':'));
  return world.devices().some((d) => d.name.toLowerCase() === host || [...d.state.interfaces.values()].some((i) => i.ip?.addr === host));
}

function toScepRequest(url: string, r: PreparedOperation['request']): ScepHttpRequest {
  const path = new URL(scepEndpoint(url)).pathname;
  return { method: r.method, path, query: r.query, ...(r.body ? { body: r.body } : {}) };
}

// ------------------------------------------------------------------ latency

/** One-way lab network latency: 20 ms + 0..20 ms from the device's network stream (deterministic). */
function latency(rng: Rng): number {
  return 20 + rng.int(0, 20);
}

/** How long a router waits for a CA that accepted the connection but never answers. */
export const SCEP_TIMEOUT_MS = 30_000;
/** Connection refused / no route: reported quickly. */
const REFUSED_MS = 1_000;

const rngs = new WeakMap<Device, { scep: Rng; net: Rng }>();
export function deviceRngs(device: Device): { scep: Rng; net: Rng } {
  let r = rngs.get(device);
  if (!r) rngs.set(device, (r = { scep: device.rng.fork('pki.scep'), net: device.rng.fork('pki.net') }));
  return r;
}

// ------------------------------------------------------------------ GetCACert

export type CaCertFetch = { ok: true; cert: CertInfo; chain: CertInfo[] } | { ok: false; reason: string };

/** `crypto pki authenticate`: GetCACert (in-process for a lab CA, real HTTP otherwise). */
export async function fetchCaCert(device: Device, url: string): Promise<CaCertFetch> {
  const world = device.world;
  const lab = resolveLabCa(world, url);
  if (lab) {
    const res = lab.ca.handleScep({ method: 'GET', path: new URL(scepEndpoint(url)).pathname, query: 'operation=GetCACert&message=' + encodeURIComponent(lab.ca.config.name) });
    if (res.drop || res.status !== 200) return { ok: false, reason: `HTTP ${res.status}` };
    try {
      const c = parseCertificate(res.body);
      return { ok: true, cert: c, chain: [c] };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  }
  const ext = ws(world).external;
  if (!ext || isLabUrl(world, url)) return { ok: false, reason: 'no route to CA' };
  try {
    const r = await getCaCert({ url, transport: ext });
    return { ok: true, cert: r.caCert, chain: r.chain };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

// ------------------------------------------------------------------ enrollment port

interface TxnRecord {
  session: PendingSession;
  signerCert: CertInfo;
  signerKey: RsaKeyPair;
}

function mapFinish(op: PreparedOperation, res: HttpResponse): CaOutcome {
  try {
    const o = finishOperation(op, res);
    if (o.status === 'issued') return { kind: 'issued', cert: o.cert };
    if (o.status === 'pending') return { kind: 'pending' };
    return { kind: 'rejected', reason: `${o.failInfo ?? ''}${o.failInfoText ? `: ${o.failInfoText}` : ''}` };
  } catch (e) {
    if (e instanceof ScepClientError && (e.kind === 'transport' || (e.kind === 'http' && (e.status === 503 || e.status === 0)))) {
      return { kind: 'unreachable', reason: e.message };
    }
    return { kind: 'error', reason: (e as Error).message };
  }
}

export function makeCaPort(device: Device): CaClientPort {
  const txns = new Map<string, TxnRecord>();
  return {
    send(req: EnrollRequestSpec, done: (o: CaOutcome) => void) {
      const world = device.world;
      const sched = device.scheduler;
      const { scep, net } = deviceRngs(device);
      const lab = resolveLabCa(world, req.url);
      const ext = lab || isLabUrl(world, req.url) ? undefined : ws(world).external;
      const caps = lab ? new Set(lab.ca.config.caps.map((c) => c.toUpperCase())) : parseCaCaps('POSTPKIOperation\nSHA-256\nAES\nSCEPStandard');
      let op: PreparedOperation;
      const now = device.wallNow();
      try {
        const known = txns.get(req.txn);
        if (req.poll && known) {
          op = preparePoll({ caCert: req.ca, session: known.session, signerKey: known.signerKey, rng: scep, now });
        } else {
          const prepared = prepareEnroll({
            url: req.url,
            caCert: req.ca,
            csrKey: req.key,
            ...(known ? { csr: known.session.csrDer, signerCert: known.signerCert, signerKey: known.signerKey } : {}),
            ...(!known && req.signer ? { signerCert: req.signer.cert, signerKey: req.signer.key } : {}),
            subject: {
              ...(req.subject.subjectName ? { subjectName: req.subject.subjectName } : {}),
              fqdn: req.subject.fqdn,
              ...(req.subject.serialNumber ? { serialNumber: req.subject.serialNumber } : {}),
              ...(req.subject.ipAddress ? { ipAddress: req.subject.ipAddress } : {}),
            },
            ...(req.challenge !== undefined && !known ? { challenge: req.challenge } : {}),
            caps,
            transactionId: req.txn,
            rng: scep,
            now,
          });
          op = prepared.op;
          if (!known) {
            txns.set(req.txn, { session: prepared.session, signerCert: op.signerCert, signerKey: op.signerKey });
            if (txns.size > 64) txns.delete(txns.keys().next().value!);
          }
        }
      } catch (e) {
        return { error: (e as Error).message };
      }
      const csrDer = txns.get(req.txn)!.session.csrDer;
      const fp = {
        md5Hex: createHash('md5').update(csrDer).digest('hex').toUpperCase(),
        sha1Hex: createHash('sha1').update(csrDer).digest('hex').toUpperCase(),
      };
      const label = `pki.scep ${device.name}/${req.trustpoint}`;
      if (lab) {
        const target = lab;
        sched.after(latency(net), `${label} → ${target.device.name}`, () => {
          // The CA handles the request at ITS wall time; the answer travels back.
          let res: ScepHttpResponse;
          const again = resolveLabCa(world, req.url);
          if (!again || again.ca !== target.ca) {
            sched.after(REFUSED_MS, label, () => done({ kind: 'unreachable', reason: 'connection refused' }));
            return;
          }
          try {
            res = target.ca.handleScep(toScepRequest(req.url, op.request));
          } catch (e) {
            res = { status: 500, headers: {}, body: Buffer.from((e as Error).message) };
          }
          if (res.drop) {
            sched.after(SCEP_TIMEOUT_MS, label, () => done({ kind: 'unreachable', reason: 'no answer' }));
            return;
          }
          if ((res.delayMs ?? 0) >= SCEP_TIMEOUT_MS) {
            // A CA slower than the router's patience: the router gives up (and retries later;
            // the CA recognises the resend of the same request).
            sched.after(SCEP_TIMEOUT_MS, label, () => done({ kind: 'unreachable', reason: 'timeout' }));
            return;
          }
          const back = (res.delayMs ?? 0) + latency(net);
          sched.after(back, `${label} ← ${target.device.name}`, () => done(mapFinish(op, { status: res.status, headers: res.headers, body: res.body })));
        });
      } else if (ext) {
        const url = `${scepEndpoint(req.url)}?${op.request.query}`;
        ext({ method: op.request.method, url, ...(op.request.body ? { body: op.request.body } : {}), ...(op.request.headers ? { headers: op.request.headers } : {}) }).then(
          (res) => world.ingress(() => done(mapFinish(op, res))),
          (e: unknown) => world.ingress(() => done({ kind: 'unreachable', reason: (e as Error).message })),
        );
      } else {
        sched.after(REFUSED_MS, label, () => done({ kind: 'unreachable', reason: 'no route to CA' }));
      }
      return fp;
    },
  };
}
