import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

type Asset = { body: Buffer; gzipped: Buffer | null; type: string; etag: string; immutable: boolean };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

// Paths the client never owns: an unknown one there is a 404, not the application's page.
const SERVER_PREFIXES = ['/api/', '/dev/', '/healthz', '/.well-known/'];

/**
 * The built web client (web/dist), loaded in memory once at start with a gzip copy of what
 * compresses. Hashed assets are cached for good; every other path answers the application's
 * page, whose router takes it from there.
 */
export function webClientRoutes(root: string): FastifyPluginAsync {
  return async (app) => {
    const assets = existsSync(path.join(root, 'index.html')) ? loadAssets(root) : null;
    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const pathname = decodeURIComponent(request.url.split('?')[0] ?? '/');
      if (!assets) {
        return reply.status(503).type('text/plain; charset=utf-8').send('Le client web n’est pas construit : lancez « npm run build:web ».\nThe web client is not built: run "npm run build:web".\n');
      }
      const asset = assets.get(pathname) ?? (SERVER_PREFIXES.some((prefix) => pathname.startsWith(prefix)) || path.extname(pathname) ? undefined : assets.get('/index.html'));
      if (!asset) return reply.status(404).send({ error: 'not_found', message: 'no such resource' });
      reply.header('etag', asset.etag).header('vary', 'accept-encoding');
      reply.header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
      reply.type(asset.type);
      if (asset.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(asset.gzipped);
      }
      return reply.send(asset.body);
    };
    app.get('/', serve);
    app.get('/*', serve);
  };
}

function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const visit = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const file = path.join(directory, name);
      if (statSync(file).isDirectory()) {
        visit(file);
        continue;
      }
      const body = readFileSync(file);
      const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|image\/svg|application\/json)/.test(type) && body.length > 512;
      const urlPath = `/${path.relative(root, file).split(path.sep).join('/')}`;
      assets.set(urlPath, {
        body,
        gzipped: compressible ? gzipSync(body, { level: 9 }) : null,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        immutable: urlPath.startsWith('/assets/'),
      });
    }
  };
  visit(root);
  return assets;
}
