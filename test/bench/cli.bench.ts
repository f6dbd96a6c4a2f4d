/**
 * CLI round trips on a ~200-line running-config: `configure terminal` + `end`, and
 * `show running-config`, in-process (CliSession) and over SSH (node ssh2 client).
 */
import type { CliSession } from '../../sim/contracts.js';
import { login } from '../helpers/ssh-client.js';
import { startTwin } from '../helpers/twin.js';
import { median, round, type BenchSection } from './types.js';

/** Config lines that make show running-config about 200 lines long. */
export function benchConfigLines(loopbacks = 45): string[] {
  const lines: string[] = [];
  for (let i = 1; i <= loopbacks; i++) {
    lines.push(`interface Loopback${i}`, ` description bench loopback ${i}`, ` ip address 10.${i}.0.1 255.255.255.0`);
  }
  return lines;
}

/** Drives a CliSession in-process: send a line, wait until the output ends with `prompt`. */
export class InProcessDriver {
  private out = '';
  constructor(
    readonly session: CliSession,
    private readonly ingress: <T>(fn: () => T) => T,
  ) {
    session.onOutput((d) => (this.out += d));
  }
  async cmd(line: string, prompt: string): Promise<string> {
    this.out = '';
    this.ingress(() => this.session.input(line + '\r'));
    for (let i = 0; i < 100_000 && !this.out.endsWith(prompt); i++) {
      await this.session.idle();
      if (!this.out.endsWith(prompt)) await new Promise((r) => setImmediate(r));
    }
    if (!this.out.endsWith(prompt)) throw new Error(`no prompt ${prompt} after ${line}: ${this.out.slice(-200)}`);
    return this.out;
  }
}

const section: BenchSection = {
  name: 'cli',
  description: 'conf t + end and show running-config (~200 lines), in-process and over SSH',
  async run(ctx) {
    const n = ctx.quick ? 50 : 300;
    const twin = await startTwin([{ name: 'R1', privilege: 15 }]);
    const figs = [];
    try {
      const dev = twin.world.device('R1')!;
      const s = twin.world.ingress(() => dev.openSession({ user: 'admin', privilege: 15, line: 'vty', peer: '127.0.0.1' }));
      const d = new InProcessDriver(s, (fn) => twin.world.ingress(fn));
      await d.cmd('', 'R1#');
      await d.cmd('terminal length 0', 'R1#');
      await d.cmd('configure terminal', 'R1(config)#');
      for (const l of benchConfigLines()) await d.cmd(l, l.startsWith('interface') ? 'R1(config-if)#' : 'R1(config-if)#');
      await d.cmd('end', 'R1#');
      const runLines = (await d.cmd('show running-config', 'R1#')).split('\r\n').length;
      ctx.log(`show running-config: ${runLines} lines`);

      const time = async (f: () => Promise<unknown>) => {
        const xs: number[] = [];
        for (let i = 0; i < n + 5; i++) {
          const t0 = performance.now();
          await f();
          if (i >= 5) xs.push(performance.now() - t0);
        }
        return median(xs);
      };
      const ipConft = await time(async () => {
        await d.cmd('configure terminal', 'R1(config)#');
        await d.cmd('end', 'R1#');
      });
      const ipShow = await time(() => d.cmd('show running-config', 'R1#'));
      figs.push({ metric: 'conf t + end, in-process, median', value: round(ipConft, 3), unit: 'ms', target: { op: '<=', value: 1 } as const });
      figs.push({ metric: `show running-config (${runLines} lines), in-process, median`, value: round(ipShow, 3), unit: 'ms', target: { op: '<=', value: 3 } as const });
      twin.world.ingress(() => s.close());

      const sh = await login({ port: twin.port('R1'), prompt: /R1#$/ });
      await sh.cmd('terminal length 0', /R1#$/);
      const sshConft = await time(async () => {
        await sh.cmd('configure terminal', /R1\(config\)#$/);
        await sh.cmd('end', /R1#$/);
      });
      const sshShow = await time(() => sh.cmd('show running-config', /\r\nend\r\n\r\nR1#$|\r\nend\r\nR1#$/));
      sh.end();
      figs.push({ metric: 'conf t + end, over SSH, median', value: round(sshConft, 3), unit: 'ms', target: { op: '<=', value: 1 } as const });
      figs.push({ metric: 'show running-config, over SSH, median', value: round(sshShow, 3), unit: 'ms', target: { op: '<=', value: 3 } as const });
    } finally {
      await twin.stop();
    }
    return figs;
  },
};
export default section;
