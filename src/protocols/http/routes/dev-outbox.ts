import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../../services/context.ts';
import { recentOutbox } from '../../../store/repositories/dev-outbox.ts';

/**
 * Development only (registered when `devOutbox` is on, which production refuses): what the
 * notifier would have sent, newest first, so a developer can read the one-time code.
 */
export function devOutboxRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      const items = await recentOutbox(ctx.sql.read, 50);
      const rows = items
        .map(
          (item) =>
            `<article><h2>${escape(item.subject)}</h2><p>${escape(item.channel)} → ${escape(item.recipient)} · ${new Date(item.at).toISOString()}</p><pre>${escape(item.body)}</pre></article>`,
        )
        .join('\n');
      const page = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Boîte d’envoi de développement — Missive</title></head><body><main><h1>Boîte d’envoi de développement</h1><p>Ce que Missive aurait envoyé (codes, alertes). Jamais en production.</p>${rows || '<p>Rien pour l’instant.</p>'}</main></body></html>`;
      return reply.type('text/html; charset=utf-8').send(page);
    });
    app.get('/messages.json', { schema: { hide: true } }, async () => recentOutbox(ctx.sql.read, 50));
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
