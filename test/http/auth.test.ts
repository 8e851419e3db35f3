import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { buildHttpApp } from '../../src/protocols/http/app.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { logIn, PASSWORD } from './login.ts';


async function serve(rt: TestRuntime, devOutbox = true): Promise<{ app: FastifyInstance; url: string }> {
  await addDomain(rt.ctx, 'demo.mssante.test');
  for (const id of ['emartin', 'sbernard']) {
    await addUser(rt.ctx, { id, displayName: id, password: PASSWORD, notifyEmail: `${id}@exemple.fr` });
    await addMailbox(rt.ctx, { address: `${id}@demo.mssante.test`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
  }
  const app = await buildHttpApp(rt.ctx, { version: 'test', devOutbox, secureCookies: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

engineTest('HTTP login: password, e-mailed code, an HttpOnly SameSite=Strict cookie and a CSRF token', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const session = await logIn(url, 'emartin');
    assert.match(session.setCookie, /^missive_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    const sessions = await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie: session.cookie } });
    assert.equal(sessions.status, 200);
    assert.deepEqual(((await sessions.json()) as { current: boolean }[]).map((item) => item.current), [true]);
    assert.equal((await fetch(`${url}/api/v1/auth/sessions`)).status, 401);

    // Changes need the CSRF token; then logout kills the session.
    assert.equal((await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: session.cookie } })).status, 403);
    assert.equal((await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': 'forged' } })).status, 403);
    const out = await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
    assert.equal(out.status, 204);
    const dead = await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie: session.cookie } });
    assert.equal(dead.status, 401);
    assert.deepEqual(await dead.json(), { error: 'unauthorized', message: 'not logged in' });
  } finally {
    await app.close();
  }
});

engineTest('HTTP: someone else\u2019s session is not found; password change ends my other sessions', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const mine = await logIn(url, 'emartin');
    const mineElsewhere = await logIn(url, 'emartin');
    const theirs = await logIn(url, 'sbernard');
    const theirIds = ((await (await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie: theirs.cookie } })).json()) as { id: string }[]).map((item) => item.id);
    const refused = await fetch(`${url}/api/v1/auth/sessions/${theirIds[0]}`, { method: 'DELETE', headers: { cookie: mine.cookie, 'x-csrf-token': mine.csrf } });
    assert.equal(refused.status, 404);
    assert.equal((await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie: theirs.cookie } })).status, 200);

    const changed = await fetch(`${url}/api/v1/auth/password`, json({ current: PASSWORD, next: 'une toute nouvelle phrase' }, { cookie: mine.cookie, 'x-csrf-token': mine.csrf }));
    assert.equal(changed.status, 204);
    assert.equal((await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie: mine.cookie } })).status, 200);
    assert.equal((await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie: mineElsewhere.cookie } })).status, 401);
  } finally {
    await app.close();
  }
});

engineTest('HTTP: bad input is 400 and changes nothing; repeated failures are 429 with Retry-After', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    for (const body of [{ identifier: 'emartin' }, { identifier: 'emartin', password: PASSWORD, admin: true }, { identifier: '', password: 'x' }]) {
      const response = await fetch(`${url}/api/v1/auth/login`, json(body));
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    }
    const malformed = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"identifier":' });
    assert.equal(malformed.status, 400);
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${url}/api/v1/auth/login`, json({ identifier: 'emartin', password: 'mauvais mot de passe' }))).status, 401);
    const locked = await fetch(`${url}/api/v1/auth/login`, json({ identifier: 'emartin', password: PASSWORD }));
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '60');
    assert.match(locked.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  } finally {
    await app.close();
  }
});

engineTest('HTTP: the OpenAPI document describes the routes; the dev outbox exists only in development', async (_t, rt) => {
  const { app, url } = await serve(rt, false);
  try {
    const document = (await (await fetch(`${url}/api/docs`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(document.openapi, '3.1.0');
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/verify', '/api/v1/auth/logout', '/api/v1/auth/sessions', '/api/v1/auth/sessions/{id}', '/api/v1/auth/password', '/healthz']) {
      assert.ok(path in document.paths, `${path} documented`);
    }
    assert.equal((await fetch(`${url}/dev/outbox`)).status, 404);
    assert.equal((await fetch(`${url}/dev/outbox/messages.json`)).status, 404);
  } finally {
    await app.close();
  }
});
