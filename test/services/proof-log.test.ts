import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { verifyConsistency } from '../../src/core/proof/merkle.ts';
import { verifyReceipt, type Receipt } from '../../src/core/proof/receipt.ts';
import { auditProofLog, LEAVES_PER_TURN } from '../../src/services/proofs/audit.ts';
import { keepProofLog } from '../../src/services/proofs/proof-log-keeper.ts';
import { sequenceEvents, signedHead, storedConsistencyProof } from '../../src/services/proofs/proof-log.ts';
import { receiptFor } from '../../src/services/proofs/receipt.ts';
import { runRetention } from '../../src/services/retention.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { DOMAIN, openAs, rawMessage, seedSmallOperator, send, user } from '../support/fixtures.ts';

async function sendOne(rt: TestRuntime, to = [`sbernard@${DOMAIN}`, `khaddad@${DOMAIN}`]) {
  return send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to, subject: 'Compte rendu' }));
}

const receipt = (rt: TestRuntime, messageId: string) => receiptFor(rt.ctx, user('emartin'), messageId);
const clone = (value: Receipt): Receipt => JSON.parse(JSON.stringify(value)) as Receipt;

engineTest('proof log: a receipt proves submitted, delivered and opened in the signed log, offline; one changed byte anywhere fails it', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { messageId } = await sendOne(rt);
  await openAs(rt.ctx, 'sbernard', messageId);
  const proof = await receipt(rt, messageId);
  const key = rt.ctx.proofKey.publicKey;
  const checked = verifyReceipt(clone(proof), key);
  assert.deepEqual(checked.problems, []);
  assert.ok(checked.ok);
  const facts = checked.events.map((event) => `${event.type}:${event.recipient ?? ''}`).sort();
  assert.deepEqual(facts, ['delivered:khaddad@demo.mssante.test', 'delivered:sbernard@demo.mssante.test', 'opened:sbernard@demo.mssante.test', 'submitted:']);

  const tampered: [string, (r: Receipt) => void][] = [
    ['a leaf byte', (r) => (r.events[0]!.leaf = flipBase64(r.events[0]!.leaf))],
    ['a proof hash', (r) => (r.events[0]!.proof[0] = flipHex(r.events[0]!.proof[0]!))],
    ['the root', (r) => (r.head.rootHash = flipHex(r.head.rootHash))],
    ['the head size', (r) => (r.head.treeSize += 1)],
    ['the head time', (r) => (r.head.signedAt += 1)],
    ['the signature', (r) => (r.head.signature = flipBase64(r.head.signature))],
    ['the facts shown', (r) => (r.events[0]!.event.at += 1)],
    ['the leaf index', (r) => (r.events[0]!.leafIndex += 1)],
  ];
  for (const [what, change] of tampered) {
    const copy = clone(proof);
    change(copy);
    assert.equal(verifyReceipt(copy, key).ok, false, `changed ${what} and still verified`);
  }
  // Someone else's key does not verify it; nobody else may ask for it.
  const { generateKeyPairSync } = await import('node:crypto');
  assert.equal(verifyReceipt(clone(proof), generateKeyPairSync('ed25519').publicKey).ok, false);
  await assert.rejects(receiptFor(rt.ctx, user('sbernard'), messageId), /no such message/);
});

engineTest('proof log: parallel deposits and sequencers give one dense, consistent log; heads are consistent with each other', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  await sendOne(rt);
  const first = await sequenceEvents(rt.ctx);
  assert.ok(first && first.treeSize === 3);
  await Promise.all([...Array.from({ length: 12 }, () => sendOne(rt, [`khaddad@${DOMAIN}`])), sequenceEvents(rt.ctx), sequenceEvents(rt.ctx)]);
  const last = await sequenceEvents(rt.ctx);
  assert.equal(last?.treeSize, 3 + 12 * 2);
  const report = await auditProofLog(rt.ctx);
  assert.deepEqual(report.problems, []);
  assert.equal(report.leaves, 27);
  assert.equal(report.unlogged, 0);
  const proof = await storedConsistencyProof(rt.ctx.sql.read, first.treeSize, last!.treeSize);
  assert.ok(verifyConsistency(first.treeSize, last!.treeSize, proof, first.rootHash, last!.rootHash));
  assert.equal(verifyConsistency(first.treeSize, last!.treeSize, proof, last!.rootHash, first.rootHash), false);
});

engineTest('proof log: an event, a subtree or a head edited in the database behind Missive is caught by the audit', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  for (let i = 0; i < 5; i++) await sendOne(rt);
  await sequenceEvents(rt.ctx);
  assert.ok((await auditProofLog(rt.ctx)).ok);
  // The database refuses edits to the log; an intruder with the database's own rights goes around that.
  await expectRefused(rt, sql`update proof_event set actor = 'someone-else' where seq = 4`);
  await behindMissive(rt, 'proof_event', sql`update proof_event set actor = 'someone-else' where seq = 4`);
  const report = await auditProofLog(rt.ctx);
  assert.equal(report.ok, false);
  assert.match(report.problems.join('\n'), /leaf 3: event .* does not hash to its leaf/);
  // A server starting on this log says so loudly.
  const errors: string[] = [];
  const log = { ...rt.ctx.log, error: (message: string) => void errors.push(message), info: () => {} };
  await keepProofLog({ ...rt.ctx, log }).stop();
  assert.deepEqual(errors.filter((message) => message.startsWith('PROOF LOG MISMATCH')).length, 1);

  await behindMissive(rt, 'proof_head', sql`delete from proof_head`);
  await behindMissive(rt, 'proof_node', sql`delete from proof_node where level = 1 and position = 0`);
  const again = await auditProofLog(rt.ctx);
  assert.match(again.problems.join('\n'), /subtree 1:0 is missing/);
});

engineTest('proof log: purged content leaves a purged event, and receipts from before and after still verify (fake clock)', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { messageId } = await sendOne(rt);
  const before = await receipt(rt, messageId);
  rt.clock.now += 91 * 24 * 60 * 60 * 1000;
  assert.equal((await runRetention(rt.ctx, 90)).purged, 1);
  const after = await receipt(rt, messageId);
  const key = rt.ctx.proofKey.publicKey;
  assert.ok(verifyReceipt(before, key).ok);
  const checked = verifyReceipt(after, key);
  assert.ok(checked.ok, checked.problems.join('; '));
  assert.ok(checked.events.some((event) => event.type === 'purged' && event.messageId === messageId));
  assert.ok(after.head.treeSize > before.head.treeSize);
  assert.ok((await auditProofLog(rt.ctx)).ok);
  assert.equal((await signedHead(rt.ctx.sql.read))?.treeSize, after.head.treeSize);
});

engineTest('proof log: the audit of a long log lets the event loop turn (the server audits while it serves)', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  // Three events per message: more than two turns' worth of leaves.
  for (let sent = 0; sent * 3 <= 2 * LEAVES_PER_TURN; sent += 20) await Promise.all(Array.from({ length: 20 }, () => sendOne(rt)));
  await sequenceEvents(rt.ctx);
  let turns = 0;
  let auditing = true;
  const count = () => {
    if (!auditing) return;
    turns++;
    setImmediate(count);
  };
  setImmediate(count);
  const report = await auditProofLog(rt.ctx);
  auditing = false;
  assert.ok(report.ok, report.problems.join('; '));
  assert.ok(report.leaves > 2 * LEAVES_PER_TURN);
  assert.ok(turns >= 2, `the event loop turned ${turns} times during the audit`);
});

engineTest('proof log: events waiting for their leaf when the audit begins are no mismatch; a gap below the last logged event is', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  for (let i = 0; i < 3; i++) await sendOne(rt);
  const before = await sequenceEvents(rt.ctx);
  // Recorded after the last sequencing, as at any moment on a server that is receiving mail.
  await sendOne(rt);
  const report = await auditProofLog(rt.ctx);
  assert.deepEqual(report.problems, []);
  assert.equal(report.unlogged, 0);
  assert.equal(report.leaves, before!.treeSize);
  await sequenceEvents(rt.ctx);
  const next = await auditProofLog(rt.ctx);
  assert.ok(next.ok && next.unlogged === 0, next.problems.join('; '));
  assert.equal(next.leaves, before!.treeSize + 3);
  // An event recorded before the last logged one, yet with no leaf, would never be proven.
  const first = await rt.ctx.sql.read.selectFrom('proof_event').selectAll().orderBy('seq').limit(1).executeTakeFirstOrThrow();
  await behindMissive(rt, 'proof_event', sql`insert into proof_event (seq, id, type, message_id, message_id_header, content_digest, actor, recipient, channel, at) values (0, ${'evt-gap'}, ${first.type}, ${first.message_id}, ${first.message_id_header}, ${first.content_digest}, ${first.actor}, ${first.recipient}, ${first.channel}, ${first.at})`);
  const gap = await auditProofLog(rt.ctx);
  assert.equal(gap.unlogged, 1);
});

async function expectRefused(rt: TestRuntime, statement: ReturnType<typeof sql>) {
  await assert.rejects(rt.ctx.sql.write((trx) => statement.execute(trx)), /append-only/);
}

/** Runs a statement with the table's append-only guard lifted, as someone with the database files could. */
async function behindMissive(rt: TestRuntime, table: string, statement: ReturnType<typeof sql>) {
  await rt.ctx.sql.write(async (trx) => {
    if (rt.ctx.sql.engine === 'postgres') {
      await sql`alter table ${sql.table(table)} disable trigger user`.execute(trx);
      await statement.execute(trx);
      await sql`alter table ${sql.table(table)} enable trigger user`.execute(trx);
    } else {
      const triggers = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'trigger' and tbl_name = ${table}`.execute(trx);
      for (const trigger of triggers.rows) await sql`drop trigger ${sql.raw(trigger.name)}`.execute(trx);
      await statement.execute(trx);
      for (const trigger of triggers.rows) await sql.raw(trigger.sql).execute(trx);
    }
  });
}

function flipHex(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}

function flipBase64(text: string): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[0]! ^= 1;
  return bytes.toString('base64');
}

engineTest('proof log: a recipient downloading an attachment is proven once, besides the opening; the receipt shows it', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], attachment: { name: 'bilan.pdf', bytes: Buffer.from('%PDF-1.4 bilan') } });
  const { messageId } = await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', raw);
  const { downloadAttachment } = await import('../../src/services/attachment-download.ts');
  for (let i = 0; i < 2; i++) {
    const download = await downloadAttachment(rt.ctx, { principal: user('sbernard'), messageId, part: '2' });
    for await (const _ of download.content) {
      // Read to the end, as a browser does.
    }
  }
  const checked = verifyReceipt(await receipt(rt, messageId), rt.ctx.proofKey.publicKey);
  assert.ok(checked.ok, checked.problems.join('; '));
  assert.deepEqual(checked.events.map((event) => `${event.type}:${event.recipient ?? ''}`), ['submitted:', 'delivered:sbernard@demo.mssante.test', 'opened:sbernard@demo.mssante.test', 'attachment_downloaded:sbernard@demo.mssante.test']);
});
