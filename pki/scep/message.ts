/**
 * SCEP pkiMessage (RFC 8894 §3): SignedData carrying the SCEP authenticated attributes, whose
 * content is an EnvelopedData holding the messageData (CSR, IssuerAndSubject, certs-only PKCS#7).
 */
import type { KeyObject } from 'node:crypto';
import type { Rng } from '../../sim/kernel/rng.js';
import * as D from '../der.js';
import { DerError, TAG } from '../der.js';
import { OID, type HashName } from '../oids.js';
import { parseCertificate, type CertInfo } from '../x509.js';
import { attribute, buildEnvelopedData, buildSignedData, parseSignedData, signerMatches, verifySigner, type ParsedSignerInfo } from './cms.js';
import type { ContentCipher } from './crypto.js';

export const MessageType = {
  CertRep: 3,
  RenewalReq: 17,
  UpdateReq: 18,
  PKCSReq: 19,
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;
export type MessageTypeNum = (typeof MessageType)[keyof typeof MessageType];

export type PkiStatus = 'SUCCESS' | 'FAILURE' | 'PENDING';
const STATUS_CODE: Record<PkiStatus, string> = { SUCCESS: '0', FAILURE: '2', PENDING: '3' };

export type FailInfo = 'badAlg' | 'badMessageCheck' | 'badRequest' | 'badTime' | 'badCertId';
export const FAIL_INFOS: FailInfo[] = ['badAlg', 'badMessageCheck', 'badRequest', 'badTime', 'badCertId'];

export class ScepError extends Error {
  constructor(
    message: string,
    /** failInfo to answer with when a CertRep can still be built. */
    readonly failInfo: FailInfo = 'badRequest',
  ) {
    super(message);
    this.name = 'ScepError';
  }
}

export interface PkiMessageFields {
  messageType: number;
  transactionId: string;
  senderNonce: Buffer;
  recipientNonce?: Buffer;
  pkiStatus?: PkiStatus;
  failInfo?: FailInfo;
  failInfoText?: string;
}

export interface BuildPkiMessage extends PkiMessageFields {
  /** messageData to envelope; undefined → no envelope (CertRep PENDING/FAILURE). */
  messageData?: Buffer;
  /** Certificates the envelope is encrypted to. */
  recipients: CertInfo[];
  cipher: ContentCipher;
  digest: HashName;
  signerCert: CertInfo;
  signerKey: KeyObject;
  rng: Rng;
  /** Extra certificates for the SignedData `certificates` field (after the signer cert). */
  extraCerts?: Buffer[];
  signatureAlgorithm?: 'rsaEncryption' | 'withHash';
}

export function buildPkiMessage(m: BuildPkiMessage): Buffer {
  const attrs: Buffer[] = [
    attribute(OID.scepTransactionId, D.printable(m.transactionId)),
    attribute(OID.scepMessageType, D.printable(String(m.messageType))),
    attribute(OID.scepSenderNonce, D.octets(m.senderNonce)),
  ];
  if (m.recipientNonce) attrs.push(attribute(OID.scepRecipientNonce, D.octets(m.recipientNonce)));
  if (m.pkiStatus) attrs.push(attribute(OID.scepPkiStatus, D.printable(STATUS_CODE[m.pkiStatus])));
  if (m.failInfo) attrs.push(attribute(OID.scepFailInfo, D.printable(String(FAIL_INFOS.indexOf(m.failInfo)))));
  if (m.failInfoText) attrs.push(attribute(OID.scepFailInfoText, D.utf8(m.failInfoText)));
  const content =
    m.messageData === undefined ? Buffer.alloc(0) : buildEnvelopedData({ content: m.messageData, recipients: m.recipients, cipher: m.cipher, rng: m.rng });
  return buildSignedData({
    content,
    certificates: [m.signerCert.der, ...(m.extraCerts ?? [])],
    signer: {
      cert: m.signerCert,
      key: m.signerKey,
      digest: m.digest,
      attributes: attrs,
      ...(m.signatureAlgorithm ? { signatureAlgorithm: m.signatureAlgorithm } : {}),
    },
  });
}

export interface DecodedPkiMessage extends PkiMessageFields {
  /** The SignedData signer certificate (from `certificates` or the trusted list); undefined if absent. */
  signerCert: CertInfo | undefined;
  certificates: Buffer[];
  digest: HashName | undefined;
  digestOid: string;
  sigAlgOid: string;
  /** The pkcsPKIEnvelope (EnvelopedData ContentInfo DER), if present and non-empty. */
  envelope: Buffer | undefined;
  signatureOk: boolean;
  signatureError: string | undefined;
  /** Signature failure is an algorithm problem (unsupported digest/signature alg). */
  signatureBadAlg: boolean;
  signingTime: number | undefined;
}

function attrString(s: ParsedSignerInfo, oid: string): string | undefined {
  const n = s.attrs.get(oid)?.[0];
  if (!n) return undefined;
  return D.readString(n);
}

function attrOctets(s: ParsedSignerInfo, oid: string): Buffer | undefined {
  const n = s.attrs.get(oid)?.[0];
  if (!n) return undefined;
  if (n.tag !== TAG.OCTET_STRING) throw new DerError(`SCEP attribute ${oid} is not an OCTET STRING`);
  return Buffer.from(D.readOctets(n));
}

/**
 * Parse a pkiMessage and verify its signature with the signer certificate, looked up first among
 * `trusted` (e.g. the CA/RA certs a client already has) and then in the message's certificates.
 * Throws DerError/ScepError when the message is unusable (not CMS, no signer, no attributes).
 */
export function parsePkiMessage(der: Uint8Array, opts: { trusted?: CertInfo[]; allowMd5?: boolean } = {}): DecodedPkiMessage {
  const sd = parseSignedData(der);
  if (sd.signers.length !== 1) throw new ScepError(`expected exactly one SignerInfo, found ${sd.signers.length}`, 'badMessageCheck');
  const s = sd.signers[0]!;
  if (!s.signedAttrsSet) throw new ScepError('SignerInfo has no authenticated attributes', 'badMessageCheck');
  const mt = attrString(s, OID.scepMessageType);
  const tid = attrString(s, OID.scepTransactionId);
  const sn = attrOctets(s, OID.scepSenderNonce);
  if (mt === undefined) throw new ScepError('messageType attribute missing');
  if (!/^\d{1,3}$/.test(mt)) throw new ScepError(`bad messageType ${JSON.stringify(mt)}`);
  if (tid === undefined) throw new ScepError('transactionID attribute missing');
  const status = attrString(s, OID.scepPkiStatus);
  const fail = attrString(s, OID.scepFailInfo);
  let signerCert: CertInfo | undefined;
  for (const t of opts.trusted ?? []) if (signerMatches(s, t)) signerCert = t;
  if (!signerCert) {
    for (const c of sd.certificates) {
      let ci: CertInfo;
      try {
        ci = parseCertificate(c);
      } catch {
        continue;
      }
      if (signerMatches(s, ci)) {
        signerCert = ci;
        break;
      }
    }
  }
  let signatureOk = false;
  let signatureError: string | undefined;
  let signatureBadAlg = false;
  if (!signerCert) signatureError = 'signer certificate not found';
  else {
    const v = verifySigner(s, sd.content, signerCert.publicKey, opts.allowMd5 === undefined ? {} : { allowMd5: opts.allowMd5 });
    if (v.ok) signatureOk = true;
    else {
      signatureError = v.reason;
      signatureBadAlg = !!v.badAlg;
    }
  }
  let signingTime: number | undefined;
  const st = s.attrs.get(OID.signingTime)?.[0];
  if (st) {
    try {
      signingTime = D.readTime(st);
    } catch {
      signingTime = undefined;
    }
  }
  const statusMap: Record<string, PkiStatus> = { '0': 'SUCCESS', '2': 'FAILURE', '3': 'PENDING' };
  const out: DecodedPkiMessage = {
    messageType: Number(mt),
    transactionId: tid,
    senderNonce: sn ?? Buffer.alloc(0),
    signerCert,
    certificates: sd.certificates,
    digest: s.digest,
    digestOid: s.digestOid,
    sigAlgOid: s.sigAlgOid,
    envelope: sd.content && sd.content.length ? sd.content : undefined,
    signatureOk,
    signatureError,
    signatureBadAlg,
    signingTime,
  };
  const rn = attrOctets(s, OID.scepRecipientNonce);
  if (rn) out.recipientNonce = rn;
  if (status !== undefined) {
    const ps = statusMap[status.trim()];
    if (!ps) throw new ScepError(`bad pkiStatus ${JSON.stringify(status)}`);
    out.pkiStatus = ps;
  }
  if (fail !== undefined) {
    const fi = FAIL_INFOS[Number(fail.trim())];
    if (fi) out.failInfo = fi;
  }
  const ft = s.attrs.get(OID.scepFailInfoText)?.[0];
  if (ft) {
    try {
      out.failInfoText = D.readString(ft);
    } catch {
      /* ignore */
    }
  }
  return out;
}

/** IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name } (CertPoll/GetCertInitial). */
export function buildIssuerAndSubject(issuerDer: Buffer, subjectDer: Buffer): Buffer {
  return D.seq(issuerDer, subjectDer);
}

export function parseIssuerAndSubject(der: Uint8Array): { issuerDer: Buffer; subjectDer: Buffer } {
  const n = D.expect(D.parse(der), TAG.SEQUENCE, 'IssuerAndSubject');
  return { issuerDer: Buffer.from(D.child(n, 0, 'issuer').raw), subjectDer: Buffer.from(D.child(n, 1, 'subject').raw) };
}

export function messageTypeName(t: number): string {
  for (const [k, v] of Object.entries(MessageType)) if (v === t) return k;
  return `type${t}`;
}
