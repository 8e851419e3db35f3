import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';

/** Writing: attachments uploaded ahead, drafts, sending. */
export function composeRoutes(_ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
