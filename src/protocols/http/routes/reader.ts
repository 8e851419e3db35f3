import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { downloadAttachment } from '../../../services/attachment-download.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { readMessageBody, readMessageHtml, type ReadRequest } from '../../../services/message-body.ts';
import { attachmentDisposition } from '../content-disposition.ts';
import { ErrorBody, Id } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const Opened = Type.Object({ mailbox: Type.Optional(Id) }, { additionalProperties: false });
const Address = Type.Object({ name: Type.String(), address: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The policy of a message's HTML, stricter than the application's: nothing loads but images
 * inside the HTML, no script, no form, no plugin; shown only in our own sandboxed frame, from
 * which links may open in a new, unsandboxed tab.
 */
export const MESSAGE_HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

/** Reading a message: its text or sanitized HTML, and its attachments. Each is an opening. */
export function readerRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    const readRequest = (request: FastifyRequest<{ Params: { messageId: string }; Querystring: { mailbox?: string } }>): ReadRequest => ({
      principal: callerOf(request).principal,
      messageId: request.params.messageId,
      ...(request.query.mailbox ? { viaMailboxId: request.query.mailbox } : {}),
    });

    app.get(
      '/messages/:messageId/body',
      {
        schema: {
          summary: 'A message to read: headers, its text decoded, its attachments; the first reading by a recipient is recorded as an opening',
          params: Type.Object({ messageId: Id }),
          querystring: Opened,
          response: {
            200: Type.Object({
              id: Type.String(),
              messageIdHeader: Type.String(),
              subject: Nullable(Type.String()),
              from: Type.Array(Address),
              sender: Type.Array(Address),
              replyTo: Type.Array(Address),
              to: Type.Array(Address),
              cc: Type.Array(Address),
              date: Nullable(Type.Integer()),
              receivedAt: Type.Integer(),
              text: Nullable(Type.String()),
              hasHtml: Type.Boolean(),
              attachments: Type.Array(
                Type.Object({ part: Type.String(), filename: Nullable(Type.String()), contentType: Type.String(), size: Type.Integer(), inline: Type.Boolean() }),
              ),
              inReplyTo: Nullable(Type.String()),
              references: Type.Array(Type.String()),
              mss: Type.Object({ codeCda: Nullable(Type.String()), ins: Nullable(Type.String()), nil: Nullable(Type.String()), mes: Nullable(Type.String()) }),
            }),
            400: ErrorBody,
            401: ErrorBody,
            404: ErrorBody,
            410: ErrorBody,
          },
        },
      },
      async (request) => readMessageBody(ctx, readRequest(request)),
    );

    app.get(
      '/messages/:messageId/html',
      {
        schema: {
          summary: 'The message\u2019s HTML, sanitized (no script, no form, nothing remote), as a document for a sandboxed frame; an opening',
          params: Type.Object({ messageId: Id }),
          querystring: Opened,
          response: { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 410: ErrorBody },
        },
      },
      async (request, reply) => {
        const html = await readMessageHtml(ctx, readRequest(request));
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', MESSAGE_HTML_CSP)
          .header('x-frame-options', 'SAMEORIGIN')
          .header('cache-control', 'no-store')
          .send(html as never);
      },
    );

    app.get(
      '/messages/:messageId/attachments/:part',
      {
        schema: {
          summary: 'One attachment, decoded, as a download (never shown by the browser); an opening',
          params: Type.Object({ messageId: Id, part: Type.String({ maxLength: 49, pattern: '^[1-9][0-9]{0,3}(\\.[1-9][0-9]{0,3}){0,9}$' }) }),
          querystring: Opened,
          response: { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 410: ErrorBody },
        },
      },
      async (request, reply) => {
        const attachment = await downloadAttachment(ctx, { ...readRequest(request), part: request.params.part });
        // A stream body: the schema describes only the JSON errors.
        return reply
          .type('application/octet-stream')
          .header('content-disposition', attachmentDisposition(attachment.filename ?? 'attachment'))
          .header('content-length', attachment.size)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-store')
          .send(attachment.content as never);
      },
    );
  };
}
