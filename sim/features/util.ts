/** Small helpers shared by core features. */
import type { HandlerContext } from '../device/feature.js';
import { SEVERITY_NAMES, type Severity } from '../device/state.js';

/** `[confirm]` answers: Enter or y/yes confirm (ios-behaviour §4). */
export function confirmed(answer: string): boolean {
  const a = answer.trim().toLowerCase();
  return a === '' || 'yes'.startsWith(a);
}

/** Ask a `[yes/no]: ` question until the answer is yes or no (IOS re-asks). */
export async function askYesNo(ctx: HandlerContext, question: string): Promise<boolean> {
  for (;;) {
    const a = (await ctx.ask(question)).trim().toLowerCase();
    if (a.length > 0 && 'yes'.startsWith(a)) return true;
    if (a.length > 0 && 'no'.startsWith(a)) return false;
    ctx.out("% Please answer 'yes' or 'no'.");
  }
}

export function levelFromArgs(args: Record<string, unknown>): Severity | undefined {
  if (typeof args.level === 'number') return args.level as Severity;
  if (typeof args.levelName === 'string') {
    const i = SEVERITY_NAMES.indexOf(args.levelName as (typeof SEVERITY_NAMES)[number]);
    if (i >= 0) return i as Severity;
  }
  return undefined;
}

/** `vty0 (10.0.0.1)` style "by" text used in syslog (console → `console`). */
export function byWhom(ctx: HandlerContext): string {
  const s = ctx.session;
  if (!s || s.lineKind === 'con') return 'console';
  return `${s.user} on ${s.lineName} (${s.peer})`;
}
