/**
 * `twin record --device R1 --out FILE [--lab FILE] [--ssh-port N] [--seed N] [--rate R] [--name NAME]`
 *
 * Starts the lab (fresh state, real time), lets a user SSH into the lab's devices, and turns the
 * live input log of every interactive session on DEVICE into a scenario file that `twin play`
 * replays to the same transcript. Recording ends when the user logs out of the recorded device
 * (the first recorded session closes) or on Ctrl-C; the file is written then.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defaultLab } from '../lab/default.js';
import { LabError, loadLabFile } from '../lab/load.js';
import { connectionHelp, startLab, type RunningLab } from '../lab/run.js';
import { createLabWorld } from '../lab/world.js';
import type { Lab } from '../lab/schema.js';
import { World } from '../world/world.js';
import { Recorder } from '../scenario/recorder.js';
import { parseSeedArg } from './play.js';

export interface RecordOptions {
  device: string;
  out: string;
  lab?: string;
  sshPort?: number;
  seed?: number;
  rate?: number;
  name?: string;
  ca?: string;
}

function parsePort(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new InvalidArgumentError('must be a port number 1-65535.');
  return Number(v);
}

function parseRate(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0) || n > 1e9) throw new InvalidArgumentError('must be a number > 0.');
  return n;
}

/** Lab with command-line overrides (ports renumbered from --ssh-port in device order). */
export function labWithOverrides(lab: Lab, o: { sshPort?: number | undefined; seed?: number | undefined; rate?: number | undefined }): Lab {
  const out: Lab = { ...lab, devices: lab.devices.map((d) => ({ ...d, ssh: { ...d.ssh } })) };
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.rate !== undefined) out.rate = o.rate;
  if (o.sshPort !== undefined) {
    out.devices.forEach((d, i) => {
      const port = o.sshPort! + i;
      if (port > 65535) throw new Error(`--ssh-port ${o.sshPort}: not enough ports for ${lab.devices.length} devices`);
      d.ssh.port = port;
    });
  }
  return out;
}

export interface RecordSession {
  running: RunningLab;
  recorder: Recorder;
  world: World;
  /** Write the scenario file; returns its path. */
  save(): string;
  close(): Promise<void>;
}

/** Start a lab for recording (exported for tests). */
export async function startRecording(o: RecordOptions): Promise<RecordSession> {
  const base = o.lab ? loadLabFile(o.lab) : defaultLab();
  const lab = labWithOverrides(base, o);
  if (!lab.devices.some((d) => d.name === o.device)) {
    throw new Error(`unknown device "${o.device}" (the lab has: ${lab.devices.map((d) => d.name).join(', ')})`);
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'twin-record-'));
  let recorder: Recorder | undefined;
  let world: World | undefined;
  let running: RunningLab;
  try {
    running = await startLab(lab, {
      stateDir,
      factory: async (l, fo) => {
        const lw = await createLabWorld(l, fo);
        if (!(lw.world instanceof World)) throw new Error('the lab world is not a simulator World');
        world = lw.world;
        recorder = new Recorder(world, o.device);
        return lw;
      },
    });
  } catch (e) {
    rmSync(stateDir, { recursive: true, force: true });
    throw e;
  }
  const out = resolve(o.out);
  return {
    running,
    recorder: recorder!,
    world: world!,
    save() {
      const text = recorder!.toYaml(
        {
          name: o.name ?? basename(out).replace(/\.ya?ml$/, ''),
          seed: lab.seed,
          epoch: world!.epoch,
          ...(o.lab ? { labFile: o.lab } : { devices: lab.devices }),
          ...(o.ca ? { ca: parseCa(o.ca) } : {}),
        },
        out,
      );
      writeFileSync(out, text);
      return out;
    },
    async close() {
      recorder?.stop();
      await running.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

function parseCa(v: string): { device: string; server: string } {
  const [device, server] = v.split(':');
  return { device: device!, server: server ?? device! };
}

export function addRecordCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('record')
    .description('start the lab, let a user SSH in, and save the session as a scenario file')
    .requiredOption('--device <name>', 'device whose SSH sessions are recorded')
    .requiredOption('--out <file>', 'scenario file to write')
    .option('--lab <file>', 'lab file (YAML); default: the built-in lab (R1 + CA)')
    .addOption(new Option('--ssh-port <port>', 'SSH port of the first device; the others follow').argParser(parsePort))
    .addOption(new Option('--seed <n>', 'world seed (overrides the lab)').argParser(parseSeedArg))
    .addOption(new Option('--rate <factor>', 'simulated seconds per real second (overrides the lab)').argParser(parseRate))
    .option('--name <name>', 'scenario name (default: the file name)')
    .option('--ca <device:server>', 'the lab CA for `ca` steps you add later, e.g. CA:LABCA')
    .action(async (opts: RecordOptions) => {
      let rec: RecordSession;
      try {
        rec = await startRecording(opts);
      } catch (e) {
        process.stderr.write(`twin record: ${e instanceof LabError ? `invalid lab file:\n${e.message}` : (e as Error).message}\n`);
        exit(2);
        return;
      }
      process.stdout.write(`Recording SSH sessions on ${opts.device} into ${resolve(opts.out)}\n`);
      for (const line of connectionHelp(rec.running)) process.stdout.write(`${line}\n`);
      process.stdout.write(`Log out of ${opts.device} to finish (or press Ctrl-C).\n`);
      let done = false;
      const finish = async (why: string) => {
        if (done) return;
        done = true;
        // let the transport flush the last output and the pacer run due timers
        await new Promise((r) => setTimeout(r, 50));
        let code = 0;
        try {
          const n = rec.recorder.inputs().length;
          if (n === 0 && rec.recorder.sessions.size === 0) {
            process.stderr.write(`twin record: nothing recorded (${why}); no file written\n`);
            code = 1;
          } else {
            const path = rec.save();
            process.stdout.write(`${why}: wrote ${path} (${rec.recorder.sessions.size} session(s), ${n} input(s)). Replay: twin play ${opts.out}\n`);
          }
        } catch (e) {
          process.stderr.write(`twin record: cannot write ${opts.out}: ${(e as Error).message}\n`);
          code = 1;
        }
        await rec.close().catch(() => undefined);
        exit(code);
      };
      void rec.recorder.waitForClose().then(() => finish('session closed'));
      process.on('SIGINT', () => void finish('interrupted'));
      process.on('SIGTERM', () => void finish('terminated'));
    });
}
