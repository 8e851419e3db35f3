import assert from 'node:assert/strict';
import { authenticateAppPassword, MAX_APP_PASSWORDS } from '../../src/services/identity/app-passwords.ts';
import { engineTest } from '../support/engines.ts';
import { expectCode } from '../support/fixtures.ts';
import { logIn } from './login.ts';
import { as, D, serve } from './server.ts';

engineTest('application passwords: made in the account (secret shown once, stored as a keyed digest), they open SMTP/IMAP logins by user id or address; revoked, wrong or someone else’s fail alike', async (t, rt) => {
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  const session = await logIn(url, 'emartin');
  const emartin = as(url, session);
  const created = await emartin.post('/api/v1/me/app-passwords', { label: 'Thunderbird du cabinet' });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('cache-control'), 'no-store');
  const { id, secret, label } = (await created.json()) as { id: string; secret: string; label: string };
  assert.equal(label, 'Thunderbird du cabinet');
  assert.match(secret, /^[a-z2-7]{5}(?:-[a-z2-7]{5}){7}$/);
  const listed = (await (await emartin.get('/api/v1/me/app-passwords')).json()) as Record<string, unknown>[];
  assert.deepEqual(listed.map((item) => [item.id, item.label, 'secret' in item]), [[id, 'Thunderbird du cabinet', false]]);
  const stored = await rt.ctx.sql.read.selectFrom('app_password').selectAll().execute();
  assert.equal(stored.length, 1);
  assert.ok(!JSON.stringify(stored).includes(secret), 'the secret is not in the database');

  assert.equal((await authenticateAppPassword(rt.ctx, 'emartin', secret)).userId, 'emartin');
  assert.equal((await authenticateAppPassword(rt.ctx, `emartin@${D}`, secret)).userId, 'emartin');
  await expectCode(authenticateAppPassword(rt.ctx, 'emartin', `${secret.slice(0, -1)}A`), 'unauthorized');
  await expectCode(authenticateAppPassword(rt.ctx, 'khaddad', secret), 'unauthorized');
  await expectCode(authenticateAppPassword(rt.ctx, 'emartin', 'une phrase de passe solide'), 'unauthorized');
  assert.notEqual((await (await emartin.get('/api/v1/me/app-passwords')).json() as { lastUsedAt: number | null }[])[0]?.lastUsedAt, null);

  // Changes need the CSRF token; another user cannot revoke it.
  assert.equal((await fetch(`${url}/api/v1/me/app-passwords`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: '{"label":"x"}' })).status, 403);
  const khaddad = as(url, await logIn(url, 'khaddad'));
  assert.equal((await khaddad.delete(`/api/v1/me/app-passwords/${id}`)).status, 404);
  assert.equal((await emartin.delete(`/api/v1/me/app-passwords/${id}`)).status, 204);
  await expectCode(authenticateAppPassword(rt.ctx, 'emartin', secret), 'unauthorized');
  assert.deepEqual(await (await emartin.get('/api/v1/me/app-passwords')).json(), []);
  assert.equal((await emartin.delete(`/api/v1/me/app-passwords/${id}`)).status, 404);

  assert.equal((await emartin.post('/api/v1/me/app-passwords', { label: '   ' })).status, 400);
  assert.equal((await emartin.post('/api/v1/me/app-passwords', { label: 'x', secret: 'mine' })).status, 400);
  for (let i = 0; i < MAX_APP_PASSWORDS; i++) assert.equal((await emartin.post('/api/v1/me/app-passwords', { label: `logiciel ${i}` })).status, 201);
  assert.equal((await emartin.post('/api/v1/me/app-passwords', { label: 'un de trop' })).status, 409);
  assert.equal((await fetch(`${url}/api/v1/me/app-passwords`)).status, 401);
});
