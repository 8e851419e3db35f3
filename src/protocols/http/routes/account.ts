import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MissiveError } from '../../../core/errors.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { maskAddress } from '../../../services/identity/login.ts';
import { preferencesOf, updatePreferences } from '../../../services/preferences.ts';
import { findUser } from '../../../store/repositories/accounts.ts';
import { csrfTokenFor } from '../csrf.ts';
import { ErrorBody } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const PreferencesBody = Type.Object(
  { language: Type.Union([Type.Literal('fr'), Type.Literal('en')]), alertNewMessage: Type.Boolean(), alertTracking: Type.Boolean() },
  { additionalProperties: false },
);
// A client that does not know an alert leaves it as it was.
const PreferencesUpdate = Type.Object(
  { language: Type.Union([Type.Literal('fr'), Type.Literal('en')]), alertNewMessage: Type.Boolean(), alertTracking: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** Who I am (and my CSRF token again after a page reload), and my preferences. */
export function accountRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    app.get(
      '/me',
      {
        schema: {
          summary: 'The logged-in user, the CSRF token of this session, and preferences',
          response: {
            200: Type.Object({ userId: Type.String(), displayName: Type.String(), notifyEmail: Type.String(), csrfToken: Type.String(), preferences: PreferencesBody }),
            401: ErrorBody,
          },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const user = await findUser(ctx.sql.read, caller.userId);
        if (!user) throw new MissiveError('unauthorized', 'not logged in');
        return {
          userId: user.id,
          displayName: user.display_name,
          notifyEmail: user.notify_email ? maskAddress(user.notify_email) : '',
          // Readable only by this origin's scripts (no CORS): what a reloaded page needs to keep changing things.
          csrfToken: csrfTokenFor(ctx, caller.sessionId),
          preferences: await preferencesOf(ctx, user.id),
        };
      },
    );

    app.put(
      '/me/preferences',
      {
        schema: {
          summary: 'Language, and e-mail alerts (without content): on new messages, and when a message I sent is opened',
          body: PreferencesUpdate,
          response: { 200: PreferencesBody, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (request) => {
        const { userId } = callerOf(request);
        return updatePreferences(ctx, userId, { ...(await preferencesOf(ctx, userId)), ...request.body });
      },
    );
  };
}
