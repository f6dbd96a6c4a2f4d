/**
 * `crypto key generate rsa`, `crypto key zeroize rsa`, `show crypto key mypubkey rsa`
 * (ios-behaviour §5.1, §5.2, §6.4), 12.4 shapes.
 */
import type { Device } from '../../device/device.js';
import type { HandlerContext } from '../../device/feature.js';
import { fmtCertTime } from '../../kernel/clock.js';
import { askYesNo } from '../util.js';
import type { RsaKeyPair } from '../../../pki/keys.js';
import { keyFingerprint, type KeyEntry } from '../../../pki/keystore.js';
import { defaultKeyLabel } from '../../../pki/trustpoint.js';
import { newKeyPair } from './runtime.js';
import { pkiState } from './state.js';
import { hexDumpLines } from './write.js';

/** 12.x bounds (§5.1; 15.x says 4096). */
export const MODULUS_MIN = 360;
export const MODULUS_MAX = 2048;

export function keyPairAsync(device: Device, bits: number): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => newKeyPair(device, bits, (k) => (k instanceof Error ? reject(k) : resolve(k))));
}

async function askModulus(ctx: HandlerContext, usageName: string): Promise<number> {
  for (;;) {
    ctx.out(`Choose the size of the key modulus in the range of ${MODULUS_MIN} to ${MODULUS_MAX} for your`);
    ctx.out(`  ${usageName}. Choosing a key modulus greater than 512 may take`);
    ctx.out('  a few minutes.');
    ctx.out('');
    const a = (await ctx.ask('How many bits in the modulus [512]: ')).trim();
    if (a === '') return 512;
    if (/^\d+$/.test(a)) {
      const n = Number(a);
      if (n >= MODULUS_MIN && n <= MODULUS_MAX) return n;
    }
    // RECALLED: IOS repeats the question after an unusable answer.
    ctx.out(`% Invalid modulus size. Enter a value between ${MODULUS_MIN} and ${MODULUS_MAX}.`);
  }
}

/** The SSH server uses the key named like the router (hostname.domain). */
function sshEnabledLog(ctx: HandlerContext, bits: number): void {
  if (bits < 768) {
    const stamp = ctx.device.syslog.stamp();
    ctx.device.syslog.raw(`${stamp ? `${stamp}: ` : ''} RSA key size needs to be atleast 768 bits for ssh version 2`);
    ctx.log('SSH-5-ENABLED', 'SSH 1.5 has been enabled');
  } else ctx.log('SSH-5-ENABLED', 'SSH 1.99 has been enabled');
}

export async function generateRsa(ctx: HandlerContext): Promise<void> {
  const st = pkiState(ctx.device);
  const s = ctx.state;
  const usage = ctx.args.kind === 'usage-keys';
  const exportable = ctx.args.exportable === true;
  const given = typeof ctx.args.bits === 'number' ? (ctx.args.bits as number) : undefined;
  let label = typeof ctx.args.keyLabel === 'string' ? (ctx.args.keyLabel as string) : undefined;
  if (label === undefined) {
    if (s.hostname === 'Router') {
      ctx.error('% Please define a hostname other than Router.');
      return;
    }
    if (!s.domainName) {
      ctx.error('% Please define a domain-name first.');
      return;
    }
    label = defaultKeyLabel(s.hostname, s.domainName);
  }
  const sshKey = label === defaultKeyLabel(s.hostname, s.domainName);
  const existing = st.keys.get(label);
  ctx.out(`The name for the keys will be: ${label}`);
  if (existing) {
    ctx.out(`% You already have RSA keys defined named ${label}.`);
    if (given === undefined) {
      const yes = await askYesNo(ctx, '% Do you really want to replace them? [yes/no]: ');
      if (!yes) return;
    } else ctx.out('% They will be replaced.');
  }
  let sizes: number[];
  if (given === undefined) {
    sizes = usage ? [await askModulus(ctx, 'Signature Keys'), await askModulus(ctx, 'Encryption Keys')] : [await askModulus(ctx, 'General Purpose Keys')];
  } else {
    ctx.out('');
    ctx.out(`% The key modulus size is ${given} bits`);
    sizes = usage ? [given, given] : [given];
  }
  const pairs: RsaKeyPair[] = [];
  for (const bits of sizes) {
    // 12.x prints `...[OK]` on the same line (§5.1): the line is written once the key exists.
    pairs.push(await keyPairAsync(ctx.device, bits));
    ctx.out(`% Generating ${bits} bit RSA keys, keys will be ${exportable ? '' : 'non-'}exportable...[OK]`);
  }
  const entry: KeyEntry = {
    label,
    kind: usage ? 'usage' : 'general',
    exportable,
    generatedAt: ctx.device.wallNow(),
    main: pairs[0]!,
    ...(pairs[1] ? { enc: pairs[1] } : {}),
  };
  st.keys.put(entry);
  ctx.device.emit('pki.key.generated', { label, bits: sizes[0], usage: entry.kind, exportable });
  if (sshKey && !existing) sshEnabledLog(ctx, sizes[0]!);
}

export async function zeroizeRsa(ctx: HandlerContext): Promise<void> {
  const st = pkiState(ctx.device);
  const label = typeof ctx.args.label === 'string' ? (ctx.args.label as string) : undefined;
  if (st.keys.size === 0 || (label !== undefined && !st.keys.has(label))) {
    // RECALLED wording for "no such keys".
    ctx.error('% No Signature RSA Keys found in configuration.');
    return;
  }
  if (label === undefined) ctx.out('% All RSA keys will be removed.');
  else ctx.out(`% Keys to be removed are named '${label}'.`);
  ctx.out('% All router certs issued using these keys will also be removed.');
  const yes = await askYesNo(ctx, 'Do you really want to remove these keys? [yes/no]: ');
  if (!yes) return;
  const victims = label === undefined ? st.keys.list() : [st.keys.get(label)!];
  const fps = new Set<string>();
  for (const e of victims) {
    fps.add(keyFingerprint(e.main));
    if (e.enc) fps.add(keyFingerprint(e.enc));
    st.keys.delete(e.label);
  }
  const s = ctx.state;
  const sshGone = victims.some((e) => e.label === defaultKeyLabel(s.hostname, s.domainName));
  removeCertsForKeys(ctx.device, fps);
  ctx.device.emit('pki.key.zeroized', { labels: victims.map((v) => v.label) });
  if (sshGone) ctx.log('SSH-5-DISABLED', 'SSH 2.0 has been disabled');
}

/** Identity certificates whose key is gone are removed (IOS: "certs issued using these keys"). */
export function removeCertsForKeys(device: Device, fps: Set<string>): void {
  const st = pkiState(device);
  for (const tp of st.trustpoints.values()) {
    const before = tp.certs.ids.length;
    tp.certs.ids = tp.certs.ids.filter((i) => !fps.has(i.cert.spkiSha1Hex));
    tp.certs.rollover = tp.certs.rollover.filter((i) => !fps.has(i.cert.spkiSha1Hex));
    if (tp.certs.ids.length !== before) device.emit('pki.cert.removed', { trustpoint: tp.cfg.name });
  }
}

/**
 * `show crypto key mypubkey rsa [label]`, 12.4 shape (§6.4, RECALLED): no `Key type:` line, no
 * `Redundancy enabled.`; `Storage Device: not specified`. A staged rollover key shows under its
 * temporary `LABEL#` name.
 */
export function showMypubkey(ctx: HandlerContext): void {
  const st = pkiState(ctx.device);
  const label = typeof ctx.args.label === 'string' ? (ctx.args.label as string) : undefined;
  const list = st.keys.list().filter((e) => label === undefined || e.label === label);
  for (const e of list) {
    const parts: [RsaKeyPair, string][] = e.kind === 'general' ? [[e.main, 'General Purpose Key']] : [[e.main, 'Signature Key'], ...(e.enc ? [[e.enc, 'Encryption Key'] as [RsaKeyPair, string]] : [])];
    for (const [k, usage] of parts) {
      ctx.out(`% Key pair was generated at: ${fmtCertTime(e.generatedAt)}`);
      ctx.out(`Key name: ${e.label}`);
      ctx.out(' Storage Device: not specified');
      ctx.out(` Usage: ${usage}`);
      ctx.out(` Key is ${e.exportable ? '' : 'not '}exportable.`);
      ctx.out(' Key Data:');
      for (const l of hexDumpLines(k.spkiDer)) ctx.out(l);
    }
  }
}
