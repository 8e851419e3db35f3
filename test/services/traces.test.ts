import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, redact } from '../../src/observability/log.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { runRetention } from '../../src/services/retention.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, expectCode, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const at = (local: string) => `${local}@${DOMAIN}`;
// Words that exist only inside message content (subject, body, attachment name and bytes).
const SUBJECT_WORD = 'Zanzibarite';
const BODY_WORD = 'quokkaplastie';
const ATTACHMENT_WORD = 'ordonnance-wombat';

function assertNoContent(text: string, where: string): void {
  for (const word of [SUBJECT_WORD, BODY_WORD, ATTACHMENT_WORD]) {
    assert.ok(!text.toLowerCase().includes(word.toLowerCase()), `${where} contains the message word ${word}: ${text}`);
  }
}

engineTest('the audit log and the logs never contain message content', async (_t, rt) => {
  const lines: string[] = [];
  const ctx: ServiceContext = { ...rt.ctx, log: createLogger('debug', (line) => void lines.push(line)) };
  await seedSmallOperator(ctx);
  const message = (from: string) =>
    rawMessage({
      from,
      to: [at('sbernard')],
      subject: `Bilan ${SUBJECT_WORD}`,
      body: `Patient opéré par ${BODY_WORD}.`,
      attachment: { name: `${ATTACHMENT_WORD}.pdf`, bytes: Buffer.from(`%PDF ${BODY_WORD}`) },
    });

  const { messageId } = await send(ctx, at('emartin'), 'emartin', message(at('emartin')));
  const { content, opened } = await openAs(ctx, 'sbernard', messageId);
  // The words really are in the message: the checks below could find them.
  assert.ok(content.includes(SUBJECT_WORD) && content.includes(BODY_WORD) && content.includes(ATTACHMENT_WORD));
  assert.equal(opened.index.subject, `Bilan ${SUBJECT_WORD}`);

  // Refusals after the content was read (From mismatch) and before (unknown recipient).
  await expectCode(send(ctx, at('emartin'), 'emartin', message(at('khaddad'))), 'forbidden');
  await expectCode(send(ctx, at('emartin'), 'emartin', message(at('emartin')), [at('inconnu')]), 'unknown_recipient');
  await expectCode(openAs(ctx, 'khaddad', messageId), 'not_found');
  rt.clock.now += 91 * 24 * 60 * 60 * 1000;
  assert.equal((await runRetention(ctx, 90)).purged, 1);

  const audit = await ctx.sql.read.selectFrom('audit_log').selectAll().execute();
  assert.ok(audit.some((row) => row.action === 'deposit' && row.result === 'refused'));
  for (const row of audit) assertNoContent(JSON.stringify(row), `audit_log row ${row.seq}`);
  const proofs = await ctx.sql.read.selectFrom('proof_event').selectAll().execute();
  for (const row of proofs) assertNoContent(JSON.stringify(row), `proof_event ${row.id}`);
  assert.ok(lines.some((line) => line.includes('retention purge')), 'the capturing logger saw the retention run');
  for (const line of lines) assertNoContent(line, 'a log line');
});

describe('redact', () => {
  it('replaces password, token, subject, body and similar fields, and keeps the rest', () => {
    const error = new Error('boom');
    assert.deepEqual(
      redact({
        password: 'hunter2',
        accessToken: 'eyJhbGciOi',
        subject: 'Bilan',
        body: 'Texte',
        otpCode: '123456',
        Authorization: 'Bearer x',
        errorCode: 'forbidden',
        user: 'emartin',
        count: 3,
        error,
      }),
      {
        password: '[redacted]',
        accessToken: '[redacted]',
        subject: '[redacted]',
        body: '[redacted]',
        otpCode: '[redacted]',
        Authorization: '[redacted]',
        errorCode: 'forbidden',
        user: 'emartin',
        count: 3,
        error: { name: 'Error', message: 'boom' },
      },
    );
  });

  it('also redacts secret fields nested in an object', () => {
    assert.deepEqual(redact({ request: { subject: 'Bilan', password: 'hunter2', user: 'emartin' } }), {
      request: { subject: '[redacted]', password: '[redacted]', user: 'emartin' },
    });
  });
});

describe('createLogger', () => {
  it('writes one JSON line per entry, redacted, at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => void lines.push(line));
    log.debug('hidden', { user: 'emartin' });
    log.info('deposit', { user: 'emartin', subject: 'Bilan' });
    log.error('failed', { token: 't' });
    assert.equal(lines.length, 2);
    assert.ok(lines.every((line) => line.endsWith('\n')));
    const [info, failed] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual({ ...info, time: undefined }, { time: undefined, level: 'info', message: 'deposit', user: 'emartin', subject: '[redacted]' });
    assert.deepEqual({ ...failed, time: undefined }, { time: undefined, level: 'error', message: 'failed', token: '[redacted]' });
    assert.match(String(info!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
