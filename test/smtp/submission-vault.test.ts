import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { enterVaultCode } from '../../src/services/vault/vault-access.ts';
import { recentOutbox } from '../../src/store/repositories/dev-outbox.ts';
import { engineTest } from '../support/engines.ts';
import { startTestSubmission } from '../support/smtp.ts';
import { DOMAIN, eventually, openAs, seedSmallOperator } from '../support/fixtures.ts';

const exec = promisify(execFile);
const OUTSIDE = 'assistante.sociale@mairie-lisieux.example';

engineTest('SMTP submission to someone outside the trust space: the vault copy waits, and the code to dictate reaches the sender in her Inbox, where her mail client shows it', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'emartin', 'client');
  const smtp = await startTestSubmission(t, rt);
  const sent = await exec('swaks', ['--server', `127.0.0.1:${smtp.port}`, '--tls', '--auth', 'PLAIN', '--auth-user', 'emartin', '--auth-password', secret, '--from', `emartin@${DOMAIN}`, '--to', OUTSIDE, '--header', 'Subject: Bilan social de M. Leroy', '--body', 'Bonjour, voici le bilan.']);
  assert.match(sent.stdout, /<~ {2}250 /);

  const notices = () => rt.ctx.sql.read.selectFrom('message').select(['id', 'subject']).where('sender', '=', `mailer-daemon@${DOMAIN}`).execute();
  await eventually('the codes notice is filed', async () => (await notices()).length === 1, 10_000);
  const [notice] = await notices();
  assert.equal(notice!.subject, 'Codes d’accès à dicter / Access codes to read out');
  const text = (await openAs(rt.ctx, 'emartin', notice!.id)).content.toString('utf8');
  assert.match(text, /Bilan social de M\. Leroy/, 'the sender knows which message it is about');
  const code = new RegExp(`${OUTSIDE.replace(/\./g, '\\.')} : (\\d{4}) (\\d{4})`).exec(text);
  assert.ok(code, text);
  // What the database keeps in clear (subject, preview, search words) holds no code.
  const row = await rt.ctx.sql.read.selectFrom('message').selectAll().where('id', '=', notice!.id).executeTakeFirstOrThrow();
  assert.doesNotMatch(JSON.stringify(row), new RegExp(`${code[1]} ?${code[2]}`));

  // The recipient's link, from the notification; the code from the sender's Inbox opens it.
  const mail = (await recentOutbox(rt.ctx.sql.read, 10)).find((item) => item.recipient === OUTSIDE)!;
  assert.doesNotMatch(mail.body, new RegExp(`${code[1]} ?${code[2]}`), 'the code is not in the recipient’s e-mail');
  const link = /\/coffre\/([A-Za-z0-9_-]{43})/.exec(mail.body)![1]!;
  assert.equal((await enterVaultCode(rt.ctx, link, `${code[1]}${code[2]}`, '127.0.0.1')).ok, true);
});
