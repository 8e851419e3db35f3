import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sendComposed } from '../../../services/compose.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { ErrorBody } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const Address = Type.String({ minLength: 3, maxLength: 254 });

/** Writing: attachments uploaded ahead, drafts, sending. Every route needs a session. */
export function composeRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    app.post(
      '/messages',
      {
        schema: {
          summary: 'Sends a message written here, from one of my mailboxes I may send from',
          body: Type.Object(
            {
              from: Address,
              to: Type.Array(Address, { minItems: 1, maxItems: 100 }),
              cc: Type.Optional(Type.Array(Address, { maxItems: 100 })),
              subject: Type.String({ maxLength: 998 }),
              text: Type.String({ maxLength: 1_000_000 }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ messageId: Type.String(), messageIdHeader: Type.String(), recipients: Type.Array(Type.Object({ address: Type.String() })) }),
            400: ErrorBody,
            401: ErrorBody,
            403: ErrorBody,
            413: ErrorBody,
            422: ErrorBody,
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const sent = await sendComposed(ctx, callerOf(request).principal, { from: body.from, to: body.to, cc: body.cc ?? [], subject: body.subject, text: body.text });
        return reply.status(201).send({ messageId: sent.messageId, messageIdHeader: sent.messageIdHeader, recipients: sent.recipients.map((recipient) => ({ address: recipient.address })) });
      },
    );
  };
}
