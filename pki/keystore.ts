/**
 * The router's RSA key store (`crypto key generate rsa`, `crypto key zeroize rsa`,
 * `show crypto key mypubkey rsa`), kept in the device's private NVRAM — never in
 * startup-config text (ios-behaviour.md §3.4: "private keys live in private-config").
 *
 * Model:
 *  - a labelled entry holds one key pair (general purpose) or two (usage-keys: signature +
 *    encryption), the modulus sizes, exportability and the wall time it was generated at;
 *  - certificates are linked to keys by public-key fingerprint (SHA-1 over the SPKI DER),
 *    never by label (architecture.md A7 (4));
 *  - a key being rolled over (`auto-enroll … regenerate`, trustpoint `regenerate`) is STAGED
 *    under the temporary label `LABEL#` (stagedLabel()) and promoted to `LABEL` only once the
 *    new certificate has arrived and matches it. The temporary name is UNKNOWN in the reference
 *    (§6.4, §10 item 3); `#` is the character IOS uses in its NVRAM certificate file names.
 *
 * Pure data + JSON codec. Key material comes from outside (the deterministic pool in the
 * simulation, pki/keys.ts) so nothing here is random.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { keyPairFromPrivate, spkiSha1Hex, type RsaKeyPair } from './keys.js';

export type KeyUsageKind = 'general' | 'usage';

export interface KeyEntry {
  label: string;
  kind: KeyUsageKind;
  exportable: boolean;
  /** Device wall time (ms) at generation (`% Key pair was generated at: …`). */
  generatedAt: number;
  /** General-purpose key, or the signature key of a usage-keys pair. */
  main: RsaKeyPair;
  /** Encryption key of a usage-keys pair. */
  enc?: RsaKeyPair;
  /** Set on a staged rollover key: the label it will take when activated. */
  rolloverOf?: string;
}

/** Fingerprint (upper-case hex SHA-1 of the SPKI DER) of a key pair. */
export function keyFingerprint(k: RsaKeyPair): string {
  let fp = fpCache.get(k);
  if (!fp) {
    fp = spkiSha1Hex(k.spkiDer);
    fpCache.set(k, fp);
  }
  return fp;
}
const fpCache = new WeakMap<RsaKeyPair, string>();

/** The temporary label of a staged rollover key (choice, see file comment). */
export function stagedLabel(label: string): string {
  return `${label}#`;
}

export interface KeyStoreJson {
  version: 1;
  keys: {
    label: string;
    kind: KeyUsageKind;
    exportable: boolean;
    generatedAt: number;
    main: string;
    enc?: string;
    rolloverOf?: string;
  }[];
}

export class KeyStore {
  /** Insertion order = generation order (IOS lists keys in the order they were created). */
  private readonly entries = new Map<string, KeyEntry>();

  get size(): number {
    return this.entries.size;
  }

  list(): KeyEntry[] {
    return [...this.entries.values()];
  }

  get(label: string): KeyEntry | undefined {
    return this.entries.get(label);
  }

  has(label: string): boolean {
    return this.entries.has(label);
  }

  /** Add or replace (a replaced label keeps no trace of the old pair). */
  put(entry: KeyEntry): void {
    this.entries.delete(entry.label);
    this.entries.set(entry.label, entry);
  }

  delete(label: string): boolean {
    return this.entries.delete(label);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Every key pair of the store with its label, for lookups by fingerprint. */
  *pairs(): IterableIterator<{ entry: KeyEntry; pair: RsaKeyPair; usage: 'general' | 'signature' | 'encryption' }> {
    for (const e of this.entries.values()) {
      if (e.kind === 'general') yield { entry: e, pair: e.main, usage: 'general' };
      else {
        yield { entry: e, pair: e.main, usage: 'signature' };
        if (e.enc) yield { entry: e, pair: e.enc, usage: 'encryption' };
      }
    }
  }

  /** The key pair whose public key has this fingerprint, or undefined. */
  byFingerprint(fp: string): { entry: KeyEntry; pair: RsaKeyPair; usage: 'general' | 'signature' | 'encryption' } | undefined {
    const want = fp.toUpperCase();
    for (const p of this.pairs()) if (keyFingerprint(p.pair) === want) return p;
    return undefined;
  }

  /**
   * Promote a staged key (`LABEL#`) to `LABEL`, discarding the old pair. Returns the promoted
   * entry, or undefined when nothing is staged.
   */
  promote(label: string): KeyEntry | undefined {
    const staged = this.entries.get(stagedLabel(label));
    if (!staged) return undefined;
    this.entries.delete(stagedLabel(label));
    const promoted: KeyEntry = { ...staged, label };
    delete promoted.rolloverOf;
    // Keep the position of the label being replaced when it exists (IOS replaces in place).
    if (this.entries.has(label)) {
      const rebuilt = new Map<string, KeyEntry>();
      for (const [k, v] of this.entries) rebuilt.set(k, k === label ? promoted : v);
      this.entries.clear();
      for (const [k, v] of rebuilt) this.entries.set(k, v);
    } else this.entries.set(label, promoted);
    return promoted;
  }

  clone(): KeyStore {
    const c = new KeyStore();
    for (const e of this.entries.values()) c.entries.set(e.label, { ...e });
    return c;
  }

  toJSON(): KeyStoreJson {
    return {
      version: 1,
      keys: this.list().map((e) => ({
        label: e.label,
        kind: e.kind,
        exportable: e.exportable,
        generatedAt: e.generatedAt,
        main: pemOf(e.main),
        ...(e.enc ? { enc: pemOf(e.enc) } : {}),
        ...(e.rolloverOf ? { rolloverOf: e.rolloverOf } : {}),
      })),
    };
  }

  /** Rebuild from JSON; unreadable entries are skipped (never crash a boot). */
  static fromJSON(j: unknown): { store: KeyStore; errors: string[] } {
    const store = new KeyStore();
    const errors: string[] = [];
    const obj = j as Partial<KeyStoreJson> | undefined;
    if (!obj || obj.version !== 1 || !Array.isArray(obj.keys)) return { store, errors: obj ? ['bad key store format'] : [] };
    for (const k of obj.keys) {
      try {
        if (typeof k.label !== 'string' || !k.label) throw new Error('missing label');
        const e: KeyEntry = {
          label: k.label,
          kind: k.kind === 'usage' ? 'usage' : 'general',
          exportable: !!k.exportable,
          generatedAt: Number.isFinite(k.generatedAt) ? k.generatedAt : 0,
          main: pairFromPem(k.main),
          ...(k.enc ? { enc: pairFromPem(k.enc) } : {}),
          ...(k.rolloverOf ? { rolloverOf: k.rolloverOf } : {}),
        };
        store.entries.set(e.label, e);
      } catch (err) {
        errors.push(`key ${String(k?.label)}: ${(err as Error).message}`);
      }
    }
    return { store, errors };
  }
}

const pemCache = new WeakMap<RsaKeyPair, string>();
function pemOf(k: RsaKeyPair): string {
  let p = pemCache.get(k);
  if (!p) {
    p = k.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    pemCache.set(k, p);
  }
  return p;
}

/** PEM → pair, memoised by text so replays and clones share one KeyObject (fast boots). */
const pairCache = new Map<string, RsaKeyPair>();
function pairFromPem(pem: unknown): RsaKeyPair {
  if (typeof pem !== 'string') throw new Error('missing private key');
  const h = createHash('sha1').update(pem).digest('hex');
  let k = pairCache.get(h);
  if (!k) {
    k = keyPairFromPrivate(createPrivateKey(pem));
    pemCache.set(k, pem);
    pairCache.set(h, k);
  }
  return k;
}
