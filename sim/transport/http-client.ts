/**
 * A small real HTTP/1.1 client for the router's SCEP client when the CA is outside the lab
 * (`enrollment url http://127.0.0.1:18080/scep`). Sends Content-Length (never chunked), enforces a
 * timeout and a response size limit, and never throws synchronously. I/O edge: real sockets/timers.
 */
import { request } from 'node:http';
import type { HttpRequest, HttpResponse, ScepTransport } from '../../pki/scep/client.js';

export interface HttpClientOptions {
  /** Whole-exchange timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** Response body limit (default 4 MiB). */
  maxResponse?: number;
  /** User-Agent header (default: the one IOS sends). */
  userAgent?: string;
}

export const IOS_USER_AGENT = 'Mozilla/4.0 (compatible; MSIE 5.0; Cisco PKI)';

export function httpRequest(req: HttpRequest, o: HttpClientOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(req.url);
    } catch {
      reject(new Error(`bad URL ${JSON.stringify(req.url)}`));
      return;
    }
    if (u.protocol !== 'http:') {
      reject(new Error(`unsupported scheme ${u.protocol}`));
      return;
    }
    const timeoutMs = o.timeoutMs ?? 10_000;
    const maxResponse = o.maxResponse ?? 4 * 1024 * 1024;
    let done = false;
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      r.destroy();
      reject(e);
    };
    const headers: Record<string, string | number> = { 'User-Agent': o.userAgent ?? IOS_USER_AGENT, ...(req.headers ?? {}) };
    if (req.body) headers['Content-Length'] = req.body.length;
    const r = request(
      { method: req.method, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || 80, path: u.pathname + u.search, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxResponse) return fail(new Error(`response larger than ${maxResponse} bytes`));
          chunks.push(c);
        });
        res.on('error', (e) => fail(e));
        res.on('end', () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
        });
      },
    );
    const timer = setTimeout(() => fail(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    r.on('error', (e) => fail(e));
    r.end(req.body);
  });
}

/** A ScepTransport over real HTTP. */
export function httpTransport(o: HttpClientOptions = {}): ScepTransport {
  return (req) => httpRequest(req, o);
}
