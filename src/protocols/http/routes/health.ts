import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';

export function healthRoutes(ctx: ServiceContext, version: string): FastifyPluginAsyncTypebox {
  return async (app) => {
    const Health = Type.Object({ status: Type.String(), database: Type.String(), engine: Type.String(), version: Type.String() });
    app.get('/healthz', { schema: { summary: 'Liveness and storage health', response: { 200: Health, 503: Health } } }, async (_request, reply) => {
      const healthy = await ctx.sql.healthy();
      return reply.status(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unavailable', database: healthy ? 'ok' : 'down', engine: ctx.sql.engine, version });
    });
  };
}
