/** Manual debugging: `node --import tsx test/interop/strongswan/debug-run.ts [step-op...]` prints the scenario result. */
import { makeCa, genKey, toPem } from '../../ike/helpers/pki.js';
import { runScenario } from './harness.js';
import type { StepSpec } from './scenario.js';

const ca = makeCa('TwinLab Root CA');
const client = ca.issue({ subject: [['C', 'US'], ['O', 'TwinLab'], ['CN', 'client.twin.test']], dns: ['client.twin.test'] });
const gwKey = genKey();
const gw = ca.issue({ key: gwKey, subject: [['C', 'US'], ['O', 'TwinLab'], ['CN', 'gw.twin.test']], dns: ['gw.twin.test'], ip: ['127.0.0.1'] });
const r1 = ca.issue({ subject: [['C', 'US'], ['O', 'TwinLab'], ['CN', 'r1.twin.test']], dns: ['r1.twin.test'] });
const ops = process.argv.slice(2);
const steps: StepSpec[] = (ops.length ? ops : ['swanctl-initiate']).map((op, i) => ({ op, label: `${op}-${i}` }) as StepSpec);
const out = runScenario({
  ssTrust: [toPem(ca.cert)], twinTrust: [toPem(ca.cert)],
  ss: { cert: toPem(client.cert), key: client.key.pem, id: 'client.twin.test' },
  twinResponder: { chain: [toPem(gw.cert)], key: gwKey.pem, id: 'gw.twin.test' },
  twinInitiator: { chain: [toPem(r1.cert)], key: r1.key.pem, id: 'r1.twin.test' },
  steps,
});
console.log(out.fatal ?? '');
for (const r of out.results) {
  console.log(`=== ${r.label} exit=${r.exitCode} ssEstablished=${r.ssEstablished}`);
  console.log(r.output);
  console.log(r.twinLog.join('\n'));
  console.log(JSON.stringify(r.twinEvents.map((e) => [e.type, e.sa.state, e.sa.auth])));
}
if (process.env.SHOW_CHARON_LOG) console.log(out.charonLog);
