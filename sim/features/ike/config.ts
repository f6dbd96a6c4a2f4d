/**
 * IKE configuration: handlers for `crypto isakmp …` and `crypto ikev2 …` and their sub-modes, and
 * the running-config sections.
 *
 * Running-config placement (IOS prints crypto policy blocks after `username` and before the
 * interfaces): order 840 for the IKEv2 blocks (15.x prints them before ISAKMP), 850 for ISAKMP.
 *
 * ISAKMP block (ios-behaviour §8, SEEN): `crypto isakmp policy N` then, in this order and only
 * when not default, ` encr …` (IOS spells the keyword `encr`), ` hash …`, ` authentication …`,
 * ` group …`, ` lifetime …`. Policy blocks are separated by `!`; `crypto isakmp identity X`
 * (non-default only) follows the last policy directly, then `!` (RECALLED layout).
 */
import type { Handler, HandlerContext, Section } from '../../device/feature.js';
import type { ConfigWriter } from '../../config/writer.js';
import { IKEV2_ENCRYPTIONS, IKEV2_INTEGRITIES } from '../../../cli-grammar/ios/ike.js';
import {
  defaultIsakmpPolicy, ikeState, type IkeState, type Ikev2Match, type Ikev2Profile, type IsakmpPolicy,
} from './state.js';

function policyOf(ctx: HandlerContext): IsakmpPolicy | undefined {
  return ikeState(ctx.device).isakmpPolicies.get(Number(ctx.modeCtx));
}
function proposalOf(ctx: HandlerContext) {
  return ikeState(ctx.device).v2Proposals.get(String(ctx.modeCtx));
}
function profileOf(ctx: HandlerContext): Ikev2Profile | undefined {
  return ikeState(ctx.device).v2Profiles.get(String(ctx.modeCtx));
}

const reset = (ctx: HandlerContext) => ctx.negated || ctx.prefix === 'default';

export const configHandlers: Record<string, Handler> = {
  'ike.isakmp.policy'(ctx) {
    const st = ikeState(ctx.device);
    const prio = Number(ctx.args.priority);
    if (ctx.negated) {
      st.isakmpPolicies.delete(prio);
      return;
    }
    if (!st.isakmpPolicies.has(prio)) st.isakmpPolicies.set(prio, defaultIsakmpPolicy(prio));
    ctx.enterMode('config-isakmp', prio);
  },
  'ike.isakmp.identity'(ctx) {
    const st = ikeState(ctx.device);
    st.identity = ctx.negated ? 'address' : (String(ctx.args.how) as IkeState['identity']);
  },
  'ike.isakmp.authentication'(ctx) {
    const p = policyOf(ctx);
    if (p) p.auth = reset(ctx) ? 'rsa-sig' : (String(ctx.args.method) as IsakmpPolicy['auth']);
  },
  'ike.isakmp.encryption'(ctx) {
    const p = policyOf(ctx);
    if (!p) return;
    if (reset(ctx)) {
      p.encr = 'des';
      delete p.aesBits;
      return;
    }
    p.encr = String(ctx.args.alg) as IsakmpPolicy['encr'];
    if (p.encr === 'aes') p.aesBits = (ctx.args.bits !== undefined ? Number(ctx.args.bits) : 128) as 128 | 192 | 256;
    else delete p.aesBits;
  },
  'ike.isakmp.hash'(ctx) {
    const p = policyOf(ctx);
    if (p) p.hash = reset(ctx) ? 'sha' : (String(ctx.args.alg) as IsakmpPolicy['hash']);
  },
  'ike.isakmp.group'(ctx) {
    const p = policyOf(ctx);
    if (p) p.group = reset(ctx) ? 1 : (Number(ctx.args.group) as IsakmpPolicy['group']);
  },
  'ike.isakmp.lifetime'(ctx) {
    const p = policyOf(ctx);
    if (p) p.lifetime = reset(ctx) ? 86_400 : Number(ctx.args.seconds);
  },

  // ---------------------------------------------------------------- IKEv2 (15.x commands)
  'ike.v2.proposal'(ctx) {
    const st = ikeState(ctx.device);
    const name = String(ctx.args.name);
    if (ctx.negated) {
      st.v2Proposals.delete(name);
      return;
    }
    if (!st.v2Proposals.has(name)) st.v2Proposals.set(name, { name, encryption: [], integrity: [], group: [] });
    ctx.enterMode('config-ikev2-proposal', name);
  },
  'ike.v2.proposal.encryption'(ctx) {
    const p = proposalOf(ctx);
    if (!p) return;
    const picked = typedOrder(ctx, IKEV2_ENCRYPTIONS);
    p.encryption = ctx.negated ? (picked.length ? p.encryption.filter((e) => !picked.includes(e as never)) : []) : mergeList(p.encryption, picked);
  },
  'ike.v2.proposal.integrity'(ctx) {
    const p = proposalOf(ctx);
    if (!p) return;
    const picked = typedOrder(ctx, IKEV2_INTEGRITIES);
    p.integrity = ctx.negated ? (picked.length ? p.integrity.filter((e) => !picked.includes(e as never)) : []) : mergeList(p.integrity, picked);
  },
  'ike.v2.proposal.group'(ctx) {
    const p = proposalOf(ctx);
    if (!p) return;
    // Groups keep the typed order (IOS: preference order); repeats are dropped.
    const picked = [ctx.args.g1, ctx.args.g2, ctx.args.g3].filter((g): g is string => typeof g === 'string');
    if (ctx.negated) p.group = picked.length ? p.group.filter((e) => !picked.includes(e)) : [];
    else p.group = [...new Set([...picked])];
  },
  'ike.v2.policy'(ctx) {
    const st = ikeState(ctx.device);
    const name = String(ctx.args.name);
    if (ctx.negated) {
      st.v2Policies.delete(name);
      return;
    }
    if (!st.v2Policies.has(name)) st.v2Policies.set(name, { name, proposals: [] });
    ctx.enterMode('config-ikev2-policy', name);
  },
  'ike.v2.policy.proposal'(ctx) {
    const pol = ikeState(ctx.device).v2Policies.get(String(ctx.modeCtx));
    if (!pol) return;
    const name = String(ctx.args.name);
    if (ctx.negated) pol.proposals = pol.proposals.filter((p) => p !== name);
    else if (!pol.proposals.includes(name)) pol.proposals.push(name);
  },
  'ike.v2.profile'(ctx) {
    const st = ikeState(ctx.device);
    const name = String(ctx.args.name);
    if (ctx.negated) {
      st.v2Profiles.delete(name);
      return;
    }
    if (!st.v2Profiles.has(name)) st.v2Profiles.set(name, { name, match: [], trustpoints: [] });
    ctx.enterMode('config-ikev2-profile', name);
  },
  'ike.v2.profile.match'(ctx) {
    const p = profileOf(ctx);
    if (!p) return;
    const kind = String(ctx.args.kind);
    let m: Ikev2Match;
    if (kind === 'any') m = { kind: 'any' };
    else if (kind === 'address') m = { kind: 'address', addr: String(ctx.args.addr), ...(ctx.args.mask !== undefined ? { mask: String(ctx.args.mask) } : {}) };
    else m = { kind: 'fqdn', value: String(ctx.args.fqdn), domain: ctx.args.domain !== undefined };
    const same = (a: Ikev2Match) => JSON.stringify(a) === JSON.stringify(m);
    if (ctx.negated) p.match = p.match.filter((x) => !same(x));
    else if (!p.match.some(same)) p.match.push(m);
  },
  'ike.v2.profile.authentication'(ctx) {
    const p = profileOf(ctx);
    if (!p) return;
    const method = String(ctx.args.method) as 'rsa-sig' | 'pre-share';
    if (ctx.args.side === 'local') {
      if (ctx.negated) delete p.authLocal;
      else p.authLocal = method;
    } else if (ctx.negated) delete p.authRemote;
    else p.authRemote = method;
  },
  'ike.v2.profile.pki'(ctx) {
    const p = profileOf(ctx);
    if (!p) return;
    const tp = String(ctx.args.tp);
    if (ctx.negated) p.trustpoints = p.trustpoints.filter((t) => t !== tp);
    else if (!p.trustpoints.includes(tp)) p.trustpoints.push(tp);
  },
  'ike.v2.profile.identity'(ctx) {
    const p = profileOf(ctx);
    if (!p) return;
    if (ctx.negated) {
      delete p.identityLocal;
      return;
    }
    const how = String(ctx.args.how);
    p.identityLocal = how === 'dn' ? { kind: 'dn' } : how === 'address' ? { kind: 'address', addr: String(ctx.args.addr) } : { kind: 'fqdn', value: String(ctx.args.fqdn) };
  },
  'ike.v2.profile.lifetime'(ctx) {
    const p = profileOf(ctx);
    if (!p) return;
    if (ctx.negated) delete p.lifetime;
    else p.lifetime = Number(ctx.args.seconds);
  },
};

/** The algorithm keywords of the line in the order typed (args keep insertion order). */
function typedOrder(ctx: HandlerContext, known: readonly string[]): string[] {
  return Object.keys(ctx.args).filter((k) => ctx.args[k] === true && known.includes(k));
}

/** Append `picked` to `cur` (preference order = the order configured; repeats dropped). */
function mergeList(cur: string[], picked: readonly string[]): string[] {
  return [...new Set([...cur, ...picked])];
}

// ------------------------------------------------------------------ running-config

export function isakmpPolicyLines(p: IsakmpPolicy): string[] {
  const out: string[] = [];
  if (p.encr !== 'des') out.push(p.encr === 'aes' ? ` encr aes${p.aesBits && p.aesBits !== 128 ? ` ${p.aesBits}` : ''}` : ` encr ${p.encr}`);
  if (p.hash !== 'sha') out.push(` hash ${p.hash}`);
  if (p.auth !== 'rsa-sig') out.push(` authentication ${p.auth}`);
  if (p.group !== 1) out.push(` group ${p.group}`);
  if (p.lifetime !== 86_400) out.push(` lifetime ${p.lifetime}`);
  return out;
}

function renderIsakmp(st: IkeState, w: ConfigWriter): void {
  const pols = [...st.isakmpPolicies.values()].sort((a, b) => a.priority - b.priority);
  pols.forEach((p, i) => {
    if (i > 0) w.bang();
    w.line(`crypto isakmp policy ${p.priority}`);
    for (const l of isakmpPolicyLines(p)) w.line(l);
  });
  if (st.identity !== 'address') w.line(`crypto isakmp identity ${st.identity}`);
  if (pols.length || st.identity !== 'address') w.bang();
}

function matchLine(m: Ikev2Match): string {
  if (m.kind === 'any') return ' match identity remote any';
  if (m.kind === 'address') return ` match identity remote address ${m.addr}${m.mask ? ` ${m.mask}` : ''}`;
  return ` match identity remote fqdn ${m.domain ? 'domain ' : ''}${m.value}`;
}

/** IKEv2 blocks (15.x layout, RECALLED): proposals, policies, profiles, each followed by `!`. */
function renderIkev2(st: IkeState, w: ConfigWriter): void {
  for (const p of st.v2Proposals.values()) {
    w.line(`crypto ikev2 proposal ${p.name}`);
    if (p.encryption.length) w.line(` encryption ${p.encryption.join(' ')}`);
    if (p.integrity.length) w.line(` integrity ${p.integrity.join(' ')}`);
    if (p.group.length) w.line(` group ${p.group.join(' ')}`);
    w.bang();
  }
  for (const p of st.v2Policies.values()) {
    w.line(`crypto ikev2 policy ${p.name}`);
    for (const pr of p.proposals) w.line(` proposal ${pr}`);
    w.bang();
  }
  for (const p of st.v2Profiles.values()) {
    w.line(`crypto ikev2 profile ${p.name}`);
    for (const m of p.match) w.line(matchLine(m));
    const id = p.identityLocal;
    if (id) w.line(id.kind === 'dn' ? ' identity local dn' : id.kind === 'address' ? ` identity local address ${id.addr}` : ` identity local fqdn ${id.value}`);
    if (p.authRemote) w.line(` authentication remote ${p.authRemote}`);
    if (p.authLocal) w.line(` authentication local ${p.authLocal}`);
    for (const t of p.trustpoints) w.line(` pki trustpoint ${t}`);
    if (p.lifetime !== undefined) w.line(` lifetime ${p.lifetime}`);
    w.bang();
  }
}

export const IKE_SECTIONS: Section[] = [
  { id: 'ike.v2', order: 840, render: (ctx, w) => renderIkev2(ikeState(ctx.device), w) },
  { id: 'ike.isakmp', order: 850, render: (ctx, w) => renderIsakmp(ikeState(ctx.device), w) },
];
