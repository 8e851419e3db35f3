import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';

/** TOTP second factor: enrolment, confirmation, removal. */
export function totpRoutes(_ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
