/**
 * Parameter types for the CLI grammar: the placeholders of the syntax mini-language
 * (WORD, LINE, A.B.C.D, <lo-hi>, HH:MM:SS, MONTH, INTERFACE, URL, DURATION).
 *
 * Pure: no I/O, no clock, no randomness. Every parse() is a small hand-written scanner or a
 * regex compiled once at module load (never per match).
 */
import type { ArgValue, HelpItem } from './types.js';

export interface ParamType {
  /** The placeholder as written in a syntax string: 'WORD', 'A.B.C.D', 'INTERFACE', '<1-31>'. */
  name: string;
  /** What `?` help shows for it: 'WORD', 'A.B.C.D', '<1-31>'. */
  helpToken: string;
  /** Default help text when the command spec gives none for the `$var`. */
  help?: string;
  /** Parse one word (or, for maxWords > 1, several words joined by one space); undefined = reject. */
  parse(word: string): ArgValue | undefined;
  /**
   * Match precedence (FRR): 'typed' placeholders beat 'any' (WORD/LINE); both lose to keywords.
   * Default 'typed'.
   */
  precedence?: 'typed' | 'any';
  /** LINE: consumes the rest of the line (must be last in a syntax). */
  rest?: boolean;
  /** How many words the value may span (INTERFACE accepts `fa 0/0`): default 1. */
  maxWords?: number;
  /** `?` items to show instead of the single helpToken (INTERFACE lists interface types). */
  helpItems?: readonly HelpItem[];
  /** Word help / Tab: full words a partial word can complete to (INTERFACE type names). */
  complete?(partial: string): string[];
}

const DIGITS = /^\d+$/;

export function rangeType(lo: number, hi: number): ParamType {
  const token = `<${lo}-${hi}>`;
  return {
    name: token,
    helpToken: token,
    parse(word) {
      if (!DIGITS.test(word) || word.length > 15) return undefined;
      const n = Number(word);
      return n >= lo && n <= hi ? n : undefined;
    },
  };
}

export const WORD: ParamType = {
  name: 'WORD',
  helpToken: 'WORD',
  precedence: 'any',
  parse: (w) => (w.length > 0 ? w : undefined),
};

export const LINE: ParamType = {
  name: 'LINE',
  helpToken: 'LINE',
  precedence: 'any',
  rest: true,
  parse: (w) => (w.length > 0 ? w : undefined),
};

const IPV4_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export const IPV4: ParamType = {
  name: 'A.B.C.D',
  helpToken: 'A.B.C.D',
  parse(w) {
    const m = IPV4_RE.exec(w);
    if (!m) return undefined;
    const parts = [m[1], m[2], m[3], m[4]].map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return parts.join('.');
  },
};

const TIME_RE = /^(\d{1,2}):(\d{1,2}):(\d{1,2})$/;
/** HH:MM:SS, normalised to zero-padded 'hh:mm:ss'. */
export const TIME: ParamType = {
  name: 'HH:MM:SS',
  helpToken: 'hh:mm:ss',
  help: 'Current Time',
  parse(w) {
    const m = TIME_RE.exec(w);
    if (!m) return undefined;
    const h = Number(m[1]), mi = Number(m[2]), s = Number(m[3]);
    if (h > 23 || mi > 59 || s > 59) return undefined;
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(h)}:${p(mi)}:${p(s)}`;
  },
};

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;
const MONTHS_LC = MONTHS.map((m) => m.toLowerCase());

/** MONTH: any unique prefix (case-insensitive) of a month name; binds the full name ('January'). */
export const MONTH: ParamType = {
  name: 'MONTH',
  helpToken: 'MONTH',
  help: 'Month of the year',
  parse(w) {
    const lw = w.toLowerCase();
    if (lw.length === 0) return undefined;
    let found = -1;
    for (let i = 0; i < 12; i++) {
      if (MONTHS_LC[i] === lw) return MONTHS[i];
      if (MONTHS_LC[i]!.startsWith(lw)) {
        if (found >= 0) return undefined; // ambiguous prefix (e.g. 'ju', 'ma')
        found = i;
      }
    }
    return found >= 0 ? MONTHS[found] : undefined;
  },
};

export const DAY: ParamType = { ...rangeType(1, 31), help: 'Day of the month' };
export const YEAR: ParamType = { ...rangeType(1993, 2035), help: 'Year' };

/** Interface types known to the INTERFACE placeholder, with the `interface ?` help (RECALLED 12.4 texts). */
export const INTERFACE_TYPES: readonly HelpItem[] = [
  { token: 'Async', text: 'Async interface' },
  { token: 'BVI', text: 'Bridge-Group Virtual Interface' },
  { token: 'Dialer', text: 'Dialer interface' },
  { token: 'Ethernet', text: 'IEEE 802.3' },
  { token: 'FastEthernet', text: 'FastEthernet IEEE 802.3' },
  { token: 'GigabitEthernet', text: 'GigabitEthernet IEEE 802.3z' },
  { token: 'Loopback', text: 'Loopback interface' },
  { token: 'Null', text: 'Null interface' },
  { token: 'Serial', text: 'Serial' },
  { token: 'Tunnel', text: 'Tunnel interface' },
  { token: 'Virtual-Template', text: 'Virtual Template interface' },
];

const IF_RE = /^([A-Za-z][A-Za-z-]*?) ?(\d+(?:\/\d+)*(?:\.\d+)?)$/;

/** Resolve an interface type word (any unique prefix, case-insensitive) to its canonical spelling. */
function resolveIfType(types: readonly string[], typed: string): string | undefined {
  const lt = typed.toLowerCase();
  let found: string | undefined;
  for (const t of types) {
    const l = t.toLowerCase();
    if (l === lt) return t;
    if (l.startsWith(lt)) {
      if (found !== undefined) return undefined;
      found = t;
    }
  }
  return found;
}

/** Build an INTERFACE placeholder over a set of interface types. */
export function interfaceType(types: readonly HelpItem[] = INTERFACE_TYPES): ParamType {
  const names = types.map((t) => t.token);
  return {
    name: 'INTERFACE',
    helpToken: 'INTERFACE',
    help: 'Interface name',
    maxWords: 2,
    helpItems: types,
    parse(w) {
      const m = IF_RE.exec(w);
      if (!m) return undefined;
      const t = resolveIfType(names, m[1]!);
      return t === undefined ? undefined : t + m[2]!;
    },
    complete(partial) {
      const lp = partial.toLowerCase();
      const exact = names.find((n) => n.toLowerCase() === lp);
      if (exact) return [exact];
      return names.filter((n) => n.toLowerCase().startsWith(lp));
    },
  };
}

/** INTERFACE: `FastEthernet0/0`, `Fa0/0`, `fa 0/0` → canonical `FastEthernet0/0`. */
export const INTERFACE: ParamType = interfaceType();

const URL_RE = /^(https?):\/\/([A-Za-z0-9._-]+)(?::(\d{1,5}))?(\/\S*)?$/i;
/** URL: http://host[:port][/path] (https accepted too); binds the URL as typed. */
export const URL: ParamType = {
  name: 'URL',
  // RECALLED: IOS shows `enrollment url ?` as `WORD  ...` ; we keep the placeholder IOS-looking.
  helpToken: 'WORD',
  help: 'URL',
  parse(w) {
    const m = URL_RE.exec(w);
    if (!m) return undefined;
    if (m[3] !== undefined) {
      const port = Number(m[3]);
      if (port < 1 || port > 65535) return undefined;
    }
    return w;
  },
};

const DUR_RE = /^(?:(\d{1,6})d)?(?:(\d{1,7})h)?(?:(\d{1,8})m)?(?:(\d{1,9})s)?$/i;
/** DURATION: e.g. 90d, 12h, 30m, 45s, 1d12h — binds integer milliseconds. */
export const DURATION: ParamType = {
  name: 'DURATION',
  // Twin-only placeholder (no IOS equivalent): shown as WORD like other free-form arguments.
  helpToken: 'WORD',
  help: 'Duration such as 90d, 12h, 30m or 1d12h',
  parse(w) {
    if (w.length === 0) return undefined;
    const m = DUR_RE.exec(w);
    if (!m) return undefined;
    const [d, h, mi, s] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? 0 : Number(x)));
    const ms = (((d! * 24 + h!) * 60 + mi!) * 60 + s!) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined;
  },
};

/** The built-in placeholders, by name. Range placeholders (`<lo-hi>`) are made on demand. */
export function builtinParamTypes(): ParamType[] {
  return [WORD, LINE, IPV4, TIME, MONTH, INTERFACE, URL, DURATION];
}

const RANGE_NAME = /^<(\d+)-(\d+)>$/;
/** A placeholder registry: built-ins, then caller types (a caller type replaces a built-in of the same name). */
export class ParamRegistry {
  private readonly byName = new Map<string, ParamType>();
  constructor(extra: readonly ParamType[] = []) {
    for (const t of builtinParamTypes()) this.byName.set(t.name, t);
    this.byName.set(DAY.name, DAY);
    this.byName.set(YEAR.name, YEAR);
    for (const t of extra) this.register(t);
  }
  register(t: ParamType): void {
    if (!t || typeof t.name !== 'string' || t.name.length === 0 || typeof t.parse !== 'function') {
      throw new Error(`invalid ParamType ${JSON.stringify(t?.name)}`);
    }
    this.byName.set(t.name, t);
  }
  get(name: string): ParamType | undefined {
    const t = this.byName.get(name);
    if (t) return t;
    const m = RANGE_NAME.exec(name);
    if (m) {
      const lo = Number(m[1]), hi = Number(m[2]);
      if (lo > hi) return undefined;
      const r = rangeType(lo, hi);
      this.byName.set(name, r);
      return r;
    }
    return undefined;
  }
}
