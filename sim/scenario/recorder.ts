/**
 * Recorder: turns a live world's input log (SSH keystrokes with their simulated times) into a
 * scenario file that plays back to the same transcript.
 *
 * Attach a Recorder to a World before users connect; it notes every interactive session opened
 * on the recorded device (user, privilege, terminal size) and every world event time. `toYaml()`
 * then writes: the lab (a lab file reference, or the devices inline), the seed and epoch, and
 * per input: `advance` to the keystroke's exact simulated time, then `type`/`keys`.
 *
 * Keystrokes of one line are merged into one step at the time of the line's LAST keystroke
 * (the Enter), unless a world event happened between them (a log message redraws the line, a
 * timer fired): then the group is split so every byte is processed at a time that produces the
 * same output. Exact times are kept with millisecond durations.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import type { World } from '../world/world.js';
import { isoUtc } from '../kernel/clock.js';
import type { LabDevice } from '../lab/schema.js';
import { fmtDuration } from './runner.js';

export interface RecordedSession {
  coreId: number;
  id: string;
  device: string;
  user: string;
  privilege: number;
  peer: string;
  cols?: number | undefined;
  rows?: number | undefined;
  openedAt: number;
  closedAt?: number;
}

interface Rec {
  t: number;
  session: number;
  data: string;
}

export interface RecordingMeta {
  name: string;
  description?: string;
  seed: number;
  epoch: number;
  /** Lab file to reference (path as given), or inline devices. */
  labFile?: string;
  devices?: LabDevice[];
  ca?: { device: string; server: string };
}

export class Recorder {
  readonly sessions = new Map<number, RecordedSession>();
  private eventTimes: number[] = [];
  private unsub: () => void;
  private baseInput: number;
  private closeWaiters: (() => void)[] = [];

  constructor(
    readonly world: World,
    readonly device: string,
  ) {
    this.baseInput = world.inputLog.length;
    this.unsub = world.events.on('*', (e) => {
      if (e.type === 'session.open' && e.device === device) this.onOpen(Number(e.data.id));
      else if (e.type === 'session.close' && e.device === device) {
        const s = this.sessions.get(Number(e.data.id));
        if (s) {
          s.closedAt = e.t;
          const w = this.closeWaiters;
          this.closeWaiters = [];
          for (const f of w) f();
        }
      }
      // Events caused by a session's own Enter are at the same time as that keystroke and do
      // not split a line; anything else between keystrokes does.
      this.eventTimes.push(e.t);
    });
  }

  private onOpen(id: number): void {
    const dev = this.world.device(this.device);
    const s = dev ? [...dev.sessions].find((x) => x.id === id) : undefined;
    if (!s) return;
    if ((s as unknown as { batch?: boolean }).batch) return; // exec channel: not recorded
    const n = this.sessions.size + 1;
    const rec: RecordedSession = {
      coreId: id,
      id: `s${n}`,
      device: this.device,
      user: s.user,
      privilege: s.privilege,
      peer: s.peer,
      cols: s.opts.cols,
      rows: s.opts.rows,
      openedAt: this.world.now(),
    };
    // No onOutput subscription here: the session hands its greeting (buffered until the first
    // subscriber) to the first one, which must be the transport.
    this.sessions.set(id, rec);
  }

  /** Resolves when a recorded session has closed (the user logged out). */
  waitForClose(): Promise<void> {
    return new Promise((r) => this.closeWaiters.push(r));
  }

  stop(): void {
    this.unsub();
  }

  /** Inputs of the recorded device's interactive sessions, in order. */
  inputs(): Rec[] {
    return this.world.inputLog
      .slice(this.baseInput)
      .filter((r) => r.device === this.device && r.session !== undefined && r.data !== undefined && this.sessions.has(r.session))
      .map((r) => ({ t: r.t, session: r.session!, data: r.data! }));
  }

  private eventBetween(a: number, b: number): boolean {
    // any event strictly after a and at or before b (b's own events belong to that keystroke)
    for (const t of this.eventTimes) if (t > a && t < b) return true;
    return false;
  }

  /** The scenario steps (as plain objects). */
  steps(): Record<string, unknown>[] {
    const steps: Record<string, unknown>[] = [];
    let now = 0;
    const advanceTo = (t: number) => {
      if (t > now) steps.push({ advance: fmtDuration(t - now) });
      now = Math.max(now, t);
    };
    const opens = [...this.sessions.values()].sort((a, b) => a.openedAt - b.openedAt || a.coreId - b.coreId);
    const inputs = this.inputs();
    let oi = 0;
    let current: number | undefined;
    const openUntil = (t: number) => {
      while (oi < opens.length && opens[oi]!.openedAt <= t) {
        const s = opens[oi++]!;
        advanceTo(s.openedAt);
        const open: Record<string, unknown> = { device: s.device, as: s.id, user: s.user, privilege: s.privilege, peer: s.peer };
        if (s.cols !== undefined) open.cols = s.cols;
        open.rows = s.rows ?? 24;
        steps.push({ open });
        current = s.coreId;
      }
    };
    // group keystrokes
    let i = 0;
    while (i < inputs.length) {
      const first = inputs[i]!;
      let j = i;
      let data = first.data;
      while (!/[\r\n]/.test(inputs[j]!.data) && j + 1 < inputs.length) {
        const next = inputs[j + 1]!;
        if (next.session !== first.session || this.eventBetween(inputs[j]!.t, next.t) || opens.some((s) => s.openedAt > inputs[j]!.t && s.openedAt <= next.t)) break;
        j++;
        data += next.data;
      }
      const last = inputs[j]!;
      openUntil(last.t);
      advanceTo(last.t);
      const sess = this.sessions.get(first.session)!;
      const step: Record<string, unknown> = {};
      const m = /^([^\x00-\x1f\x7f?]*)\r$/.exec(data);
      if (m) step.type = m[1];
      else step.keys = data;
      if (current !== first.session) step.session = sess.id;
      current = first.session;
      steps.push(step);
      i = j + 1;
    }
    openUntil(Number.POSITIVE_INFINITY);
    // trailing time (timers after the last keystroke, e.g. log output before the logout)
    const end = Math.max(...[...this.sessions.values()].map((s) => s.closedAt ?? now), now);
    if (end > now) advanceTo(end);
    return steps;
  }

  /** The scenario file text. `outFile` is where it will be written (for the relative lab path). */
  toYaml(meta: RecordingMeta, outFile: string): string {
    const doc: Record<string, unknown> = {
      name: meta.name,
      description: meta.description ?? `Recorded from a live SSH session on ${this.device}.`,
      tags: ['recorded'],
      seed: meta.seed,
      epoch: isoUtc(meta.epoch).replace('.000Z', 'Z'),
    };
    if (meta.labFile) {
      doc.lab = relative(dirname(resolve(outFile)), resolve(meta.labFile)) || meta.labFile;
      if (meta.ca) doc.ca = meta.ca;
    } else {
      doc.lab = {
        ...(meta.ca ? { ca: meta.ca } : {}),
        devices: (meta.devices ?? []).map((d) => {
          const { ssh: _ssh, ...rest } = d;
          return rest;
        }),
      };
    }
    doc.steps = this.steps();
    const head = `# yaml-language-server: $schema=${schemaRef(outFile)}\n# Recorded by \`twin record --device ${this.device}\`. Replay: twin play ${outFile}\n`;
    return head + stringify(doc, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  }
}

function schemaRef(outFile: string): string {
  const root = resolve(import.meta.dirname, '../..');
  const schema = join(root, 'scenarios/schema.json');
  const out = resolve(outFile);
  // relative inside the project, absolute for files written elsewhere
  return out.startsWith(root + sep) ? relative(dirname(out), schema) : schema;
}
