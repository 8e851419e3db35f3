import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MissiveError } from '../../../core/errors.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { maskAddress } from '../../../services/identity/login.ts';
import { issueAccessToken, listAccessTokens, MAX_TOKEN_SECONDS, revokeAccessToken } from '../../../services/identity/access-tokens.ts';
import { createAppPassword, listAppPasswords, revokeAppPassword } from '../../../services/identity/app-passwords.ts';
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

    const AppPassword = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Type.Integer(), lastUsedAt: Type.Union([Type.Integer(), Type.Null()]) });
    app.get(
      '/me/app-passwords',
      { schema: { summary: 'My application passwords (for mail clients and health software over SMTP and IMAP), without their secrets', response: { 200: Type.Array(AppPassword), 401: ErrorBody } } },
      async (request) => listAppPasswords(ctx, callerOf(request).userId),
    );
    app.post(
      '/me/app-passwords',
      {
        schema: {
          summary: 'Makes an application password; its secret is in this answer only',
          body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 60 }) }, { additionalProperties: false }),
          response: { 201: Type.Intersect([AppPassword, Type.Object({ secret: Type.String() })]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => reply.status(201).header('cache-control', 'no-store').send(await createAppPassword(ctx, callerOf(request).userId, request.body.label)),
    );
    app.delete(
      '/me/app-passwords/:id',
      { schema: { summary: 'Revokes one of my application passwords at once', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } } },
      async (request, reply) => {
        await revokeAppPassword(ctx, callerOf(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );

    const AccessToken = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Type.Integer(), expiresAt: Type.Integer() });
    app.get(
      '/me/access-tokens',
      { schema: { summary: 'My live bearer tokens (SASL XOAUTH2 and OAUTHBEARER), without the tokens themselves', response: { 200: Type.Array(AccessToken), 401: ErrorBody } } },
      async (request) => listAccessTokens(ctx, callerOf(request).userId),
    );
    app.post(
      '/me/access-tokens',
      {
        schema: {
          summary: 'Issues a bearer token for a mail client (an hour unless asked otherwise, a day at most); the token is in this answer only',
          body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 60 }), lifetimeSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_TOKEN_SECONDS })) }, { additionalProperties: false }),
          response: { 201: Type.Intersect([AccessToken, Type.Object({ token: Type.String() })]), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => reply.status(201).header('cache-control', 'no-store').send(await issueAccessToken(ctx, callerOf(request).userId, request.body)),
    );
    app.delete(
      '/me/access-tokens/:id',
      { schema: { summary: 'Revokes one of my bearer tokens at once', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } } },
      async (request, reply) => {
        await revokeAccessToken(ctx, callerOf(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
