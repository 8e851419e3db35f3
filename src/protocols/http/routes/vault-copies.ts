import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeFor } from '../../../core/routes.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { renewVaultAccess, revokeVaultCopy, vaultCopies } from '../../../services/vault/vault-sender.ts';
import { ErrorBody, Id } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const CopyParams = Type.Object({ messageId: Id, itemId: Id });
const Copy = Type.Object({
  id: Type.String(),
  address: Type.String(),
  codeBy: Type.String(),
  replies: Type.String(),
  repliesSent: Type.Integer(),
  state: Type.String({ description: 'waiting, opened, expired, revoked or locked (five wrong codes)' }),
  notifiedAt: Type.Union([Type.Integer(), Type.Null()]),
  openedAt: Type.Union([Type.Integer(), Type.Null()]),
  expiresAt: Type.Integer(),
});

/** The sending side's hold on its vault copies: see them, withdraw one, give a new link and code. */
export function vaultCopyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    app.post(
      '/recipients/routes',
      {
        schema: {
          summary: 'Where mail to each address would go: local, another operator of the trust space, or the vault (outside it)',
          body: Type.Object({ addresses: Type.Array(Type.String({ minLength: 3, maxLength: 254 }), { maxItems: 100 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ routes: Type.Array(Type.Object({ address: Type.String(), route: Type.String() })) }), 401: ErrorBody },
        },
      },
      async (request) => ({
        routes: request.body.addresses.map((address) => ({ address, route: routeFor(address.slice(address.lastIndexOf('@') + 1).toLowerCase(), ctx.localDomains, ctx.trustedDomains) })),
      }),
    );

    app.get(
      '/messages/:messageId/vault',
      { schema: { summary: 'The vault copies of a message I sent, for recipients outside the trust space', params: Type.Object({ messageId: Id }), response: { 200: Type.Object({ copies: Type.Array(Copy) }), 401: ErrorBody, 404: ErrorBody } } },
      async (request) => ({ copies: await vaultCopies(ctx, callerOf(request).principal, request.params.messageId) }),
    );

    app.post(
      '/messages/:messageId/vault/:itemId/revoke',
      { schema: { summary: 'Withdraws a vault copy: its link opens nothing any more', params: CopyParams, response: { 200: Copy, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } } },
      async (request) => revokeVaultCopy(ctx, callerOf(request).principal, request.params.messageId, request.params.itemId),
    );

    app.post(
      '/messages/:messageId/vault/:itemId/renew',
      {
        schema: {
          summary: 'A new link and a new code for a vault copy (the old link dies); the code is returned when it is for me to dictate',
          params: CopyParams,
          response: { 200: Type.Object({ copy: Copy, code: Type.Union([Type.String(), Type.Null()]) }), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (request) => renewVaultAccess(ctx, callerOf(request).principal, request.params.messageId, request.params.itemId),
    );
  };
}
