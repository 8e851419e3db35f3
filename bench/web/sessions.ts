import type { Member } from './seed.ts';

/**
 * Each member logs in as the browser does: password, then the code the development outbox
 * received for them, then verification. Returns one session cookie per member, in order.
 * One after the other, so that each code read from the outbox is the member's latest.
 */
export async function logInAll(url: string, members: readonly Member[]): Promise<string[]> {
  const cookies: string[] = [];
  for (const member of members) cookies.push(await logIn(url, member));
  return cookies;
}

async function logIn(url: string, member: Member): Promise<string> {
  const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const started = await post('/api/v1/auth/login', { identifier: member.id, password: member.password });
  if (started.status !== 200) throw new Error(`login of ${member.id}: HTTP ${started.status} ${await started.text()}`);
  const { challengeId } = (await started.json()) as { challengeId: string };
  const outbox = await fetch(`${url}/dev/outbox/messages.json`);
  if (outbox.status !== 200) throw new Error(`development outbox: HTTP ${outbox.status}`);
  const sent = ((await outbox.json()) as { recipient: string; body: string }[]).find((item) => item.recipient === member.notifyEmail);
  const code = sent && /: (\d{6})/.exec(sent.body)?.[1];
  if (!code) throw new Error(`no login code for ${member.id} in the development outbox`);
  const verified = await post('/api/v1/auth/verify', { challengeId, code });
  if (verified.status !== 200) throw new Error(`verification of ${member.id}: HTTP ${verified.status} ${await verified.text()}`);
  const cookie = verified.headers.getSetCookie().find((value) => value.startsWith('missive_session='));
  if (!cookie) throw new Error(`no session cookie for ${member.id}`);
  return cookie.split(';')[0]!;
}
