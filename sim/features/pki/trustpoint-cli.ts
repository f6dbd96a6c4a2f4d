/**
 * Trustpoint configuration (`(ca-trustpoint)#`), `crypto pki authenticate`, `crypto pki enroll`,
 * removing a trustpoint, and the `crypto pki certificate chain` sub-mode (hex entry and the
 * startup-config `nvram:` references) — ios-behaviour §3.2–§3.4, §5.3–§5.5.
 */
import type { Device } from '../../device/device.js';
import type { Handler, HandlerContext } from '../../device/feature.js';
import { INTERFACE } from '../../../cli-grammar/params.js';
import { askYesNo } from '../util.js';
import { type7Decode } from '../../config/md5crypt.js';
import { newRuntime, type Trustpoint } from '../../../pki/enrollment.js';
import { emptyCerts, newTrustpointConfig, usagesOf, type CertUsage, type IdentityCert, type TrustpointConfig } from '../../../pki/trustpoint.js';
import { iosFingerprint, parseCertificate, parseDnString, type CertInfo } from '../../../pki/x509.js';
import { engineOf } from './runtime.js';
import { fetchCaCert } from './scep-route.js';
import { pkiState } from './state.js';
import { parseHexLines, rememberFileName } from './write.js';
import { CONFIG_PUBKEY_PROMPT } from '../../../cli-grammar/ios/pki.js';

// ------------------------------------------------------------------ helpers

export function getTp(device: Device, name: string): Trustpoint | undefined {
  return pkiState(device).trustpoints.get(name);
}

function tpOf(ctx: HandlerContext): Trustpoint | undefined {
  return getTp(ctx.device, String(ctx.modeCtx));
}

/** Level-triggered: any configuration change of a trustpoint re-evaluates it (not during boot replay). */
export function touch(device: Device, name: string): void {
  if (device.booting || !pkiState(device).booted) return;
  engineOf(device).reconcile(name);
}

/**
 * Configuring a key pair shared by several trustpoints where one regenerates at renewal logs a
 * warning. IOS documents the loss of service (§7.3) but no message is known: mnemonic and text
 * are INVENTED.
 */
function sharedKeyWarning(ctx: HandlerContext, tp: Trustpoint): void {
  if (ctx.booting) return;
  const label = tp.cfg.rsakeypair?.label;
  if (!label) return;
  const others = [...pkiState(ctx.device).trustpoints.values()].filter((o) => o !== tp && o.cfg.rsakeypair?.label === label);
  if (others.length === 0) return;
  const regen = [tp, ...others].some((t) => t.cfg.regenerate || t.cfg.autoEnroll?.regenerate);
  if (!regen) return;
  ctx.log(
    'PKI-4-SHAREDKEY',
    `Key pair ${label} is shared by trustpoints ${[tp, ...others].map((t) => t.cfg.name).sort().join(', ')}; regenerating it will invalidate the other certificates`,
  );
}

function setCfg(ctx: HandlerContext, f: (c: TrustpointConfig) => void): void {
  const tp = tpOf(ctx);
  if (!tp) return;
  f(tp.cfg);
  touch(ctx.device, tp.cfg.name);
}

function usageOfCert(device: Device, cfg: TrustpointConfig, cert: CertInfo): CertUsage {
  if (usagesOf(cfg).length === 1) return 'general';
  // Usage keys: the key pair the certificate belongs to says which one it is (keys are loaded
  // from private NVRAM before the startup-config is replayed).
  const k = pkiState(device).keys.byFingerprint(cert.spkiSha1Hex);
  if (k && k.usage !== 'general') return k.usage;
  const sig = cert.keyUsage.includes('digitalSignature');
  const enc = cert.keyUsage.includes('keyEncipherment');
  return enc && !sig ? 'encryption' : 'signature';
}

/** Install a certificate read from config (hex or nvram: file) into a trustpoint. */
function installFromConfig(device: Device, tp: Trustpoint, kind: 'ca' | 'self-signed' | undefined, cert: CertInfo): void {
  if (kind === 'ca') {
    tp.certs.ca = cert;
    return;
  }
  const usage = usageOfCert(device, tp.cfg, cert);
  const ids = tp.certs.ids.filter((i) => i.usage !== usage && i.cert.serialHex !== cert.serialHex);
  const ic: IdentityCert = { usage, cert, installedAt: device.wallNow() };
  tp.certs.ids = [...ids, ic];
}

// ------------------------------------------------------------------ trustpoint mode

export const trustpointHandlers: Record<string, Handler> = {
  async 'pki.trustpoint'(ctx) {
    const name = String(ctx.args.name);
    const st = pkiState(ctx.device);
    if (ctx.negated) {
      const tp = st.trustpoints.get(name);
      if (!tp) return;
      if (tp.certs.ca || tp.certs.ids.length > 0) {
        // §5.5: the question is SEEN; the surrounding lines are RECALLED.
        ctx.out('% Removing an enrolled trust point will destroy all certificates');
        ctx.out(' received from the related Certificate Authority.');
        ctx.out('');
        const yes = await askYesNo(ctx, 'Are you sure you want to do this? [yes/no]: ');
        if (!yes) return;
        ctx.out('% Be sure to ask the CA administrator to revoke your certificates.');
      }
      engineOf(ctx.device).cancel(name);
      st.trustpoints.delete(name);
      ctx.device.emit('pki.trustpoint.removed', { trustpoint: name });
      return;
    }
    if (!st.trustpoints.has(name)) {
      st.trustpoints.set(name, { cfg: newTrustpointConfig(name), certs: emptyCerts(), rt: newRuntime() });
      ctx.device.emit('pki.trustpoint.created', { trustpoint: name });
    }
    ctx.enterMode('ca-trustpoint', name);
  },
  'pki.tp.enrollment-url'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.enrollmentUrl;
      else c.enrollmentUrl = String(ctx.args.address);
    });
  },
  'pki.tp.enrollment-retry-period'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.retryPeriodMin;
      else c.retryPeriodMin = Number(ctx.args.minutes);
    });
  },
  'pki.tp.enrollment-retry-count'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.retryCount;
      else c.retryCount = Number(ctx.args.times);
    });
  },
  'pki.tp.subject-name'(ctx) {
    const dn = typeof ctx.args.dn === 'string' ? ctx.args.dn.trim() : '';
    if (!ctx.negated && dn) {
      try {
        parseDnString(dn);
      } catch {
        // CHOICE: refused at the parser like any malformed argument (caret under the name).
        ctx.invalid(dn);
        return;
      }
    }
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.subjectName;
      else c.subjectName = typeof ctx.args.dn === 'string' ? ctx.args.dn.trim() : '';
    });
  },
  'pki.tp.ip-address'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.ipAddress;
      else if (ctx.args.none) c.ipAddress = { kind: 'none' };
      else if (typeof ctx.args.addr === 'string') c.ipAddress = { kind: 'address', addr: ctx.args.addr };
      else c.ipAddress = { kind: 'interface', name: String(ctx.args.iface) };
    });
  },
  'pki.tp.serial-number'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.serialNumber;
      else c.serialNumber = ctx.args.none ? 'none' : 'include';
    });
  },
  'pki.tp.fqdn'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.fqdn;
      else c.fqdn = String(ctx.args.name);
    });
  },
  'pki.tp.auto-enroll'(ctx) {
    const tp = tpOf(ctx);
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.autoEnroll;
      else c.autoEnroll = { ...(typeof ctx.args.percent === 'number' ? { renewAtElapsedPct: ctx.args.percent } : {}), regenerate: ctx.args.regenerate === true };
    });
    if (tp && !ctx.negated) sharedKeyWarning(ctx, tp);
  },
  'pki.tp.password'(ctx) {
    const tp = tpOf(ctx);
    if (!tp) return;
    delete tp.cfg.password7;
    if (ctx.negated) {
      delete tp.cfg.password;
      return;
    }
    const raw = String(ctx.args.secret ?? '');
    const m = /^([07])\s+(\S.*)$/.exec(raw);
    if (m && m[1] === '7') {
      const plain = type7Decode(m[2]!.trim());
      if (plain === undefined) {
        ctx.invalid(m[2]!.trim());
        return;
      }
      tp.cfg.password = plain;
      tp.cfg.password7 = m[2]!.trim().toUpperCase();
    } else tp.cfg.password = m ? m[2]! : raw;
  },
  'pki.tp.rsakeypair'(ctx) {
    const tp = tpOf(ctx);
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.rsakeypair;
      else
        c.rsakeypair = {
          label: String(ctx.args.label),
          ...(typeof ctx.args.size === 'number' ? { size: ctx.args.size } : {}),
          ...(typeof ctx.args.encSize === 'number' ? { encSize: ctx.args.encSize } : {}),
        };
    });
    if (tp && !ctx.negated) sharedKeyWarning(ctx, tp);
  },
  'pki.tp.regenerate'(ctx) {
    const tp = tpOf(ctx);
    setCfg(ctx, (c) => {
      c.regenerate = !ctx.negated;
    });
    if (tp && !ctx.negated) sharedKeyWarning(ctx, tp);
  },
  'pki.tp.revocation-check'(ctx) {
    setCfg(ctx, (c) => {
      if (ctx.negated) delete c.revocationCheck;
      else c.revocationCheck = [ctx.args.m1, ctx.args.m2, ctx.args.m3].filter((m): m is 'none' | 'crl' | 'ocsp' => typeof m === 'string');
    });
  },

  // ---------------------------------------------------------------- authenticate

  async 'pki.authenticate'(ctx) {
    const name = String(ctx.args.name);
    const tp = getTp(ctx.device, name);
    if (!tp) {
      ctx.error(`% Certificate Authority (trustpoint) ${name} is unknown`);
      return;
    }
    if (tp.certs.ca) {
      ctx.error('% Please delete your existing CA certificate first.');
      ctx.error(`% You must use 'no crypto pki trustpoint ${name}' to delete the CA certificate`);
      return;
    }
    const url = tp.cfg.enrollmentUrl;
    if (!url) {
      // CHOICE: the reference has no text for a trustpoint without `enrollment url`.
      ctx.error(`% Trustpoint ${name} has no enrollment URL configured.`);
      return;
    }
    const got = await fetchCaCert(ctx.device, url);
    if (!got.ok) {
      ctx.error('% Error in receiving Certificate Authority certificate: status = FAIL, cert length = 0');
      ctx.out('');
      ctx.log('PKI-3-SOCKETSEND', 'Failed to send out message to CA server.');
      ctx.device.emit('pki.authenticate.failed', { trustpoint: name, reason: got.reason });
      return;
    }
    const cert = got.cert;
    ctx.out('Certificate has the following attributes:');
    ctx.out(`       Fingerprint MD5: ${iosFingerprint(cert.md5Hex)}`);
    ctx.out(`      Fingerprint SHA1: ${iosFingerprint(cert.sha1Hex)}`);
    ctx.out('');
    const yes = await askYesNo(ctx, '% Do you accept this certificate? [yes/no]: ');
    if (!yes) {
      // The reference shows no text for a refusal (the certificate is simply discarded).
      return;
    }
    const now = getTp(ctx.device, name);
    if (!now) return; // removed meanwhile
    now.certs.ca = cert;
    ctx.out('Trustpoint CA certificate accepted.');
    ctx.markChanged();
    ctx.device.emit('pki.authenticated', { trustpoint: name, md5: cert.md5Hex, sha1: cert.sha1Hex });
    touch(ctx.device, name);
  },

  // ---------------------------------------------------------------- enroll

  async 'pki.enroll'(ctx) {
    const name = String(ctx.args.name);
    const tp = getTp(ctx.device, name);
    if (!tp) {
      ctx.error(`% Certificate Authority (trustpoint) ${name} is unknown`);
      return;
    }
    if (!tp.certs.ca) {
      ctx.error('% You must authenticate the Certificate Authority before you can enroll with it.');
      return;
    }
    if (!tp.cfg.enrollmentUrl) {
      ctx.error(`% Trustpoint ${name} has no enrollment URL configured.`);
      return;
    }
    if (tp.certs.ids.length > 0 || tp.rt.inflight) {
      // The question is SEEN (automation dialog lists); any lines before it are UNKNOWN.
      const yes = await askYesNo(ctx, 'Do you want to continue with re-enrollment? [yes/no]: ');
      if (!yes) return;
    }
    const cfg = tp.cfg;
    const s = ctx.state;
    ctx.out('%');
    ctx.out('% Start certificate enrollment ..');
    let challenge: string | undefined;
    if (cfg.password === undefined) {
      ctx.out('% Create a challenge password. You will need to verbally provide this');
      ctx.out('   password to the CA Administrator in order to revoke your certificate.');
      ctx.out('   For security reasons your password will not be saved in the configuration.');
      ctx.out('   Please make a note of it.');
      ctx.out('');
      for (;;) {
        const p1 = await ctx.ask('Password: ', { echo: false });
        const p2 = await ctx.ask('Re-enter password: ', { echo: false });
        if (p1 === p2) {
          challenge = p1;
          break;
        }
        // RECALLED: a mismatch asks again.
        ctx.out('% Passwords do not match.');
      }
    }
    ctx.out('');
    if (cfg.subjectName) ctx.out(`% The subject name in the certificate will include: ${cfg.subjectName}`);
    const fqdn = cfg.fqdn ?? (s.domainName ? `${s.hostname}.${s.domainName}` : s.hostname);
    ctx.out(`% The subject name in the certificate will include: ${fqdn}`);
    let includeSerial = false;
    if (cfg.serialNumber === undefined) {
      includeSerial = await askYesNo(ctx, '% Include the router serial number in the subject name? [yes/no]: ');
    } else if (cfg.serialNumber === 'include') {
      ctx.out(`% The serial number in the certificate will be: ${ctx.device.serial}`);
    }
    let ipAddress: string | undefined;
    if (cfg.ipAddress === undefined) {
      const a = (await ctx.ask('% Include an IP address in the subject name? [no]: ')).trim().toLowerCase();
      if (a.length > 0 && 'yes'.startsWith(a)) {
        for (;;) {
          const v = (await ctx.ask('Enter Interface name or IP Address[]: ')).trim();
          const addr = resolveAddress(ctx.device, v);
          if (addr) {
            ipAddress = addr;
            break;
          }
          if (v === '') break;
          ctx.out(`% Invalid interface or IP address: ${v}`);
        }
      }
    } else if (cfg.ipAddress.kind !== 'none') {
      const a = cfg.ipAddress.kind === 'address' ? cfg.ipAddress.addr : s.interfaces.get(cfg.ipAddress.name)?.ip?.addr;
      // RECALLED wording.
      if (a) ctx.out(`% The IP address in the certificate is ${a}`);
    }
    const go = await askYesNo(ctx, 'Request certificate from CA? [yes/no]: ');
    if (!go) return;
    const r = engineOf(ctx.device).enrollManual(name, {
      ...(challenge !== undefined ? { challenge } : {}),
      includeSerial,
      ...(ipAddress ? { ipAddress } : {}),
    });
    if (!r.ok || (r.fingerprints.length === 0 && !getTp(ctx.device, name)?.rt.inflight)) {
      // The request could not even be built (CERTRETFAIL is logged by the engine).
      ctx.error('% Certificate enrollment failed.');
      return;
    }
    ctx.out('% Certificate request sent to Certificate Authority');
    ctx.out(`% The 'show crypto pki certificate verbose ${name}' commandwill show the fingerprint.`);
    ctx.out('');
  },

  // ---------------------------------------------------------------- certificate chain

  'pki.chain'(ctx) {
    const name = String(ctx.args.name);
    const tp = getTp(ctx.device, name);
    if (ctx.negated) {
      if (tp) {
        engineOf(ctx.device).cancel(name);
        tp.certs = emptyCerts();
      }
      return;
    }
    if (!tp) {
      // CHOICE: IOS needs the trustpoint first (its block always precedes the chain).
      ctx.error(`% Trustpoint ${name} not found.`);
      return;
    }
    ctx.enterMode('config-cert-chain', name);
  },

  async 'pki.chain.certificate'(ctx) {
    const tp = tpOf(ctx);
    if (!tp) return;
    const serial = String(ctx.args.serial).toUpperCase();
    const kind = ctx.args.kind as 'ca' | 'self-signed' | undefined;
    if (ctx.negated) {
      const yes = ctx.booting || (await askYesNo(ctx, '% Are you sure you want to remove the certificate [yes/no]: '));
      if (!yes) return;
      if (tp.certs.ca?.serialHex === serial && kind === 'ca') delete tp.certs.ca;
      else tp.certs.ids = tp.certs.ids.filter((i) => i.cert.serialHex !== serial);
      touch(ctx.device, tp.cfg.name);
      return;
    }
    let der: Buffer | undefined;
    const file = typeof ctx.args.file === 'string' ? ctx.args.file : undefined;
    const st = pkiState(ctx.device);
    if (file) {
      const fname = file.replace(/^nvram:/i, '');
      der = st.nvramFiles.get(fname);
      if (!der) {
        ctx.error(`%Error opening ${file} (No such file or directory)`);
        return;
      }
      rememberFileName(st, der, fname);
    } else {
      const lines: string[] = [];
      const prompt = `${ctx.state.hostname}${CONFIG_PUBKEY_PROMPT}`;
      for (;;) {
        const l = await ctx.readText(prompt);
        if (l === null) break;
        if (/^\s*quit\s*$/i.test(l)) break;
        lines.push(l);
        if (lines.length > 2000) break;
      }
      der = parseHexLines(lines);
      if (!der) {
        ctx.error('% Invalid certificate data.');
        return;
      }
    }
    let cert: CertInfo;
    try {
      cert = parseCertificate(der);
    } catch (e) {
      ctx.error(`% Invalid certificate: ${(e as Error).message}`);
      return;
    }
    const norm = (h: string) => h.replace(/^0+/, '');
    if (norm(cert.serialHex) !== norm(serial)) {
      // The serial on the command line names the certificate; a mismatch is refused.
      ctx.error(`% Certificate serial number ${cert.serialHex} does not match ${serial}.`);
      return;
    }
    installFromConfig(ctx.device, tp, kind, cert);
    touch(ctx.device, tp.cfg.name);
  },
};

/** `Enter Interface name or IP Address[]:` — an interface (any unique abbreviation) or A.B.C.D. */
function resolveAddress(device: Device, v: string): string | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return v;
  const name = INTERFACE.parse(v.replace(/\s+/g, ''));
  if (typeof name !== 'string') return undefined;
  return device.state.interfaces.get(name)?.ip?.addr;
}
