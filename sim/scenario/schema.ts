/**
 * Scenario and training-lab files (YAML), validated with zod. The JSON Schema for editors is
 * exported to scenarios/schema.json (`node --import tsx sim/scenario/export-schema.ts`; a test
 * checks it is up to date).
 *
 * A scenario names its lab (devices with startup-configs, the CA device, seed, epoch) and lists
 * steps. Every step is a map with exactly ONE action key (`type`, `advance`, `expect`, …) plus
 * optional modifiers (`session`, `expect` on input steps, `name`). Scenarios are users of the
 * twin: input steps go through CliSession.input exactly like SSH keystrokes; expectations read
 * output, the world event bus and public getters.
 *
 * ```yaml
 * name: autoenroll-90-regenerate
 * seed: 42
 * epoch: 2026-01-01T00:00:00Z
 * lab:
 *   ca: { device: CA, server: LABCA }
 *   devices:
 *     - name: R1
 *       startupConfig: |
 *         hostname R1
 *         ...
 * steps:
 *   - phase: configure
 *   - open: { device: R1, as: s1 }
 *   - type: [enable, cisco, conf t]
 *   - keys: "auto-enroll ?"
 *     expect: { golden: golden/auto-enroll-help.txt }
 *   - advance: 300d
 *   - expectLog: { device: R1, message: "%PKI-6-AUTOSAVE" }
 * ```
 *
 * Nothing here transforms values (durations and dates stay strings) so the JSON Schema shows
 * exactly what a file may contain; `compile.ts` turns a parsed file into runnable steps.
 */
import { z } from 'zod';
import { DeviceSchema } from '../lab/schema.js';

// ---- scalars -----------------------------------------------------------------------------------

/** `90d`, `12h`, `30m`, `45s`, `500ms`, `2w`, `1y`, or combinations like `1d12h`. */
export const DURATION_RE = /^(\d+(ms|s|m|h|d|w|y))+$/;
export const Duration = z
  .string()
  .regex(DURATION_RE, 'must be a duration such as 90d, 12h, 30m, 45s, 500ms or 1d12h')
  .meta({ description: 'Simulated duration: 90d, 12h, 30m, 45s, 500ms, 2w, 1y or combinations like 1d12h' });

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]00:?00)?$/, 'must be an ISO date like 2026-01-01T00:00:00Z (UTC)')
  .meta({ description: 'UTC date-time, e.g. 2026-01-01T00:00:00Z' });

const Name = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,30}$/, 'must start with a letter and contain only letters, digits, _ . - (max 31)');
const Seed = z.number().int('must be an integer').nonnegative().max(2 ** 32 - 1);
/** One string or a list of strings. */
const Strings = z.union([z.string(), z.array(z.string())]);
/** A count: exact number, or bounds. */
export const Count = z.union([
  z.number().int().nonnegative(),
  z.object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).strict(),
]);

// ---- lab -----------------------------------------------------------------------------------------

/** A device of a scenario lab: the ssh helper's lab device, SSH optional, plus clock skew. */
export const ScenarioDevice = DeviceSchema.extend({
  ssh: DeviceSchema.shape.ssh.optional(),
  /** Wall-clock skew of this device from world time: `90s` ahead, `-90s` behind. */
  clockOffset: z
    .string()
    .regex(/^-?(\d+(ms|s|m|h|d|w|y))+$/, 'must be a duration such as 90s or -2m')
    .optional()
    .meta({ description: 'Wall-clock skew of this device: 90s ahead, -90s behind' }),
});

export const CaRef = z
  .object({
    /** The lab device acting as the certificate authority (an IOS CA server). */
    device: Name,
    /** `crypto pki server NAME` on that device. */
    server: z.string().min(1).max(64),
  })
  .strict()
  .meta({ description: 'The lab certificate authority: a device running `crypto pki server NAME`' });

export const InlineLab = z
  .object({
    devices: z.array(ScenarioDevice).min(1, 'a lab needs at least one device').max(500),
    ca: CaRef.optional(),
    /** IKE peers of the lab (shape owned by the IKE simulation; passed through as-is). */
    ike: z.unknown().optional(),
  })
  .strict();

// ---- predicates (shared by `check` steps and training-lab tasks) -----------------------------

const DeviceText = z
  .object({
    device: Name,
    /** Only the block that starts with this line (e.g. `crypto pki trustpoint pki-tp`). */
    section: z.string().optional(),
    contains: Strings.optional(),
    regex: Strings.optional(),
    not: Strings.optional(),
  })
  .strict();

export interface Predicate {
  running?: z.infer<typeof DeviceText>;
  startup?: z.infer<typeof DeviceText>;
  saved?: { device: string };
  log?: { device?: string; message: string; count?: z.infer<typeof Count> };
  event?: { type: string; device?: string; match?: Record<string, unknown>; count?: z.infer<typeof Count> };
  cert?: { device: string; trustpoint: string; state?: 'valid' | 'none' | 'expired'; notSerial?: string; inStartup?: boolean };
  ike?: { peer: string; router?: string; last?: 'ok' | 'failed' };
  all?: Predicate[];
  any?: Predicate[];
  not?: Predicate;
}

export const PredicateSchema: z.ZodType<Predicate> = z.lazy(() =>
  z
    .object({
      /** Running-config (rendered from state, no session involved) contains / matches. */
      running: DeviceText.optional(),
      /** NVRAM startup-config contains / matches. */
      startup: DeviceText.optional(),
      /** Running-config is saved (the device's configuration is not modified since the last save). */
      saved: z.object({ device: Name }).strict().optional(),
      /** A syslog message (substring, or /regex/) was logged (since the start, or the lab's reset). */
      log: z.object({ device: Name.optional(), message: z.string().min(1), count: Count.optional() }).strict().optional(),
      /** A world event with data matching `match` (subset; strings are substrings or /regex/). */
      event: z
        .object({ type: z.string().min(1), device: Name.optional(), match: z.record(z.string(), z.unknown()).optional(), count: Count.optional() })
        .strict()
        .optional(),
      /** The trustpoint's active identity certificate (default: a valid one must exist). */
      cert: z
        .object({
          device: Name,
          trustpoint: z.string().min(1),
          /** `valid` (default): valid at the device's clock; `none`: no identity certificate; `expired`. */
          state: z.enum(['valid', 'none', 'expired']).optional(),
          /** The active certificate is not this serial (hex, e.g. "02": it was renewed). */
          notSerial: z.string().regex(/^[0-9A-Fa-f]+$/).optional(),
          /** The active certificate is saved: startup-config's certificate chain names its serial. */
          inStartup: z.boolean().optional(),
        })
        .strict()
        .optional(),
      /** An IKE peer of the lab: its latest authentication attempt (default: succeeded). */
      ike: z.object({ peer: z.string().min(1), router: Name.optional(), last: z.enum(['ok', 'failed']).optional() }).strict().optional(),
      all: z.array(PredicateSchema).optional(),
      any: z.array(PredicateSchema).optional(),
      not: PredicateSchema.optional(),
    })
    .strict()
    .refine((p) => Object.keys(p).length === 1, { message: 'a check has exactly one of: running, startup, saved, log, event, cert, ike, all, any, not' })
    .meta({ id: 'Check', description: 'A state predicate: exactly one of running, startup, saved, log, event, cert, ike, all, any, not' }),
);

// ---- expectations ----------------------------------------------------------------------------

export const OutputExpect = z
  .object({
    /** Text that must appear in the output (each item). */
    contains: Strings.optional(),
    /** Regular expressions (JavaScript syntax, `m` flag) that must match. */
    regex: Strings.optional(),
    /** Text that must NOT appear. */
    not: Strings.optional(),
    /** A golden file (relative to the scenario file) the output must equal; `twin play --update` rewrites it. */
    golden: z.string().min(1).optional(),
    /** Which session's output (default: the session of the last input step). */
    session: z.string().optional(),
    /** `step` (default): output of the last input step; `session`: everything the session printed. */
    of: z.enum(['step', 'session']).optional(),
  })
  .strict();

const EventExpect = z
  .object({
    type: z.string().min(1),
    device: Name.optional(),
    match: z.record(z.string(), z.unknown()).optional(),
    /** Exact count or bounds; default: at least one. */
    count: Count.optional(),
    /** Where to look: since the current phase started (default), since the last step, or the whole run. */
    within: z.enum(['phase', 'step', 'run']).optional(),
  })
  .strict();

const IkeExpect = z
  .object({
    /** Peer name (the lab's `ike.peers[].name`). */
    peer: z.string().min(1),
    router: Name.optional(),
    attempts: Count.optional(),
    successes: Count.optional(),
    failures: Count.optional(),
    /** Bounds on the longest outage (a failed attempt until the next success). */
    longestOutage: z.object({ min: Duration.optional(), max: Duration.optional() }).strict().optional(),
    /** Bounds on the sum of all outages. */
    totalOutage: z.object({ min: Duration.optional(), max: Duration.optional() }).strict().optional(),
    /** Outcome of the latest attempt. */
    last: z.enum(['ok', 'failed']).optional(),
  })
  .strict();

const LogExpect = z
  .object({
    device: Name.optional(),
    /** Substring of the logged line (`%PKI-6-AUTOSAVE`), or /regex/. */
    message: z.string().min(1),
    count: Count.optional(),
    /** The message must NOT have been logged (same as count: 0). */
    absent: z.boolean().optional(),
    within: z.enum(['phase', 'step', 'run']).optional(),
  })
  .strict();

// ---- steps -----------------------------------------------------------------------------------------

const Open = z.union([
  Name,
  z
    .object({
      device: Name,
      /** Session id for later steps (default: s1, s2, … in order of opening). */
      as: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,30}$/).optional(),
      user: z.string().min(1).optional(),
      /** When given, the login is checked like an SSH password login. */
      password: z.string().optional(),
      privilege: z.number().int().min(0).max(15).optional(),
      line: z.enum(['vty', 'con']).optional(),
      peer: z.string().optional(),
      cols: z.number().int().min(10).max(1000).optional(),
      rows: z.number().int().min(0).max(1000).optional(),
    })
    .strict(),
]);

const Advance = z.union([
  Duration,
  z.object({ by: Duration }).strict(),
  z.object({ to: IsoDate }).strict(),
]);

const CaId = z.union([z.literal('all'), z.number().int().min(1)]);
const CaAction = z.union([
  z.enum(['down', 'up', 'accept', 'reject-all']),
  z
    .object({
      grant: CaId.optional(),
      reject: CaId.optional(),
      down: z.literal(true).optional(),
      up: z.literal(true).optional(),
      slow: Duration.optional(),
      /** Run the action on this CA (default: the lab's `ca`). */
      device: Name.optional(),
      server: z.string().optional(),
    })
    .strict(),
]);

const Reload = z.union([
  Name,
  z
    .object({
      device: Name,
      /** Answer to `System configuration has been modified. Save? [yes/no]:` (default no). */
      save: z.boolean().optional(),
    })
    .strict(),
]);

/** Every action key a step may have; exactly one per step. */
export const STEP_ACTIONS = [
  'phase',
  'note',
  'open',
  'close',
  'type',
  'keys',
  'expect',
  'advance',
  'ca',
  'reload',
  'restart',
  'expectEvent',
  'expectLog',
  'expectIke',
  'check',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const StepSchema = z
  .object({
    /** Start a named phase (failures name the phase; the report groups by phase). */
    phase: z.string().min(1).optional(),
    /** A comment kept in the report. */
    note: z.string().optional(),
    /** Open a CLI session on a device, as an SSH user would get after login. */
    open: Open.optional(),
    /** Close a session (like an SSH disconnect). */
    close: z.string().optional(),
    /** Type lines: each is sent with Enter through CliSession.input (dialog answers too). */
    type: Strings.optional(),
    /** Raw keystrokes, no Enter added: `show ?`, Tab as "\t", Ctrl-Z as "\x1a". */
    keys: z.string().optional(),
    /** Output expectation (also a modifier on type/keys steps). */
    expect: OutputExpect.optional(),
    /** Advance simulated time (timers fire on the way). */
    advance: Advance.optional(),
    /** Certificate-authority action, typed on the CA device's CLI. */
    ca: CaAction.optional(),
    /** `reload` a device through its CLI (sessions on it close; the device boots from NVRAM). */
    reload: Reload.optional(),
    /** Process restart: a new World on the same state dir (every device boots from NVRAM; time continues). */
    restart: z.literal(true).optional(),
    expectEvent: EventExpect.optional(),
    expectLog: LogExpect.optional(),
    /** IKE figures of a lab peer: attempts, failures, outages (totals since the world started). */
    expectIke: IkeExpect.optional(),
    /** A state predicate (the same language as training-lab tasks). */
    check: PredicateSchema.optional(),
    /** Session for type/keys/close/expect (default: the session of the previous input step, or the last opened). */
    session: z.string().optional(),
    /** Label shown in the report and in failure messages. */
    name: z.string().optional(),
  })
  .strict();

export type StepInput = z.infer<typeof StepSchema>;

export const ScenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    seed: Seed.default(1),
    epoch: IsoDate.optional(),
    /** The lab: inline, or a lab file (the ssh helper's format) relative to this file. */
    lab: z.union([z.string().min(1), InlineLab]),
    /** The CA when `lab` is a file. */
    ca: CaRef.optional(),
    /** IKE peers when `lab` is a file (shape owned by the IKE simulation; see sim/ike/peers.ts). */
    ike: z.unknown().optional(),
    steps: z.array(StepSchema).min(1, 'a scenario needs at least one step'),
  })
  .strict();

export type ScenarioFile = z.output<typeof ScenarioSchema>;
export type InlineLabT = z.output<typeof InlineLab>;
export type ScenarioDeviceT = z.output<typeof ScenarioDevice>;

// ---- training labs ---------------------------------------------------------------------------

export const TaskSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -'),
    title: z.string().min(1),
    hint: z.string().optional(),
    check: PredicateSchema,
  })
  .strict();

export const TrainingLabSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and -'),
    title: z.string().min(1),
    level: z.enum(['guided', 'practice', 'troubleshooting']),
    description: z.string().min(1),
    seed: Seed.default(1),
    epoch: IsoDate.optional(),
    /** Simulated seconds per real second while the lab runs (the dashboard can change it). */
    rate: z.number().positive().max(1e9).default(60),
    /** Devices: SSH port required (users log in). */
    devices: z.array(DeviceSchema).min(1).max(50),
    ca: CaRef.optional(),
    /** IKE peers of the lab (shape owned by the IKE simulation; see sim/ike/peers.ts). */
    ike: z.unknown().optional(),
    /** How far the dashboard's step key advances simulated time (default 1h). */
    stepSize: Duration.optional(),
    /** Steps (scenario steps) that build the lab's starting state after the first boot: the baseline. */
    setup: z.array(StepSchema).optional(),
    tasks: z.array(TaskSchema).min(1),
    /** A reference solution (scenario steps played after setup): the lab's self-test. */
    solution: z.array(StepSchema).optional(),
  })
  .strict();

export type TrainingLab = z.output<typeof TrainingLabSchema>;
export type Task = z.output<typeof TaskSchema>;

/** JSON Schema for editors (yaml-language-server: `# yaml-language-server: $schema=../schema.json`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const both = z
    .union([ScenarioSchema, TrainingLabSchema])
    .meta({
      title: 'Router Twin scenario or training lab',
      description: 'A scenario (name, lab, steps) or a training lab (name, title, level, devices, tasks). Generated from sim/scenario/schema.ts; do not edit.',
    });
  return z.toJSONSchema(both, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}
