import assert from 'node:assert/strict';

export const PASSWORD = 'une phrase de passe solide';

/**
 * The browser's way in: identifier and password, the code read from the development outbox
 * (sent to `<user>@exemple.fr`), then verification; returns the session cookie and CSRF token.
 */
export async function logIn(url: string, user: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const started = await post('/api/v1/auth/login', { identifier: user, password: PASSWORD });
  assert.equal(started.status, 200);
  const { challengeId } = (await started.json()) as { challengeId: string };
  const outbox = (await (await fetch(`${url}/dev/outbox/messages.json`)).json()) as { recipient: string; body: string }[];
  const code = /: (\d{6})/.exec(outbox.find((item) => item.recipient === `${user}@exemple.fr`)!.body)![1]!;
  const verified = await post('/api/v1/auth/verify', { challengeId, code });
  assert.equal(verified.status, 200);
  const setCookie = verified.headers.get('set-cookie') ?? '';
  const { csrfToken } = (await verified.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrf: csrfToken, setCookie };
}
