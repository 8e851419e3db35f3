import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../services/context.ts';
import { buildHttpApp, type HttpOptions } from './app.ts';

/** Starts the HTTP listener; resolves with its URL once it accepts connections. */
export async function startHttp(ctx: ServiceContext, options: HttpOptions & { host: string; port: number }): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildHttpApp(ctx, options);
  app.server.headersTimeout = 10_000;
  app.server.requestTimeout = 30_000;
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the HTTP listener has no address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { app, url: `http://${host}:${address.port}` };
}
