/**
 * Users feature: the local user database (`username NAME [privilege N] secret|password …`);
 * section 800. Secrets are stored md5-crypt (`secret 5 $1$salt$hash`, salt from the device Rng).
 */
import { USER_COMMANDS } from '../../../cli-grammar/ios/users.js';
import type { Feature, Handler, Section } from '../../device/feature.js';
import { newSalt, type7Encode } from '../../config/md5crypt.js';
import { parsePassword, parseSecret } from '../system/index.js';

const BAD_SECRET = [
  'ERROR: The secret you entered is not a valid encrypted secret.',
  'To enter an UNENCRYPTED secret, do not specify type 5 encryption.',
  'When you properly enter an UNENCRYPTED secret, it will be encrypted.',
];

const handlers: Record<string, Handler> = {
  'users.username'(ctx) {
    const name = String(ctx.args.name);
    const users = ctx.state.users;
    if (ctx.negated) {
      users.delete(name);
      return;
    }
    const u = users.get(name) ?? { name };
    const next = { ...u };
    if (typeof ctx.args.privLevel === 'number') next.privilege = ctx.args.privLevel;
    if (typeof ctx.args.secretText === 'string') {
      const h = parseSecret(ctx.args.secretText.trim(), () => newSalt(ctx.device.saltRng()));
      if (h === undefined) {
        for (const l of BAD_SECRET) ctx.error(l);
        return;
      }
      next.secret = h;
      delete next.password;
      delete next.nopassword;
    } else if (typeof ctx.args.passwordText === 'string') {
      const p = parsePassword(ctx.args.passwordText.trim());
      if (!p) {
        ctx.error('Invalid encrypted password');
        return;
      }
      // With `service password-encryption` new clear-text passwords are stored as type 7.
      next.password = p.type === 0 && ctx.state.servicePasswordEncryption ? { type: 7, text: type7Encode(p.text, ctx.device.saltRng().int(0, 15)) } : p;
      delete next.secret;
      delete next.nopassword;
    } else if (ctx.args.nopassword === true) {
      next.nopassword = true;
      delete next.secret;
      delete next.password;
    }
    users.set(name, next);
  },
};

const sections: Section[] = [
  {
    id: 'users.db',
    order: 800,
    render({ state }, w) {
      for (const u of state.users.values()) {
        let s = `username ${u.name}`;
        if (u.privilege !== undefined) s += ` privilege ${u.privilege}`;
        if (u.secret) s += ` secret 5 ${u.secret}`;
        else if (u.password) s += ` password ${u.password.type === 7 ? `7 ${u.password.text}` : `0 ${u.password.text}`}`;
        else if (u.nopassword) s += ' nopassword';
        w.line(s);
      }
      if (state.users.size) w.bang();
    },
  },
];

export const usersFeature: Feature = {
  id: 'users',
  commands: USER_COMMANDS,
  handlers,
  sections,
};
