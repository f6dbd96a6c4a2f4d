/**
 * PKI running-config / startup-config sections (ios-behaviour §3.2–§3.4):
 *   690 `crypto pki server NAME`       (before the trustpoints, as IOS prints it)
 *   700 `crypto pki trustpoint NAME`   (IOS's fixed sub-command order, `!` after each, one more `!`)
 *   750 `crypto pki certificate chain` (identity certificate first, then `certificate ca`;
 *        running-config: the DER as IOS's hex dump; startup-config: `nvram:` file references)
 */
import { createHash } from 'node:crypto';
import type { ConfigWriter } from '../../config/writer.js';
import type { Section } from '../../device/feature.js';
import { type7Encode } from '../../config/md5crypt.js';
import type { Trustpoint } from '../../../pki/enrollment.js';
import type { CertInfo } from '../../../pki/x509.js';
import { defaultKeyLabel, keyLabelOf } from '../../../pki/trustpoint.js';
import { pkiState, type CsConfig, type PkiState } from './state.js';

// ------------------------------------------------------------------ helpers

/**
 * The trustpoint `password` is always shown type-7 encrypted (`password 7 …`), whatever
 * `service password-encryption` says (CHOICE, matching the reference's `password 7 <hex>`);
 * a password typed as `password 7 HEX` is shown verbatim. Deterministic type-7 salt (IOS draws
 * it at random; the twin keeps output stable).
 */
function type7(plain: string): string {
  let seed = 0;
  for (let i = 0; i < plain.length; i++) seed = (seed * 31 + plain.charCodeAt(i)) % 16;
  return type7Encode(plain, seed);
}

/**
 * The trustpoint block in IOS's fixed order (§3.2). Positions the reference could not confirm
 * (INFERRED): `enrollment retry count/period` before `enrollment url`, `password 7` between
 * `ip-address` and `subject-name`, `regenerate` right after `rsakeypair`, `auto-enroll` last.
 */
export function trustpointLines(tp: Trustpoint): string[] {
  const c = tp.cfg;
  const out: string[] = [];
  if (c.retryCount !== undefined) out.push(` enrollment retry count ${c.retryCount}`);
  if (c.retryPeriodMin !== undefined) out.push(` enrollment retry period ${c.retryPeriodMin}`);
  if (c.enrollmentUrl !== undefined) out.push(` enrollment url ${c.enrollmentUrl}`);
  if (c.serialNumber === 'include') out.push(' serial-number');
  else if (c.serialNumber === 'none') out.push(' serial-number none');
  if (c.fqdn !== undefined) out.push(` fqdn ${c.fqdn}`);
  if (c.ipAddress) {
    const a = c.ipAddress;
    out.push(` ip-address ${a.kind === 'none' ? 'none' : a.kind === 'address' ? a.addr : a.name}`);
  }
  if (c.password !== undefined) out.push(` password 7 ${c.password7 ?? type7(c.password)}`);
  if (c.subjectName !== undefined) out.push(c.subjectName ? ` subject-name ${c.subjectName}` : ' subject-name');
  if (c.revocationCheck) out.push(` revocation-check ${c.revocationCheck.join(' ')}`);
  if (c.rsakeypair) {
    const r = c.rsakeypair;
    out.push(` rsakeypair ${r.label}${r.size !== undefined ? ` ${r.size}` : ''}${r.size !== undefined && r.encSize !== undefined ? ` ${r.encSize}` : ''}`);
  }
  if (c.regenerate) out.push(' regenerate');
  if (c.autoEnroll) {
    const a = c.autoEnroll;
    out.push(` auto-enroll${a.renewAtElapsedPct !== undefined ? ` ${a.renewAtElapsedPct}` : ''}${a.regenerate ? ' regenerate' : ''}`);
  }
  return out;
}

/** IOS hex dump of a DER blob: two spaces, up to 8 groups of 4 bytes; full lines keep a trailing space (12.x). */
export function hexDumpLines(der: Uint8Array): string[] {
  const hex = Buffer.from(der).toString('hex').toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 8) groups.push(hex.slice(i, i + 8));
  const out: string[] = [];
  for (let i = 0; i < groups.length; i += 8) {
    const g = groups.slice(i, i + 8);
    out.push(`  ${g.join(' ')}${g.length === 8 ? ' ' : ''}`);
  }
  return out;
}

/** Parse hex dump lines back into bytes (whitespace-insensitive); undefined on bad input. */
export function parseHexLines(lines: readonly string[]): Buffer | undefined {
  const s = lines.join('').replace(/\s+/g, '');
  if (s.length === 0 || s.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(s)) return undefined;
  return Buffer.from(s, 'hex');
}

function derKey(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex');
}

/**
 * Stable NVRAM file name of a certificate (§3.4): a prefix of at most 12 characters from the
 * subject CN (spaces dropped) or, failing that, the hostname; `#`, a sequence number, then `CA.cer`
 * for a CA certificate and `.cer` otherwise (INFERRED from `R14CA#1CA.cer`, `Ciscozine#1.cer`).
 */
export function nvramFileName(st: PkiState, cert: CertInfo, isCa: boolean, hostname: string): string {
  const k = derKey(cert.der);
  const known = st.fileNames.get(k);
  if (known) return known;
  const cn = cert.subjectRdns.find((a) => a.short === 'cn')?.value;
  const prefix = (cn ?? hostname).replace(/\s+/g, '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 12) || 'cert';
  const used = new Set(st.fileNames.values());
  let n = 1;
  const name = (i: number) => `${prefix}#${i}${isCa ? 'CA' : ''}.cer`;
  while (used.has(name(n))) n++;
  st.fileNames.set(k, name(n));
  return name(n);
}

/** Remember the file a certificate was loaded from (boot replay) so names stay stable. */
export function rememberFileName(st: PkiState, der: Uint8Array, file: string): void {
  st.fileNames.set(derKey(der), file);
}

/** Every certificate referenced by the configuration, with its file name (for private NVRAM). */
export function referencedFiles(st: PkiState, hostname: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const tp of st.trustpoints.values()) {
    for (const id of tp.certs.ids) out.set(nvramFileName(st, id.cert, false, hostname), id.cert.der);
    if (tp.certs.ca) out.set(nvramFileName(st, tp.certs.ca, true, hostname), tp.certs.ca.der);
  }
  return out;
}

// ------------------------------------------------------------------ sections

/**
 * `crypto pki server` block. Sub-command order (INFERRED from typical 12.4 configs):
 * database level, issuer-name, grant, lifetimes (crl, certificate, ca-certificate), database url,
 * then `shutdown` when shut.
 */
export function serverLines(s: CsConfig): string[] {
  const out: string[] = [];
  if (s.databaseLevel) out.push(` database level ${s.databaseLevel}`);
  if (s.issuerName) out.push(` issuer-name ${s.issuerName}`);
  if (s.grant === 'auto') out.push(' grant auto');
  else if (s.grant === 'none') out.push(' grant none');
  if (s.lifetimeCrlHours !== undefined) out.push(` lifetime crl ${s.lifetimeCrlHours}`);
  if (s.lifetimeCertDays !== undefined) out.push(` lifetime certificate ${s.lifetimeCertDays}`);
  if (s.lifetimeCaCertDays !== undefined) out.push(` lifetime ca-certificate ${s.lifetimeCaCertDays}`);
  if (s.databaseUrl) out.push(` database url ${s.databaseUrl}`);
  if (s.shutdown) out.push(' shutdown');
  return out;
}

function renderServer(st: PkiState, w: ConfigWriter): void {
  if (!st.server) return;
  w.line(`crypto pki server ${st.server.name}`);
  for (const l of serverLines(st.server)) w.line(l);
  w.bang();
}

/**
 * The comment IOS adds to a trustpoint whose key pair is exportable (issue #3; the reference
 * found no capture of it, so its text and its place — last line of the block — are INFERRED).
 * A comment: boot replay and a paste ignore it.
 */
export const EXPORTABLE_KEY_COMMENT = ' ! RSA keypair associated with trustpoint is exportable';

function renderTrustpoints(st: PkiState, w: ConfigWriter, hostname: string, domain: string | undefined): void {
  if (st.trustpoints.size === 0) return;
  for (const tp of st.trustpoints.values()) {
    w.line(`crypto pki trustpoint ${tp.cfg.name}`);
    for (const l of trustpointLines(tp)) w.line(l);
    if (st.keys.get(keyLabelOf(tp.cfg, defaultKeyLabel(hostname, domain)))?.exportable) w.line(EXPORTABLE_KEY_COMMENT);
    w.bang();
  }
  w.bang();
}

function renderChains(st: PkiState, w: ConfigWriter, target: 'running' | 'startup', hostname: string): void {
  for (const tp of st.trustpoints.values()) {
    const { ids, ca } = tp.certs;
    if (ids.length === 0 && !ca) continue;
    w.line(`crypto pki certificate chain ${tp.cfg.name}`);
    const one = (cert: CertInfo, isCa: boolean) => {
      const head = ` certificate ${isCa ? 'ca ' : ''}${cert.serialHex}`;
      if (target === 'startup') {
        w.line(`${head} ${`nvram:${nvramFileName(st, cert, isCa, hostname)}`}`);
        return;
      }
      w.line(head);
      for (const l of hexDumpLines(cert.der)) w.line(l);
      w.line('  quit');
    };
    for (const id of ids) one(id.cert, false);
    if (ca) one(ca, true);
    w.bang();
  }
}

export const PKI_SECTIONS: Section[] = [
  { id: 'pki.server', order: 690, render: (ctx, w) => renderServer(pkiState(ctx.device), w) },
  { id: 'pki.trustpoints', order: 700, render: (ctx, w) => renderTrustpoints(pkiState(ctx.device), w, ctx.state.hostname, ctx.state.domainName) },
  { id: 'pki.chains', order: 750, render: (ctx, w) => renderChains(pkiState(ctx.device), w, ctx.target, ctx.state.hostname) },
];
