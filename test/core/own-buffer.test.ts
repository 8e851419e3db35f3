import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownBuffer, ownConcat } from '../../src/core/own-buffer.ts';

test('ownBuffer: bytes sliced out of the shared pool get a buffer of their own; a buffer already alone is kept', () => {
  const pooled = Buffer.from('a wrapped key, small enough for the pool');
  assert.ok(pooled.buffer.byteLength > pooled.byteLength, 'Node pooled it');
  const own = ownBuffer(pooled);
  assert.equal(own.buffer.byteLength, own.byteLength);
  assert.equal(own.byteOffset, 0);
  assert.deepEqual(own, pooled);
  const alone = Buffer.from(new ArrayBuffer(100));
  assert.equal(ownBuffer(alone), alone);
});

test('ownConcat: small pieces end to end, in a buffer of their own', () => {
  const pieces = [Buffer.from('abc'), new Uint8Array([100, 101]), Buffer.from('')];
  const whole = ownConcat(pieces, 5);
  assert.equal(whole.toString('latin1'), 'abcde');
  assert.equal(whole.buffer.byteLength, 5);
});
