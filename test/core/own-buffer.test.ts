import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownBuffer, ownConcat, releaseNow } from '../../src/core/own-buffer.ts';

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

test('releaseNow: a buffer of its own is emptied at once; a slice of the shared pool, or part of a buffer, is left alone', () => {
  const alone = Buffer.from(new ArrayBuffer(20_000));
  const memory = alone.buffer;
  releaseNow(alone);
  assert.equal(memory.detached, true);
  assert.equal(alone.length, 0);
  releaseNow(alone); // twice is harmless
  const pooled = Buffer.from('a small buffer, sliced out of the pool');
  const neighbour = Buffer.from('its neighbour in the same pool');
  assert.equal(pooled.buffer, neighbour.buffer);
  releaseNow(pooled);
  assert.equal(neighbour.toString(), 'its neighbour in the same pool');
  const whole = new Uint8Array(100).fill(7);
  releaseNow(whole.subarray(10, 20));
  assert.equal(whole[0], 7);
  assert.equal(whole.buffer.detached, false);
});
