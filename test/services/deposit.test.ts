import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyContentDigest } from '../../src/core/digest.ts';
import { addMailbox } from '../../src/services/accounts.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { proofEventsOf } from '../../src/store/repositories/proofs.ts';
import { recipientsOf } from '../../src/store/repositories/messages.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { auditRows, crlf, DOMAIN, entriesOf, expectCode, filesUnder, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;
const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);
const NOW_HEADER = 'Sun, 22 Nov 2026 09:00:00 +0000';

async function messageRow(ctx: ServiceContext, id: string) {
  return ctx.sql.read.selectFrom('message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The proof events of a message, without their generated ids and sequence numbers. */
async function proofs(ctx: ServiceContext, messageId: string) {
  return (await proofEventsOf(ctx.sql.read, messageId)).map((event) => ({
    type: event.type,
    recipient: event.recipient,
    actor: event.actor,
    channel: event.channel,
    at: event.at,
    message_id_header: event.message_id_header,
    content_digest: event.content_digest,
  }));
}

async function recipients(ctx: ServiceContext, messageId: string) {
  return (await recipientsOf(ctx.sql.read, messageId)).map((row) => ({ ...row }));
}

/** Opens as `reader` and returns the stored bytes (peek: no proof event). */
async function stored(rt: TestRuntime, reader: string, messageId: string): Promise<Buffer> {
  return (await openAs(rt.ctx, reader, messageId, { peek: true })).content;
}

engineTest('deposit then open: content byte-exact, entries, recipients, proofs and audit exact', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], cc: [at('khaddad')], subject: 'Compte rendu de consultation' });
  const messageIdHeader = /^Message-ID: (<[^>]+>)\r$/m.exec(raw.toString())![1]!;

  const result = await send(rt.ctx, at('emartin'), 'emartin', raw);

  assert.deepEqual(result, {
    messageId: result.messageId,
    messageIdHeader,
    size: raw.length,
    contentDigest: result.contentDigest,
    recipients: [
      { address: at('sbernard'), mailboxId: mailboxes.sbernard, uid: 1 },
      { address: at('khaddad'), mailboxId: mailboxes.khaddad, uid: 1 },
    ],
    queued: [],
    vault: [],
    sentUid: 1,
    filedUid: null,
  });
  assert.match(result.messageId, /^msg_[a-z2-7]{30}$/);
  for (const reader of ['sbernard', 'khaddad', 'emartin']) assert.deepEqual(await stored(rt, reader, result.messageId), raw, reader);
  assert.equal(verifyContentDigest(result.contentDigest, raw), true);

  const row = await messageRow(rt.ctx, result.messageId);
  assert.deepEqual(
    { storage: row.storage, size: row.size, sender: row.sender, subject: row.subject, message_id_header: row.message_id_header, content_digest: row.content_digest, date_header: row.date_header, has_attachments: row.has_attachments, received_at: row.received_at, purged_at: row.purged_at, kek_id: row.kek_id },
    { storage: 'inline', size: raw.length, sender: at('emartin'), subject: 'Compte rendu de consultation', message_id_header: messageIdHeader, content_digest: result.contentDigest, date_header: NOW, has_attachments: 0, received_at: NOW, purged_at: null, kek_id: rt.ctx.kek.id },
  );

  assert.deepEqual(await entriesOf(rt.ctx, result.messageId), [
    `${at('emartin')} Sent 1 \\Seen`,
    `${at('khaddad')} INBOX 1`,
    `${at('sbernard')} INBOX 1`,
  ]);
  const recipientRow = (local: string, headerKind: string) => ({
    message_id: result.messageId,
    address: at(local),
    header_kind: headerKind,
    route: 'local',
    state: 'delivered',
    mailbox_id: mailboxes[local],
    delivered_at: NOW,
    opened_at: null,
  });
  assert.deepEqual(await recipients(rt.ctx, result.messageId), [recipientRow('khaddad', 'cc'), recipientRow('sbernard', 'to')]);

  const proof = (type: string, recipient: string | null) => ({ type, recipient, actor: 'user:emartin', channel: 'api', at: NOW, message_id_header: messageIdHeader, content_digest: result.contentDigest });
  assert.deepEqual(await proofs(rt.ctx, result.messageId), [proof('submitted', null), proof('delivered', at('sbernard')), proof('delivered', at('khaddad'))]);

  assert.deepEqual((await auditRows(rt.ctx)).at(-1), {
    actor: 'user:emartin',
    action: 'deposit',
    target: result.messageId,
    result: 'ok',
    detail: { channel: 'api', recipients: 2, size: raw.length },
  });
});

engineTest('deposit adds Message-ID and Date when missing, in front of the message as submitted', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const bare = crlf(`From: ${at('emartin')}`, `To: ${at('sbernard')}`, 'Subject: Sans identifiant', '', 'Texte.', '');
  const result = await send(rt.ctx, at('emartin'), 'emartin', bare);
  assert.match(result.messageIdHeader, new RegExp(`^<[0-9a-f]{32}@${DOMAIN.replaceAll('.', '\\.')}>$`));
  const expected = Buffer.concat([Buffer.from(`Message-ID: ${result.messageIdHeader}\r\nDate: ${NOW_HEADER}\r\n`), bare]);
  assert.deepEqual(await stored(rt, 'sbernard', result.messageId), expected);
  assert.equal(result.size, expected.length);
  assert.equal((await messageRow(rt.ctx, result.messageId)).message_id_header, result.messageIdHeader);
  assert.equal(verifyContentDigest(result.contentDigest, expected), true);

  // Only what is missing is added.
  const dated = crlf(`From: ${at('emartin')}`, `To: ${at('sbernard')}`, 'Date: Mon, 23 Nov 2026 08:00:00 +0100', '', 'Texte.', '');
  const second = await send(rt.ctx, at('emartin'), 'emartin', dated);
  assert.deepEqual(await stored(rt, 'sbernard', second.messageId), Buffer.concat([Buffer.from(`Message-ID: ${second.messageIdHeader}\r\n`), dated]));
  const identified = crlf(`From: ${at('emartin')}`, `To: ${at('sbernard')}`, 'Message-ID: <given@lps.example>', '', 'Texte.', '');
  const third = await send(rt.ctx, at('emartin'), 'emartin', identified);
  assert.equal(third.messageIdHeader, '<given@lps.example>');
  assert.deepEqual(await stored(rt, 'sbernard', third.messageId), Buffer.concat([Buffer.from(`Date: ${NOW_HEADER}\r\n`), identified]));
});

engineTest('deposit stores LF (and chunk-split) input as CRLF', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const canonical = rawMessage({ from: at('emartin'), to: [at('sbernard')], body: 'Ligne 1\r\nLigne 2\r\n\r\nFin' });
  const unix = Buffer.from(canonical.toString('utf8').replaceAll('\r\n', '\n'));
  assert.notDeepEqual(unix, canonical);
  const result = await send(rt.ctx, at('emartin'), 'emartin', unix);
  assert.deepEqual(await stored(rt, 'sbernard', result.messageId), canonical);
  assert.equal(result.size, canonical.length);
  assert.equal(verifyContentDigest(result.contentDigest, canonical), true);
});

engineTest('Bcc: the header is removed from the stored copy; each Bcc recipient receives it as a blind copy', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const head = [`From: ${at('emartin')}`, `To: ${at('sbernard')}`, 'Subject: Avis', 'Message-ID: <bcc@test.missive>', `Date: ${NOW_HEADER}`];
  const withBcc = crlf(...head.slice(0, 2), `Bcc: Karim Haddad <${at('khaddad')}>,`, `  ${at('cardiologie')}`, ...head.slice(2), '', 'Texte.', '');
  const withoutBcc = crlf(...head, '', 'Texte.', '');

  const result = await send(rt.ctx, at('emartin'), 'emartin', withBcc);

  assert.deepEqual(await entriesOf(rt.ctx, result.messageId), [
    `${at('cardiologie')} INBOX 1`,
    `${at('emartin')} Sent 1 \\Seen`,
    `${at('khaddad')} INBOX 1`,
    `${at('sbernard')} INBOX 1`,
  ]);
  assert.deepEqual(
    (await recipients(rt.ctx, result.messageId)).map((row) => [row.address, row.header_kind]),
    [[at('cardiologie'), 'bcc'], [at('khaddad'), 'bcc'], [at('sbernard'), 'to']],
  );
  for (const reader of ['khaddad', 'sbernard', 'emartin']) assert.deepEqual(await stored(rt, reader, result.messageId), withoutBcc, reader);
  assert.equal(result.size, withoutBcc.length);
});

engineTest('envelope recipients decide delivery; those absent from To and Cc are blind copies', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], cc: [at('cardiologie')] });
  const result = await send(rt.ctx, at('emartin'), 'emartin', raw, [at('sbernard'), at('khaddad')]);
  assert.deepEqual(
    (await recipients(rt.ctx, result.messageId)).map((row) => [row.address, row.header_kind]),
    [[at('khaddad'), 'bcc'], [at('sbernard'), 'to']],
  );
  assert.deepEqual(await entriesOf(rt.ctx, result.messageId), [`${at('emartin')} Sent 1 \\Seen`, `${at('khaddad')} INBOX 1`, `${at('sbernard')} INBOX 1`]);
});

engineTest('one mailbox named twice, in any case, gets one copy', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], cc: [`SBernard@${DOMAIN.toUpperCase()}`] });
  const result = await send(rt.ctx, at('emartin'), 'emartin', raw);
  assert.deepEqual(result.recipients.map((recipient) => [recipient.address, recipient.uid]), [[at('sbernard'), 1]]);
  assert.deepEqual((await recipients(rt.ctx, result.messageId)).map((row) => [row.address, row.header_kind]), [[at('sbernard'), 'to']]);
  assert.deepEqual((await proofs(rt.ctx, result.messageId)).map((event) => [event.type, event.recipient]), [['submitted', null], ['delivered', at('sbernard')]]);
});

engineTest('the secretary sends from the organisational mailbox: filed in its Sent, proofs name her', async (_t, rt) => {
  const { mailboxes } = await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: `Cardiologie <${at('cardiologie')}>`, to: [at('khaddad')] });
  const result = await send(rt.ctx, at('cardiologie'), 'sbernard', raw);
  assert.deepEqual(await entriesOf(rt.ctx, result.messageId), [`${at('cardiologie')} Sent 1 \\Seen`, `${at('khaddad')} INBOX 1`]);
  assert.equal((await messageRow(rt.ctx, result.messageId)).sender, at('cardiologie'));
  assert.deepEqual((await proofs(rt.ctx, result.messageId)).map((event) => event.actor), ['user:sbernard', 'user:sbernard']);
  // The physician, also a member, sees it in the organisational mailbox's Sent folder.
  assert.deepEqual((await openAs(rt.ctx, 'emartin', result.messageId, { peek: true, viaMailboxId: mailboxes.cardio! })).content, raw);
});

engineTest('an attachment is indexed with its decoded size and name', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const pdf = Buffer.from('%PDF-1.4 compte rendu\n%%EOF\n');
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], attachment: { name: 'cr.pdf', bytes: pdf } });
  const result = await send(rt.ctx, at('emartin'), 'emartin', raw);
  const { opened, content } = await openAs(rt.ctx, 'sbernard', result.messageId, { peek: true });
  assert.deepEqual(content, raw);
  assert.deepEqual(
    opened.index.attachments.map(({ filename, contentType, size, contentId, inline }) => ({ filename, contentType, size, contentId, inline })),
    [{ filename: 'cr.pdf', contentType: 'application/pdf', size: pdf.length, contentId: null, inline: false }],
  );
  assert.equal((await messageRow(rt.ctx, result.messageId)).has_attachments, 1);
});

engineTest('an application sends from its own applicative mailbox, and from no other', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const dpi = await addMailbox(rt.ctx, { address: at('dpi'), kind: 'APP', displayName: 'Dossier patient informatisé', members: [] });
  const application = { kind: 'application' as const, mailboxId: dpi };
  const raw = rawMessage({ from: at('dpi'), to: [at('sbernard')] });
  const result = await deposit(rt.ctx, { principal: application, channel: 'api', envelope: { from: at('dpi') }, source: [raw] });
  assert.deepEqual(await entriesOf(rt.ctx, result.messageId), [`${at('dpi')} Sent 1 \\Seen`, `${at('sbernard')} INBOX 1`]);
  assert.deepEqual((await proofs(rt.ctx, result.messageId)).map((event) => event.actor), [`application:${dpi}`, `application:${dpi}`]);
  await expectCode(deposit(rt.ctx, { principal: application, channel: 'api', envelope: { from: at('emartin') }, source: [rawMessage({ from: at('emartin'), to: [at('sbernard')] })] }), 'forbidden');
});

engineTest('the operator relays mail from another operator to a local mailbox, and cannot send as a local mailbox', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const operator = { kind: 'operator' as const, name: 'smtp-in' };
  const remote = 'jean.dupont@ch-autre.mssante.fr';
  const raw = rawMessage({ from: remote, to: [at('sbernard')] });
  const result = await deposit(rt.ctx, { principal: operator, channel: 'smtp', envelope: { from: remote, to: [at('sbernard')] }, source: [raw] });
  assert.equal(result.sentUid, null);
  assert.deepEqual(await entriesOf(rt.ctx, result.messageId), [`${at('sbernard')} INBOX 1`]);
  assert.equal((await messageRow(rt.ctx, result.messageId)).sender, remote);
  assert.deepEqual(await stored(rt, 'sbernard', result.messageId), raw);
  await expectCode(
    deposit(rt.ctx, { principal: operator, channel: 'smtp', envelope: { from: at('emartin'), to: [at('sbernard')] }, source: [rawMessage({ from: at('emartin'), to: [at('sbernard')] })] }),
    'forbidden',
  );
});

/** The stored ciphertext of a message, wherever it lives. */
async function ciphertextOf(rt: TestRuntime, messageId: string): Promise<{ storage: string; files: string[]; ciphertext: Buffer }> {
  const row = await messageRow(rt.ctx, messageId);
  const files = await filesUnder(rt.config.blobsDir);
  if (row.storage === 'blob') return { storage: row.storage, files, ciphertext: await readFile(path.join(rt.config.blobsDir, row.blob_key!)) };
  const content = await rt.ctx.sql.read.selectFrom('message_content').select('ciphertext').where('message_id', '=', messageId).executeTakeFirstOrThrow();
  return { storage: row.storage, files, ciphertext: Buffer.from(content.ciphertext) };
}

engineTest('content up to MISSIVE_INLINE_CONTENT_BYTES is kept encrypted in the database, larger content in the blob store', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const marker = 'CONFIDENTIEL-'.repeat(8);
  const small = rawMessage({ from: at('emartin'), to: [at('sbernard')], body: marker });
  const large = rawMessage({ from: at('emartin'), to: [at('sbernard')], body: `${marker}\r\n${'y'.repeat(300 * 1024)}` });
  const first = await send(rt.ctx, at('emartin'), 'emartin', small);
  const second = await send(rt.ctx, at('emartin'), 'emartin', large);

  const inline = await ciphertextOf(rt, first.messageId);
  const blob = await ciphertextOf(rt, second.messageId);
  assert.equal(inline.storage, 'inline');
  assert.equal(blob.storage, 'blob');
  assert.deepEqual(blob.files, [(await messageRow(rt.ctx, second.messageId)).blob_key]);
  assert.deepEqual(
    (await rt.ctx.sql.read.selectFrom('message_content').select('message_id').execute()).map((row) => row.message_id),
    [first.messageId],
  );
  for (const { ciphertext } of [inline, blob]) {
    assert.equal(ciphertext.includes(marker), false, 'plaintext visible at rest');
    assert.equal(ciphertext.includes('Subject:'), false, 'headers visible at rest');
  }
  assert.deepEqual(await stored(rt, 'sbernard', first.messageId), small);
  assert.deepEqual(await stored(rt, 'sbernard', second.messageId), large);
});
