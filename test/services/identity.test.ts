import assert from 'node:assert/strict';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { completeLogin, startLogin } from '../../src/services/identity/login.ts';
import { changePassword } from '../../src/services/identity/password-change.ts';
import { authenticateSession, listSessions, revokeSession } from '../../src/services/identity/sessions.ts';
import { recentOutbox } from '../../src/store/repositories/dev-outbox.ts';
import { engineTest } from '../support/engines.ts';
import { expectCode } from '../support/fixtures.ts';

const DOMAIN = 'demo.mssante.test';
const PASSWORD = 'une phrase de passe solide';
const MINUTE = 60_000;

async function seed(ctx: ServiceContext): Promise<void> {
  await addDomain(ctx, DOMAIN);
  for (const id of ['emartin', 'sbernard']) {
    await addUser(ctx, { id, displayName: id, password: PASSWORD, notifyEmail: `${id}@exemple.fr` });
    await addMailbox(ctx, { address: `${id}@${DOMAIN}`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
  }
  await addMailbox(ctx, { address: `cardio@${DOMAIN}`, kind: 'ORG', displayName: 'Cardio', members: [{ userId: 'emartin', rights: ALL_RIGHTS }] });
}

/** The code the notifier "sent" to this address (the development outbox keeps it). */
async function codeSentTo(ctx: ServiceContext, address: string): Promise<string> {
  const mail = (await recentOutbox(ctx.sql.read, 20)).find((item) => item.recipient === address);
  const code = mail && /code de connexion Missive : (\d{6})/.exec(mail.body)?.[1];
  assert.ok(code, `no code sent to ${address}`);
  return code;
}

async function logIn(ctx: ServiceContext, identifier: string, source = '192.0.2.1') {
  const started = await startLogin(ctx, { identifier, password: PASSWORD, source });
  return completeLogin(ctx, { challengeId: started.challengeId, code: await codeSentTo(ctx, 'emartin@exemple.fr'), source });
}

engineTest('log in with user id or personal mailbox address, password, then the e-mailed code', async (_t, rt) => {
  const { ctx } = rt;
  await seed(ctx);
  for (const identifier of ['emartin', 'EMartin', `emartin@${DOMAIN}`]) {
    const started = await startLogin(ctx, { identifier, password: PASSWORD, source: '192.0.2.1' });
    assert.equal(started.sentTo, 'e••••••@exemple.fr');
    assert.equal(started.expiresAt, rt.clock.now + 10 * MINUTE);
    const session = await completeLogin(ctx, { challengeId: started.challengeId, code: await codeSentTo(ctx, 'emartin@exemple.fr'), source: '192.0.2.1' });
    const who = await authenticateSession(ctx, session.token);
    assert.deepEqual(who.principal, { kind: 'user', userId: 'emartin' });
  }
  // Neither codes nor tokens are stored in clear.
  const stored = JSON.stringify([
    await ctx.sql.read.selectFrom('otp_challenge').selectAll().execute(),
    await ctx.sql.read.selectFrom('session').selectAll().execute(),
    await ctx.sql.read.selectFrom('audit_log').selectAll().execute(),
  ]);
  const code = await codeSentTo(ctx, 'emartin@exemple.fr');
  assert.equal(stored.includes(`"${code}"`), false);
});

engineTest('a wrong password, an unknown user and an organisational address all get the same refusal', async (_t, rt) => {
  const { ctx } = rt;
  await seed(ctx);
  for (const [identifier, password] of [['emartin', 'pas le bon mot de passe'], ['personne', PASSWORD], [`cardio@${DOMAIN}`, PASSWORD]] as const) {
    const error = await expectCode(startLogin(ctx, { identifier, password, source: `198.51.100.${identifier.length}` }), 'unauthorized');
    assert.equal(error.message, 'wrong identifier or password');
  }
  assert.equal((await recentOutbox(ctx.sql.read, 10)).length, 0, 'no code sent');
});

engineTest('the code: five tries then dead, ten minutes then dead, used once', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const source = '192.0.2.7';
  let started = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source });
  const code = await codeSentTo(ctx, 'emartin@exemple.fr');
  const wrong = code === '000000' ? '111111' : '000000';
  for (let left = 4; left >= 1; left--) {
    const error = await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: wrong, source }), 'unauthorized');
    assert.equal(error.message, `wrong code (${left} ${left === 1 ? 'try' : 'tries'} left)`);
  }
  await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: wrong, source }), 'unauthorized');
  // Five failures also put the source under back-off; once that has passed, the challenge is still dead.
  await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code, source }), 'rate_limited');
  clock.now += 2 * MINUTE;
  const dead = await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code, source }), 'unauthorized');
  assert.equal(dead.message, 'too many wrong codes: log in again');

  clock.now += 2 * 60 * MINUTE; // past the back-off the five wrong codes earned
  started = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source });
  const fresh = await codeSentTo(ctx, 'emartin@exemple.fr');
  clock.now += 10 * MINUTE;
  await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: fresh, source }), 'unauthorized');

  started = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source });
  const once = await codeSentTo(ctx, 'emartin@exemple.fr');
  await completeLogin(ctx, { challengeId: started.challengeId, code: once, source });
  await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: once, source }), 'unauthorized');
});

engineTest('lockout with back-off after repeated failures, per account and per source', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const attempt = (password: string, source: string) => startLogin(ctx, { identifier: 'emartin', password, source });
  for (let i = 0; i < 5; i++) await expectCode(attempt('mauvais mot de passe', `203.0.113.${i}`), 'unauthorized');
  // The account is now locked for a minute, whatever the source and even with the right password.
  const locked = await expectCode(attempt(PASSWORD, '203.0.113.99'), 'rate_limited');
  assert.equal(locked.message, 'too many failed attempts: try again in 1 minute');
  clock.now += MINUTE;
  await expectCode(attempt('mauvais mot de passe', '203.0.113.50'), 'unauthorized');
  assert.match((await expectCode(attempt(PASSWORD, '203.0.113.99'), 'rate_limited')).message, /try again in 2 minutes/);
  clock.now += 2 * MINUTE;
  await attempt(PASSWORD, '203.0.113.99');
  // Another account from a source that failed a lot is held back too.
  for (let i = 0; i < 5; i++) await expectCode(startLogin(ctx, { identifier: `inconnu${i}`, password: 'x'.repeat(12), source: '198.51.100.66' }), 'unauthorized');
  await expectCode(startLogin(ctx, { identifier: 'sbernard', password: PASSWORD, source: '198.51.100.66' }), 'rate_limited');
});

engineTest('sessions: list own, revoke own (not others\u2019), logged-out and expired tokens are dead', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const first = await logIn(ctx, 'emartin');
  const second = await logIn(ctx, 'emartin', '192.0.2.2');
  const listed = await listSessions(ctx, 'emartin', first.sessionId);
  assert.deepEqual(listed.map((session) => [session.id, session.current]).sort(), [[first.sessionId, true], [second.sessionId, false]].sort());
  await expectCode(revokeSession(ctx, 'sbernard', second.sessionId), 'not_found');
  await revokeSession(ctx, 'emartin', second.sessionId);
  await expectCode(authenticateSession(ctx, second.token), 'unauthorized');
  await authenticateSession(ctx, first.token);
  clock.now += 12 * 60 * MINUTE;
  await expectCode(authenticateSession(ctx, first.token), 'unauthorized');
  await expectCode(authenticateSession(ctx, 'forged-token'), 'unauthorized');
});

engineTest('password change: the current password is needed; other sessions are logged out', async (_t, rt) => {
  const { ctx } = rt;
  await seed(ctx);
  const here = await logIn(ctx, 'emartin');
  const elsewhere = await logIn(ctx, 'emartin', '192.0.2.9');
  await expectCode(changePassword(ctx, { userId: 'emartin', sessionId: here.sessionId, current: 'pas le bon', next: 'une toute nouvelle phrase' }), 'unauthorized');
  await changePassword(ctx, { userId: 'emartin', sessionId: here.sessionId, current: PASSWORD, next: 'une toute nouvelle phrase' });
  await authenticateSession(ctx, here.token);
  await expectCode(authenticateSession(ctx, elsewhere.token), 'unauthorized');
  await expectCode(startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: '192.0.2.10' }), 'unauthorized');
  await startLogin(ctx, { identifier: 'emartin', password: 'une toute nouvelle phrase', source: '192.0.2.10' });
});
