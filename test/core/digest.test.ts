import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { contentDigester, verifyContentDigest } from '../../src/core/digest.ts';

function digestOf(content: Buffer, salt?: Buffer): string {
  const digester = contentDigester(salt);
  digester.update(content);
  return digester.digest();
}

describe('content digest', () => {
  const content = Buffer.from('From: a@demo.mssante.test\r\n\r\nCompte rendu\r\n');

  it('has the documented form: sha256 over salt then content', () => {
    const salt = Buffer.alloc(16, 0xab);
    const expected = createHash('sha256').update(salt).update(content).digest('hex');
    assert.equal(digestOf(content, salt), `sha256s:${'ab'.repeat(16)}:${expected}`);
  });

  it('gives equal contents unrelated digests, each of which verifies', () => {
    const first = digestOf(content);
    const second = digestOf(content);
    assert.match(first, /^sha256s:[0-9a-f]{32}:[0-9a-f]{64}$/);
    assert.notEqual(first, second);
    assert.notEqual(first.split(':')[2], second.split(':')[2]);
    assert.equal(verifyContentDigest(first, content), true);
    assert.equal(verifyContentDigest(second, content), true);
  });

  it('does not depend on how the content is chunked', () => {
    const salt = Buffer.alloc(16, 1);
    const digester = contentDigester(salt);
    for (let i = 0; i < content.length; i += 5) digester.update(content.subarray(i, i + 5));
    assert.equal(digester.digest(), digestOf(content, salt));
  });

  it('fails verification when one byte changes, or when the digest is malformed', () => {
    const digest = digestOf(content);
    for (const index of [0, 20, content.length - 1]) {
      const changed = Buffer.from(content);
      changed[index] = changed[index]! ^ 0x01;
      assert.equal(verifyContentDigest(digest, changed), false, `byte ${index} changed`);
    }
    assert.equal(verifyContentDigest(digest, content.subarray(0, -1)), false);
    assert.equal(verifyContentDigest(digest.toUpperCase(), content), false);
    assert.equal(verifyContentDigest(digest.replace('sha256s', 'sha256'), content), false);
    assert.equal(verifyContentDigest(digest.slice(0, -1), content), false);
    assert.equal(verifyContentDigest('', content), false);
  });
});
