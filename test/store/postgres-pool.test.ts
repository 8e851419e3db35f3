import assert from 'node:assert/strict';
import pg from 'pg';
import { test } from 'node:test';
import { freshRuntime } from '../support/engines.ts';

/**
 * PostgreSQL ends connections on its own: a restart, a failover, idle_session_timeout, an
 * administrator. An idle pooled connection that dies must cost one reconnection, not the
 * process (pg.Pool re-emits the client's error on the pool, and an EventEmitter 'error'
 * without a listener throws).
 */
test(
  'PostgreSQL: a pooled connection terminated by the server does not crash the process; the store goes on',
  {
    skip: process.env.MISSIVE_TEST_PG_URL ? false : 'needs MISSIVE_TEST_PG_URL',
  },
  async () => {
    const rt = await freshRuntime('postgres');
    const uncaught: unknown[] = [];
    const record = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtException', record);
    const admin = new pg.Client({ connectionString: process.env.MISSIVE_TEST_PG_URL });
    try {
      await rt.ctx.sql.read.selectFrom('operator_domain').selectAll().execute();
      await admin.connect();
      const database = new URL(rt.config.databaseUrl).pathname.slice(1);
      // Waits (up to 5 s, server side) until each backend has gone; its goodbye is then on our socket.
      const { rows } = await admin.query('select pg_terminate_backend(pid, 5000) as ended from pg_stat_activity where datname = $1', [database]);
      assert.ok(rows.length > 0 && rows.every((row: { ended: boolean }) => row.ended));
      await admin.query('select 1');
      await new Promise((resolve) => setImmediate(resolve));

      assert.deepEqual(uncaught, []);
      await rt.ctx.sql.write((trx) => trx.insertInto('operator_domain').values({ domain: 'apres.example.fr', created_at: 1 }).execute());
      const domains = await rt.ctx.sql.read.selectFrom('operator_domain').select('domain').execute();
      assert.deepEqual(domains.map((row) => row.domain), ['apres.example.fr']);
    } finally {
      process.off('uncaughtException', record);
      await admin.end();
      await rt.close();
    }
  },
);
