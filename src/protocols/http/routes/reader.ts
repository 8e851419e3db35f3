import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';

/** Reading a message: its text or sanitized HTML, and its attachments. */
export function readerRoutes(_ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
