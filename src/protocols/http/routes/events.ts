import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { MailboxChange } from '../../../services/change-feed.ts';
import type { ServiceContext } from '../../../services/context.ts';
import { authenticateSession } from '../../../services/identity/sessions.ts';
import { mailboxesOf } from '../../../services/mailbox-view.ts';
import { callerOf, requireSession, SESSION_COOKIE } from '../session-guard.ts';

// Proxies drop silent connections; the same beat checks that the session is still alive.
const HEARTBEAT_MS = 15_000;
const STREAMS_PER_USER = 8;

/**
 * Server-sent events: what changed in the mailboxes I can read (a message arrived, flags or
 * folders changed, a recipient opened what I sent). Names only ids and folders, never content:
 * the client fetches what it shows through the ordinary routes, with their access checks.
 */
export function eventRoutes(ctx: ServiceContext): FastifyPluginAsync {
  const open = new Map<string, number>();
  const streams = new Set<ServerResponse>();
  return async (app) => {
    app.addHook('preHandler', requireSession(ctx));
    // Streams never end on their own: a stopping server ends them, or it would wait forever.
    app.addHook('preClose', async () => {
      for (const stream of streams) stream.end();
    });
    app.get('/events', { schema: { summary: 'Live changes of my mailboxes (text/event-stream)' } }, async (request, reply) => {
      const caller = callerOf(request);
      if ((open.get(caller.userId) ?? 0) >= STREAMS_PER_USER) {
        return reply.status(429).send({ error: 'rate_limited', message: 'too many live connections for this account: close another tab' });
      }
      const readable = new Set((await mailboxesOf(ctx, caller.userId)).filter((mailbox) => mailbox.rights.includes('read')).map((mailbox) => mailbox.id));
      open.set(caller.userId, (open.get(caller.userId) ?? 0) + 1);
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      response.write(`retry: 5000\n: ${caller.userId}\n\n`);
      const send = (change: MailboxChange) => {
        if (!readable.has(change.mailboxId)) return;
        response.write(`event: mailbox\ndata: ${JSON.stringify(change)}\n\n`);
      };
      const unsubscribe = ctx.changes.subscribe(send);
      const token = request.cookies[SESSION_COOKIE] ?? '';
      const heartbeat = setInterval(() => {
        authenticateSession(ctx, token).then(
          () => response.write(': beat\n\n'),
          () => response.end(),
        );
      }, HEARTBEAT_MS);
      heartbeat.unref();
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        const count = (open.get(caller.userId) ?? 1) - 1;
        if (count > 0) open.set(caller.userId, count);
        else open.delete(caller.userId);
      };
      streams.add(response);
      response.once('close', () => {
        streams.delete(response);
        close();
      });
    });
  };
}
