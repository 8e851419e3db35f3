import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalIns, validIns } from '../../src/core/ins.ts';

test('INS: 13 characters and their key (97 minus the number modulo 97), Corsica counted as 19 and 18, spaces allowed', () => {
  assert.equal(validIns('1 84 06 75 123 456 41'), true);
  assert.equal(validIns('184067512345641'), true);
  assert.equal(validIns('184067512345642'), false, 'wrong key');
  assert.equal(validIns('255082A00400194'), true, '2A counts as 19');
  assert.equal(validIns('255082B00400194'), false, '2B counts as 18: another key');
  assert.equal(validIns('18406751234564'), false, 'too short');
  assert.equal(validIns('984067512345641'), false, 'no such first digit');
  assert.equal(validIns('1840675123456411'), false);
  assert.equal(normalIns(' 2 55 08 2a 004 001 94 '), '255082A00400194');
});
