import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';
import { foldersOfMailbox, listFolder, mailboxesOf } from '../../../services/mailbox-view.ts';
import { deleteMessage, moveMessage, searchMailbox, setFlags } from '../../../services/mailbox-actions.ts';
import { openMessage } from '../../../services/open.ts';
import { trackMessage } from '../../../services/tracking.ts';
import { ErrorBody, Id } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const FolderName = Type.String({ minLength: 1, maxLength: 200 });
const EntryParams = Type.Object({ mailboxId: Id, folder: FolderName, uid: Type.Integer({ minimum: 1 }) });

/** One line of a folder's list. */
const Entry = Type.Object({
  uid: Type.Integer(),
  messageId: Type.String(),
  sender: Type.String(),
  fromName: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  flags: Type.String(),
  internalDate: Type.Integer(),
  size: Type.Integer(),
  hasAttachments: Type.Boolean(),
});

/** A professional's mail: mailboxes, folders, message lists, metadata, raw download. Every route needs a session. */
export function mailRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    app.get(
      '/mailboxes',
      {
        schema: {
          summary: 'My mailboxes: my own, and the organisational mailboxes and delegations I am a member of',
          response: { 200: Type.Array(Type.Object({ id: Type.String(), address: Type.String(), kind: Type.String(), displayName: Type.String(), rights: Type.String() })), 401: ErrorBody },
        },
      },
      async (request) => mailboxesOf(ctx, callerOf(request).userId),
    );

    app.get(
      '/mailboxes/:mailboxId/folders',
      {
        schema: {
          summary: 'The folders of one of my mailboxes, with message and unread counts',
          params: Type.Object({ mailboxId: Id }),
          response: { 200: Type.Array(Type.Object({ name: Type.String(), specialUse: Type.Union([Type.String(), Type.Null()]), total: Type.Integer(), unread: Type.Integer() })), 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => foldersOfMailbox(ctx, callerOf(request).principal, request.params.mailboxId),
    );

    app.get(
      '/mailboxes/:mailboxId/folders/:folder/messages',
      {
        schema: {
          summary: 'One page of a folder, newest first',
          params: Type.Object({ mailboxId: Id, folder: FolderName }),
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), before: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              folder: Type.String(),
              uidvalidity: Type.Integer(),
              entries: Type.Array(
                Entry,
              ),
            }),
            401: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (request) => {
        const listing = await listFolder(ctx, callerOf(request).principal, {
          mailboxId: request.params.mailboxId,
          folder: request.params.folder,
          limit: request.query.limit ?? 50,
          ...(request.query.before === undefined ? {} : { beforeUid: request.query.before }),
        });
        return { folder: listing.folder, uidvalidity: listing.uidvalidity, entries: listing.entries };
      },
    );

    const Opened = Type.Object({ mailbox: Type.Optional(Id) }, { additionalProperties: false });

    app.get(
      '/messages/:messageId',
      {
        schema: {
          summary: 'What a message is (headers, attachments, preview), without it counting as an opening',
          params: Type.Object({ messageId: Id }),
          querystring: Opened,
          response: {
            200: Type.Object({ id: Type.String(), messageIdHeader: Type.String(), sender: Type.String(), size: Type.Integer(), receivedAt: Type.Integer(), index: Type.Unknown() }),
            401: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (request) => {
        const opened = await openMessage(ctx, { principal: callerOf(request).principal, messageId: request.params.messageId, channel: 'web', peek: true });
        opened.content.destroy();
        return { id: opened.messageId, messageIdHeader: opened.messageIdHeader, sender: opened.sender, size: opened.size, receivedAt: opened.receivedAt, index: opened.index };
      },
    );

    app.get(
      '/messages/:messageId/raw',
      {
        schema: {
          summary: 'The message as stored (message/rfc822); the first reading by a recipient is recorded as an opening',
          params: Type.Object({ messageId: Id }),
          querystring: Opened,
          response: { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const opened = await openMessage(ctx, {
          principal: callerOf(request).principal,
          messageId: request.params.messageId,
          channel: 'web',
          ...(request.query.mailbox ? { viaMailboxId: request.query.mailbox } : {}),
        });
        // A stream body: the schema describes only the JSON errors.
        return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${opened.messageId}.eml"`).send(opened.content as never);
      },
    );

    app.patch(
      '/mailboxes/:mailboxId/folders/:folder/messages/:uid',
      {
        schema: {
          summary: 'Marks a message read or unread, flagged or not (the read right suffices)',
          params: EntryParams,
          body: Type.Object({ seen: Type.Optional(Type.Boolean()), flagged: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
          response: { 200: Type.Object({ uid: Type.Integer(), flags: Type.String() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => setFlags(ctx, callerOf(request).principal, request.params, request.body),
    );

    app.post(
      '/mailboxes/:mailboxId/folders/:folder/messages/:uid/move',
      {
        schema: {
          summary: 'Moves a message to another folder of the same mailbox (the manage right)',
          params: EntryParams,
          body: Type.Object({ to: FolderName }, { additionalProperties: false }),
          response: { 200: Type.Object({ folder: Type.String(), uid: Type.Integer() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => moveMessage(ctx, callerOf(request).principal, request.params, request.body.to),
    );

    app.delete(
      '/mailboxes/:mailboxId/folders/:folder/messages/:uid',
      {
        schema: {
          summary: 'Moves a message to the Trash; from the Trash, removes it from this mailbox for good (204)',
          params: EntryParams,
          response: { 200: Type.Object({ folder: Type.String(), uid: Type.Integer() }), 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const moved = await deleteMessage(ctx, callerOf(request).principal, request.params);
        return moved ?? reply.status(204).send(null);
      },
    );

    app.get(
      '/mailboxes/:mailboxId/search',
      {
        schema: {
          summary: 'Messages of a mailbox by sender, subject or text (every word, accents and case ignored)',
          params: Type.Object({ mailboxId: Id }),
          querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
          response: { 200: Type.Object({ entries: Type.Array(Type.Intersect([Entry, Type.Object({ folder: Type.String() })])) }), 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => ({ entries: await searchMailbox(ctx, callerOf(request).principal, request.params.mailboxId, request.query.q, request.query.limit ?? 50) }),
    );

    app.get(
      '/messages/:messageId/tracking',
      {
        schema: {
          summary: 'Suivi: per recipient, when a message I sent was delivered and opened',
          params: Type.Object({ messageId: Id }),
          response: {
            200: Type.Object({
              messageId: Type.String(),
              subject: Type.Union([Type.String(), Type.Null()]),
              sentAt: Type.Integer(),
              recipients: Type.Array(
                Type.Object({
                  address: Type.String(),
                  kind: Type.String(),
                  route: Type.String(),
                  state: Type.String(),
                  deliveredAt: Type.Union([Type.Integer(), Type.Null()]),
                  openedAt: Type.Union([Type.Integer(), Type.Null()]),
                }),
              ),
            }),
            401: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (request) => trackMessage(ctx, callerOf(request).principal, request.params.messageId),
    );
  };
}
