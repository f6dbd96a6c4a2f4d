/**
 * The CMS (PKCS#7) subset SCEP needs: SignedData with authenticated attributes (build, parse,
 * verify), EnvelopedData with RSA key transport (build, decrypt) and the degenerate certs-only
 * SignedData. Hand-written on ./der.ts: synchronous, deterministic, and it accepts the MD5 digests
 * and DES envelopes old IOS images send.
 */
import { createHash, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { Rng } from '../../sim/kernel/rng.js';
import * as D from '../der.js';
import { DerError, TAG, type Node } from '../der.js';
import { HASH_OID, OID, SIG_OID, hashFromOid, hashFromSigOid, type HashName } from '../oids.js';
import type { CertInfo } from '../x509.js';
import { CIPHERS, CryptoError, cipherFromOid, decryptContent, encryptContent, randomContentKey, rsaDecryptPkcs1, rsaEncryptPkcs1, type ContentCipher } from './crypto.js';

/** Attribute ::= SEQUENCE { type OID, values SET OF ANY } with one value. */
export function attribute(oid: string, value: Buffer): Buffer {
  return D.seq(D.oid(oid), D.setOf(value));
}

function issuerAndSerial(cert: CertInfo): Buffer {
  return D.seq(cert.issuerDer, cert.serialRaw);
}

function wrapContentInfo(type: string, content: Buffer): Buffer {
  return D.seq(D.oid(type), D.explicit(0, content));
}

// ---------------------------------------------------------------- SignedData

export interface SignerSpec {
  cert: CertInfo;
  key: KeyObject;
  digest: HashName;
  /** Extra signed attributes (already encoded Attribute SEQUENCEs). */
  attributes: Buffer[];
  /** SignerInfo signatureAlgorithm: rsaEncryption (default; SCEP interop) or e.g. sha256WithRSA. */
  signatureAlgorithm?: 'rsaEncryption' | 'withHash';
}

export interface SignedDataSpec {
  /** eContent bytes; undefined → eContent absent (degenerate / detached). */
  content?: Buffer;
  certificates: Buffer[];
  signer?: SignerSpec;
}

export function buildSignedData(s: SignedDataSpec): Buffer {
  const digestAlgs: Buffer[] = [];
  const signerInfos: Buffer[] = [];
  if (s.signer) {
    const g = s.signer;
    const dAlg = D.algId(HASH_OID[g.digest]);
    digestAlgs.push(dAlg);
    const md = createHash(g.digest).update(s.content ?? Buffer.alloc(0)).digest();
    const attrs = [attribute(OID.contentType, D.oid(OID.data)), attribute(OID.messageDigest, D.octets(md)), ...g.attributes];
    const attrSet = D.setOf(...attrs);
    const signature = cryptoSign(g.digest, attrSet, g.key);
    const sigAlg = g.signatureAlgorithm === 'withHash' ? D.algId(SIG_OID[g.digest], 'null') : D.algId(OID.rsaEncryption, 'null');
    signerInfos.push(
      D.seq(
        D.int(1),
        issuerAndSerial(g.cert),
        dAlg,
        Buffer.concat([Buffer.from([D.ctxC(0)]), attrSet.subarray(1)]), // [0] IMPLICIT SET OF
        sigAlg,
        D.octets(signature),
      ),
    );
  }
  const encap = s.content === undefined ? D.seq(D.oid(OID.data)) : D.seq(D.oid(OID.data), D.explicit(0, D.octets(s.content)));
  const sd = D.seq(
    D.int(1),
    D.setOf(...digestAlgs),
    encap,
    ...(s.certificates.length ? [D.implicitC(0, Buffer.concat(s.certificates))] : []),
    D.setOf(...signerInfos),
  );
  return wrapContentInfo(OID.signedData, sd);
}

export interface ParsedSignerInfo {
  issuerDer: Buffer;
  serialMag: Buffer;
  digestOid: string;
  digest: HashName | undefined;
  /** Signed attributes re-tagged as DER SET OF (what the signature covers); undefined if none. */
  signedAttrsSet: Buffer | undefined;
  attrs: Map<string, Node[]>;
  sigAlgOid: string;
  signature: Buffer;
}

export interface ParsedSignedData {
  contentType: string;
  /** eContent octets (undefined when absent). */
  content: Buffer | undefined;
  certificates: Buffer[];
  signers: ParsedSignerInfo[];
}

function unwrapContentInfo(der: Uint8Array, want: string): Node {
  const ci = D.parse(der);
  D.expect(ci, TAG.SEQUENCE, 'ContentInfo');
  const type = D.readOid(D.child(ci, 0, 'contentType'));
  if (type !== want) throw new DerError(`ContentInfo type ${type}, expected ${want}`);
  const inner = D.expect(ci.children[1], D.ctxC(0), 'ContentInfo content');
  return D.child(inner, 0, 'ContentInfo content');
}

export function parseSignedData(der: Uint8Array): ParsedSignedData {
  const sd = D.expect(unwrapContentInfo(der, OID.signedData), TAG.SEQUENCE, 'SignedData');
  let i = 1; // version
  D.expect(sd.children[i++], TAG.SET, 'digestAlgorithms');
  const encap = D.expect(sd.children[i++], TAG.SEQUENCE, 'encapContentInfo');
  const contentType = D.readOid(D.child(encap, 0, 'eContentType'));
  let content: Buffer | undefined;
  if (encap.children[1]) {
    const ex = D.expect(encap.children[1], D.ctxC(0), 'eContent');
    const oct = D.child(ex, 0, 'eContent');
    content = D.readOctets(oct);
  }
  const certificates: Buffer[] = [];
  let signerSet: Node | undefined;
  for (; i < sd.children.length; i++) {
    const c = sd.children[i]!;
    if (c.tag === D.ctxC(0)) for (const cert of c.children) if (cert.tag === TAG.SEQUENCE) certificates.push(Buffer.from(cert.raw));
    if (c.tag === TAG.SET) signerSet = c;
  }
  if (!signerSet) throw new DerError('SignedData has no signerInfos');
  const signers: ParsedSignerInfo[] = signerSet.children.map((si) => {
    D.expect(si, TAG.SEQUENCE, 'SignerInfo');
    const sid = D.expect(si.children[1], TAG.SEQUENCE, 'SignerInfo sid (issuerAndSerialNumber)');
    const issuerDer = D.child(sid, 0, 'issuer').raw;
    const serialMag = D.readUnsigned(D.child(sid, 1, 'serialNumber'));
    const dAlg = D.readAlgId(D.child(si, 2, 'digestAlgorithm'));
    let j = 3;
    let signedAttrsSet: Buffer | undefined;
    const attrs = new Map<string, Node[]>();
    if (si.children[j]?.tag === D.ctxC(0)) {
      const a = si.children[j++]!;
      signedAttrsSet = Buffer.from(a.raw);
      signedAttrsSet[0] = TAG.SET;
      for (const attr of a.children) {
        D.expect(attr, TAG.SEQUENCE, 'Attribute');
        const type = D.readOid(D.child(attr, 0, 'attribute type'));
        attrs.set(type, D.expect(attr.children[1], TAG.SET, 'attribute values').children);
      }
    }
    const sAlg = D.readAlgId(D.child(si, j++, 'signatureAlgorithm'));
    const signature = D.readOctets(D.child(si, j++, 'signature'));
    return {
      issuerDer: Buffer.from(issuerDer),
      serialMag: Buffer.from(serialMag),
      digestOid: dAlg.oid,
      digest: hashFromOid(dAlg.oid),
      signedAttrsSet,
      attrs,
      sigAlgOid: sAlg.oid,
      signature: Buffer.from(signature),
    };
  });
  return { contentType, content, certificates, signers };
}

export function signerMatches(s: ParsedSignerInfo, cert: CertInfo): boolean {
  return s.issuerDer.equals(cert.issuerDer) && s.serialMag.equals(cert.serial);
}

export type VerifyResult = { ok: true } | { ok: false; reason: string; badAlg?: boolean };

/** Verify one SignerInfo with a candidate certificate's key. */
export function verifySigner(s: ParsedSignerInfo, content: Buffer | undefined, key: KeyObject, opts: { allowMd5?: boolean } = {}): VerifyResult {
  const digest = s.digest;
  if (!digest) return { ok: false, reason: `unsupported digest algorithm ${s.digestOid}`, badAlg: true };
  if (digest === 'md5' && opts.allowMd5 === false) return { ok: false, reason: 'MD5 digests are not accepted', badAlg: true };
  let sigHash: HashName | undefined;
  if (s.sigAlgOid === OID.rsaEncryption) sigHash = digest;
  else {
    sigHash = hashFromSigOid(s.sigAlgOid);
    if (!sigHash) return { ok: false, reason: `unsupported signature algorithm ${s.sigAlgOid}`, badAlg: true };
  }
  const data = content ?? Buffer.alloc(0);
  let signedBytes: Buffer;
  if (s.signedAttrsSet) {
    const mdNode = s.attrs.get(OID.messageDigest)?.[0];
    if (!mdNode) return { ok: false, reason: 'messageDigest attribute missing' };
    const want = createHash(digest).update(data).digest();
    if (!D.readOctets(mdNode).equals(want)) return { ok: false, reason: 'messageDigest does not match the content' };
    signedBytes = s.signedAttrsSet;
  } else signedBytes = data;
  let ok = false;
  try {
    ok = cryptoVerify(sigHash, signedBytes, key, s.signature);
  } catch (e) {
    return { ok: false, reason: `signature check failed: ${(e as Error).message}` };
  }
  return ok ? { ok: true } : { ok: false, reason: 'signature does not verify' };
}

// ---------------------------------------------------------------- degenerate certs-only

export function buildCertsOnly(certs: Buffer[]): Buffer {
  return buildSignedData({ certificates: certs });
}

export function parseCertsOnly(der: Uint8Array): Buffer[] {
  return parseSignedData(der).certificates;
}

// ---------------------------------------------------------------- EnvelopedData

export interface EnvelopeSpec {
  content: Buffer;
  recipients: CertInfo[];
  cipher: ContentCipher;
  rng: Rng;
}

export function buildEnvelopedData(e: EnvelopeSpec): Buffer {
  if (!e.recipients.length) throw new CryptoError('EnvelopedData needs at least one recipient');
  const info = CIPHERS[e.cipher];
  const key = randomContentKey(e.cipher, e.rng);
  const iv = e.rng.bytes(info.ivLen);
  const ris = e.recipients.map((r) =>
    D.seq(D.int(0), issuerAndSerial(r), D.algId(OID.rsaEncryption, 'null'), D.octets(rsaEncryptPkcs1(r.publicKey, key, e.rng))),
  );
  const enc = encryptContent(e.cipher, key, iv, e.content);
  const eci = D.seq(D.oid(OID.data), D.algId(info.oid, D.octets(iv)), D.implicitP(0, enc));
  return wrapContentInfo(OID.envelopedData, D.seq(D.int(0), D.setOf(...ris), eci));
}

export interface ParsedEnvelope {
  recipients: { issuerDer: Buffer; serialMag: Buffer; keyEncOid: string; encryptedKey: Buffer }[];
  cipherOid: string;
  cipher: ContentCipher | undefined;
  iv: Buffer;
  encryptedContent: Buffer;
}

export function parseEnvelopedData(der: Uint8Array): ParsedEnvelope {
  const ed = D.expect(unwrapContentInfo(der, OID.envelopedData), TAG.SEQUENCE, 'EnvelopedData');
  let i = 1;
  if (ed.children[i]?.tag === D.ctxC(0)) i++; // originatorInfo
  const riSet = D.expect(ed.children[i++], TAG.SET, 'recipientInfos');
  const recipients: ParsedEnvelope['recipients'] = [];
  for (const ri of riSet.children) {
    if (ri.tag !== TAG.SEQUENCE) continue; // kari/kekri/pwri: not supported
    const rid = ri.children[1];
    if (!rid || rid.tag !== TAG.SEQUENCE) continue; // subjectKeyIdentifier rid: skip
    recipients.push({
      issuerDer: Buffer.from(D.child(rid, 0, 'issuer').raw),
      serialMag: Buffer.from(D.readUnsigned(D.child(rid, 1, 'serialNumber'))),
      keyEncOid: D.readAlgId(D.child(ri, 2, 'keyEncryptionAlgorithm')).oid,
      encryptedKey: D.readOctets(D.child(ri, 3, 'encryptedKey')),
    });
  }
  const eci = D.expect(ed.children[i], TAG.SEQUENCE, 'encryptedContentInfo');
  const alg = D.readAlgId(D.child(eci, 1, 'contentEncryptionAlgorithm'));
  const encNode = eci.children[2];
  if (!encNode || (encNode.tag !== D.ctxP(0) && encNode.tag !== D.ctxC(0))) throw new DerError('EnvelopedData has no encryptedContent');
  const iv: Buffer = alg.params && alg.params.tag === TAG.OCTET_STRING ? D.readOctets(alg.params) : Buffer.alloc(0);
  return {
    recipients,
    cipherOid: alg.oid,
    cipher: cipherFromOid(alg.oid),
    iv: Buffer.from(iv),
    encryptedContent: D.readImplicitOctets(encNode),
  };
}

export class EnvelopeError extends Error {
  constructor(
    message: string,
    readonly badAlg = false,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/**
 * Decrypt an EnvelopedData for `recipient` (matched by issuerAndSerialNumber; when no
 * RecipientInfo matches, every RSA one is tried with the key).
 */
export function decryptEnvelopedData(der: Uint8Array, key: KeyObject, recipient?: CertInfo): { content: Buffer; cipher: ContentCipher } {
  let env: ParsedEnvelope;
  try {
    env = parseEnvelopedData(der);
  } catch (e) {
    throw new EnvelopeError(`bad EnvelopedData: ${(e as Error).message}`);
  }
  if (!env.cipher) throw new EnvelopeError(`unsupported content encryption algorithm ${env.cipherOid}`, true);
  const rsa = env.recipients.filter((r) => r.keyEncOid === OID.rsaEncryption);
  if (!rsa.length) throw new EnvelopeError('no RSA key-transport recipient in the envelope', env.recipients.length > 0);
  const matching = recipient ? rsa.filter((r) => r.issuerDer.equals(recipient.issuerDer) && r.serialMag.equals(recipient.serial)) : [];
  const candidates = matching.length ? matching : rsa;
  let lastErr = 'no recipient';
  for (const r of candidates) {
    try {
      const ck = rsaDecryptPkcs1(key, r.encryptedKey);
      return { content: decryptContent(env.cipher, ck, env.iv, env.encryptedContent), cipher: env.cipher };
    } catch (e) {
      lastErr = (e as Error).message;
    }
  }
  throw new EnvelopeError(`cannot decrypt envelope: ${lastErr}`);
}
