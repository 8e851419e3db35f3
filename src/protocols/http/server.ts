import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceContext } from '../../services/context.ts';

/**
 * The HTTP listener. For now it answers the health check; the web client and the API arrive
 * with their issue. Every response carries the security headers, errors included.
 */
export async function startHttp(ctx: ServiceContext, options: { host: string; port: number; version: string }): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    handle(ctx, options.version, request, response).catch((error: unknown) => {
      ctx.log.error('http handler failed', { error, path: request.url?.split('?')[0] });
      if (!response.headersSent) send(response, 500, { error: 'internal_error' });
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${host}:${address.port}` };
}

async function handle(ctx: ServiceContext, version: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
    const database = await ctx.sql.healthy();
    return send(response, database ? 200 : 503, { status: database ? 'ok' : 'unavailable', database: database ? 'ok' : 'down', engine: ctx.sql.engine, version });
  }
  send(response, 404, { error: 'not_found' });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...headers,
  });
  response.end(payload);
}
