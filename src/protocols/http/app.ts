import { createHash } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { isMissiveError, MissiveError } from '../../core/errors.ts';
import type { ServiceContext } from '../../services/context.ts';
import { STATUS_OF } from './errors.ts';
import { SESSION_COOKIE } from './session-guard.ts';
import { accountRoutes } from './routes/account.ts';
import { authRoutes } from './routes/auth.ts';
import { devOutboxRoutes } from './routes/dev-outbox.ts';
import { directoryRoutes } from './routes/directory.ts';
import { docsRoutes } from './routes/docs.ts';
import { eventRoutes } from './routes/events.ts';
import { fhirRoutes } from './routes/fhir.ts';
import { healthRoutes } from './routes/health.ts';
import { composeRoutes } from './routes/compose.ts';
import { mailRoutes } from './routes/mail.ts';
import { proofPublicRoutes, proofRoutes } from './routes/proof.ts';
import { readerRoutes } from './routes/reader.ts';
import { totpRoutes } from './routes/totp.ts';
import { vaultCopyRoutes } from './routes/vault-copies.ts';
import { vaultPages } from './routes/vault-pages.ts';
import { webClientRoutes } from './routes/web-client.ts';

export type HttpOptions = {
  version: string;
  devOutbox: boolean;
  secureCookies: boolean;
  /** The built web client to serve at `/`; none in API-only tests. */
  webRoot?: string;
  /** Requests per minute per session (per address before login); default 600. */
  rateLimitPerMinute?: number;
  /** Proxies whose X-Forwarded-For gives the client's address (config trustedProxies); none: the peer is the client. */
  trustedProxies?: readonly string[];
};

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/**
 * The HTTP listener's application: one plugin per route family, schemas next to the routes
 * (they validate requests and make the OpenAPI document at /api/docs), services for everything.
 */
export async function buildHttpApp(ctx: ServiceContext, options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy every request comes from it: per-address limits would then be one
    // limit for everyone. Only the configured proxies are believed about who the client is.
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? [...options.trustedProxies] : false,
    // Unknown properties are refused, not silently dropped: bad input gets a clear error.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('caller', null);
  await app.register(cookie);
  // A runaway script or a scraper with a stolen session slows down; a person never notices.
  await app.register(rateLimit, {
    global: true,
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const token = request.cookies[SESSION_COOKIE];
      return token ? `session:${createHash('sha256').update(token).digest('base64url')}` : `address:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) => new MissiveError('rate_limited', `too many requests: try again in ${Math.ceil(context.ttl / 1000)} s`, { retryAfterMs: context.ttl }),
  });
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: 'Missive API', version: options.version }, servers: [{ url: '/' }] },
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    // A route may set a stricter policy of its own (a message's HTML, rendered in a sandboxed frame).
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    if (isMissiveError(error)) {
      if (error.code === 'rate_limited' && typeof error.details?.retryAfterMs === 'number') {
        reply.header('retry-after', Math.ceil(error.details.retryAfterMs / 1000));
      }
      return reply.status(STATUS_OF[error.code]).send({ error: error.code, message: error.message });
    }
    const validation = (error as { validation?: unknown }).validation;
    if (validation) return reply.status(400).send({ error: 'invalid_request', message: (error as Error).message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.status(status).send({ error: 'invalid_request', message: (error as Error).message });
    ctx.log.error('http request failed', { error, path: request.routeOptions.url ?? 'unknown' });
    return reply.status(500).send({ error: 'internal_error', message: 'internal error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not_found', message: 'no such resource' }));

  await app.register(healthRoutes(ctx, options.version));
  await app.register(authRoutes(ctx, options), { prefix: '/api/v1/auth' });
  await app.register(totpRoutes(ctx), { prefix: '/api/v1/auth/totp' });
  await app.register(accountRoutes(ctx), { prefix: '/api/v1' });
  await app.register(mailRoutes(ctx), { prefix: '/api/v1' });
  await app.register(eventRoutes(ctx), { prefix: '/api/v1' });
  await app.register(readerRoutes(ctx), { prefix: '/api/v1' });
  await app.register(composeRoutes(ctx), { prefix: '/api/v1' });
  await app.register(vaultCopyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(directoryRoutes(ctx), { prefix: '/api/v1' });
  await app.register(proofRoutes(ctx), { prefix: '/api/v1' });
  await app.register(proofPublicRoutes(ctx));
  await app.register(fhirRoutes(ctx, options.version), { prefix: '/fhir' });
  await app.register(vaultPages(ctx, options), { prefix: '/coffre' });
  if (options.devOutbox) await app.register(devOutboxRoutes(ctx), { prefix: '/dev/outbox' });
  await app.register(docsRoutes(app), { prefix: '/api/docs' });
  if (options.webRoot) await app.register(webClientRoutes(options.webRoot));
  return app;
}
