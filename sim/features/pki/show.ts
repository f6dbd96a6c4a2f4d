/**
 * `show crypto pki certificates [NAME] [verbose]` (= `show crypto ca certificates`),
 * `show crypto pki trustpoints [NAME] [status]`, `show crypto pki timers` (ios-behaviour §6.1–§6.3).
 *
 * Layout choices (§6.1, §10 item 4): the 15.x field names `Certificate Serial Number (hex):` and
 * `Certificate Usage:` are used — they are what the ntc-templates parser (and so netmiko/ansible
 * users) accept. The subject's `IP Address:` line is NOT printed: the ntc template rejects it;
 * the address still shows in the `hostname=…+ipaddress=…` RDN line. `Storage:` (15.x) is not
 * printed. The pending-request block and `Certificate (Rollover)` keep IOS's shape even though
 * the ntc template does not know them (it errors on them, as it would on a real router).
 */
import type { HandlerContext } from '../../device/feature.js';
import { dnLines, iosDate, iosFingerprint, type CertInfo } from '../../../pki/x509.js';
import { renewDateOf, type Trustpoint } from '../../../pki/enrollment.js';
import { keyLabelOf, type CertUsage } from '../../../pki/trustpoint.js';
import { defaultKeyLabel } from '../../../pki/trustpoint.js';
import { renewalAt } from '../../../pki/renewal.js';
import { pkiState } from './state.js';
import { OID } from '../../../pki/oids.js';
import { toCivil } from '../../kernel/clock.js';

const USAGE_TEXT: Record<CertUsage, string> = { general: 'General Purpose', signature: 'Signature', encryption: 'Encryption' };

interface Block {
  header: string;
  cert: CertInfo;
  usage: string;
  tps: string[];
  renew?: number;
  installedAt?: number;
  keyLabel?: string;
}

function subjectLines(c: CertInfo): string[] {
  const out: string[] = [];
  const name = c.subjectRdns.find((a) => a.oid === OID.unstructuredName);
  const serial = c.subjectRdns.find((a) => a.oid === '2.5.4.5');
  if (name) out.push(`    Name: ${name.value}`);
  if (serial) out.push(`    Serial Number: ${serial.value}`);
  for (const l of dnLines(c.subjectRdns)) out.push(`    ${l}`);
  return out;
}

const SIG_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'MD5 with RSA Encryption',
  '1.2.840.113549.1.1.5': 'SHA1 with RSA Encryption',
  '1.2.840.113549.1.1.11': 'SHA256 with RSA Encryption',
  '1.2.840.113549.1.1.12': 'SHA384 with RSA Encryption',
  '1.2.840.113549.1.1.13': 'SHA512 with RSA Encryption',
};

function blockLines(b: Block, verbose: boolean): string[] {
  const c = b.cert;
  const out = [b.header, '  Status: Available'];
  if (verbose) out.push('  Version: 3');
  out.push(`  Certificate Serial Number (hex): ${c.serialHex}`);
  out.push(`  Certificate Usage: ${b.usage}`);
  out.push('  Issuer:');
  for (const l of dnLines(c.issuerRdns)) out.push(`    ${l}`);
  out.push('  Subject:');
  out.push(...subjectLines(c));
  out.push('  Validity Date:');
  out.push(`    start date: ${iosDate(c.notBefore)}`);
  out.push(`    end   date: ${iosDate(c.notAfter)}`);
  if (b.renew !== undefined) out.push(`    renew date: ${iosDate(b.renew)}`);
  if (verbose) {
    out.push('  Subject Key Info:');
    out.push('    Public Key Algorithm: rsaEncryption');
    out.push(`    RSA Public Key: (${c.bits} bit)`);
    out.push(`  Signature Algorithm: ${SIG_NAMES[c.sigAlgOid] ?? c.sigAlgOid}`);
    out.push(`  Fingerprint MD5: ${iosFingerprint(c.md5Hex)} `);
    out.push(`  Fingerprint SHA1: ${iosFingerprint(c.sha1Hex)} `);
    out.push('  X509v3 extensions:');
    if (c.keyUsage.length) {
      out.push('    X509v3 Key Usage:');
      const names: Record<string, string> = {
        digitalSignature: 'Digital Signature',
        nonRepudiation: 'Non Repudiation',
        keyEncipherment: 'Key Encipherment',
        dataEncipherment: 'Data Encipherment',
        keyAgreement: 'Key Agreement',
        keyCertSign: 'Cert Sign',
        cRLSign: 'CRL Signature',
      };
      for (const k of c.keyUsage) out.push(`      ${names[k] ?? k}`);
    }
    if (c.isCa) out.push('    X509v3 Basic Constraints:', '        CA: TRUE');
    if (c.skiHex) out.push(`    X509v3 Subject Key ID: ${iosFingerprint(c.skiHex)} `);
    if (c.akiHex) out.push(`    X509v3 Authority Key ID: ${iosFingerprint(c.akiHex)} `);
    if (b.installedAt !== undefined) out.push(`  Cert install time: ${iosDate(b.installedAt)}`);
    out.push(`  Associated Trustpoints: ${b.tps.join(' ')} `);
    if (b.keyLabel) out.push(`  Key Label: ${b.keyLabel}`);
  } else out.push(`  Associated Trustpoints: ${b.tps.join(' ')}`);
  return out;
}

export function showCertificates(ctx: HandlerContext): void {
  const st = pkiState(ctx.device);
  const want = typeof ctx.args.name === 'string' ? ctx.args.name : undefined;
  const verbose = ctx.args.verbose === true;
  const tps = [...st.trustpoints.values()].filter((t) => want === undefined || t.cfg.name === want);
  const blocks: Block[] = [];
  const byDer = new Map<string, Block>();
  const add = (header: string, cert: CertInfo, usage: string, tp: Trustpoint, extra: Partial<Block>) => {
    const k = `${header}\0${cert.sha1Hex}`;
    const have = byDer.get(k);
    if (have) {
      if (!have.tps.includes(tp.cfg.name)) have.tps.push(tp.cfg.name);
      return;
    }
    const b: Block = { header, cert, usage, tps: [tp.cfg.name], ...extra };
    byDer.set(k, b);
    blocks.push(b);
  };
  const s = ctx.state;
  for (const tp of tps) {
    const label = keyLabelOf(tp.cfg, defaultKeyLabel(s.hostname, s.domainName));
    for (const r of tp.certs.rollover) add('Certificate (Rollover)', r.cert, USAGE_TEXT[r.usage], tp, { installedAt: r.installedAt, keyLabel: `${label}#` });
    for (const id of tp.certs.ids) {
      const renew = renewDateOf(tp.cfg, id.cert);
      add('Certificate', id.cert, USAGE_TEXT[id.usage], tp, { ...(renew !== undefined ? { renew } : {}), installedAt: id.installedAt, keyLabel: label });
    }
    if (tp.certs.ca) add('CA Certificate', tp.certs.ca, 'Signature', tp, {});
  }
  const out: string[] = [];
  blocks.forEach((b, i) => {
    if (i > 0) out.push('');
    out.push(...blockLines(b, verbose));
  });
  // Pending requests: after the other blocks, two empty lines before, odd 3-space indent (§6.1, SEEN 4).
  for (const tp of tps) {
    const inf = tp.rt.inflight;
    if (!inf) continue;
    for (const slot of inf.slots) {
      if (slot.state === 'issued' || !slot.md5Hex) continue;
      if (out.length) out.push('', '');
      out.push('Certificate');
      out.push('  Subject:');
      out.push(`    Name: ${inf.subject.fqdn}`);
      if (inf.subject.serialNumber) out.push(`    Serial Number: ${inf.subject.serialNumber}`);
      out.push('   Status: Pending');
      out.push(`   Key Usage: ${USAGE_TEXT[slot.usage]}`);
      out.push(`   Certificate Request Fingerprint MD5: ${iosFingerprint(slot.md5Hex)}`);
      out.push(`   Certificate Request Fingerprint SHA1: ${iosFingerprint(slot.sha1Hex ?? '')}`);
      out.push(`   Associated Trustpoint: ${tp.cfg.name}`);
    }
  }
  for (const l of out) ctx.out(l);
}

// ------------------------------------------------------------------ trustpoints

function stateLine(label: string, dots: number, value: string): string {
  return `    ${label} ${'.'.repeat(dots)} ${value}`;
}

export function showTrustpoints(ctx: HandlerContext): void {
  const st = pkiState(ctx.device);
  const want = typeof ctx.args.name === 'string' ? ctx.args.name : undefined;
  const status = ctx.args.status === true;
  const s = ctx.state;
  const out: string[] = [];
  for (const tp of st.trustpoints.values()) {
    if (want !== undefined && tp.cfg.name !== want) continue;
    if (out.length) out.push('', '');
    out.push(`Trustpoint ${tp.cfg.name}:`);
    const ca = tp.certs.ca;
    if (!status) {
      // 12.x shape (§6.2, RECALLED `CEP URL:` line).
      if (ca) {
        out.push('    Subject Name:');
        for (const l of dnLines(ca.subjectRdns)) out.push(`    ${l}`);
        out.push(`          Serial Number (hex): ${ca.serialHex}`);
        out.push('    Certificate configured.');
      } else out.push('    Not authenticated.');
      if (tp.cfg.enrollmentUrl) out.push(`    CEP URL: ${tp.cfg.enrollmentUrl}`);
      continue;
    }
    if (ca) {
      out.push('  Issuing CA certificate configured:');
      out.push('    Subject Name:');
      out.push(`     ${ca.subjectDn}`);
      out.push(`    Fingerprint MD5: ${iosFingerprint(ca.md5Hex)} `);
      out.push(`    Fingerprint SHA1: ${iosFingerprint(ca.sha1Hex)} `);
    } else out.push('  Issuing CA certificate not configured.');
    for (const id of tp.certs.ids) {
      out.push(`  Router ${USAGE_TEXT[id.usage]} certificate configured:`);
      out.push('    Subject Name:');
      out.push(`     ${id.cert.subjectDn}`);
      out.push(`    Fingerprint MD5: ${iosFingerprint(id.cert.md5Hex)} `);
      out.push(`    Fingerprint SHA1: ${iosFingerprint(id.cert.sha1Hex)} `);
    }
    const last = tp.rt.lastStatus;
    if (last) out.push(`  Last enrollment status: ${last}`);
    out.push('  State:');
    const label = keyLabelOf(tp.cfg, defaultKeyLabel(s.hostname, s.domainName));
    const key = st.keys.get(label);
    const kind = key ? `${key.kind === 'usage' ? 'Special Usage' : 'General Purpose'}, ${key.exportable ? 'exportable' : 'non-exportable'}` : '';
    // The dot leaders really are uneven (13, 7 and 5 dots; §6.2).
    out.push(stateLine('Keys generated', 13, key ? `Yes (${kind})` : 'No'));
    out.push(stateLine('Issuing CA authenticated', 7, ca ? 'Yes' : 'No'));
    const req = tp.rt.inflight ? 'Pending' : tp.certs.ids.length ? 'Yes' : 'No';
    out.push(stateLine('Certificate request(s)', 5, req));
  }
  for (const l of out) ctx.out(l);
}

// ------------------------------------------------------------------ timers

/** `12d03:04:05.678` / `3:04:05.678` / `4:05.678` / `5.678` (15.x shape, §6.3). */
function fmtLeft(ms: number): string {
  const v = Math.max(0, ms);
  const d = Math.floor(v / 86_400_000);
  const h = Math.floor(v / 3_600_000) % 24;
  const m = Math.floor(v / 60_000) % 60;
  const s = Math.floor(v / 1000) % 60;
  const f = String(v % 1000).padStart(3, '0');
  const p = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d${p(h)}:${p(m)}:${p(s)}.${f}`;
  if (h > 0) return `${h}:${p(m)}:${p(s)}.${f}`;
  if (m > 0) return `${m}:${p(s)}.${f}`;
  return `${s}.${f}`;
}

function isoZ(t: number): string {
  const c = toCivil(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${c.year}-${p(c.month)}-${p(c.day)}T${p(c.hour)}:${p(c.minute)}:${p(c.second)}Z`;
}

/**
 * `show crypto pki timers` is 15.x-only (§6.3); the twin offers it as a window on its renewal
 * machinery: RENEW (renew date or back-off end), POLL (next poll/resend), SHADOW (rollover
 * activation).
 */
export function showTimers(ctx: HandlerContext): void {
  const st = pkiState(ctx.device);
  const now = ctx.device.wallNow();
  const rows: { at: number; what: string }[] = [];
  for (const tp of st.trustpoints.values()) {
    const inf = tp.rt.inflight;
    if (tp.certs.rollover.length) rows.push({ at: Math.max(...tp.certs.rollover.map((r) => r.cert.notBefore)), what: `SHADOW ${tp.cfg.name}` });
    if (inf?.suspendedUntil !== undefined) rows.push({ at: inf.suspendedUntil, what: `RENEW ${tp.cfg.name}` });
    else if (inf && inf.slots.some((s) => s.state === 'pending' || s.state === 'sending') && inf.nextAt !== undefined) rows.push({ at: inf.nextAt, what: `POLL ${tp.cfg.name}` });
    else if (!inf && tp.cfg.autoEnroll && tp.certs.ids[0]) {
      const c = tp.certs.ids[0].cert;
      rows.push({ at: renewDateOf(tp.cfg, c) ?? renewalAt(c.notBefore, c.notAfter), what: `RENEW ${tp.cfg.name}` });
    }
  }
  rows.sort((a, b) => a.at - b.at || (a.what < b.what ? -1 : 1));
  ctx.out('PKI Timers');
  if (rows.length === 0) return;
  ctx.out(`|${fmtLeft(rows[0]!.at - now).padStart(16)}  (${isoZ(rows[0]!.at)})`);
  for (const r of rows) ctx.out(`  |${fmtLeft(r.at - now).padStart(16)}  (${isoZ(r.at)}) ${r.what}`);
}
