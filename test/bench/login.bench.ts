/** Login-to-prompt with a Node ssh2 client and with paramiko (Debian's /usr/bin/python3). */
import { join } from 'node:path';
import { login } from '../helpers/ssh-client.js';
import { run, SYSTEM_PYTHON } from '../helpers/proc.js';
import { startTwin } from '../helpers/twin.js';
import { median, round, type BenchSection } from './types.js';

const section: BenchSection = {
  name: 'login',
  description: 'connect + password auth + pty shell until the prompt',
  async run(ctx) {
    const n = ctx.quick ? 10 : 30;
    const twin = await startTwin([{ name: 'R1' }]);
    const figs = [];
    try {
      const port = twin.port('R1');
      const ssh2Times: number[] = [];
      for (let i = 0; i < n + 2; i++) {
        const t0 = performance.now();
        const sh = await login({ port });
        const dt = performance.now() - t0;
        sh.end();
        if (i >= 2) ssh2Times.push(dt); // 2 warm-up logins
      }
      figs.push({ metric: 'login-to-prompt (node ssh2 client), median', value: round(median(ssh2Times)), unit: 'ms', note: `n=${n}` });
      const r = await run(SYSTEM_PYTHON, [join(import.meta.dirname, 'paramiko_login.py'), String(port), String(n + 2)], { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`paramiko: ${r.stderr.slice(-300)}`);
      const pm = (JSON.parse(r.stdout) as number[]).slice(2);
      figs.push({ metric: 'login-to-prompt (paramiko), median', value: round(median(pm)), unit: 'ms', target: { op: '<=', value: 10 } as const, note: `n=${n}` });
    } finally {
      await twin.stop();
    }
    return figs;
  },
};
export default section;
