/**
 * Test harness for the pure enrollment engine: a Scheduler, one device wall clock, a key store
 * fed from the deterministic pool, and a small fake CA (real X.509 issuing, no SCEP) with
 * grant auto / manual / down / reject switches and a deterministic reply latency.
 */
import { Scheduler } from '../../sim/kernel/scheduler.js';
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool, type RsaKeyPair } from '../../pki/keys.js';
import { KeyStore } from '../../pki/keystore.js';
import {
  EnrollmentEngine, newRuntime, type CaClientPort, type CaOutcome, type EnrollRequestSpec, type PkiEvent, type SyslogMsg, type Trustpoint,
} from '../../pki/enrollment.js';
import { emptyCerts, newTrustpointConfig, type TrustpointConfig } from '../../pki/trustpoint.js';
import { buildCsr, createCaCertificate, issueCertificate, parseCertificate, parseCsr, DAY_MS, type CertInfo } from '../../pki/x509.js';
import { selectLocal } from '../../pki/selection.js';
import { isIssuedBy } from '../../pki/x509.js';

let pool: KeyPool | undefined;
export function keyPool(): KeyPool {
  return (pool ??= KeyPool.load());
}

export const EPOCH = Date.UTC(2026, 0, 1);

export class FakeCa implements CaClientPort {
  mode: 'auto' | 'manual' | 'down' | 'reject' = 'auto';
  latencyMs = 200;
  lifetimeMs = 365 * DAY_MS;
  readonly key: RsaKeyPair;
  readonly cert: CertInfo;
  private serial = 1;
  readonly pending = new Map<string, { csr: ReturnType<typeof parseCsr>; granted?: CertInfo; rejected?: boolean }>();
  readonly issued: CertInfo[] = [];
  requests = 0;

  constructor(
    private readonly sched: Scheduler,
    /** The CA's own wall clock. */
    private readonly caNow: () => number,
  ) {
    this.key = keyPool().at(2048, 63);
    this.cert = parseCertificate(createCaCertificate({ key: this.key, issuerName: 'CN=TestCA', now: caNow(), lifetimeDays: 7305 }));
  }

  send(req: EnrollRequestSpec, done: (o: CaOutcome) => void): { md5Hex: string; sha1Hex: string } {
    const csrDer = buildCsr({ key: req.key, subjectName: req.subject.subjectName, fqdn: req.subject.fqdn, serialNumber: req.subject.serialNumber, ipAddress: req.subject.ipAddress, challengePassword: req.challenge });
    const csr = parseCsr(csrDer);
    this.requests++;
    this.sched.after(this.latencyMs, `fakeca.reply ${req.trustpoint}`, () => done(this.handle(req, csr)));
    return { md5Hex: csr.md5Hex, sha1Hex: csr.sha1Hex };
  }

  private handle(req: EnrollRequestSpec, csr: ReturnType<typeof parseCsr>): CaOutcome {
    if (this.mode === 'down') return { kind: 'unreachable', reason: 'connection refused' };
    const p = this.pending.get(req.txn);
    if (p) {
      if (p.granted) return { kind: 'issued', cert: p.granted };
      if (p.rejected) return { kind: 'rejected' };
      return { kind: 'pending' };
    }
    if (this.mode === 'reject') return { kind: 'rejected' };
    if (this.mode === 'manual') {
      this.pending.set(req.txn, { csr });
      return { kind: 'pending' };
    }
    return { kind: 'issued', cert: this.issue(csr) };
  }

  private issue(csr: ReturnType<typeof parseCsr>): CertInfo {
    const c = parseCertificate(issueCertificate({ csr, caCert: this.cert, caKey: this.key.privateKey, serial: ++this.serial, now: this.caNow(), lifetimeMs: this.lifetimeMs }));
    this.issued.push(c);
    return c;
  }

  grantAll(): void {
    for (const p of this.pending.values()) if (!p.granted && !p.rejected) p.granted = this.issue(p.csr);
  }
}

export interface Harness {
  sched: Scheduler;
  wall: { offset: number; now(): number };
  ca: FakeCa;
  keys: KeyStore;
  tps: Map<string, Trustpoint>;
  engine: EnrollmentEngine;
  logs: string[];
  events: PkiEvent[];
  nvram: { saved: number; modified: boolean; snapshot?: { keys: unknown; certs: Map<string, string[]> } };
  pre: { value: boolean };
  addTp(name: string, cfg: Partial<TrustpointConfig>): Trustpoint;
  advance(ms: number): void;
  select(name: string): CertInfo | undefined;
}

export function harness(seed = 1): Harness {
  const sched = new Scheduler(0);
  const wall = { offset: EPOCH, now: () => sched.now() + wall.offset };
  const ca = new FakeCa(sched, () => sched.now() + EPOCH);
  const keys = new KeyStore();
  const tps = new Map<string, Trustpoint>();
  const logs: string[] = [];
  const events: PkiEvent[] = [];
  const rng = new Rng(seed).fork('R1.keys');
  const nvram: Harness['nvram'] = { saved: 0, modified: false };
  const pre = { value: false };
  const fmt = (m: SyslogMsg): string => ('raw' in m ? m.raw : `%${m.facility}-${m.severity}-${m.mnemonic}: ${m.text}`);
  const engine = new EnrollmentEngine(
    {
      wallNow: () => wall.now(),
      atWall: (w, label, fn) => sched.at(sched.now() + (w - wall.now()), label, fn),
      ca,
      keys: () => keys,
      newKey: (bits, done) => {
        const k = keyPool().take(bits, rng);
        done(k ?? new Error(`no ${bits}-bit key`));
      },
      log: (m) => logs.push(`${new Date(wall.now()).toISOString()} ${fmt(m)}`),
      emit: (e) => events.push({ ...e, at: wall.now() }),
      configModified: () => nvram.modified,
      markConfigModified: () => {
        nvram.modified = true;
      },
      writeNvram: () => {
        nvram.saved++;
        nvram.modified = false;
        nvram.snapshot = { keys: keys.toJSON(), certs: new Map([...tps].map(([n, t]) => [n, t.certs.ids.map((i) => i.cert.serialHex)])) };
      },
      identity: () => ({
        hostname: 'R1',
        domain: 'lab.example',
        serial: 'FTX1234A0BC',
        interfaceAddress: () => '10.0.0.1',
        defaultKeyLabel: () => 'R1.lab.example',
      }),
      preRollover: () => pre.value,
    },
    tps,
  );
  const h: Harness = {
    sched, wall, ca, keys, tps, engine, logs, events, nvram, pre,
    addTp(name, cfg) {
      const tp: Trustpoint = { cfg: { ...newTrustpointConfig(name), enrollmentUrl: 'http://ca', ...cfg }, certs: emptyCerts(), rt: newRuntime() };
      tp.certs.ca = ca.cert;
      tps.set(name, tp);
      return tp;
    },
    advance(ms) {
      sched.runUntil(sched.now() + ms);
    },
    select(name) {
      const tp = tps.get(name)!;
      const r = selectLocal({
        now: wall.now(),
        candidates: tp.certs.ids.map((i) => ({ trustpoint: name, cert: i.cert, ...(tp.certs.ca ? { ca: tp.certs.ca } : {}) })),
        keyFor: (fp) => keys.byFingerprint(fp),
        chainsTo: (c, a) => isIssuedBy(c, a),
      });
      return r.ok ? r.cert : undefined;
    },
  };
  return h;
}
