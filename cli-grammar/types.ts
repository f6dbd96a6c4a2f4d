/**
 * The contract between the pure CLI grammar (this folder) and the simulator (sim/).
 *
 * Commands are declared ONCE as data (CommandSpec). The engine (engine.ts) builds one
 * graph per mode from them and answers: match (with IOS abbreviation rules), `?` help,
 * Tab completion, and error rendering. It never does I/O and never reads a clock.
 *
 * ## Syntax mini-language (CommandSpec.syntax)
 *   keyword            a literal word, matched case-insensitively by any unique prefix
 *                      (an exact match always wins over a longer keyword with that prefix).
 *                      A bare keyword that is matched sets args[keyword] = true.
 *   keyword$var        the same, but binds args.var = 'keyword' (useful inside choices).
 *   WORD$var           any single word (no spaces).
 *   LINE$var           the rest of the line (may contain spaces), must be last.
 *   A.B.C.D$var        dotted-quad IPv4 address (mask too).
 *   <lo-hi>$var        integer in range (IOS displays `<lo-hi>` in help), binds a number.
 *   TYPE$var           any other upper-case placeholder registered in ParamTypes
 *                      (e.g. HH:MM:SS, MONTH, INTERFACE, URL, DURATION); see engine.ts.
 *   [ ... ]            optional group.
 *   < a | b | c >      exactly one of the alternatives (each alternative may be a sequence).
 *   { a | b | c }      any subset of the alternatives, each at most once, in any order.
 *   Alternatives nest: `[modulus <360-4096>$modulus]`, `<general-keys|usage-keys>$kind`.
 *   A `$var` written right after a closing `>` binds the chosen alternative's first keyword.
 *
 * ## Help
 *   CommandSpec.help maps a keyword, or a placeholder's `$var` name, to its help text.
 *   Keywords shared by several commands in one mode (`show`, `crypto`, `ip`) need help only
 *   once; the engine takes the first non-empty text it finds for a graph node, and
 *   `checkGrammar()` reports keywords without any help text.
 *   A placeholder's help is looked up as help['$var'], then help['var'] (unless `var` is also a
 *   keyword of the same command, as in `label WORD$label`), then help['WORD'], then the type's default.
 *
 * ## `no` forms
 *   `no: true` means `no <syntax>` is accepted; trailing optional/positional args may be
 *   omitted in the `no` form (IOS: `no ip address` without the address). The match result
 *   has negated = true.
 */

export type ModeId = string;

export interface ModeSpec {
  id: ModeId;
  /** Config sub-modes walk up to their parent when a line fails there (IOS behaviour). */
  parent?: ModeId;
  /** Suffix printed after the hostname: '>', '#', '(config)#', '(config-if)#', '(ca-trustpoint)#'. */
  prompt: string;
  /** 'exec' modes run EXEC commands; 'config' modes accept `do`, `end`, Ctrl-Z. */
  kind: 'exec' | 'config';
}

export interface CommandSpec {
  /** Intent id, bound exactly once by sim/ (e.g. 'show.version', 'if.ip-address'). */
  id: string;
  modes: readonly ModeId[];
  syntax: string;
  help: Readonly<Record<string, string>>;
  /** Minimum privilege level to see and run it (default 1 in exec modes, 15 in config modes). */
  privilege?: number;
  /** Accept the `no` prefix. */
  no?: boolean;
  /** Explicit syntax of the `no`/`default` form (see CommandSpecExt in engine.ts). */
  noSyntax?: string;
  /** Accept the `default` prefix (treated like `no` by sim/ unless it says otherwise). */
  default?: boolean;
  /** Not shown in `?` help nor Tab completion (twin-only or deprecated spellings). */
  hidden?: boolean;
}

export type ArgValue = string | number | boolean;
export type Args = Record<string, ArgValue>;

export type MatchResult =
  | {
      kind: 'ok';
      id: string;
      args: Args;
      negated: boolean;
      /** 'no' or 'default' when the line was prefixed by either. */
      prefix?: 'no' | 'default';
      /** The mode the command matched in (a parent when the line walked up). */
      mode: ModeId;
    }
  /** Column (0-based, within the typed line) where input stops matching. */
  | { kind: 'invalid'; column: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous' };

export interface HelpItem {
  /** The keyword, or a placeholder such as 'WORD', '<360-4096>', 'A.B.C.D', '<cr>'. */
  token: string;
  text: string;
}

/** What the engine offers to sim/ (implemented by cli-grammar/engine.ts). */
export interface GrammarApi {
  /** Match one line typed in `mode` by a user of `privilege`. Walks up parent modes (config). */
  match(mode: ModeId, line: string, privilege: number): MatchResult;
  /**
   * `?` help. `line` is everything typed before the `?`. When it ends in a space (or is empty)
   * the answer lists the next tokens; when it ends inside a word it lists the keywords that
   * word can complete to (IOS "word help").
   */
  help(mode: ModeId, line: string, privilege: number): { kind: 'list'; items: HelpItem[] } | { kind: 'words'; words: string[] } | { kind: 'ambiguous' } | { kind: 'invalid'; column: number };
  /** Tab completion: the new line, or null when nothing unique completes (IOS then beeps/re-echoes). */
  complete(mode: ModeId, line: string, privilege: number): string | null;
}
