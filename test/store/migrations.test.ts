import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';
import { engineTest } from '../support/engines.ts';
import { countRows, DOMAIN, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

async function migrationNames(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

engineTest('migrations: reopening the same store twice migrates nothing and keeps every row and message', async (_t, rt) => {
  await seedSmallOperator(rt.ctx);
  const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`] });
  const sent = await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', raw);
  const before = { mailboxes: await countRows(rt.ctx, 'mailbox'), folders: await countRows(rt.ctx, 'folder'), audit: await countRows(rt.ctx, 'audit_log') };

  for (let round = 1; round <= 2; round++) {
    const again = await openRuntime(rt.config, { log: silentLogger });
    try {
      assert.deepEqual(await migrationNames(again.ctx.sql.read as unknown as Kysely<unknown>), ['001-core', '002-identity', '003-web', '004-directory', '005-proof-log', '006-tracking-alerts', '007-app-passwords', '008-trusted-domains', '009-outbound-queue', '010-access-tokens', '011-expunged-entries', '012-imap-envelope', '013-vault'], `round ${round}`);
      assert.deepEqual(
        { mailboxes: await countRows(again.ctx, 'mailbox'), folders: await countRows(again.ctx, 'folder'), audit: await countRows(again.ctx, 'audit_log') },
        before,
      );
      assert.deepEqual([...again.ctx.localDomains], [DOMAIN]);
      // The same key-encryption key is found again: the message still decrypts.
      assert.deepEqual((await openAs(again.ctx, 'sbernard', sent.messageId, { peek: true })).content, raw);
    } finally {
      await again.close();
    }
  }
  assert.deepEqual(await migrateToLatest(rt.ctx.sql.read as unknown as Kysely<unknown>, rt.ctx.sql.engine), []);
});
