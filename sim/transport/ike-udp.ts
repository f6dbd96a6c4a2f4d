/**
 * UDP transport for the IKEv2 engine (I/O edge: real sockets and timers live here).
 *
 * - Binds one or more UDP ports on `host`. Each socket has a non-ESP-marker mode
 *   (RFC 3948 §2.2, protocols.md §6.3):
 *     'auto'   (default) strongSwan's rule: the 4-byte zero marker is used whenever NEITHER the
 *              local nor the remote port is 500. Without it, such a datagram is treated as ESP
 *              and dropped.
 *     'always' marker on every datagram ("4500-style");
 *     'never'  no marker ("500-style", e.g. a second port for twin↔twin or port-500 peers).
 * - Each request is answered to its source address/port (strongSwan floats ports between
 *   IKE_SA_INIT and IKE_AUTH); the engine tracks the latest peer endpoint per SA.
 * - Datagrams above `maxDatagram` and 1-byte NAT-keepalives are dropped. The engine is
 *   synchronous, so no receive queue builds up. Retransmissions and expiries are driven by one
 *   unref'd interval calling `engine.tick()` every `tickMs` (default 200 ms): O(1) work per
 *   datagram, retransmit precision of one tick.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Endpoint, IkeEngine, InitiateOptions, Outgoing } from '../ike/v2/engine.js';

export type MarkerMode = 'auto' | 'always' | 'never';

export interface IkeUdpOptions {
  host?: string;
  /** Ports to bind (0 = ephemeral). Default: [{ port: 4500, marker: 'auto' }]. */
  ports?: Array<{ port: number; marker?: MarkerMode }>;
  maxDatagram?: number;
  /** Period of engine.tick() calls (ms). Default 200. */
  tickMs?: number;
  log?: (line: string) => void;
  /** Called for every datagram sent/received (after marker handling), for captures/tests. */
  onPacket?: (dir: 'in' | 'out', data: Buffer, local: Endpoint, remote: Endpoint) => void;
}

interface Bound {
  socket: Socket;
  port: number;
  marker: MarkerMode;
}

const MARKER = Buffer.alloc(4);

export function usesMarker(mode: MarkerMode, localPort: number, remotePort: number): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return localPort !== 500 && remotePort !== 500;
}

export class IkeUdpTransport {
  private readonly bound: Bound[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly host: string;
  private readonly maxDatagram: number;
  private readonly log: (line: string) => void;
  readonly stats = { rx: 0, tx: 0, droppedNoMarker: 0, droppedSize: 0, sendErrors: 0 };

  constructor(readonly engine: IkeEngine, private readonly opts: IkeUdpOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.maxDatagram = opts.maxDatagram ?? 65_535;
    this.log = opts.log ?? (() => {});
  }

  /** Bind all sockets; resolves with the bound local endpoints. */
  async start(): Promise<Endpoint[]> {
    const specs = this.opts.ports ?? [{ port: 4500, marker: 'auto' as MarkerMode }];
    for (const spec of specs) {
      const socket = createSocket({ type: this.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 1 << 20 });
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => {
          socket.close();
          reject(e);
        };
        socket.once('error', onError);
        socket.bind(spec.port, this.host, () => {
          socket.off('error', onError);
          resolve();
        });
      });
      const b: Bound = { socket, port: socket.address().port, marker: spec.marker ?? 'auto' };
      socket.on('error', (e) => this.log(`ike-udp: socket ${this.host}:${b.port} error: ${e.message}`));
      socket.on('message', (msg, rinfo) => this.onMessage(b, msg, { address: rinfo.address, port: rinfo.port }));
      this.bound.push(b);
    }
    this.timer = setInterval(() => this.send(this.engine.tick()), this.opts.tickMs ?? 200);
    this.timer.unref();
    return this.endpoints();
  }

  endpoints(): Endpoint[] {
    return this.bound.map((b) => ({ address: this.host, port: b.port }));
  }

  /** Start an IKE SA from the given local port (default: the first bound socket). */
  initiate(remote: Endpoint, io: InitiateOptions = {}, localPort?: number): number {
    const b = this.bound.find((x) => x.port === localPort) ?? this.bound[0];
    if (!b) throw new Error('transport not started');
    const { id, out } = this.engine.initiate(remote, { address: this.host, port: b.port }, io);
    this.send(out);
    return id;
  }

  /** Send engine output (e.g. from engine.liveness()/delete()). */
  send(out: Outgoing[]): void {
    if (this.closed) return;
    for (const o of out) {
      const b = this.bound.find((x) => x.port === o.local.port) ?? this.bound[0];
      if (!b) continue;
      const data = usesMarker(b.marker, b.port, o.remote.port) ? Buffer.concat([MARKER, o.data]) : o.data;
      this.opts.onPacket?.('out', o.data, { address: this.host, port: b.port }, o.remote);
      this.stats.tx++;
      b.socket.send(data, o.remote.port, o.remote.address, (err) => {
        if (err) {
          this.stats.sendErrors++;
          this.log(`ike-udp: send to ${o.remote.address}:${o.remote.port} failed: ${err.message}`);
        }
      });
    }
  }

  private onMessage(b: Bound, msg: Buffer, remote: Endpoint): void {
    if (this.closed) return;
    this.stats.rx++;
    if (msg.length > this.maxDatagram || msg.length <= 1) {
      this.stats.droppedSize++;
      return;
    }
    let data = msg;
    if (usesMarker(b.marker, b.port, remote.port)) {
      if (msg.length < 4 || msg.readUInt32BE(0) !== 0) {
        this.stats.droppedNoMarker++; // ESP (or garbage) on a NAT-T port: not for us
        return;
      }
      data = msg.subarray(4);
    }
    const local = { address: this.host, port: b.port };
    this.opts.onPacket?.('in', data, local, remote);
    this.send(this.engine.receive(data, remote, local));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.bound.map((b) => new Promise<void>((r) => b.socket.close(() => r()))));
    this.bound.length = 0;
  }
}
