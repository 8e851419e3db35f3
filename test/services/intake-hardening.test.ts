import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { findMessage } from '../../src/store/repositories/messages.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, crlf, expectCode, seedSmallOperator, send, traceSnapshot } from '../support/fixtures.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';

const E = `emartin@${DOMAIN}`;
const K = `khaddad@${DOMAIN}`;

engineTest('refused as malformed, without trace: empty Date, Message-ID or From; two Content-Type at the top or in a part', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  const before = await traceSnapshot(ctx, rt.config.blobsDir);
  const cases = [
    crlf(`From: ${E}`, `To: ${K}`, 'Date:', '', 'x', ''),
    crlf(`From: ${E}`, `To: ${K}`, 'Message-ID:   ', '', 'x', ''),
    crlf('From: ', `To: ${K}`, '', 'x', ''),
    crlf(`From: ${E}`, `To: ${K}`, 'Content-Type: text/plain', 'Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'x', '--b--', ''),
    crlf(`From: ${E}`, `To: ${K}`, 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', 'Content-Disposition: inline', 'Content-Disposition: attachment; filename=a.pdf', '', 'x', '--b--', ''),
  ];
  for (const raw of cases) await expectCode(send(ctx, E, 'emartin', raw), 'malformed_message');
  assert.deepEqual(await traceSnapshot(ctx, rt.config.blobsDir), before);
});

engineTest('a refused message closes its source (a client connection is not left open)', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  for (const chunks of [
    [Buffer.from(`From: ${E}\r\nTo: ${K}\r\nDate:\r\n\r\n`), Buffer.alloc(64 * 1024, 'x')], // refused at the header
    [Buffer.from(`From: ${E}\r\nTo: nobody@${DOMAIN}\r\n\r\n`), Buffer.alloc(64 * 1024, 'x')], // refused at the recipients
  ]) {
    const source = Readable.from(chunks, { objectMode: false });
    await assert.rejects(deposit(ctx, { principal: { kind: 'user', userId: 'emartin' }, channel: 'api', envelope: { from: E }, source }));
    assert.equal(source.destroyed, true);
  }
});

engineTest('a NUL hidden in an encoded subject is dropped, on both engines', async (_t, rt) => {
  const { ctx } = rt;
  await seedSmallOperator(ctx);
  const sent = await send(ctx, E, 'emartin', crlf(`From: ${E}`, `To: ${K}`, 'Subject: =?utf-8?b?YQBi?=', '', 'x', ''));
  assert.equal((await findMessage(ctx.sql.read, sent.messageId))?.subject, 'ab');
});
