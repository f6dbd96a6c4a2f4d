#!/usr/bin/env node
/**
 * `twin` — run Router Twin labs.
 *
 *   twin serve [--lab FILE] [--state-dir DIR] [--host 127.0.0.1] [--ssh-port 2222] [--scep-port 8080]
 *              [--seed N] [--rate FACTOR]
 *
 * Without --lab the built-in lab runs: R1 on 127.0.0.1:2222 (admin/admin, enable secret cisco)
 * and a CA router on 2223 (certificate server, SCEP on http://127.0.0.1:8080). Errors are one clear line on stderr and a non-zero exit.
 * SIGINT / SIGTERM close every listener and exit 0.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { defaultLab } from '../lab/default.js';
import { LabError, loadLabFile } from '../lab/load.js';
import { connectionHelp, startLab, type RunningLab, type WorldFactory } from '../lab/run.js';
import { isLoopbackHost, type Lab } from '../lab/schema.js';
import { addScenarioCommands } from './commands.js';

export interface ServeOptions {
  lab?: string;
  stateDir: string;
  host?: string;
  sshPort?: number;
  scepPort?: number;
  seed?: number;
  rate?: number;
  verbose?: boolean;
}

function parsePort(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw new InvalidArgumentError('must be a port number 1-65535.');
  return Number(v);
}
function parseSeed(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 2 ** 32 - 1) throw new InvalidArgumentError('must be an integer 0-4294967295.');
  return Number(v);
}
function parseRate(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?(e\d+)?$/i.test(v) || !(n > 0) || n > 1e9) throw new InvalidArgumentError('must be a number > 0 (simulated seconds per real second).');
  return n;
}
function parseHost(v: string): string {
  if (v === 'localhost') return '127.0.0.1';
  if (!isLoopbackHost(v)) throw new InvalidArgumentError('must be a loopback IPv4 address (127.x.y.z).');
  return v;
}

/** Applies command-line overrides to a lab (ports renumber devices from --ssh-port in order). */
export function applyOverrides(lab: Lab, o: ServeOptions): Lab {
  const out: Lab = { ...lab, devices: lab.devices.map((d) => ({ ...d, ssh: { ...d.ssh } })) };
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.rate !== undefined) out.rate = o.rate;
  out.devices.forEach((d, i) => {
    if (o.host !== undefined) {
      d.ssh.host = o.host;
      if (d.scep) d.scep = { ...d.scep, host: o.host };
    }
    if (o.sshPort !== undefined) {
      const port = o.sshPort + i;
      if (port > 65535) throw new Error(`--ssh-port ${o.sshPort}: not enough ports for ${lab.devices.length} devices`);
      d.ssh.port = port;
    }
  });
  if (o.scepPort !== undefined) {
    let i = 0;
    for (const d of out.devices) {
      if (!d.scep) continue;
      const port = o.scepPort + i++;
      if (port > 65535) throw new Error(`--scep-port ${o.scepPort}: not enough ports`);
      d.scep = { ...d.scep, port };
    }
  }
  return out;
}

async function defaultFactory(): Promise<WorldFactory> {
  const m = await import('../lab/world.js');
  return m.createLabWorld;
}

export async function serve(o: ServeOptions, factory?: WorldFactory): Promise<RunningLab> {
  const base = o.lab ? loadLabFile(o.lab) : defaultLab();
  const lab = applyOverrides(base, o);
  const log = o.verbose ? (m: string) => process.stderr.write(`${m}\n`) : () => undefined;
  return startLab(lab, { stateDir: resolve(o.stateDir), factory: factory ?? (await defaultFactory()), log });
}

function fail(msg: string, code = 1): never {
  process.stderr.write(`twin: ${msg}\n`);
  process.exit(code);
}

export function buildProgram(): Command {
  const program = new Command('twin')
    .description('Router Twin: a digital twin of a Cisco IOS 12.4 router you SSH into')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(`twin: ${str.replace(/^error: /, '')}`) })
    .exitOverride();

  program
    .command('serve')
    .description('start the lab and its SSH servers (all devices in this process)')
    .option('--lab <file>', 'lab file (YAML); default: the built-in lab (R1 + CA)')
    .option('--state-dir <dir>', 'where NVRAM and SSH host keys are kept', './.twin')
    .addOption(new Option('--host <addr>', 'loopback address to listen on (default: per lab, 127.0.0.1)').argParser(parseHost))
    .addOption(new Option('--ssh-port <port>', 'SSH port of the first device; the others follow (default 2222)').argParser(parsePort))
    .addOption(new Option('--scep-port <port>', 'SCEP HTTP port of the CA device(s) (default: per lab, 8080)').argParser(parsePort))
    .addOption(new Option('--seed <n>', 'world seed (overrides the lab)').argParser(parseSeed))
    .addOption(new Option('--rate <factor>', 'simulated seconds per real second (overrides the lab)').argParser(parseRate))
    .option('-v, --verbose', 'log transport diagnostics to stderr')
    .action(async (opts: ServeOptions) => {
      let running: RunningLab;
      try {
        running = await serve(opts);
      } catch (e) {
        if (e instanceof LabError) fail(`invalid lab file:\n${e.message}`);
        fail((e as Error)?.message ?? String(e));
      }
      const name = running.lab.name ? ` ${running.lab.name}` : '';
      process.stdout.write(`Router Twin lab${name}: ${running.servers.length} device(s), state in ${resolve(opts.stateDir)}\n`);
      for (const line of connectionHelp(running)) process.stdout.write(`${line}\n`);
      process.stdout.write('Press Ctrl-C to stop.\n');
      let stopping = false;
      const stop = (sig: string) => {
        if (stopping) process.exit(0);
        stopping = true;
        process.stderr.write(`twin: ${sig}, shutting down\n`);
        const t = setTimeout(() => process.exit(0), 5000);
        t.unref();
        running.close().then(
          () => process.exit(0),
          () => process.exit(0),
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
  addScenarioCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  process.on('uncaughtException', (e) => {
    // Keep serving: one broken session must not take every router down.
    process.stderr.write(`twin: internal error (continuing): ${e?.stack ?? String(e)}\n`);
  });
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`twin: internal error (continuing): ${(e as Error)?.stack ?? String(e)}\n`);
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (or the help text)
      process.exit(e.exitCode);
    }
    fail((e as Error)?.message ?? String(e));
  }
}

const isMain = process.argv[1] !== undefined && /[\\/]twin(\.(ts|js|mjs))?$/.test(process.argv[1]);
if (isMain) void main(process.argv);
