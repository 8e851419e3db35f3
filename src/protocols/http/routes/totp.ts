import { Type, type FastifyPluginAsyncTypebox, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';
import { confirmTotpSetup, removeTotp, setUpTotp, totpStatus } from '../../../services/identity/totp.ts';
import { ErrorBody } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Code = Type.String({ minLength: 6, maxLength: 6 });

/**
 * TOTP second factor: enrolment, confirmation, removal. Every route acts on the caller's own
 * credential, named by the session alone: there is no user id to point elsewhere.
 */
export function totpRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const guarded = app.withTypeProvider<TypeBoxTypeProvider>();
    guarded.addHook('preHandler', requireSession(ctx));

    guarded.get(
      '',
      {
        schema: {
          summary: 'Whether an authenticator app is enabled (asked at login instead of the e-mailed code) or waiting for confirmation',
          response: { 200: Type.Object({ enabled: Type.Boolean(), pending: Type.Boolean() }), 401: ErrorBody },
        },
      },
      async (request) => totpStatus(ctx, callerOf(request).userId),
    );

    guarded.post(
      '/setup',
      {
        schema: {
          summary: 'Starts enrolling an authenticator app (password required); returns its secret once. Calling again before confirming replaces it',
          body: Type.Object({ password: Password }, { additionalProperties: false }),
          response: { 200: Type.Object({ secret: Type.String(), uri: Type.String() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 429: ErrorBody },
        },
      },
      async (request) => setUpTotp(ctx, { userId: callerOf(request).userId, password: request.body.password, source: request.ip }),
    );

    guarded.post(
      '/confirm',
      {
        schema: {
          summary: 'Enables the pending app with one of its codes; five wrong codes discard it',
          body: Type.Object({ code: Code }, { additionalProperties: false }),
          response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => {
        await confirmTotpSetup(ctx, { userId: callerOf(request).userId, code: request.body.code });
        return reply.status(204).send(null);
      },
    );

    guarded.delete(
      '',
      {
        schema: {
          summary: 'Removes the authenticator app (password and a current code required); login goes back to the e-mailed code',
          body: Type.Object({ password: Password, code: Code }, { additionalProperties: false }),
          response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody },
        },
      },
      async (request, reply) => {
        await removeTotp(ctx, { userId: callerOf(request).userId, password: request.body.password, code: request.body.code, source: request.ip });
        return reply.status(204).send(null);
      },
    );
  };
}
