/**
 * HTTP edge for a SCEP CA: a node:http server on host:port that hands each request to
 * `handleScep` (pki/ca.ts). HTTP/1.0 friendly (always Content-Length, never chunked), long GET URLs
 * allowed (IOS sends PKIOperation by GET), bodies over the limit get 413, handler exceptions 500;
 * nothing a client sends can crash the process. Applies the CA's `slow` (delay) and `down: 'drop'`
 * (close without answer) fault decisions. This is an I/O edge: it may use real timers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScepHttpRequest, ScepHttpResponse } from '../../pki/ca.js';

export type ScepHandler = { handleScep(req: ScepHttpRequest): ScepHttpResponse } | ((req: ScepHttpRequest) => ScepHttpResponse);

export interface ScepHttpServerOptions {
  handler: ScepHandler;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** Request body limit in bytes (default 256 KiB → 413 beyond). */
  maxBody?: number;
  /** Max header bytes incl. the request line (default 64 KiB: GET PKIOperation URLs are long). */
  maxHeaderSize?: number;
  /** Wrap each call into the simulation (e.g. world.ingress) so the CA runs at current sim time. */
  ingress?: <T>(fn: () => T) => T;
  /** Access log line per request. */
  log?: (line: string) => void;
  /** Per-connection idle timeout (ms), default 30 s. */
  idleTimeoutMs?: number;
}

export interface ScepHttpServer {
  readonly host: string;
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY = 256 * 1024;

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const h: Record<string, string | number> = { ...headers, 'Content-Length': body.length };
  res.writeHead(status, h);
  res.end(head ? undefined : body);
}

export function startScepHttpServer(o: ScepHttpServerOptions): Promise<ScepHttpServer> {
  const host = o.host ?? '127.0.0.1';
  const maxBody = o.maxBody ?? DEFAULT_MAX_BODY;
  const call = typeof o.handler === 'function' ? o.handler : (r: ScepHttpRequest) => (o.handler as { handleScep(req: ScepHttpRequest): ScepHttpResponse }).handleScep(r);
  const timers = new Set<NodeJS.Timeout>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const query = qi < 0 ? '' : rawUrl.slice(qi + 1);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      send(res, 413, { 'Content-Type': 'text/plain', Connection: 'close' }, Buffer.from('request body too large\n'), head);
      o.log?.(`${req.method} ${path} 413`);
      req.resume();
      res.on('finish', () => req.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > maxBody) {
        over = true;
        send(res, 413, { 'Content-Type': 'text/plain', Connection: 'close' }, Buffer.from('request body too large\n'), head);
        o.log?.(`${req.method} ${path} 413`);
        res.on('finish', () => req.socket.destroy());
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => req.socket.destroy());
    req.on('end', () => {
      if (over) return;
      let out: ScepHttpResponse;
      try {
        const r: ScepHttpRequest = { method: req.method ?? 'GET', path, query, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) };
        out = o.ingress ? o.ingress(() => call(r)) : call(r);
      } catch (e) {
        out = { status: 500, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(`internal error: ${(e as Error).message}\n`) };
      }
      o.log?.(`${req.method} ${path}?${query.slice(0, 40)} ${out.drop ? 'drop' : out.status} ${out.body.length}`);
      const finish = (): void => {
        if (out.drop) {
          req.socket.destroy();
          return;
        }
        const headers = { ...out.headers };
        if (req.httpVersion === '1.0') headers.Connection = 'close';
        send(res, out.status, headers, out.body, head);
      };
      if (out.delayMs && out.delayMs > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          finish();
        }, Math.min(out.delayMs, 600_000));
        timers.add(t);
      } else finish();
    });
  };

  const server = createServer({ maxHeaderSize: o.maxHeaderSize ?? 64 * 1024 }, onRequest);
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 5000;
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  server.setTimeout(o.idleTimeoutMs ?? 30_000, (s) => s.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        host,
        port,
        url: `http://${urlHost}:${port}`,
        server,
        close: () =>
          new Promise<void>((res) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
