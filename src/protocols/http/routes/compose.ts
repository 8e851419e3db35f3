import { Type, type FastifyPluginAsyncTypebox, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { MAX_ATTACHMENTS, sendComposed } from '../../../services/compose.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { createDraft, getDraft, listDrafts, removeDraft, replaceDraft } from '../../../services/drafts.ts';
import { receiveUpload, removeUpload } from '../../../services/uploads.ts';
import { ErrorBody, Id } from '../schemas.ts';
import { callerOf, requireSession } from '../session-guard.ts';

const Address = Type.String({ minLength: 3, maxLength: 254 });
const IdParams = Type.Object({ id: Id });
const AttachmentIds = Type.Array(Id, { maxItems: MAX_ATTACHMENTS, uniqueItems: true });
const Subject = Type.String({ maxLength: 998 });
const Text = Type.String({ maxLength: 1_000_000 });

const UploadedFile = Type.Object({ id: Type.String(), filename: Type.String(), contentType: Type.String(), size: Type.Integer() });

/** A draft is work in progress: recipients may be half-typed, but not unbounded. */
const DraftText = Type.Array(Type.String({ maxLength: 254 }), { maxItems: 100 });
const DraftBody = Type.Object(
  {
    mailboxId: Id,
    to: DraftText,
    cc: DraftText,
    subject: Subject,
    text: Text,
    attachments: AttachmentIds,
    inReplyTo: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);
/** For recipients outside the trust space (see services/vault/vault-items.ts). */
const VaultChoices = Type.Object(
  {
    codeBy: Type.Optional(Type.Union([Type.Literal('sms'), Type.Literal('phone')])),
    phones: Type.Optional(Type.Record(Type.String({ maxLength: 254 }), Type.String({ maxLength: 30 }), { maxProperties: 100 })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    replies: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('once'), Type.Literal('thread')])),
    patientIns: Type.Optional(Type.String({ minLength: 15, maxLength: 21 })),
  },
  { additionalProperties: false },
);
const DraftSaved = Type.Object({ id: Type.String(), updatedAt: Type.Integer() });

/** Writing: attachments uploaded ahead, drafts, sending. Every route needs a session. */
export function composeRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));

    // Uploads get their own context: the request body is the file, handed over as a stream
    // whatever its declared type (no other parser may buffer it).
    await app.register(async (plain) => {
      const uploads = plain.withTypeProvider<TypeBoxTypeProvider>();
      uploads.removeAllContentTypeParsers();
      uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

      uploads.post(
        '/uploads',
        {
          // Fastify applies no limit to a streamed body; the service counts. This one says so.
          bodyLimit: ctx.limits.maxAttachmentBytes + 1,
          onRequest: passAnyContentType,
          onSend: closeIfUnread,
          schema: {
            summary: 'Uploads a file to attach to a message or a draft (the request body is the file, its Content-Type the file\u2019s type)',
            querystring: Type.Object({ filename: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
            response: { 201: UploadedFile, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 413: ErrorBody },
          },
        },
        async (request, reply) => {
          const declared = request.raw.headers['content-length'];
          const uploaded = await receiveUpload(ctx, callerOf(request).userId, {
            filename: request.query.filename,
            contentType: request.raw.headers['content-type'],
            declaredLength: declared === undefined ? undefined : Number(declared),
            body: request.body as Readable,
          });
          return reply.status(201).send(uploaded);
        },
      );
    });

    app.delete(
      '/uploads/:id',
      {
        schema: { summary: 'Removes one of my uploads', params: IdParams, response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
      },
      async (request, reply) => {
        await removeUpload(ctx, callerOf(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/drafts',
      {
        schema: {
          summary: 'My drafts, last changed first',
          response: {
            200: Type.Array(Type.Object({ id: Type.String(), mailboxId: Type.String(), to: Type.Array(Type.String()), cc: Type.Array(Type.String()), subject: Type.String(), updatedAt: Type.Integer() })),
            401: ErrorBody,
          },
        },
      },
      async (request) => listDrafts(ctx, callerOf(request).userId),
    );

    app.get(
      '/drafts/:id',
      {
        schema: {
          summary: 'One of my drafts',
          params: IdParams,
          response: {
            200: Type.Object({
              id: Type.String(),
              mailboxId: Type.String(),
              to: Type.Array(Type.String()),
              cc: Type.Array(Type.String()),
              subject: Type.String(),
              text: Type.String(),
              attachments: Type.Array(UploadedFile),
              inReplyTo: Type.Union([Type.String(), Type.Null()]),
              updatedAt: Type.Integer(),
            }),
            401: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (request) => getDraft(ctx, callerOf(request).userId, request.params.id),
    );

    app.post(
      '/drafts',
      {
        schema: {
          summary: 'Saves a new draft, to be sent from one of my mailboxes I may send from',
          body: DraftBody,
          response: { 201: DraftSaved, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (request, reply) => {
        const saved = await createDraft(ctx, callerOf(request).userId, { ...request.body, inReplyTo: request.body.inReplyTo ?? null });
        return reply.status(201).send(saved);
      },
    );

    app.put(
      '/drafts/:id',
      {
        schema: {
          summary: 'Replaces one of my drafts',
          params: IdParams,
          body: DraftBody,
          response: { 200: DraftSaved, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => replaceDraft(ctx, callerOf(request).userId, request.params.id, { ...request.body, inReplyTo: request.body.inReplyTo ?? null }),
    );

    app.delete(
      '/drafts/:id',
      {
        schema: { summary: 'Deletes one of my drafts', params: IdParams, response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
      },
      async (request, reply) => {
        await removeDraft(ctx, callerOf(request).userId, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/messages',
      {
        schema: {
          summary: 'Sends a message written here, from one of my mailboxes I may send from, with my uploads attached',
          body: Type.Object(
            {
              from: Address,
              to: Type.Array(Address, { maxItems: 100, description: 'may be empty when a patient is given' }),
              cc: Type.Optional(Type.Array(Address, { maxItems: 100 })),
              subject: Subject,
              text: Text,
              attachments: Type.Optional(AttachmentIds),
              inReplyTo: Type.Optional(Type.Union([Id, Type.Null()])),
              draftId: Type.Optional(Type.Union([Id, Type.Null()])),
              vault: Type.Optional(VaultChoices),
              patient: Type.Optional(
                Type.Object(
                  { ins: Type.String({ minLength: 15, maxLength: 21 }), email: Address, phone: Type.Optional(Type.String({ maxLength: 30 })) },
                  { additionalProperties: false, description: 'A patient by INS and contact: the patient space when whitelisted, else the vault' },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              messageId: Type.String(),
              messageIdHeader: Type.String(),
              recipients: Type.Array(Type.Object({ address: Type.String() })),
              vault: Type.Array(
                Type.Object({ address: Type.String(), itemId: Type.String(), code: Type.Union([Type.String(), Type.Null()]), expiresAt: Type.Integer(), notified: Type.Boolean() }),
                { description: 'Recipients outside the trust space: their copy waits in the vault; the code is given when the sender is to dictate it' },
              ),
            }),
            400: ErrorBody,
            401: ErrorBody,
            403: ErrorBody,
            404: ErrorBody,
            413: ErrorBody,
            422: ErrorBody,
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const sent = await sendComposed(ctx, callerOf(request).principal, {
          from: body.from,
          to: body.to,
          cc: body.cc ?? [],
          subject: body.subject,
          text: body.text,
          attachments: body.attachments ?? [],
          inReplyTo: body.inReplyTo ?? null,
          draftId: body.draftId ?? null,
          ...(body.vault ? { vault: body.vault } : {}),
          ...(body.patient ? { patient: body.patient } : {}),
        });
        return reply.status(201).send({ messageId: sent.messageId, messageIdHeader: sent.messageIdHeader, recipients: sent.recipients.map((recipient) => ({ address: recipient.address })), vault: sent.vault });
      },
    );
  };
}

/**
 * Any Content-Type names the file's type, even one Fastify would refuse as malformed (415): the
 * parser sees a neutral type, the handler reads the declared one from the raw headers.
 */
async function passAnyContentType(request: FastifyRequest): Promise<void> {
  request.headers = { 'content-type': 'application/octet-stream' };
}

/**
 * A refusal sent before the body was read (too large, not logged in) closes the connection:
 * otherwise Node would read and discard the rest of the file to keep the connection alive.
 */
async function closeIfUnread(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (!request.raw.complete) reply.header('connection', 'close');
  return payload;
}
