/** IKE SA proposal configuration and selection (RFC 7296 §2.7, §3.3). */
import { DH, ENCR, INTEG, PRF, PROTO, TRANSFORM } from './constants.js';
import type { Proposal, Transform } from './codec.js';
import { dhSupported, encrSupported, integSupported, isAead, prfSupported, type IkeSuite } from './crypto.js';

export interface IkeProposalConfig {
  encr: Array<{ id: number; keyLength: number }>;
  /** Ignored (must be absent on the wire) when the cipher is AEAD. */
  integ: number[];
  prf: number[];
  dh: number[];
}

/** The smallest suite strongSwan 5.9 accepts unchanged, plus MODP-2048 and ECP-256 (protocols.md §1). */
export const DEFAULT_PROPOSALS: IkeProposalConfig[] = [
  {
    encr: [{ id: ENCR.AES_CBC, keyLength: 128 }, { id: ENCR.AES_CBC, keyLength: 256 }],
    integ: [INTEG.HMAC_SHA2_256_128],
    prf: [PRF.HMAC_SHA2_256],
    dh: [DH.CURVE_25519, DH.MODP_2048, DH.ECP_256],
  },
];

export function proposalToWire(p: IkeProposalConfig, num: number): Proposal {
  const t: Transform[] = [];
  for (const e of p.encr) t.push({ type: TRANSFORM.ENCR, id: e.id, keyLength: e.keyLength });
  const aeadOnly = p.encr.every((e) => isAead(e.id));
  for (const x of p.prf) t.push({ type: TRANSFORM.PRF, id: x });
  if (!aeadOnly) for (const x of p.integ) t.push({ type: TRANSFORM.INTEG, id: x });
  for (const x of p.dh) t.push({ type: TRANSFORM.DH, id: x });
  return { num, protocol: PROTO.IKE, spi: Buffer.alloc(0), transforms: t };
}

export function suiteToWire(s: IkeSuite, num: number): Proposal {
  const t: Transform[] = [{ type: TRANSFORM.ENCR, id: s.encr, keyLength: s.keyLength }, { type: TRANSFORM.PRF, id: s.prf }];
  if (!isAead(s.encr)) t.push({ type: TRANSFORM.INTEG, id: s.integ });
  t.push({ type: TRANSFORM.DH, id: s.dh });
  return { num, protocol: PROTO.IKE, spi: Buffer.alloc(0), transforms: t };
}

export interface Selection {
  suite: IkeSuite;
  num: number;
  /** DH groups acceptable for this proposal, local preference order. */
  groups: number[];
}

/** Responder choice: local preference order first, then the initiator's proposal order. */
export function selectProposal(local: IkeProposalConfig[], offered: Proposal[]): Selection | undefined {
  for (const lp of local) {
    for (const op of offered) {
      if (op.protocol !== PROTO.IKE || op.spi.length !== 0) continue;
      const of = (type: number) => op.transforms.filter((t) => t.type === type);
      const encr = lp.encr.find((e) => encrSupported(e.id, e.keyLength) && of(TRANSFORM.ENCR).some((t) => t.id === e.id && t.keyLength === e.keyLength));
      if (!encr) continue;
      const aead = isAead(encr.id);
      let integ: number = INTEG.NONE;
      if (aead) {
        if (of(TRANSFORM.INTEG).some((t) => t.id !== INTEG.NONE)) continue;
      } else {
        const i = lp.integ.find((x) => integSupported(x) && of(TRANSFORM.INTEG).some((t) => t.id === x));
        if (i === undefined) continue;
        integ = i;
      }
      const prf = lp.prf.find((x) => prfSupported(x) && of(TRANSFORM.PRF).some((t) => t.id === x));
      if (prf === undefined) continue;
      const groups = lp.dh.filter((x) => dhSupported(x) && of(TRANSFORM.DH).some((t) => t.id === x));
      if (groups.length === 0) continue;
      return { suite: { encr: encr.id, keyLength: encr.keyLength, integ, prf, dh: groups[0]! }, num: op.num, groups };
    }
  }
  return undefined;
}

/** Initiator check of the responder's SA payload: one proposal, one transform per type, all offered. */
export function acceptChosen(offered: IkeProposalConfig[], chosen: Proposal[]): IkeSuite | undefined {
  if (chosen.length !== 1) return undefined;
  const c = chosen[0]!;
  if (c.protocol !== PROTO.IKE) return undefined;
  const one = (type: number) => {
    const l = c.transforms.filter((t) => t.type === type);
    return l.length === 1 ? l[0] : l.length === 0 ? null : undefined;
  };
  const e = one(TRANSFORM.ENCR), p = one(TRANSFORM.PRF), i = one(TRANSFORM.INTEG), d = one(TRANSFORM.DH);
  if (!e || !p || !d || i === undefined) return undefined;
  const lp = offered[c.num - 1];
  if (!lp) return undefined;
  if (!lp.encr.some((x) => x.id === e.id && x.keyLength === e.keyLength) || !encrSupported(e.id, e.keyLength)) return undefined;
  if (!lp.prf.includes(p.id) || !lp.dh.includes(d.id)) return undefined;
  const aead = isAead(e.id);
  if (aead ? i !== null && i.id !== INTEG.NONE : !i || !lp.integ.includes(i.id)) return undefined;
  return { encr: e.id, keyLength: e.keyLength!, integ: aead ? 0 : i!.id, prf: p.id, dh: d.id };
}

const ENCR_NAMES: Record<number, string> = { [ENCR.AES_CBC]: 'AES_CBC', [ENCR.AES_GCM_16]: 'AES_GCM_16' };
const INTEG_NAMES: Record<number, string> = { 2: 'HMAC_SHA1_96', 12: 'HMAC_SHA2_256_128', 13: 'HMAC_SHA2_384_192', 14: 'HMAC_SHA2_512_256' };
const PRF_NAMES: Record<number, string> = { 2: 'PRF_HMAC_SHA1', 5: 'PRF_HMAC_SHA2_256', 6: 'PRF_HMAC_SHA2_384', 7: 'PRF_HMAC_SHA2_512' };
const DH_NAMES: Record<number, string> = { 14: 'MODP_2048', 19: 'ECP_256', 31: 'CURVE_25519' };

/** strongSwan-style suite string, e.g. AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519. */
export function suiteName(s: IkeSuite): string {
  const parts = [`${ENCR_NAMES[s.encr] ?? s.encr}_${s.keyLength}`];
  if (!isAead(s.encr)) parts.push(INTEG_NAMES[s.integ] ?? String(s.integ));
  parts.push(PRF_NAMES[s.prf] ?? String(s.prf), DH_NAMES[s.dh] ?? String(s.dh));
  return parts.join('/');
}
