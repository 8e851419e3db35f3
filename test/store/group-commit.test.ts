import assert from 'node:assert/strict';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../src/store/schema.ts';
import { engineTest } from '../support/engines.ts';
import { engineTestWith, settles } from '../support/fixtures.ts';


const domain = (i: number) => `d${i}.example.fr`;

/**
 * Each write inserts its own row; some then throw an error of their own, others cause an SQL
 * error (a duplicate key). Only those must fail, each with its own error, and lose their row.
 */
engineTest('group commit: concurrent writes where some throw — exactly those reject, the others commit', async (_t, rt) => {
  const COUNT = 40;
  const kind = (i: number) => (i % 4 === 1 ? 'throws' : i % 4 === 3 ? 'sql-error' : 'ok');
  const writes = Array.from({ length: COUNT }, (_, i) =>
    rt.ctx.sql.write(async (trx) => {
      await trx.insertInto('operator_domain').values({ domain: domain(i), created_at: i }).execute();
      if (kind(i) === 'throws') throw new Error(`work ${i} refused`);
      if (kind(i) === 'sql-error') await trx.insertInto('operator_domain').values({ domain: domain(i), created_at: -1 }).execute();
      return i;
    }),
  );
  const outcomes = await Promise.allSettled(writes);

  outcomes.forEach((outcome, i) => {
    if (kind(i) === 'ok') assert.deepEqual(outcome, { status: 'fulfilled', value: i }, `write ${i}`);
    else assert.equal(outcome.status, 'rejected', `write ${i}`);
    if (kind(i) === 'throws') assert.equal((outcome as PromiseRejectedResult).reason.message, `work ${i} refused`);
    if (kind(i) === 'sql-error') assert.doesNotMatch(String((outcome as PromiseRejectedResult).reason), /refused/);
  });
  const rows = (await rt.ctx.sql.read.selectFrom('operator_domain').select(['domain', 'created_at']).orderBy('created_at').execute()).map((row) => ({ ...row }));
  const expected = Array.from({ length: COUNT }, (_, i) => i)
    .filter((i) => kind(i) === 'ok')
    .map((i) => ({ domain: domain(i), created_at: i }));
  assert.deepEqual(rows, expected);
});

engineTest('group commit: a write resolves only with its rows readable, and later writes still work', async (_t, rt) => {
  const value = await rt.ctx.sql.write(async (trx) => {
    await trx.insertInto('operator_domain').values({ domain: 'a.example.fr', created_at: 1 }).execute();
    return 'done';
  });
  assert.equal(value, 'done');
  const rows = await rt.ctx.sql.read.selectFrom('operator_domain').select('domain').execute();
  assert.deepEqual(rows.map((row) => row.domain), ['a.example.fr']);
  await assert.rejects(rt.ctx.sql.write(async () => Promise.reject(new Error('alone'))), /alone/);
  await rt.ctx.sql.write((trx) => trx.insertInto('operator_domain').values({ domain: 'b.example.fr', created_at: 2 }).execute());
  assert.equal((await rt.ctx.sql.read.selectFrom('operator_domain').select('domain').execute()).length, 2);
});

/**
 * A failure that ends the whole transaction (SQLite rolls back by itself on SQLITE_FULL or an
 * I/O error; a PostgreSQL connection can drop) must still settle every caller: rejected, not
 * left waiting forever. `settles` is only a liveness guard.
 */
function endsTheTransaction(i: number) {
  return async (trx: Transaction<Database>) => {
    await trx.insertInto('operator_domain').values({ domain: domain(i), created_at: i }).execute();
    // Stands for the engine aborting the transaction on its own.
    await sql`rollback`.execute(trx);
    throw new Error('transaction lost');
  };
}

engineTestWith(
  'group commit: when the batch transaction itself fails, every write in the batch still settles',
  {},
  async (_t, rt) => {
    const writes = Array.from({ length: 6 }, (_, i) =>
      i === 2 ? rt.ctx.sql.write(endsTheTransaction(i)) : rt.ctx.sql.write(async (trx) => trx.insertInto('operator_domain').values({ domain: domain(i), created_at: i }).execute()),
    );
    const outcomes = await settles(Promise.allSettled(writes), 'the writes of the failed batch', 10_000);
    assert.equal((outcomes[2] as PromiseRejectedResult).reason.message, 'transaction lost');
    // The others may be rejected or retried, but what callers were told matches what is stored.
    const fulfilled = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [domain(i)] : []));
    const rows = await rt.ctx.sql.read.selectFrom('operator_domain').select('domain').orderBy('created_at').execute();
    assert.deepEqual(rows.map((row) => row.domain), fulfilled);
    // The store still works afterwards.
    await rt.ctx.sql.write((trx) => trx.insertInto('operator_domain').values({ domain: 'later.example.fr', created_at: 99 }).execute());
  },
);

engineTestWith(
  'group commit: a lone write whose transaction fails under it is rejected',
  {},
  async (_t, rt) => {
    await assert.rejects(settles(rt.ctx.sql.write(endsTheTransaction(0)), 'the lone write', 10_000), { message: 'transaction lost' });
    await rt.ctx.sql.write((trx) => trx.insertInto('operator_domain').values({ domain: 'later.example.fr', created_at: 99 }).execute());
  },
);
