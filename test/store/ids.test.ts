import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ID_PATTERN, newId, newOrderedId } from '../../src/store/ids.ts';

const pattern = new RegExp(ID_PATTERN);

test('ordered identifiers sort as their creation times do, across every digit of the time', () => {
  const times = [0, 1, 31, 32, 1_000, 1_700_000_000_000, 1_700_000_000_001, 1_764_892_800_000, 2 ** 47];
  const ids = times.map((time) => newOrderedId('msg', time));
  assert.deepEqual([...ids].sort(), ids);
  for (const id of ids) assert.match(id, /^msg_[a-z2-7]{30}$/);
});

test('ordered identifiers keep 100 random bits: two made in the same millisecond differ', () => {
  const seen = new Set(Array.from({ length: 1000 }, () => newOrderedId('evt', 1_764_892_800_000)));
  assert.equal(seen.size, 1000);
});

test('the identifier pattern accepts both kinds and nothing else', () => {
  assert.match(newId('mbx'), pattern);
  assert.match(newOrderedId('msg'), pattern);
  for (const bad of ['msg_', 'msg_abc', `msg_${'a'.repeat(25)}`, `msg_${'a'.repeat(31)}`, `MSG_${'a'.repeat(20)}`, `msg_${'a'.repeat(19)}1`, `msg_${'a'.repeat(20)}\n`]) {
    assert.doesNotMatch(bad, pattern, bad);
  }
});
