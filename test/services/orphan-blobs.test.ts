import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { newBlobKey } from '../../src/store/blobs/blob-store.ts';
import { runRetention, sweepOrphanBlobs } from '../../src/services/retention.ts';
import { engineTest } from '../support/engines.ts';
import { DOMAIN, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const HOUR = 60 * 60 * 1000;

// Content forced to the blob store, as large messages always go.
const BLOB_STORE = { MISSIVE_INLINE_CONTENT_BYTES: '0' };

engineTest(
  'a blob no message names is removed once its bucket is old enough; named and recent blobs stay',
  async (_t, rt) => {
    const { ctx, clock } = rt;
    // Blob files carry real modification times: the fake clock starts at the real one.
    clock.now = Date.now();
    await seedSmallOperator(ctx);
    const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`] });
    const sent = await send(ctx, `emartin@${DOMAIN}`, 'emartin', raw);
    // What a crash between the blob write and the commit leaves behind.
    const orphan = newBlobKey(new Date(clock.now));
    await ctx.blobs.put(orphan, Readable.from([Buffer.from('ciphertext whose key was never stored')]));

    clock.now += HOUR;
    const recent = newBlobKey(new Date(clock.now));
    await ctx.blobs.put(recent, Readable.from([Buffer.from('a deposit still under way')]));
    assert.deepEqual(await runRetention(ctx, 90), { purged: 0, blobsRemoved: 0 }, 'too recent to judge');

    // Three hours after the crash: the orphan's bucket is old enough, the recent one is not yet.
    clock.now += 2 * HOUR;
    assert.deepEqual(await runRetention(ctx, 90), { purged: 0, blobsRemoved: 1 });
    assert.equal(await ctx.blobs.exists(orphan), false);
    assert.equal(await ctx.blobs.exists(recent), true);
    assert.deepEqual((await openAs(ctx, 'khaddad', sent.messageId, { peek: true })).content, raw);

    // The start-up sweep reaches back a week.
    clock.now += 5 * 24 * HOUR;
    assert.equal(await sweepOrphanBlobs(ctx, 7 * 24), 1);
    assert.equal(await ctx.blobs.exists(recent), false);
    assert.deepEqual((await openAs(ctx, 'khaddad', sent.messageId, { peek: true })).content, raw);
  },
  BLOB_STORE,
);
