import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** The OpenAPI document, generated from the schemas that validate the requests. */
export function docsRoutes(root: FastifyInstance): FastifyPluginAsyncTypebox {
  return async (app) => {
    const document = () => (root as unknown as { swagger(): unknown }).swagger();
    app.get('/', { schema: { hide: true } }, async () => document());
    app.get('/openapi.json', { schema: { hide: true } }, async () => document());
  };
}
