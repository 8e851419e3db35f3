import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { isMissiveError } from '../../src/core/errors.ts';
import { OFF_THREAD_BYTES, inThreadIntake, intakeForThisMachine, threadedIntake } from '../../src/services/deposit/intake-threads.ts';
import type { IntakeParams, IntakeResult } from '../../src/services/deposit/intake.ts';
import { decryptBuffer, generateDataKey } from '../../src/store/crypto/envelope.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const intake = threadedIntake(2);
after(() => intake.close());

function params(overrides: Partial<IntakeParams> = {}): IntakeParams {
  return { blobKey: `2026/12/05/01/${randomBytes(8).toString('hex')}`, dataKey: generateDataKey(), now: Date.UTC(2026, 11, 5), maxAttachmentBytes: 10 << 20, maxMessageBytes: 30 << 20, inlineContentBytes: 1 << 20, messageIdDomain: 'test.mssante.fr', ...overrides };
}

function message(bodyBytes: number, lineEnd = '\r\n'): Buffer {
  const body = randomBytes(Math.ceil((bodyBytes * 3) / 4)).toString('base64').replace(/.{76}/g, `$&${lineEnd}`);
  return Buffer.from(
    [
      'From: Dr Martin <martin@test.mssante.fr>',
      'To: a@test.mssante.fr, B <b@test.mssante.fr>',
      'Bcc: hidden@test.mssante.fr',
      'Subject: Compte rendu',
      'Message-ID: <cr-1@test.mssante.fr>',
      'MIME-Version: 1.0',
      'Content-Type: application/pdf; name="cr.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '',
    ].join(lineEnd),
  );
}

/** Every chunk of the message in turn, as a socket hands them over. */
async function* chunked(bytes: Buffer, size = 16 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function plaintextOf(result: IntakeResult, given: IntakeParams, blobs: Map<string, Buffer>): Promise<Buffer> {
  const ciphertext = result.inlineContent ?? blobs.get(given.blobKey);
  assert.ok(ciphertext, 'the ciphertext is inline or spilled');
  return decryptBuffer(given.dataKey, given.blobKey, ciphertext);
}

function spillInto(blobs: Map<string, Buffer>, key: string) {
  return async (frames: AsyncIterable<Uint8Array>) => {
    const parts: Uint8Array[] = [];
    for await (const frame of frames) parts.push(frame);
    blobs.set(key, Buffer.concat(parts));
  };
}

for (const [label, bytes, inline] of [
  ['a 20 KB message, kept inline', 20_000, 1 << 20],
  ['a 20 KB message, too large to keep inline: spilled to the blob store', 20_000, 0],
  ['a message over the thread limit, streamed on the calling thread', OFF_THREAD_BYTES + 100_000, 4 << 20],
] as const) {
  test(`intake threads: ${label} gives what intake on the calling thread gives`, async () => {
    const source = message(bytes, '\n'); // bare LF, to be made CRLF
    const blobs = new Map<string, Buffer>();
    const threaded = params({ inlineContentBytes: inline });
    const local = { ...threaded, blobKey: `${threaded.blobKey}-local` };
    const [a, b] = await Promise.all([intake.take(threaded, chunked(source), spillInto(blobs, threaded.blobKey)), inThreadIntake.take(local, chunked(source), spillInto(blobs, local.blobKey))]);
    assert.equal(a.inlineContent === null, inline === 0 || bytes > inline);
    assert.ok(intake.threads() >= 1, 'a thread took a message in');
    // The digests are salted, each differently.
    const { inlineContent: _a, digest: digestA, ...restA } = a;
    const { inlineContent: _b, digest: digestB, ...restB } = b;
    assert.deepEqual(restA, restB);
    assert.match(digestA, /^sha256s:/);
    assert.match(digestB, /^sha256s:/);
    assert.deepEqual(a.headerRecipients, ['a@test.mssante.fr', 'b@test.mssante.fr', 'hidden@test.mssante.fr']);
    const plaintext = await plaintextOf(a, threaded, blobs);
    assert.deepEqual(plaintext, await plaintextOf(b, local, blobs));
    assert.ok(!plaintext.includes('Bcc:'), 'Bcc is not stored');
    assert.equal(plaintext.indexOf('\n'), plaintext.indexOf('\r\n') + 1, 'line ends are CRLF');
  });
}

test('intake threads: refusals come back as the same errors, with their codes and details', async () => {
  await assert.rejects(intake.take(params({ maxMessageBytes: 10_000 }), [message(20_000)], async () => {}), (error) => isMissiveError(error, 'message_too_large') && error.details?.limit === 10_000);
  await assert.rejects(intake.take(params({ strictLines: true }), [message(2_000, '\n')], async () => {}), (error) => isMissiveError(error) && error.code === 'malformed_message');
  // The thread is still there for the next message.
  const ok = await intake.take(params(), [message(2_000)], async () => {});
  assert.ok(ok.inlineContent && ok.size > 2_000);
});

test('intake threads: a message refused while it streams closes its source', async () => {
  let closed = false;
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) yield Buffer.from(`X-Filler: ${'x'.repeat(60)}\r\n`.repeat(1000));
    } finally {
      closed = true;
    }
  }
  await assert.rejects(intake.take(params({ maxMessageBytes: 2 * OFF_THREAD_BYTES }), source(), async () => {}), (error) => isMissiveError(error));
  assert.equal(closed, true);
});

test('intake threads: none on two cores, where they cost more than they spare; some beyond', async () => {
  assert.equal(intakeForThisMachine(2), inThreadIntake);
  const threaded = intakeForThisMachine(8);
  try {
    assert.notEqual(threaded, inThreadIntake);
  } finally {
    await threaded.close();
  }
});

engineTest('intake threads: a deposit taken in by a thread reads back byte-exact, inline and from the blob store', async (t, rt) => {
  const threaded = threadedIntake(1);
  t.after(() => threaded.close());
  await seedSmallOperator(rt.ctx);
  for (const [label, ctx] of [
    ['inline', { ...rt.ctx, intake: threaded }],
    ['blob store', { ...rt.ctx, intake: threaded, limits: { ...rt.ctx.limits, inlineContentBytes: 0 } }],
  ] as const) {
    const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: label, attachment: { name: 'cr.pdf', bytes: randomBytes(30_000) } });
    const { messageId } = await send(ctx, `emartin@${DOMAIN}`, 'emartin', raw);
    const { storage } = await rt.ctx.sql.read.selectFrom('message').select('storage').where('id', '=', messageId).executeTakeFirstOrThrow();
    assert.equal(storage, label === 'inline' ? 'inline' : 'blob');
    const { content } = await openAs(rt.ctx, 'sbernard', messageId, { peek: true });
    assert.ok(content.includes(raw.subarray(raw.indexOf('\r\n\r\n'))), `${label}: the body is stored as sent`);
    assert.match(content.toString('latin1'), new RegExp(`^Subject: ${label}$`, 'm'));
  }
  assert.equal(threaded.threads(), 1);
});
