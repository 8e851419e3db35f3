import assert from 'node:assert/strict';
import { readMessageBody } from '../../src/services/message-body.ts';
import { enterVaultCode, MAX_WRONG_CODES, vaultLink, vaultSession } from '../../src/services/vault/vault-access.ts';
import { replyFromVault } from '../../src/services/vault/vault-reply.ts';
import { renewVaultAccess, revokeVaultCopy, vaultCopies } from '../../src/services/vault/vault-sender.ts';
import { recentOutbox } from '../../src/store/repositories/dev-outbox.ts';
import { proofEventsOf } from '../../src/store/repositories/proofs.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { DOMAIN, expectCode, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';
import { sendComposed } from '../../src/services/compose.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { grantMember } from '../../src/services/accounts.ts';
import { retryVaultNotices } from '../../src/services/vault/vault-notices.ts';

const OUTSIDE = 'assistante.sociale@mairie-lisieux.example';
const at = (local: string) => `${local}@${DOMAIN}`;

async function linkAndCode(rt: TestRuntime, address = OUTSIDE) {
  const outbox = await recentOutbox(rt.ctx.sql.read, 20);
  const mail = outbox.find((item) => item.channel === 'email' && item.recipient === address)!;
  const link = /\/coffre\/([A-Za-z0-9_-]{43})/.exec(mail.body)![1]!;
  const sms = outbox.find((item) => item.channel === 'sms');
  return { mail, link, code: sms ? /(\d{8})/.exec(sms.body)![1]! : null, sms };
}

engineTest('vault: a message to an address outside the trust space waits in the vault; the e-mail says who and until when, never what; the code opens it once, proven', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const sent = await sendComposed(rt.ctx, { kind: 'user', userId: 'emartin' }, { from: at('emartin'), to: [OUTSIDE], cc: [], subject: 'Bilan de Mme Durand', text: 'Le bilan est rassurant.' }, 'web');
  assert.equal(sent.vault.length, 1);
  const [copy] = sent.vault;
  assert.match(copy!.code!, /^\d{8}$/, 'no phone given: the code is for the sender to dictate');
  assert.equal(copy!.notified, true);

  const { mail, link } = await linkAndCode(rt);
  assert.match(mail.subject, /Message sécurisé de/);
  assert.doesNotMatch(`${mail.subject} ${mail.body}`, /Bilan|Durand|rassurant/, 'no subject, no text in the notification');
  assert.match(mail.body, /valable jusqu’au/);
  // Neither the link nor the code is stored in clear.
  const row = await rt.ctx.sql.read.selectFrom('vault_item').selectAll().executeTakeFirstOrThrow();
  assert.ok(!JSON.stringify(row).includes(link) && !JSON.stringify(row).includes(copy!.code!));

  assert.equal((await vaultLink(rt.ctx, link)).state, 'live');
  assert.equal((await vaultLink(rt.ctx, 'x'.repeat(43))).state, 'unknown');
  const wrong = await enterVaultCode(rt.ctx, link, '00000000', '127.0.0.1');
  assert.deepEqual(wrong, { ok: false, state: 'live', triesLeft: MAX_WRONG_CODES - 1 });
  const right = await enterVaultCode(rt.ctx, link, copy!.code!, '127.0.0.1');
  assert.ok(right.ok);
  const session = await vaultSession(rt.ctx, link, right.session);
  assert.ok(session);
  assert.equal(await vaultSession(rt.ctx, link, 'y'.repeat(43)), null);

  const body = await readMessageBody(rt.ctx, { principal: session.principal, messageId: sent.messageId });
  assert.equal(body.text?.trim(), 'Le bilan est rassurant.');
  await readMessageBody(rt.ctx, { principal: session.principal, messageId: sent.messageId });
  const opened = (await proofEventsOf(rt.ctx.sql.read, sent.messageId)).filter((event) => event.type === 'opened');
  assert.deepEqual(opened.map((event) => [event.recipient, event.actor, event.channel]), [[OUTSIDE, `vault:${OUTSIDE}`, 'vault']]);
  const [tracked] = await vaultCopies(rt.ctx, { kind: 'user', userId: 'emartin' }, sent.messageId);
  assert.equal(tracked!.state, 'opened');

  // The link reads that message only.
  const other = await send(rt.ctx, at('emartin'), 'emartin', rawMessage({ from: at('emartin'), to: [at('sbernard')] }));
  await expectCode(readMessageBody(rt.ctx, { principal: session.principal, messageId: other.messageId }), 'not_found');

  // A reply comes back into the sender's Inbox, in the thread; a thread allows more than one.
  const reply = await replyFromVault(rt.ctx, session.principal, session.item, { text: 'Merci docteur.', attachments: [{ filename: 'avis.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 avis') }] });
  assert.equal(reply.recipients[0]!.address, at('emartin'));
  const answered = await rt.ctx.sql.read.selectFrom('message').select(['sender', 'subject']).where('id', '=', reply.messageId).executeTakeFirstOrThrow();
  assert.deepEqual({ ...answered }, { sender: OUTSIDE, subject: 'Re: Bilan de Mme Durand' });
});

engineTest('vault: five wrong codes kill the link; a new code revives it; a revoked or expired link opens nothing; one reply means one', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const emartin = { kind: 'user' as const, userId: 'emartin' };
  const sent = await sendComposed(rt.ctx, emartin, { from: at('emartin'), to: [OUTSIDE], cc: [], subject: 'Résultats', text: 'Voici.' }, 'web');
  const first = await linkAndCode(rt);
  for (let i = 0; i < MAX_WRONG_CODES; i++) await enterVaultCode(rt.ctx, first.link, '11111111', '127.0.0.1');
  assert.equal((await vaultLink(rt.ctx, first.link)).state, 'locked');
  assert.deepEqual(await enterVaultCode(rt.ctx, first.link, sent.vault[0]!.code!, '127.0.0.1'), { ok: false, state: 'locked', triesLeft: 0 }, 'even the right code, once locked');

  // A new code revives the link the recipient already has (its e-mail went out); the old code is dead.
  const renewed = await renewVaultAccess(rt.ctx, emartin, sent.messageId, sent.vault[0]!.itemId);
  assert.equal(renewed.copy.state, 'waiting');
  assert.notEqual(renewed.code, sent.vault[0]!.code);
  assert.equal((await enterVaultCode(rt.ctx, first.link, sent.vault[0]!.code!, '127.0.0.1')).ok, false);
  assert.ok((await enterVaultCode(rt.ctx, first.link, renewed.code!, '127.0.0.1')).ok);
  const second = first;

  await revokeVaultCopy(rt.ctx, emartin, sent.messageId, sent.vault[0]!.itemId);
  assert.equal((await vaultLink(rt.ctx, second.link)).state, 'revoked');
  await expectCode(renewVaultAccess(rt.ctx, emartin, sent.messageId, sent.vault[0]!.itemId), 'conflict');
  // Only the sending side acts on its copies.
  await expectCode(revokeVaultCopy(rt.ctx, { kind: 'user', userId: 'sbernard' }, sent.messageId, sent.vault[0]!.itemId), 'not_found');

  // One reply allowed, to a phone number by SMS; the link expires after the days chosen.
  const patient = await deposit(rt.ctx, {
    principal: emartin,
    channel: 'web',
    envelope: { from: at('emartin'), to: ['m.durand@example.org'] },
    source: [rawMessage({ from: at('emartin'), to: ['m.durand@example.org'], subject: 'Compte rendu' })],
    vault: { phones: { 'm.durand@example.org': '06 12 34 56 78' }, replies: 'once', expiresInDays: 2, patientIns: '2 55 08 2A 004 001 94' },
  });
  assert.equal(patient.vault[0]!.code, null, 'sent by SMS: not shown to the sender');
  const bySms = await linkAndCode(rt, 'm.durand@example.org');
  assert.equal(bySms.sms!.recipient, '+33612345678');
  assert.doesNotMatch(bySms.mail.body, new RegExp(bySms.code!), 'the code never travels with the link');
  const ins = await rt.ctx.sql.read.selectFrom('message').select('patient_ins').where('id', '=', patient.messageId).executeTakeFirstOrThrow();
  assert.equal(ins.patient_ins, '255082A00400194');
  const code = await enterVaultCode(rt.ctx, bySms.link, bySms.code!, '127.0.0.1');
  assert.ok(code.ok);
  const session = (await vaultSession(rt.ctx, bySms.link, code.session))!;
  await replyFromVault(rt.ctx, session.principal, session.item, { text: 'Bien reçu.', attachments: [] });
  await expectCode(replyFromVault(rt.ctx, session.principal, (await vaultSession(rt.ctx, bySms.link, code.session))!.item, { text: 'Encore.', attachments: [] }), 'forbidden');
  rt.clock.now += 3 * 86_400_000;
  assert.equal((await vaultLink(rt.ctx, bySms.link)).state, 'expired');

  // A bad INS or phone refuses the message before anything is stored.
  await expectCode(deposit(rt.ctx, { principal: emartin, channel: 'web', envelope: { from: at('emartin'), to: ['x@example.org'] }, source: [rawMessage({ from: at('emartin'), to: ['x@example.org'] })], vault: { patientIns: '255082A00400193' } }), 'invalid_argument');
  await expectCode(deposit(rt.ctx, { principal: emartin, channel: 'web', envelope: { from: at('emartin'), to: ['x@example.org'] }, source: [rawMessage({ from: at('emartin'), to: ['x@example.org'] })], vault: { codeBy: 'sms' } }), 'invalid_argument');
});

engineTest('vault: X-MSS-MES: FIN (to a patient, no answer expected) forbids replies whatever was asked', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const raw = Buffer.from(rawMessage({ from: at('emartin'), to: ['p@example.org'], subject: 'Information' }).toString().replace('Subject:', 'X-MSS-MES: FIN\r\nSubject:'));
  const sent = await deposit(rt.ctx, { principal: { kind: 'user', userId: 'emartin' }, channel: 'web', envelope: { from: at('emartin'), to: ['p@example.org'] }, source: [raw], vault: { replies: 'thread' } });
  const { link } = await linkAndCode(rt, 'p@example.org');
  const entered = await enterVaultCode(rt.ctx, link, sent.vault[0]!.code!, '127.0.0.1');
  assert.ok(entered.ok);
  const session = (await vaultSession(rt.ctx, link, entered.session))!;
  assert.equal(session.item.replies, 'none');
  await expectCode(replyFromVault(rt.ctx, session.principal, session.item, { text: 'Question ?', attachments: [] }), 'forbidden');
});

engineTest('vault: a patient by INS and contact goes to the vault at their e-mail with the code by SMS (or to the patient space once whitelisted); the INS is kept, "no reply" is said as X-MSS-MES: FIN', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const emartin = { kind: 'user' as const, userId: 'emartin' };
  const sent = await sendComposed(rt.ctx, emartin, {
    from: at('emartin'),
    to: [],
    cc: [],
    subject: 'Votre compte rendu',
    text: 'Bonjour Madame.',
    vault: { replies: 'none' },
    patient: { ins: '184067512345641', email: 'j.leroy@example.org', phone: '07 01 02 03 04' },
  });
  assert.deepEqual(sent.vault.map((copy) => [copy.address, copy.code]), [['j.leroy@example.org', null]]);
  const { sms } = await linkAndCode(rt, 'j.leroy@example.org');
  assert.equal(sms!.recipient, '+33701020304');
  const row = await rt.ctx.sql.read.selectFrom('message').select(['patient_ins', 'index_json']).where('id', '=', sent.messageId).executeTakeFirstOrThrow();
  assert.equal(row.patient_ins, '184067512345641');
  assert.equal(JSON.parse(row.index_json!).mss.mes, 'FIN');
  await expectCode(sendComposed(rt.ctx, emartin, { from: at('emartin'), to: [], cc: [], subject: 'x', text: 'x', patient: { ins: '184067512345642', email: 'a@example.org' } }), 'invalid_argument');

  rt.ctx.trustedDomains.add('patient.mssante.fr');
  const spaced = await sendComposed(rt.ctx, emartin, { from: at('emartin'), to: [], cc: [], subject: 'Suite', text: 'Suite.', patient: { ins: '1 84 06 75 123 456 41', email: 'j.leroy@example.org' } });
  assert.deepEqual([spaced.queued, spaced.vault], [['184067512345641@patient.mssante.fr'], []]);
});

engineTest('vault: parallel guesses cannot outnumber the five tries; a malformed code uses none', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const sent = await sendComposed(rt.ctx, { kind: 'user', userId: 'emartin' }, { from: at('emartin'), to: [OUTSIDE], cc: [], subject: 'Résultats', text: 'Voici.' });
  const { link } = await linkAndCode(rt);
  assert.deepEqual(await enterVaultCode(rt.ctx, link, 'abc', '127.0.0.1'), { ok: false, state: 'live', triesLeft: MAX_WRONG_CODES });
  const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => enterVaultCode(rt.ctx, link, String(10_000_000 + i), '127.0.0.1')));
  const counted = await rt.ctx.sql.read.selectFrom('vault_item').select(['wrong_codes', 'locked_at']).executeTakeFirstOrThrow();
  assert.equal(counted.wrong_codes, MAX_WRONG_CODES);
  assert.notEqual(counted.locked_at, null);
  assert.equal(guesses.filter((guess) => guess.ok).length, 0);
  assert.equal((await enterVaultCode(rt.ctx, link, sent.vault[0]!.code!, '127.0.0.1')).ok, false);
});

engineTest('vault: only a member who may send from the sending mailbox withdraws a copy or makes a new code; new codes are limited per day', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  // khaddad reads cardiologie@ (added read-only); emartin writes from it.
  await grantMember(rt.ctx, `cardiologie@${DOMAIN}`, 'khaddad', { read: true, send: false, manage: false });
  const emartin = { kind: 'user' as const, userId: 'emartin' };
  const sent = await sendComposed(rt.ctx, emartin, { from: at('cardiologie'), to: [OUTSIDE], cc: [], subject: 'RDV', text: 'Votre rendez-vous.' });
  const item = sent.vault[0]!.itemId;
  assert.equal((await vaultCopies(rt.ctx, { kind: 'user', userId: 'khaddad' }, sent.messageId)).length, 1, 'a reader sees the copy in Suivi');
  await expectCode(revokeVaultCopy(rt.ctx, { kind: 'user', userId: 'khaddad' }, sent.messageId, item), 'not_found');
  await expectCode(renewVaultAccess(rt.ctx, { kind: 'user', userId: 'khaddad' }, sent.messageId, item), 'not_found');
  // The secretary (send right) may; five new codes a day, then no more.
  for (let i = 0; i < 5; i++) await renewVaultAccess(rt.ctx, { kind: 'user', userId: 'sbernard' }, sent.messageId, item);
  await expectCode(renewVaultAccess(rt.ctx, emartin, sent.messageId, item), 'rate_limited');
  rt.clock.now += 86_400_000 + 1;
  assert.match((await renewVaultAccess(rt.ctx, emartin, sent.messageId, item)).code!, /^\d{8}$/);
});

engineTest('vault: a patient\'s mobile sends their code by SMS while another outside recipient\'s code is dictated; phones match addresses whatever their case', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const emartin = { kind: 'user' as const, userId: 'emartin' };
  const sent = await sendComposed(rt.ctx, emartin, {
    from: at('emartin'),
    to: ['Aidant.Familial@Example.org'],
    cc: [],
    subject: 'Sortie',
    text: 'Retour à domicile.',
    patient: { ins: '184067512345641', email: 'j.leroy@example.org', phone: '06 99 88 77 66' },
  });
  const byAddress = new Map(sent.vault.map((copy) => [copy.address.toLowerCase(), copy]));
  assert.match(byAddress.get('aidant.familial@example.org')!.code!, /^\d{8}$/, 'dictated');
  assert.equal(byAddress.get('j.leroy@example.org')!.code, null, 'by SMS');
  const withPhone = await deposit(rt.ctx, {
    principal: emartin,
    channel: 'web',
    envelope: { from: at('emartin'), to: ['Marie@Example.org'] },
    source: [rawMessage({ from: at('emartin'), to: ['Marie@Example.org'] })],
    vault: { codeBy: 'sms', phones: { 'Marie@Example.org': '07 11 22 33 44' } },
  });
  assert.equal(withPhone.vault[0]!.code, null);
});

engineTest('vault: a notification that did not leave goes again later with a new link; a code shown to the sender stays, one for SMS is made anew', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const down = { ...rt.ctx, notifier: { send: async () => { throw new Error('relay down'); } } };
  const emartin = { kind: 'user' as const, userId: 'emartin' };
  const dictated = await sendComposed(down, emartin, { from: at('emartin'), to: [OUTSIDE], cc: [], subject: 'Un', text: 'Un.' });
  const bySms = await deposit(down, { principal: emartin, channel: 'web', envelope: { from: at('emartin'), to: ['p@example.org'] }, source: [rawMessage({ from: at('emartin'), to: ['p@example.org'] })], vault: { phones: { 'p@example.org': '0611111111' } } });
  assert.deepEqual([dictated.vault[0]!.notified, bySms.vault[0]!.notified], [false, false]);
  assert.deepEqual(await recentOutbox(rt.ctx.sql.read, 10), []);

  // Too recent: left for the next run.
  assert.equal(await retryVaultNotices(rt.ctx), 0);
  rt.clock.now += 2 * 60_000;
  assert.equal(await retryVaultNotices(rt.ctx), 2);
  assert.equal(await retryVaultNotices(rt.ctx), 0, 'sent once');
  const first = await linkAndCode(rt);
  assert.ok((await enterVaultCode(rt.ctx, first.link, dictated.vault[0]!.code!, '127.0.0.1')).ok, 'the code the sender was shown opens the new link');
  const second = await linkAndCode(rt, 'p@example.org');
  assert.ok((await enterVaultCode(rt.ctx, second.link, second.code!, '127.0.0.1')).ok, 'a new code went by SMS');
  assert.deepEqual((await vaultCopies(rt.ctx, emartin, dictated.messageId)).map((copy) => copy.notifiedAt !== null), [true]);
});
