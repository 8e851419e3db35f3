import assert from 'node:assert/strict';
import test from 'node:test';
import { hash64, HashedKeys } from '../../src/core/directory/hashed-keys.ts';

test('hashed keys: what was set is found with its value, what was not is not, through many growths', () => {
  const keys = new HashedKeys();
  for (let i = 0; i < 200_000; i++) keys.set(`praticien.${i}@medecin.mssante.fr`, i * 3);
  assert.equal(keys.size, 200_000);
  for (let i = 0; i < 200_000; i += 997) assert.equal(keys.get(`praticien.${i}@medecin.mssante.fr`), i * 3);
  assert.equal(keys.get('praticien.200000@medecin.mssante.fr'), undefined);
  assert.equal(keys.has('praticien.1@medecin.mssante.fr'), true);
  assert.equal(keys.has('Praticien.1@medecin.mssante.fr'), false);
  keys.set('praticien.1@medecin.mssante.fr', 7);
  assert.equal(keys.size, 200_000);
  assert.equal(keys.get('praticien.1@medecin.mssante.fr'), 7);
  // A value of 0 is a value, not an absence.
  keys.set('zéro', 0);
  assert.equal(keys.get('zéro'), 0);
});

test('hashed keys: 64-bit hashes of a million similar keys are all distinct; accents and case count', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1_000_000; i++) seen.add(hash64(`8${String(10000000000 + i)}`).join(':'));
  assert.equal(seen.size, 1_000_000);
  assert.notDeepEqual(hash64('éloïse'), hash64('eloise'));
  assert.notDeepEqual(hash64('a'), hash64('A'));
  assert.notDeepEqual(hash64(''), [0, 0]);
});
