import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { logIn, PASSWORD } from './login.ts';
import { as, D, serve, type Session } from './server.ts';

const STEP = 30_000;

function appCode(secret: string, at: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
}

function wrongCode(secret: string, at: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((steps) => appCode(secret, at + steps * STEP)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

const post = (url: string, path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function outboxSize(url: string): Promise<number> {
  return ((await (await fetch(`${url}/dev/outbox/messages.json`)).json()) as unknown[]).length;
}

/** Enrols the session's user and confirms; the clock moves past the step the confirmation spent. */
async function enrol(rt: TestRuntime, url: string, session: Session): Promise<string> {
  const me = as(url, session);
  const setup = await me.post('/api/v1/auth/totp/setup', { password: PASSWORD });
  assert.equal(setup.status, 200);
  const { secret } = (await setup.json()) as { secret: string };
  assert.equal((await me.post('/api/v1/auth/totp/confirm', { code: appCode(secret, rt.clock.now) })).status, 204);
  rt.clock.now += STEP;
  return secret;
}

engineTest('HTTP TOTP: enrol, confirm, then log in with the app; no e-mail is sent and a code works once', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const session = await logIn(url, 'emartin');
    const me = as(url, session);
    assert.deepEqual(await (await me.get('/api/v1/auth/totp')).json(), { enabled: false, pending: false });
    assert.equal((await fetch(`${url}/api/v1/auth/totp`)).status, 401);
    const noCsrf = await fetch(`${url}/api/v1/auth/totp/setup`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    assert.equal(noCsrf.status, 403);
    const wrongPassword = await me.post('/api/v1/auth/totp/setup', { password: 'pas le bon mot de passe' });
    assert.equal(wrongPassword.status, 401);

    const setup = await me.post('/api/v1/auth/totp/setup', { password: PASSWORD });
    assert.equal(setup.status, 200);
    const { secret, uri } = (await setup.json()) as { secret: string; uri: string };
    assert.equal(uri, `otpauth://totp/Missive:emartin?secret=${secret}&issuer=Missive&algorithm=SHA1&digits=6&period=30`);
    assert.deepEqual(await (await me.get('/api/v1/auth/totp')).json(), { enabled: false, pending: true });

    const wrong = await me.post('/api/v1/auth/totp/confirm', { code: wrongCode(secret, rt.clock.now) });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { error: 'unauthorized', message: 'wrong code (4 tries left)' });
    assert.equal((await me.post('/api/v1/auth/totp/confirm', { code: 'abcdef' })).status, 401);
    assert.equal((await me.post('/api/v1/auth/totp/confirm', { code: '1234567' })).status, 400);
    assert.equal((await me.post('/api/v1/auth/totp/confirm', { code: appCode(secret, rt.clock.now) })).status, 204);
    assert.deepEqual(await (await me.get('/api/v1/auth/totp')).json(), { enabled: true, pending: false });
    assert.equal((await me.post('/api/v1/auth/totp/setup', { password: PASSWORD })).status, 409);

    rt.clock.now += STEP;
    const before = await outboxSize(url);
    const started = await post(url, '/api/v1/auth/login', { identifier: 'emartin', password: PASSWORD });
    assert.equal(started.status, 200);
    const challenge = (await started.json()) as { challengeId: string; sentTo: string; expiresAt: number; method: string };
    assert.deepEqual({ method: challenge.method, sentTo: challenge.sentTo }, { method: 'totp', sentTo: '' });
    assert.equal(await outboxSize(url), before, 'no e-mail sent');
    const code = appCode(secret, rt.clock.now);
    const verified = await post(url, '/api/v1/auth/verify', { challengeId: challenge.challengeId, code });
    assert.equal(verified.status, 200);
    const cookie = (verified.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.equal((await fetch(`${url}/api/v1/auth/sessions`, { headers: { cookie } })).status, 200);

    // The same code on a new challenge is refused.
    const again = (await (await post(url, '/api/v1/auth/login', { identifier: 'emartin', password: PASSWORD })).json()) as { challengeId: string };
    const replayed = await post(url, '/api/v1/auth/verify', { challengeId: again.challengeId, code });
    assert.equal(replayed.status, 401);
    assert.match(((await replayed.json()) as { message: string }).message, /already used/);
  } finally {
    await app.close();
  }
});

engineTest('HTTP TOTP: another user\u2019s session cannot see or touch my enrolment', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const mine = await logIn(url, 'emartin');
    const theirs = as(url, await logIn(url, 'sbernard'));
    const secret = await enrol(rt, url, mine);

    assert.deepEqual(await (await theirs.get('/api/v1/auth/totp')).json(), { enabled: false, pending: false });
    assert.equal((await theirs.post('/api/v1/auth/totp/confirm', { code: appCode(secret, rt.clock.now) })).status, 409);
    assert.equal((await theirs.delete('/api/v1/auth/totp', { password: PASSWORD, code: appCode(secret, rt.clock.now) })).status, 404);
    // No way to name another user: unknown properties are refused.
    for (const body of [{ password: PASSWORD, userId: 'emartin' }, { password: PASSWORD, user_id: 'emartin' }]) {
      const response = await theirs.post('/api/v1/auth/totp/setup', body);
      assert.equal(response.status, 400);
    }
    assert.equal((await theirs.delete('/api/v1/auth/totp', { password: PASSWORD, code: appCode(secret, rt.clock.now), userId: 'emartin' })).status, 400);
    // sbernard's own set-up stays his own.
    assert.equal((await theirs.post('/api/v1/auth/totp/setup', { password: PASSWORD })).status, 200);
    assert.deepEqual(await (await theirs.get('/api/v1/auth/totp')).json(), { enabled: false, pending: true });

    assert.deepEqual(await (await as(url, mine).get('/api/v1/auth/totp')).json(), { enabled: true, pending: false });
    const started = (await (await post(url, '/api/v1/auth/login', { identifier: `emartin@${D}`, password: PASSWORD })).json()) as { challengeId: string; method: string };
    assert.equal(started.method, 'totp');
    assert.equal((await post(url, '/api/v1/auth/verify', { challengeId: started.challengeId, code: appCode(secret, rt.clock.now) })).status, 200);
    // sbernard's pending set-up does not change his login.
    const his = (await (await post(url, '/api/v1/auth/login', { identifier: 'sbernard', password: PASSWORD })).json()) as { method: string; sentTo: string };
    assert.deepEqual(his, { ...his, method: 'email', sentTo: 's•••••••@exemple.fr' });
  } finally {
    await app.close();
  }
});

engineTest('HTTP TOTP: removal needs the password and a code; login goes back to the e-mail; the routes are documented', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const session = await logIn(url, 'emartin');
    const me = as(url, session);
    assert.equal((await me.delete('/api/v1/auth/totp', { password: PASSWORD, code: '123456' })).status, 404);
    const secret = await enrol(rt, url, session);
    assert.equal((await me.delete('/api/v1/auth/totp', { password: PASSWORD })).status, 400);
    assert.equal((await me.delete('/api/v1/auth/totp', { code: appCode(secret, rt.clock.now) })).status, 400);
    assert.equal((await me.delete('/api/v1/auth/totp', { password: 'pas le bon mot de passe', code: appCode(secret, rt.clock.now) })).status, 401);
    assert.equal((await me.delete('/api/v1/auth/totp', { password: PASSWORD, code: wrongCode(secret, rt.clock.now) })).status, 401);
    assert.deepEqual(await (await me.get('/api/v1/auth/totp')).json(), { enabled: true, pending: false });
    assert.equal((await me.delete('/api/v1/auth/totp', { password: PASSWORD, code: appCode(secret, rt.clock.now) })).status, 204);
    assert.deepEqual(await (await me.get('/api/v1/auth/totp')).json(), { enabled: false, pending: false });
    const started = (await (await post(url, '/api/v1/auth/login', { identifier: 'emartin', password: PASSWORD })).json()) as { method: string };
    assert.equal(started.method, 'email');

    const document = (await (await fetch(`${url}/api/docs`)).json()) as { paths: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(document.paths['/api/v1/auth/totp'] ?? {}).sort(), ['delete', 'get']);
    for (const path of ['/api/v1/auth/totp/setup', '/api/v1/auth/totp/confirm']) assert.ok(document.paths[path]?.post, `${path} documented`);
    const login = document.paths['/api/v1/auth/login']!.post as { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> };
    assert.ok('method' in login.responses['200']!.content['application/json']!.schema.properties);
  } finally {
    await app.close();
  }
});
