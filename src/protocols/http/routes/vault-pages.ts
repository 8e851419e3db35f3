import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isMissiveError } from '../../../core/errors.ts';
import { downloadAttachment } from '../../../services/attachment-download.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { readMessageBody } from '../../../services/message-body.ts';
import { endVaultSession, enterVaultCode, vaultLink, vaultSession, VAULT_SESSION_MS, type LinkState } from '../../../services/vault/vault-access.ts';
import { MAX_REPLY_ATTACHMENTS, replyFromVault } from '../../../services/vault/vault-reply.ts';
import { attachmentDisposition } from '../content-disposition.ts';
import { STATUS_OF } from '../errors.ts';
import { csrfTokenFor, csrfTokenMatches } from '../csrf.ts';
import { codePage, messagePage, statePage, VAULT_CSS, VAULT_ICON, type PageContext } from '../vault/vault-html.ts';
import { TEXTS, type Lang } from '../vault/vault-texts.ts';

const COOKIE = 'missive_vault';
/** Nothing loads but our stylesheet; no script at all; forms post only here; never framed. */
const VAULT_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** Code attempts per address per 10 minutes, whatever the link (each link also dies after five wrong codes). */
const CODE_ATTEMPTS_PER_ADDRESS = 20;

type TokenParams = { Params: { token: string }; Querystring: { lang?: string; envoye?: string } };

/**
 * The vault's pages for people outside the trust space, server-rendered (no script, strict
 * CSP), French first: `/coffre/<token>` asks for the code, then shows the message, its files and
 * the reply form; every read goes through `services/open`, every reply through `services/deposit`.
 * The session cookie is scoped to the link's own path.
 */
export function vaultPages(ctx: ServiceContext, options: { secureCookies: boolean }): FastifyPluginAsync {
  return async (app) => {
    await app.register(formbody, { bodyLimit: 4096 });
    // The text is at most 100,000 characters, up to 4 bytes each in UTF-8.
    await app.register(multipart, { limits: { fileSize: ctx.limits.maxAttachmentBytes, files: MAX_REPLY_ATTACHMENTS, fields: 4, fieldSize: 400_000, parts: MAX_REPLY_ATTACHMENTS + 4 } });
    // Refusals on these pages are pages: too many tries (429) included.
    app.setErrorHandler((error, request, reply) => {
      const tokenRequest = request as FastifyRequest<TokenParams>;
      const page: PageContext = { lang: langOf(tokenRequest), base: `/coffre/${encodeURIComponent(tokenRequest.params.token ?? '')}`, sender: null };
      const t = TEXTS[page.lang];
      if (isMissiveError(error)) {
        const status = STATUS_OF[error.code];
        if (error.code === 'rate_limited') reply.header('retry-after', Math.ceil(Number(error.details?.retryAfterMs ?? 600_000) / 1000));
        return html(reply, status, statePage(page, status === 404 ? t.unknown : status === 429 ? t.tooMany : t.failed));
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) return html(reply, status, statePage(page, t.failed));
      ctx.log.error('vault page failed', { error, path: request.routeOptions.url ?? 'unknown' });
      return html(reply, 500, statePage(page, t.failed));
    });
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', VAULT_CSP);
      return payload;
    });

    app.get('/coffre.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(VAULT_CSS));
    app.get('/icone.svg', { schema: { hide: true } }, async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(VAULT_ICON));

    app.get<TokenParams>('/:token', { schema: { hide: true } }, async (request, reply) => {
      const context = await contextOf(ctx, request);
      if (context.state !== 'live' || !context.item) return html(reply, stateStatus(context.state), statePage(context.page, stateText(context.page.lang, context.state)));
      const session = await vaultSession(ctx, context.link, request.cookies[COOKIE]);
      if (!session) return html(reply, 200, codePage(context.page, { codeBy: context.item.code_by, expiresAt: context.item.expires_at, error: null }));
      return showMessage(ctx, reply, context.page, session, { sentTo: request.query.envoye ? context.page.sender?.name ?? '' : null, error: null });
    });

    app.post<TokenParams & { Body: { code?: string } }>(
      '/:token/code',
      { schema: { hide: true }, config: { rateLimit: { max: CODE_ATTEMPTS_PER_ADDRESS, timeWindow: 10 * 60_000, keyGenerator: (request: FastifyRequest) => `vault-code:${request.ip}` } } },
      async (request, reply) => {
        const context = await contextOf(ctx, request);
        const code = typeof request.body?.code === 'string' ? request.body.code.slice(0, 32) : '';
        const outcome = await enterVaultCode(ctx, context.link, code, request.ip);
        if (outcome.ok) {
          reply.setCookie(COOKIE, outcome.session, { path: context.page.base, httpOnly: true, sameSite: 'strict', secure: options.secureCookies, maxAge: VAULT_SESSION_MS / 1000 });
          return reply.redirect(`${context.page.base}?lang=${context.page.lang}`, 303);
        }
        if (outcome.state !== 'live' || !context.item) return html(reply, stateStatus(outcome.state), statePage(context.page, stateText(context.page.lang, outcome.state)));
        return html(reply, 401, codePage(context.page, { codeBy: context.item.code_by, expiresAt: context.item.expires_at, error: TEXTS[context.page.lang].wrongCode(outcome.triesLeft) }));
      },
    );

    app.get<{ Params: { token: string; part: string }; Querystring: { lang?: string } }>('/:token/pieces/:part', { schema: { hide: true } }, async (request, reply) => {
      const session = await vaultSession(ctx, request.params.token, request.cookies[COOKIE]);
      if (!session || !/^\d{1,4}(\.\d{1,4}){0,10}$/.test(request.params.part)) return reply.redirect(`/coffre/${encodeURIComponent(request.params.token)}`, 303);
      const download = await downloadAttachment(ctx, { principal: session.principal, messageId: session.item.message_id, part: request.params.part });
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', attachmentDisposition(download.filename ?? 'piece-jointe'))
        .header('content-length', download.size)
        .send(download.content);
    });

    app.post<TokenParams>('/:token/reponse', { schema: { hide: true } }, async (request, reply) => {
      const context = await contextOf(ctx, request);
      const session = await vaultSession(ctx, context.link, request.cookies[COOKIE]);
      if (!session) return html(reply, 401, statePage(context.page, context.state === 'live' ? TEXTS[context.page.lang].sessionEnded : stateText(context.page.lang, context.state)));
      let text = '';
      let csrf = '';
      const files: { filename: string; contentType: string; content: Buffer }[] = [];
      let tooLarge = false;
      let tooLong = false;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            const content = await part.toBuffer();
            if (part.file.truncated) tooLarge = true;
            else if (content.length > 0) files.push({ filename: part.filename || 'piece-jointe', contentType: part.mimetype || 'application/octet-stream', content });
          } else if (part.fieldname === 'texte') {
            // A text cut by the field limit is refused, never sent cut.
            if (part.valueTruncated) tooLong = true;
            text = String(part.value);
          }
          else if (part.fieldname === 'jeton') csrf = String(part.value);
        }
      } catch {
        tooLarge = true;
      }
      const sessionCookie = request.cookies[COOKIE]!;
      if (!csrfTokenMatches(ctx, sessionCookie, csrf)) return html(reply, 403, statePage(context.page, TEXTS[context.page.lang].sessionEnded));
      const t = TEXTS[context.page.lang];
      if (tooLong) return showMessage(ctx, reply, context.page, session, { sentTo: null, error: t.replyTooLong }, 413);
      if (tooLarge) return showMessage(ctx, reply, context.page, session, { sentTo: null, error: t.filesTooLarge(MAX_REPLY_ATTACHMENTS, Math.round(ctx.limits.maxAttachmentBytes / 1048576)) }, 413);
      try {
        await replyFromVault(ctx, session.principal, session.item, { text, attachments: files });
      } catch (error) {
        if (!isMissiveError(error)) throw error;
        return showMessage(ctx, reply, context.page, session, { sentTo: null, error: error.message }, 400);
      }
      return reply.redirect(`${context.page.base}?lang=${context.page.lang}&envoye=1`, 303);
    });

    app.post<TokenParams & { Body: { jeton?: string } }>('/:token/sortie', { schema: { hide: true } }, async (request, reply) => {
      const context = await contextOf(ctx, request);
      const session = await vaultSession(ctx, context.link, request.cookies[COOKIE]);
      if (session && csrfTokenMatches(ctx, request.cookies[COOKIE]!, request.body?.jeton)) await endVaultSession(ctx, session.item.id);
      reply.clearCookie(COOKIE, { path: context.page.base });
      return html(reply, 200, statePage(context.page, TEXTS[context.page.lang].left));
    });
  };
}

async function contextOf(ctx: ServiceContext, request: FastifyRequest<TokenParams>) {
  const link = await vaultLink(ctx, request.params.token);
  const page: PageContext = { lang: langOf(request), base: `/coffre/${encodeURIComponent(request.params.token)}`, sender: link.sender };
  return { link, state: link.state, item: link.item, page };
}

async function showMessage(
  ctx: ServiceContext,
  reply: FastifyReply,
  page: PageContext,
  session: NonNullable<Awaited<ReturnType<typeof vaultSession>>>,
  notice: { sentTo: string | null; error: string | null },
  status = 200,
): Promise<FastifyReply> {
  const message = await readMessageBody(ctx, { principal: session.principal, messageId: session.item.message_id });
  const item = session.item;
  return html(
    reply,
    status,
    messagePage(page, message, {
      expiresAt: item.expires_at,
      reply: { allowed: item.replies, used: item.replies_sent > 0, csrf: csrfTokenFor(ctx, reply.request.cookies[COOKIE] ?? ''), ...notice },
    }),
  );
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(body);
}

function langOf(request: FastifyRequest<TokenParams>): Lang {
  const asked = request.query?.lang;
  if (asked === 'en' || asked === 'fr') return asked;
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'fr';
}

function stateText(lang: Lang, state: LinkState): string {
  const t = TEXTS[lang];
  return state === 'expired' ? t.expired : state === 'revoked' ? t.revoked : state === 'locked' ? t.locked : state === 'purged' ? t.purged : t.unknown;
}

function stateStatus(state: LinkState): number {
  return state === 'unknown' ? 404 : 410;
}
