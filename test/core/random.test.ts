import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secureRandomBytes } from '../../src/core/random.ts';

test('secureRandomBytes: the sizes asked, never the same bytes twice, copies that later draws do not change', () => {
  const seen = new Set<string>();
  const kept: Buffer[] = [];
  for (let i = 0; i < 5_000; i++) {
    const size = 1 + (i % 40);
    const bytes = secureRandomBytes(size);
    assert.equal(bytes.length, size);
    if (size >= 16) {
      assert.ok(!seen.has(bytes.toString('hex')), 'a 128-bit draw repeated');
      seen.add(bytes.toString('hex'));
    }
    if (i % 500 === 0) kept.push(Buffer.from(bytes), bytes);
  }
  // Drawn across many refills: what was handed out is untouched.
  for (let i = 0; i < kept.length; i += 2) assert.deepEqual(kept[i + 1], kept[i]);
  assert.equal(secureRandomBytes(10_000).length, 10_000);
  // Over a large sample every byte value appears: not a constant or a short cycle.
  const sample = secureRandomBytes(64_000);
  assert.equal(new Set(sample).size, 256);
});
