import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { completeLogin, startLogin } from '../../src/services/identity/login.ts';
import { authenticateSession } from '../../src/services/identity/sessions.ts';
import { confirmTotpSetup, removeTotp, resetTotp, setUpTotp, totpStatus } from '../../src/services/identity/totp.ts';
import { CryptoError } from '../../src/store/crypto/crypto-error.ts';
import { openRecord } from '../../src/store/crypto/sealed-record.ts';
import { recentOutbox } from '../../src/store/repositories/dev-outbox.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { expectCode } from '../support/fixtures.ts';

const DOMAIN = 'demo.mssante.test';
const PASSWORD = 'une phrase de passe solide';
const SOURCE = '192.0.2.1';
const STEP = 30_000;
const MINUTE = 60_000;

async function seed(ctx: ServiceContext): Promise<void> {
  await addDomain(ctx, DOMAIN);
  for (const id of ['emartin', 'sbernard']) {
    await addUser(ctx, { id, displayName: id, password: PASSWORD, notifyEmail: `${id}@exemple.fr` });
    await addMailbox(ctx, { address: `${id}@${DOMAIN}`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
  }
}

/** What the phone shows at `at`: computed here with otpauth, as an authenticator app would. */
function appCode(secret: string, at: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
}

/** A code that is none of the app's codes within two steps of `at`. */
function wrongCode(secret: string, at: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((steps) => appCode(secret, at + steps * STEP)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

/** Enrols and confirms; the clock then moves one step on, past the step the confirmation spent. */
async function enrol(rt: TestRuntime, userId: string): Promise<string> {
  const { secret } = await setUpTotp(rt.ctx, { userId, password: PASSWORD, source: SOURCE });
  await confirmTotpSetup(rt.ctx, { userId, code: appCode(secret, rt.clock.now) });
  rt.clock.now += STEP;
  return secret;
}

async function outboxSize(ctx: ServiceContext): Promise<number> {
  return (await recentOutbox(ctx.sql.read, 1000)).length;
}

async function auditActions(ctx: ServiceContext): Promise<string[]> {
  const rows = await ctx.sql.read.selectFrom('audit_log').select(['action', 'result']).orderBy('seq').execute();
  return rows.map((row) => `${row.action}:${row.result}`);
}

engineTest('TOTP: enrol, confirm with a code from the app; then login asks for the app code and sends no e-mail', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: false, pending: false });
  const { secret, uri } = await setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE });
  assert.match(secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
  assert.equal(Secret.fromBase32(secret).bytes.length, 20);
  assert.equal(uri, `otpauth://totp/Missive:emartin?secret=${secret}&issuer=Missive&algorithm=SHA1&digits=6&period=30`);
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: false, pending: true });

  // Pending, the app changes nothing at login: the code is still e-mailed.
  const byMail = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE });
  assert.equal(byMail.method, 'email');
  assert.equal(byMail.sentTo, 'e••••••@exemple.fr');
  assert.equal(await outboxSize(ctx), 1);

  await confirmTotpSetup(ctx, { userId: 'emartin', code: appCode(secret, clock.now) });
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: true, pending: false });
  assert.deepEqual(await totpStatus(ctx, 'sbernard'), { enabled: false, pending: false });

  clock.now += STEP;
  const started = await startLogin(ctx, { identifier: `emartin@${DOMAIN}`, password: PASSWORD, source: SOURCE });
  assert.deepEqual({ method: started.method, sentTo: started.sentTo, expiresAt: started.expiresAt }, { method: 'totp', sentTo: '', expiresAt: clock.now + 10 * MINUTE });
  assert.equal(await outboxSize(ctx), 1, 'no e-mail sent');
  const session = await completeLogin(ctx, { challengeId: started.challengeId, code: appCode(secret, clock.now), source: SOURCE });
  assert.deepEqual((await authenticateSession(ctx, session.token)).principal, { kind: 'user', userId: 'emartin' });

  // An e-mail challenge made before enrolment stays an e-mail challenge.
  const mailed = /: (\d{6})/.exec((await recentOutbox(ctx.sql.read, 1))[0]!.body)![1]!;
  await completeLogin(ctx, { challengeId: byMail.challengeId, code: mailed, source: SOURCE });

  const actions = await auditActions(ctx);
  for (const action of ['totp.setup:ok', 'totp.confirm:ok', 'login.totp:ok']) assert.ok(actions.includes(action), action);
  const audit = JSON.stringify(await ctx.sql.read.selectFrom('audit_log').selectAll().execute());
  assert.equal(audit.includes(secret), false);
  assert.equal(audit.includes(appCode(secret, clock.now)), false);
});

engineTest('TOTP: a code is good once; one step of drift either way is accepted, two are not', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const { secret } = await setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE });
  const confirmedWith = appCode(secret, clock.now);
  await confirmTotpSetup(ctx, { userId: 'emartin', code: confirmedWith });
  const login = () => startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE });
  const verify = (challengeId: string, code: string) => completeLogin(ctx, { challengeId, code, source: SOURCE });

  // The code that confirmed the app is spent too.
  let started = await login();
  const replayed = await expectCode(verify(started.challengeId, confirmedWith), 'unauthorized');
  assert.equal(replayed.message, 'this code was already used: wait for the next one (4 tries left)');

  clock.now += 10 * STEP;
  const now = clock.now;
  await expectCode(verify(started.challengeId, appCode(secret, now + 2 * STEP)), 'unauthorized');
  await expectCode(verify(started.challengeId, appCode(secret, now - 2 * STEP)), 'unauthorized');
  await verify(started.challengeId, appCode(secret, now - STEP));

  // The same code again, even on a fresh challenge, is refused; so is any earlier step.
  started = await login();
  assert.match((await expectCode(verify(started.challengeId, appCode(secret, now - STEP)), 'unauthorized')).message, /already used/);
  await verify(started.challengeId, appCode(secret, now));
  started = await login();
  assert.match((await expectCode(verify(started.challengeId, appCode(secret, now - STEP)), 'unauthorized')).message, /already used/);
  await verify(started.challengeId, appCode(secret, now + STEP));
  started = await login();
  assert.match((await expectCode(verify(started.challengeId, appCode(secret, now)), 'unauthorized')).message, /already used/);
  assert.match((await expectCode(verify(started.challengeId, appCode(secret, now + STEP)), 'unauthorized')).message, /already used/);

  const row = await ctx.sql.read.selectFrom('totp_credential').select('last_step').where('user_id', '=', 'emartin').executeTakeFirstOrThrow();
  assert.equal(Number(row.last_step), Math.floor(now / STEP) + 1);
});

engineTest('TOTP: one code sent on two challenges at once opens one session, not two', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const secret = await enrol(rt, 'emartin');
  const first = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE });
  const second = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE });
  const code = appCode(secret, clock.now);
  const results = await Promise.allSettled([first, second].map((started) => completeLogin(ctx, { challengeId: started.challengeId, code, source: SOURCE })));
  assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
  const refused = results.find((result) => result.status === 'rejected');
  assert.match(String(refused?.reason?.message), /already used/);
  const sessions = await ctx.sql.read.selectFrom('session').select('id').where('user_id', '=', 'emartin').execute();
  assert.equal(sessions.length, 1);
});

engineTest('TOTP: five wrong codes kill the challenge; ten minutes too; the throttle is the login one', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const secret = await enrol(rt, 'emartin');
  const source = '192.0.2.7';
  let started = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source });
  const wrong = wrongCode(secret, clock.now);
  for (let left = 4; left >= 1; left--) {
    const error = await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: wrong, source }), 'unauthorized');
    assert.equal(error.message, `wrong code (${left} ${left === 1 ? 'try' : 'tries'} left)`);
  }
  await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: wrong, source }), 'unauthorized');
  await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: appCode(secret, clock.now), source }), 'rate_limited');
  await expectCode(startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: '192.0.2.8' }), 'rate_limited');
  clock.now += 2 * MINUTE;
  const dead = await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: appCode(secret, clock.now), source }), 'unauthorized');
  assert.equal(dead.message, 'too many wrong codes: log in again');
  assert.ok((await auditActions(ctx)).includes('login.totp:refused'));

  clock.now += 2 * 60 * MINUTE;
  started = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source });
  clock.now += 10 * MINUTE;
  const expired = await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code: appCode(secret, clock.now), source }), 'unauthorized');
  assert.equal(expired.message, 'this code is no longer valid: log in again');
});

engineTest('TOTP set-up: the password is needed and a wrong one counts like a failed login; enabled is a conflict; again while pending replaces', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const wrongPassword = await expectCode(setUpTotp(ctx, { userId: 'emartin', password: 'pas le bon mot de passe', source: SOURCE }), 'unauthorized');
  assert.equal(wrongPassword.message, 'the password is not right');
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: false, pending: false });
  assert.ok((await auditActions(ctx)).includes('totp.setup:refused'));

  const first = await setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE });
  const second = await setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE });
  assert.notEqual(first.secret, second.secret);
  assert.equal((await ctx.sql.read.selectFrom('totp_credential').selectAll().execute()).length, 1);
  // The replaced secret no longer confirms anything; the new one does.
  await expectCode(confirmTotpSetup(ctx, { userId: 'emartin', code: appCode(first.secret, clock.now) }), 'unauthorized');
  await confirmTotpSetup(ctx, { userId: 'emartin', code: appCode(second.secret, clock.now) });

  await expectCode(setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE }), 'conflict');
  await expectCode(confirmTotpSetup(ctx, { userId: 'emartin', code: appCode(second.secret, clock.now + STEP) }), 'conflict');
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: true, pending: false });

  // Guessing the password through set-up locks the account for login too.
  for (let i = 1; i < 5; i++) await expectCode(setUpTotp(ctx, { userId: 'sbernard', password: `mauvais essai ${i}`, source: `203.0.113.${i}` }), 'unauthorized');
  await expectCode(setUpTotp(ctx, { userId: 'sbernard', password: 'mauvais essai 5', source: '203.0.113.5' }), 'unauthorized');
  await expectCode(setUpTotp(ctx, { userId: 'sbernard', password: PASSWORD, source: '203.0.113.6' }), 'rate_limited');
  await expectCode(startLogin(ctx, { identifier: 'sbernard', password: PASSWORD, source: '203.0.113.7' }), 'rate_limited');
  clock.now += MINUTE;
  await setUpTotp(ctx, { userId: 'sbernard', password: PASSWORD, source: '203.0.113.7' });
});

engineTest('TOTP confirmation: five wrong codes discard the pending secret; a pending secret never changes login', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const { secret } = await setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE });
  const wrong = wrongCode(secret, clock.now);
  for (let left = 4; left >= 1; left--) {
    const error = await expectCode(confirmTotpSetup(ctx, { userId: 'emartin', code: wrong }), 'unauthorized');
    assert.equal(error.message, `wrong code (${left} ${left === 1 ? 'try' : 'tries'} left)`);
    assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: false, pending: true });
  }
  const last = await expectCode(confirmTotpSetup(ctx, { userId: 'emartin', code: wrong }), 'unauthorized');
  assert.equal(last.message, 'too many wrong codes: set up the app again');
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: false, pending: false });
  await expectCode(confirmTotpSetup(ctx, { userId: 'emartin', code: appCode(secret, clock.now) }), 'conflict');
  assert.equal((await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE })).method, 'email');

  // A new set-up starts the count again.
  const again = await setUpTotp(ctx, { userId: 'emartin', password: PASSWORD, source: SOURCE });
  for (let i = 0; i < 4; i++) await expectCode(confirmTotpSetup(ctx, { userId: 'emartin', code: wrongCode(again.secret, clock.now) }), 'unauthorized');
  await confirmTotpSetup(ctx, { userId: 'emartin', code: appCode(again.secret, clock.now) });
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: true, pending: false });
});

engineTest('TOTP removal needs both the password and a fresh code; login then goes back to the e-mail', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  await expectCode(removeTotp(ctx, { userId: 'emartin', password: PASSWORD, code: '123456', source: SOURCE }), 'not_found');
  const secret = await enrol(rt, 'emartin');
  const remove = (password: string, code: string) => removeTotp(ctx, { userId: 'emartin', password, code, source: SOURCE });
  await expectCode(remove('pas le bon mot de passe', appCode(secret, clock.now)), 'unauthorized');
  assert.equal((await expectCode(remove(PASSWORD, wrongCode(secret, clock.now)), 'unauthorized')).message, 'wrong code');
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: true, pending: false });

  // A code spent at login cannot remove the app.
  const started = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE });
  const used = appCode(secret, clock.now);
  await completeLogin(ctx, { challengeId: started.challengeId, code: used, source: SOURCE });
  await expectCode(remove(PASSWORD, used), 'unauthorized');
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: true, pending: false });

  clock.now += STEP;
  await remove(PASSWORD, appCode(secret, clock.now));
  assert.deepEqual(await totpStatus(ctx, 'emartin'), { enabled: false, pending: false });
  assert.ok((await auditActions(ctx)).includes('totp.remove:ok'));
  assert.ok((await auditActions(ctx)).includes('totp.remove:refused'));
  assert.equal((await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE })).method, 'email');
});

engineTest('TOTP secret: sealed at rest, and a sealed secret copied onto another user\u2019s row does not verify', async (_t, rt) => {
  const { ctx, clock } = rt;
  await seed(ctx);
  const mine = await enrol(rt, 'emartin');
  const row = await ctx.sql.read.selectFrom('totp_credential').selectAll().where('user_id', '=', 'emartin').executeTakeFirstOrThrow();
  const sealed = Buffer.from(row.secret_sealed);
  const raw = Buffer.from(Secret.fromBase32(mine).bytes);
  assert.equal(sealed.includes(raw), false, 'raw secret bytes absent');
  for (const encoding of ['latin1', 'hex', 'base64', 'utf8'] as const) assert.equal(sealed.toString(encoding).includes(mine), false);
  assert.equal(JSON.stringify(row).includes(mine), false);
  assert.deepEqual(openRecord(ctx.kek, 'totp', 'emartin', sealed), raw);
  assert.throws(() => openRecord(ctx.kek, 'totp', 'sbernard', sealed), CryptoError);

  // sbernard has an app of his own; emartin's sealed secret is copied onto his row.
  const theirs = await enrol(rt, 'sbernard');
  await ctx.sql.write((trx) => trx.updateTable('totp_credential').set({ secret_sealed: sealed }).where('user_id', '=', 'sbernard').execute());
  const started = await startLogin(ctx, { identifier: 'sbernard', password: PASSWORD, source: SOURCE });
  assert.equal(started.method, 'totp');
  for (const code of [appCode(mine, clock.now), appCode(theirs, clock.now)]) {
    assert.match((await expectCode(completeLogin(ctx, { challengeId: started.challengeId, code, source: SOURCE }), 'unauthorized')).message, /^wrong code/);
  }
  await expectCode(removeTotp(ctx, { userId: 'sbernard', password: PASSWORD, code: appCode(mine, clock.now), source: SOURCE }), 'unauthorized');
  // emartin's own credential is untouched.
  const again = await startLogin(ctx, { identifier: 'emartin', password: PASSWORD, source: '192.0.2.50' });
  await completeLogin(ctx, { challengeId: again.challengeId, code: appCode(mine, clock.now), source: '192.0.2.50' });
});

engineTest('TOTP reset by an administrator (lost phone): app forgotten, sessions ended, login back to the e-mail; audited', async (_t, rt) => {
  await seed(rt.ctx);
  const secret = await enrol(rt, 'emartin');
  const started = await startLogin(rt.ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE });
  assert.equal(started.method, 'totp');
  const session = await completeLogin(rt.ctx, { challengeId: started.challengeId, code: appCode(secret, rt.clock.now), source: SOURCE });
  await setUpTotp(rt.ctx, { userId: 'sbernard', password: PASSWORD, source: SOURCE });

  await resetTotp(rt.ctx, { userId: 'emartin', operator: 'cli' });
  assert.deepEqual(await totpStatus(rt.ctx, 'emartin'), { enabled: false, pending: false });
  await expectCode(authenticateSession(rt.ctx, session.token), 'unauthorized');
  assert.equal((await startLogin(rt.ctx, { identifier: 'emartin', password: PASSWORD, source: SOURCE })).method, 'email');
  assert.ok((await auditActions(rt.ctx)).includes('totp.reset:ok'));
  await expectCode(resetTotp(rt.ctx, { userId: 'emartin', operator: 'cli' }), 'not_found');
  await expectCode(resetTotp(rt.ctx, { userId: 'nobody', operator: 'cli' }), 'not_found');
  assert.deepEqual(await totpStatus(rt.ctx, 'sbernard'), { enabled: false, pending: true }, 'only the named user is touched');
});
