import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadPool } from '../../src/store/thread-pool.ts';

type Request = { id: number; value: string; delayMs?: number; die?: boolean; extra?: unknown };
type Reply = { id: number; value: string };
const ECHO = new URL('../support/echo-thread.ts', import.meta.url);

test('thread pool: each reply reaches its request; a thread starts only when the others are busy, up to the size', async (t) => {
  const pool = threadPool<Request, Reply>(ECHO, null, 2, 'echo');
  t.after(() => pool.close());
  assert.equal((await pool.send((id) => ({ id, value: 'one' }))).value, 'one');
  assert.equal(pool.threads(), 1);
  const replies = await Promise.all(['a', 'b', 'c', 'd'].map((value, i) => pool.send((id) => ({ id, value, delayMs: 40 - 10 * i }))));
  assert.deepEqual(replies.map((reply) => reply.value), ['a', 'b', 'c', 'd']);
  assert.equal(pool.threads(), 2);
});

test('thread pool: a thread that dies fails what it was asked, leaves the pool, and the next request starts another', async (t) => {
  const pool = threadPool<Request, Reply>(ECHO, null, 1, 'echo');
  t.after(() => pool.close());
  const waiting = pool.send((id) => ({ id, value: 'late', delayMs: 200 }));
  const dying = pool.send((id) => ({ id, value: 'x', die: true }));
  await assert.rejects(dying, /the echo thread stopped/);
  await assert.rejects(waiting, /the echo thread stopped/);
  assert.equal(pool.threads(), 0);
  assert.equal((await pool.send((id) => ({ id, value: 'again' }))).value, 'again');
});

test('thread pool: a request that cannot be sent fails at once and leaves nothing pending; after close, requests fail', async (t) => {
  const pool = threadPool<Request, Reply>(ECHO, null, 2, 'echo');
  t.after(() => pool.close());
  await assert.rejects(pool.send((id) => ({ id, value: 'v', extra: () => 1 })), /could not be cloned/);
  // The thread is idle again: the next request goes to it, not to a second one.
  assert.equal((await pool.send((id) => ({ id, value: 'next' }))).value, 'next');
  assert.equal(pool.threads(), 1);
  await pool.close();
  await assert.rejects(pool.send((id) => ({ id, value: 'closed' })), /closed/);
});

test('thread pool: prestart starts every thread at once; requests then start none, and a closed pool starts nothing', async (t) => {
  const pool = threadPool<Request, Reply>(ECHO, null, 2, 'echo');
  t.after(() => pool.close());
  pool.prestart();
  pool.prestart();
  assert.equal(pool.threads(), 2);
  const replies = await Promise.all(['a', 'b', 'c'].map((value) => pool.send((id) => ({ id, value, delayMs: 20 }))));
  assert.deepEqual(replies.map((reply) => reply.value), ['a', 'b', 'c']);
  assert.equal(pool.threads(), 2);
  await pool.close();
  pool.prestart();
  assert.equal(pool.threads(), 0, 'a closed pool starts nothing');
});
