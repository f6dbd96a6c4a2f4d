/**
 * Bench helper: a twin SCEP CA (grant auto, 2048-bit pool key) served over HTTP in its own process,
 * like the Debian scepserver it is compared with. Prints `{"port":N}` on stdout once listening.
 */
import { Rng } from '../../sim/kernel/rng.js';
import { KeyPool } from '../../pki/keys.js';
import { ScepCa } from '../../pki/ca.js';
import { startScepHttpServer } from '../../sim/transport/scep-http.js';

const pool = KeyPool.load();
const ca = ScepCa.create({ config: { name: 'BENCHCA', grant: 'auto' }, key: pool.at(2048, 63), clock: () => Date.now(), rng: new Rng(2024) });
const srv = await startScepHttpServer({ handler: ca, host: '127.0.0.1', port: 0 });
process.stdout.write(JSON.stringify({ port: srv.port }) + '\n');
process.on('SIGTERM', () => void srv.close().then(() => process.exit(0)));
