import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runRetention } from '../../src/services/retention.ts';
import { findMessage, inlineContent } from '../../src/store/repositories/messages.ts';
import { freshRuntime } from '../support/engines.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;

test('SQLite: after a purge, neither the wrapped key, the ciphertext nor the subject remain in the database files', async () => {
  const rt = await freshRuntime('sqlite');
  try {
    const { ctx } = rt;
    await seedSmallOperator(ctx);
    const subject = 'Zanzibar-compte-rendu-unique';
    const sent = await send(ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject }));
    const wrappedKey = (await findMessage(ctx.sql.read, sent.messageId))!.wrapped_key!;
    const ciphertext = (await inlineContent(ctx.sql.read, sent.messageId))!;
    rt.clock.now += 91 * DAY;
    assert.equal((await runRetention(ctx, 90)).purged, 1);

    const files = readdirSync(rt.dataDir).filter((name) => name.startsWith('missive.sqlite'));
    assert.ok(files.includes('missive.sqlite'));
    for (const name of files) {
      const bytes = readFileSync(path.join(rt.dataDir, name));
      assert.equal(bytes.indexOf(wrappedKey.subarray(0, 24)), -1, `${name} still holds the wrapped key`);
      assert.equal(bytes.indexOf(ciphertext.subarray(100, 164)), -1, `${name} still holds the ciphertext`);
      assert.equal(bytes.indexOf(Buffer.from(subject)), -1, `${name} still holds the subject`);
    }
  } finally {
    await rt.close();
  }
});
