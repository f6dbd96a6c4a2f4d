import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { IkeEngine, describeMessage, type IkeEvent } from '../../sim/ike/v2/engine.js';
import { IkeUdpTransport, usesMarker } from '../../sim/transport/ike-udp.js';
import { makeCa, genKey } from './helpers/pki.js';

const ca = makeCa('UDP CA');
const ki = genKey(), kr = genKey();
const iCert = ca.issue({ key: ki, subject: { CN: 'r1.twin.test' }, dns: ['r1.twin.test'] });
const rCert = ca.issue({ key: kr, subject: { CN: 'r2.twin.test' }, dns: ['r2.twin.test'] });
const realRng = { bytes: (n: number) => randomBytes(n) };

function mk(name: string, cert: Buffer, key: typeof ki, events: IkeEvent[]) {
  return new IkeEngine({ name, rng: realRng, now: Date.now, credentials: { certChain: [cert], privateKey: key.privateKey }, trust: { anchors: [ca.cert] }, onEvent: (e) => events.push(e) });
}

function until(pred: () => boolean, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const iv = setInterval(() => {
      if (pred()) { clearInterval(iv); resolve(); } else if (Date.now() - t0 > ms) { clearInterval(iv); reject(new Error('timeout')); }
    }, 5);
  });
}

describe('IKEv2 over loopback UDP (twin <-> twin)', () => {
  it('marker rule', () => {
    expect(usesMarker('auto', 4500, 5501)).toBe(true);
    expect(usesMarker('auto', 500, 5501)).toBe(false);
    expect(usesMarker('auto', 4500, 500)).toBe(false);
    expect(usesMarker('never', 4500, 4501)).toBe(false);
    expect(usesMarker('always', 500, 500)).toBe(true);
  });

  for (const marker of ['auto', 'never'] as const) {
    it(`establishes, liveness, delete (marker ${marker}); wire carries the marker only in auto mode`, async () => {
      const ie: IkeEvent[] = [], re: IkeEvent[] = [];
      const wire: Buffer[] = [];
      const R = new IkeUdpTransport(mk('R', rCert.cert, kr, re), { ports: [{ port: 0, marker }] });
      const I = new IkeUdpTransport(mk('I', iCert.cert, ki, ie), { ports: [{ port: 0, marker }] });
      const [rep] = await R.start();
      await I.start();
      // sniff raw datagrams with a proxy socket in front of R
      const proxy = createSocket('udp4');
      await new Promise<void>((r) => proxy.bind(0, '127.0.0.1', () => r()));
      let back: { address: string; port: number } | undefined;
      proxy.on('message', (msg, rinfo) => {
        if (rinfo.port === rep!.port) { if (back) proxy.send(msg, back.port, back.address); }
        else { back = rinfo; wire.push(msg); proxy.send(msg, rep!.port, rep!.address); }
      });
      const id = I.initiate({ address: '127.0.0.1', port: proxy.address().port });
      await until(() => ie.some((e) => e.type === 'established') && re.some((e) => e.type === 'established'));
      expect(wire.length).toBe(2);
      const first = wire[0]!;
      if (marker === 'auto') {
        expect(first.readUInt32BE(0)).toBe(0);
        expect(describeMessage(first.subarray(4))).toMatch(/^IKE_SA_INIT request 0/);
      } else {
        expect(describeMessage(first)).toMatch(/^IKE_SA_INIT request 0/);
      }
      I.send(I.engine.liveness(id));
      await until(() => wire.length === 3);
      I.send(I.engine.delete(id));
      await until(() => I.engine.size.total === 0 && R.engine.size.total === 0);
      expect(re.map((e) => e.type)).toEqual(['established', 'deleted']);
      proxy.close();
      await I.close();
      await R.close();
    });
  }

  it('drops datagrams without marker on an auto port, and junk, without crashing', async () => {
    const R = new IkeUdpTransport(mk('R', rCert.cert, kr, []), { ports: [{ port: 0 }] });
    const [rep] = await R.start();
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    for (const d of [Buffer.from([0xff]), Buffer.from('0102030405', 'hex'), Buffer.alloc(40, 1), Buffer.concat([Buffer.alloc(4), Buffer.alloc(40, 2)])]) {
      s.send(d, rep!.port, '127.0.0.1');
    }
    await until(() => R.stats.rx === 4);
    expect(R.stats.droppedSize).toBe(1);
    expect(R.stats.droppedNoMarker).toBe(2);
    expect(R.engine.size.total).toBe(0);
    s.close();
    await R.close();
  });
});
