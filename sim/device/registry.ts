/**
 * The process-wide feature registry: ONE grammar, one handler table and one sorted section
 * list, built lazily on first use and shared by every device (speed + memory targets).
 * Startup checks: every declared intent is bound exactly once, no handler is bound to an
 * undeclared intent, mode and section ids are unique.
 */
import { Grammar } from '../../cli-grammar/engine.js';
import type { CommandSpec, ModeId, ModeSpec } from '../../cli-grammar/types.js';
import type { Feature, Handler, Section } from './feature.js';

export class Registry {
  readonly grammar: Grammar;
  readonly handlers = new Map<string, Handler>();
  readonly sections: readonly Section[];
  readonly modes = new Map<ModeId, ModeSpec>();

  constructor(readonly features: readonly Feature[]) {
    const modes: ModeSpec[] = [];
    const commands: CommandSpec[] = [];
    const featIds = new Set<string>();
    const owner = new Map<string, string>();
    for (const f of features) {
      if (featIds.has(f.id)) throw new Error(`registry: feature '${f.id}' registered twice`);
      featIds.add(f.id);
      for (const m of f.modes ?? []) {
        if (this.modes.has(m.id)) throw new Error(`registry: mode '${m.id}' declared twice (feature ${f.id})`);
        this.modes.set(m.id, m);
        modes.push(m);
      }
      commands.push(...(f.commands ?? []));
      for (const [id, h] of Object.entries(f.handlers ?? {})) {
        const prev = owner.get(id);
        if (prev) throw new Error(`registry: intent '${id}' bound twice (features ${prev} and ${f.id})`);
        owner.set(id, f.id);
        this.handlers.set(id, h);
      }
    }
    const declared = new Set(commands.map((c) => c.id));
    const unbound = [...declared].filter((id) => !this.handlers.has(id));
    if (unbound.length) throw new Error(`registry: intents without handler: ${unbound.join(', ')}`);
    const undeclared = [...this.handlers.keys()].filter((id) => !declared.has(id));
    if (undeclared.length) throw new Error(`registry: handlers for undeclared intents: ${undeclared.join(', ')}`);
    const secs: { s: Section; i: number }[] = [];
    const secIds = new Set<string>();
    for (const f of features) {
      for (const s of f.sections ?? []) {
        if (secIds.has(s.id)) throw new Error(`registry: section '${s.id}' declared twice`);
        secIds.add(s.id);
        secs.push({ s, i: secs.length });
      }
    }
    this.sections = secs.sort((a, b) => a.s.order - b.s.order || a.i - b.i).map((x) => x.s);
    this.grammar = new Grammar(modes, commands, undefined, { doMode: 'exec' });
  }

  modeSpec(id: ModeId): ModeSpec | undefined {
    return this.modes.get(id);
  }
}
