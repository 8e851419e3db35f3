import { Type, type FastifyPluginAsyncTypebox, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';
import { completeLogin, startLogin } from '../../../services/identity/login.ts';
import { changePassword } from '../../../services/identity/password-change.ts';
import { listSessions, revokeSession, SESSION_TTL_MS } from '../../../services/identity/sessions.ts';
import { csrfTokenFor } from '../csrf.ts';
import { ErrorBody } from '../schemas.ts';
import { callerOf, requireSession, SESSION_COOKIE } from '../session-guard.ts';


/** Login in two steps (password, then the e-mailed code or the authenticator app's), logout, own sessions, password change. */
export function authRoutes(ctx: ServiceContext, options: { secureCookies: boolean }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/login',
      {
        schema: {
          summary: 'Step 1: identifier and password; a one-time code is sent to the usual e-mail (method "email"), or, with an authenticator app enabled, nothing is sent and step 2 takes a code from the app (method "totp", sentTo empty)',
          body: Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
          response: {
            200: Type.Object({ challengeId: Type.String(), sentTo: Type.String(), expiresAt: Type.Integer(), method: Type.Union([Type.Literal('email'), Type.Literal('totp')]) }),
            400: ErrorBody,
            401: ErrorBody,
            429: ErrorBody,
          },
        },
      },
      async (request) => startLogin(ctx, { identifier: request.body.identifier, password: request.body.password, source: request.ip }),
    );

    app.post(
      '/verify',
      {
        schema: {
          summary: 'Step 2: the one-time code (e-mailed, or from the authenticator app); opens a session (HttpOnly cookie) and returns its CSRF token',
          body: Type.Object({ challengeId: Type.String({ minLength: 1, maxLength: 64 }), code: Type.String({ minLength: 6, maxLength: 6 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ userId: Type.String(), csrfToken: Type.String(), expiresAt: Type.Integer() }), 401: ErrorBody, 429: ErrorBody },
        },
      },
      async (request, reply) => {
        const session = await completeLogin(ctx, { ...request.body, source: request.ip, userAgent: request.headers['user-agent'] ?? '' });
        reply.setCookie(SESSION_COOKIE, session.token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: options.secureCookies,
          path: '/',
          maxAge: Math.floor(SESSION_TTL_MS / 1000),
        });
        return { userId: session.userId, csrfToken: csrfTokenFor(ctx, session.sessionId), expiresAt: session.expiresAt };
      },
    );

    await app.register(async (plugin) => {
      const guarded = plugin.withTypeProvider<TypeBoxTypeProvider>();
      guarded.addHook('preHandler', requireSession(ctx));

      guarded.post('/logout', { schema: { summary: 'Ends this session', response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody } } }, async (request, reply) => {
        const caller = callerOf(request);
        await revokeSession(ctx, caller.userId, caller.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      });

      const SessionView = Type.Object({
        id: Type.String(),
        createdAt: Type.Integer(),
        lastSeenAt: Type.Integer(),
        expiresAt: Type.Integer(),
        userAgent: Type.Union([Type.String(), Type.Null()]),
        source: Type.Union([Type.String(), Type.Null()]),
        current: Type.Boolean(),
      });
      guarded.get('/sessions', { schema: { summary: 'My open sessions', response: { 200: Type.Array(SessionView), 401: ErrorBody } } }, async (request) => {
        const caller = callerOf(request);
        return listSessions(ctx, caller.userId, caller.sessionId);
      });

      guarded.delete(
        '/sessions/:id',
        { schema: { summary: 'Ends one of my sessions', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } } },
        async (request, reply) => {
          await revokeSession(ctx, callerOf(request).userId, request.params.id);
          return reply.status(204).send(null);
        },
      );

      guarded.post(
        '/password',
        {
          schema: {
            summary: 'Changes my password; my other sessions end',
            body: Type.Object({ current: Type.String({ minLength: 1, maxLength: 1024 }), next: Type.String({ minLength: 12, maxLength: 1024 }) }, { additionalProperties: false }),
            response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
          },
        },
        async (request, reply) => {
          const caller = callerOf(request);
          await changePassword(ctx, { userId: caller.userId, sessionId: caller.sessionId, current: request.body.current, next: request.body.next });
          return reply.status(204).send(null);
        },
      );
    });
  };
}
