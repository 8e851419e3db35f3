import assert from 'node:assert/strict';
import type { MissiveErrorCode } from '../../src/core/errors.ts';
import { addUser, grantMember } from '../../src/services/accounts.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import {
  auditRows,
  crlf,
  DOMAIN,
  expectCode,
  openAs,
  rawMessage,
  seedSmallOperator,
  send,
  storageTest,
  type StorageMode,
  traceSnapshot,
  user,
} from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;
const MiB = 1024 * 1024;

/**
 * A store that already holds one delivered message, so that "nothing changed" is not vacuous:
 * its content is a message_content row (inline) or a file (blob store).
 */
async function seeded(rt: TestRuntime, storage: StorageMode): Promise<void> {
  await seedSmallOperator(rt.ctx);
  await send(rt.ctx, at('emartin'), 'emartin', rawMessage({ from: at('emartin'), to: [at('sbernard')] }));
  const before = await traceSnapshot(rt.ctx, rt.config.blobsDir);
  const inline = storage === 'inline' ? 1 : 0;
  assert.deepEqual(before.rows, { message: 1, message_content: inline, mailbox_entry: 2, recipient: 1, proof_event: 2 });
  assert.equal(before.blobFiles.length, 1 - inline);
}

/**
 * The refusal leaves no trace: the same rows describing messages, the same blob files, and the
 * audit log gains exactly one 'refused' row naming the error code.
 */
async function refusedWithoutTrace(rt: TestRuntime, code: MissiveErrorCode, actor: string, attempt: () => Promise<unknown>): Promise<void> {
  const before = await traceSnapshot(rt.ctx, rt.config.blobsDir);
  const auditBefore = await auditRows(rt.ctx);
  await expectCode(attempt(), code);
  assert.deepEqual(await traceSnapshot(rt.ctx, rt.config.blobsDir), before);
  const auditAfter = await auditRows(rt.ctx);
  assert.deepEqual(auditAfter.slice(0, auditBefore.length), auditBefore);
  assert.deepEqual(auditAfter.slice(auditBefore.length), [
    { actor, action: 'deposit', target: null, result: 'refused', detail: { channel: 'api', errorCode: code } },
  ]);
}

const note = (from: string, to: string[] = [at('sbernard')]) => rawMessage({ from, to });

storageTest('refused without trace: no right to send from that mailbox', async (_t, rt, storage) => {
  await seeded(rt, storage);
  // The secretary may send from cardiologie@, not from the physician's own mailbox.
  await refusedWithoutTrace(rt, 'forbidden', 'user:sbernard', () => send(rt.ctx, at('emartin'), 'sbernard', note(at('emartin'))));
  // Neither may anyone send from a mailbox that does not exist.
  await refusedWithoutTrace(rt, 'forbidden', 'user:emartin', () => send(rt.ctx, at('personne'), 'emartin', note(at('personne'))));
  // Nor from another operator's address.
  await refusedWithoutTrace(rt, 'forbidden', 'user:emartin', () => send(rt.ctx, 'jean@ch-autre.mssante.fr', 'emartin', note('jean@ch-autre.mssante.fr')));
});

storageTest('refused without trace: a user with no membership cannot send, nor a member without the send right', async (_t, rt, storage) => {
  await seeded(rt, storage);
  await addUser(rt.ctx, { id: 'intrus', displayName: 'Intrus' });
  await refusedWithoutTrace(rt, 'forbidden', 'user:intrus', () => send(rt.ctx, at('emartin'), 'intrus', note(at('emartin'))));
  await refusedWithoutTrace(rt, 'forbidden', 'user:intrus', () => send(rt.ctx, at('cardiologie'), 'intrus', note(at('cardiologie'))));
  await grantMember(rt.ctx, at('cardiologie'), 'khaddad', { read: true, send: false, manage: false });
  await refusedWithoutTrace(rt, 'forbidden', 'user:khaddad', () => send(rt.ctx, at('cardiologie'), 'khaddad', note(at('cardiologie'))));
});

storageTest('refused without trace: a From header other than the envelope sender', async (_t, rt, storage) => {
  await seeded(rt, storage);
  const error = await expectCode(send(rt.ctx, at('emartin'), 'emartin', note(at('khaddad'))), 'forbidden');
  assert.equal(error.message, `the From header must be ${at('emartin')} alone, the mailbox this message is sent from`);
  await refusedWithoutTrace(rt, 'forbidden', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', note(at('khaddad'))));
  // emartin is a member of cardiologie@, but a message sent from her own mailbox cannot claim it.
  await refusedWithoutTrace(rt, 'forbidden', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', note(`Cardiologie <${at('cardiologie')}>`)));
  // Two authors, one of them someone else.
  await refusedWithoutTrace(rt, 'forbidden', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', note(`${at('emartin')}, ${at('khaddad')}`)));
});

storageTest('refused without trace: unknown local recipient, naming it', async (_t, rt, storage) => {
  await seeded(rt, storage);
  const error = await expectCode(send(rt.ctx, at('emartin'), 'emartin', note(at('emartin'), [at('sbernard'), at('inconnu')])), 'unknown_recipient');
  assert.equal(error.message, `no such mailbox here: ${at('inconnu')}`);
  await refusedWithoutTrace(rt, 'unknown_recipient', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', note(at('emartin'), [at('sbernard'), at('inconnu')])));
  await refusedWithoutTrace(rt, 'unknown_recipient', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', note(at('emartin')), [at('inconnu')]));
});

storageTest('refused without trace: a vault copy that cannot be made (an invalid INS, a code by SMS with no phone)', async (_t, rt, storage) => {
  await seeded(rt, storage);
  const outside = 'jean.dupont@mairie.example';
  const to = (vault: Parameters<typeof deposit>[1]['vault']) => () =>
    deposit(rt.ctx, { principal: { kind: 'user', userId: 'emartin' }, channel: 'api', envelope: { from: at('emartin'), to: [at('sbernard'), outside] }, source: [note(at('emartin'), [at('sbernard'), outside])], vault });
  await refusedWithoutTrace(rt, 'invalid_argument', 'user:emartin', to({ patientIns: '184067512345642' }));
  await refusedWithoutTrace(rt, 'invalid_argument', 'user:emartin', to({ codeBy: 'sms' }));
});

storageTest('refused without trace: no recipient at all, or an envelope address that is not one', async (_t, rt, storage) => {
  await seeded(rt, storage);
  const noRecipient = crlf(`From: ${at('emartin')}`, 'Subject: x', '', 'Texte.', '');
  await refusedWithoutTrace(rt, 'invalid_argument', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', noRecipient));
  await refusedWithoutTrace(rt, 'invalid_address', 'user:emartin', () => send(rt.ctx, 'not an address', 'emartin', note(at('emartin'))));
  await refusedWithoutTrace(rt, 'invalid_address', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', note(at('emartin')), ['nobody@']));
});

storageTest(
  'too many recipients: the limit is accepted, one more is refused without trace',
  async (_t, rt, storage) => {
    await seeded(rt, storage);
    const two = await send(rt.ctx, at('emartin'), 'emartin', note(at('emartin'), [at('sbernard'), at('khaddad')]));
    assert.equal(two.recipients.length, 2);
    await refusedWithoutTrace(rt, 'too_many_recipients', 'user:emartin', () =>
      send(rt.ctx, at('emartin'), 'emartin', note(at('emartin'), [at('sbernard'), at('khaddad'), at('cardiologie')])),
    );
    await refusedWithoutTrace(rt, 'too_many_recipients', 'user:emartin', () =>
      send(rt.ctx, at('emartin'), 'emartin', note(at('emartin')), [at('sbernard'), at('khaddad'), at('cardiologie')]),
    );
  },
  { MISSIVE_MAX_RECIPIENTS: '2' },
);

const withAttachment = (size: number) =>
  rawMessage({ from: at('emartin'), to: [at('sbernard')], attachment: { name: 'imagerie.pdf', bytes: Buffer.alloc(size, 0x5a) } });

// Always in the blob store (far over the inline threshold): one storage mode is enough.
engineTest('an attachment of exactly 10 MiB (decoded) is accepted', async (_t, rt) => {
  await seeded(rt, 'inline');
  const accepted = await send(rt.ctx, at('emartin'), 'emartin', withAttachment(10 * MiB));
  const { opened } = await openAs(rt.ctx, 'sbernard', accepted.messageId, { peek: true });
  assert.deepEqual(opened.index.attachments.map((attachment) => [attachment.filename, attachment.size]), [['imagerie.pdf', 10 * MiB]]);
});

// Always in the blob store (far over the inline threshold): one storage mode is enough.
engineTest('refused without trace: an attachment of 10 MiB + 1 byte (decoded), code attachment_too_large', async (_t, rt) => {
  await seeded(rt, 'inline');
  await refusedWithoutTrace(rt, 'attachment_too_large', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', withAttachment(10 * MiB + 1)));
});

storageTest('refused without trace: malformed messages (no From; garbage bytes)', async (_t, rt, storage) => {
  await seeded(rt, storage);
  const noFrom = crlf(`To: ${at('sbernard')}`, 'Subject: x', '', 'Texte.', '');
  await refusedWithoutTrace(rt, 'malformed_message', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', noFrom));
  const withNul = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
  await refusedWithoutTrace(rt, 'malformed_message', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', withNul, [at('sbernard')]));
  const noHeaderShape = Buffer.from(Array.from({ length: 4096 }, (_, i) => 1 + ((i * 97 + 13) % 255)));
  await refusedWithoutTrace(rt, 'malformed_message', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', noHeaderShape, [at('sbernard')]));
});

/** A message of exactly `size` bytes (the body is padded). */
function messageOfSize(size: number): Buffer {
  const head = crlf(`From: ${at('emartin')}`, `To: ${at('sbernard')}`, 'Subject: Taille', 'Message-ID: <size@test.missive>', 'Date: Sun, 22 Nov 2026 09:00:00 +0000', '', '');
  return Buffer.concat([head, Buffer.alloc(size - head.length, 'x')]);
}

storageTest(
  'a message of exactly MISSIVE_MAX_MESSAGE_BYTES is accepted',
  async (_t, rt, storage) => {
    await seeded(rt, storage);
    const message = messageOfSize(4096);
    const result = await send(rt.ctx, at('emartin'), 'emartin', message);
    assert.equal(result.size, 4096);
    assert.deepEqual((await openAs(rt.ctx, 'sbernard', result.messageId, { peek: true })).content, message);
  },
  { MISSIVE_MAX_MESSAGE_BYTES: '4096', MISSIVE_MAX_ATTACHMENT_BYTES: '1024' },
);

storageTest(
  'refused without trace: a message over MISSIVE_MAX_MESSAGE_BYTES',
  async (_t, rt, storage) => {
    await seeded(rt, storage);
    await refusedWithoutTrace(rt, 'message_too_large', 'user:emartin', () => send(rt.ctx, at('emartin'), 'emartin', messageOfSize(4097)));
  },
  { MISSIVE_MAX_MESSAGE_BYTES: '4096', MISSIVE_MAX_ATTACHMENT_BYTES: '1024' },
);

function* inChunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

engineTest(
  'refused without trace: an attachment over the limit in a message streamed in 64 KiB chunks',
  async (_t, rt) => {
    await seeded(rt, 'inline');
    const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], attachment: { name: 'scanner.pdf', bytes: Buffer.alloc(10 * MiB + 1, 0x33) } });
    await refusedWithoutTrace(rt, 'attachment_too_large', 'user:emartin', () =>
      deposit(rt.ctx, { principal: user('emartin'), channel: 'api', envelope: { from: at('emartin') }, source: inChunks(raw, 64 * 1024) }),
    );
  },
);

storageTest('no trace when the source fails mid-stream (client gone): the audit log records an error', async (_t, rt, storage) => {
  await seeded(rt, storage);
  const raw = rawMessage({ from: at('emartin'), to: [at('sbernard')], body: 'x'.repeat(300_000) });
  async function* cutOff(): AsyncGenerator<Buffer> {
    yield raw.subarray(0, 150_000);
    throw new Error('connection reset by peer');
  }
  const before = await traceSnapshot(rt.ctx, rt.config.blobsDir);
  const auditBefore = await auditRows(rt.ctx);
  await assert.rejects(deposit(rt.ctx, { principal: user('emartin'), channel: 'smtp', envelope: { from: at('emartin') }, source: cutOff() }), {
    message: 'connection reset by peer',
  });
  assert.deepEqual(await traceSnapshot(rt.ctx, rt.config.blobsDir), before);
  assert.deepEqual((await auditRows(rt.ctx)).slice(auditBefore.length), [
    { actor: 'user:emartin', action: 'deposit', target: null, result: 'error', detail: { channel: 'smtp', errorCode: 'internal' } },
  ]);
});

engineTest('a disabled user may no longer send from a mailbox she is still a member of; the other members still may', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  await grantMember(rt.ctx, at('cardiologie'), 'sbernard', { read: true, send: true, manage: false });
  const fromCardio = (userId: string) => deposit(rt.ctx, { principal: { kind: 'user', userId }, channel: 'api', envelope: { from: at('cardiologie'), to: [at('khaddad')] }, source: [note(at('cardiologie'), [at('khaddad')])] });
  await fromCardio('sbernard');
  await rt.ctx.sql.write((trx) => trx.updateTable('user_account').set({ disabled_at: rt.clock.now }).where('id', '=', 'sbernard').execute());
  await expectCode(fromCardio('sbernard'), 'forbidden');
  await fromCardio('emartin');
});
