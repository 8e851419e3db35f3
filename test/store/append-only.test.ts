import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { ServiceContext } from '../../src/services/context.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

async function snapshot(ctx: ServiceContext) {
  return {
    proofs: await ctx.sql.read.selectFrom('proof_event').selectAll().orderBy('seq').execute(),
    audit: await ctx.sql.read.selectFrom('audit_log').selectAll().orderBy('seq').execute(),
  };
}

engineTest('proof_event and audit_log refuse UPDATE and DELETE, whoever asks', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`] }));
  const before = await snapshot(rt.ctx);
  assert.equal(before.proofs.length, 2);
  assert.ok(before.audit.length > 0);

  const write = rt.ctx.sql.write.bind(rt.ctx.sql);
  await assert.rejects(write((trx) => trx.updateTable('proof_event').set({ actor: 'user:forger' }).execute()), /proof_event is append-only/);
  await assert.rejects(write((trx) => trx.updateTable('proof_event').set({ at: 0 }).where('type', '=', 'delivered').execute()), /proof_event is append-only/);
  await assert.rejects(write((trx) => trx.deleteFrom('proof_event').execute()), /proof_event is append-only/);
  await assert.rejects(write((trx) => trx.updateTable('audit_log').set({ result: 'ok', detail: null }).execute()), /audit_log is append-only/);
  await assert.rejects(write((trx) => trx.deleteFrom('audit_log').where('action', '=', 'deposit').execute()), /audit_log is append-only/);
  if (rt.ctx.sql.engine === 'postgres') {
    await assert.rejects(write((trx) => sql`truncate proof_event`.execute(trx)), /proof_event is append-only/);
    await assert.rejects(write((trx) => sql`truncate audit_log`.execute(trx)), /audit_log is append-only/);
  }

  assert.deepEqual(await snapshot(rt.ctx), before);
  // Appending still works, in the same store, after the refusals.
  await write((trx) => trx.insertInto('audit_log').values({ at: 1, actor: 'test', action: 'probe', target: null, result: 'ok', detail: null }).execute());
  assert.equal((await snapshot(rt.ctx)).audit.length, before.audit.length + 1);
});
