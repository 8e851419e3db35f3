import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CryptoError,
  generateDataKey,
  generateKeyEncryptionKey,
  kekFingerprint,
  loadOrCreateKek,
  parseKek,
  unwrapDataKey,
  wrapDataKey,
} from '../../src/store/crypto/envelope.ts';
import { withTempDir } from './helpers.ts';

const CONTEXT = '2025/01/02/03/0123456789abcdef0123456789abcdef';

describe('data key wrapping', () => {
  const kek = generateKeyEncryptionKey();
  const dataKey = generateDataKey();

  it('round trips, and the wrapped form is self-describing', () => {
    assert.equal(dataKey.length, 32);
    assert.match(kek.id, /^[0-9a-f]{16}$/);
    const wrapped = wrapDataKey(kek, dataKey, CONTEXT);
    assert.equal(wrapped[0], 1);
    assert.equal(wrapped.subarray(2, 2 + (wrapped[1] ?? 0)).toString('ascii'), kek.id);
    assert.deepEqual(unwrapDataKey(kek, wrapped, CONTEXT), dataKey);
    assert.notDeepEqual(wrapDataKey(kek, dataKey, CONTEXT), wrapped, 'nonce must be random');
  });

  it('names both KEK ids when the wrong KEK is used, and no key material', () => {
    const other = generateKeyEncryptionKey();
    const wrapped = wrapDataKey(kek, dataKey, CONTEXT);
    assert.throws(() => unwrapDataKey(other, wrapped, CONTEXT), (error: unknown) => {
      assert.ok(error instanceof CryptoError);
      assert.ok(error.message.includes(kek.id) && error.message.includes(other.id), error.message);
      for (const secret of [kek.key, other.key, dataKey]) {
        assert.ok(!error.message.includes(secret.toString('base64')) && !error.message.includes(secret.toString('hex')));
      }
      return true;
    });
  });

  it('fails on a KEK relabelled with the right id', () => {
    const impostor = { id: kek.id, key: randomBytes(32) };
    assert.throws(() => unwrapDataKey(impostor, wrapDataKey(kek, dataKey, CONTEXT), CONTEXT), /failed authentication/);
  });

  it('fails on a wrong context', () => {
    const wrapped = wrapDataKey(kek, dataKey, CONTEXT);
    assert.throws(() => unwrapDataKey(kek, wrapped, `${CONTEXT}x`), { name: 'CryptoError', message: /failed authentication/ });
  });

  it('fails on any flipped byte, truncation or extension', () => {
    const wrapped = wrapDataKey(kek, dataKey, CONTEXT);
    for (let position = 0; position < wrapped.length; position++) {
      const tampered = Buffer.from(wrapped);
      tampered[position]! ^= 0x01;
      assert.throws(() => unwrapDataKey(kek, tampered, CONTEXT), CryptoError, `byte ${position}`);
    }
    assert.throws(() => unwrapDataKey(kek, wrapped.subarray(0, wrapped.length - 1), CONTEXT), /length/);
    assert.throws(() => unwrapDataKey(kek, Buffer.concat([wrapped, Buffer.from([0])]), CONTEXT), /length/);
    assert.throws(() => unwrapDataKey(kek, Buffer.alloc(0), CONTEXT), /truncated/);
  });

  it('refuses malformed keys', () => {
    assert.throws(() => wrapDataKey(kek, Buffer.alloc(16), CONTEXT), CryptoError);
    assert.throws(() => wrapDataKey({ id: 'x', key: Buffer.alloc(31) }, dataKey, CONTEXT), CryptoError);
    assert.throws(() => wrapDataKey({ id: '', key: kek.key }, dataKey, CONTEXT), CryptoError);
  });
});

describe('parseKek', () => {
  it('accepts exactly 32 bytes of canonical base64, whitespace around it ignored', () => {
    const key = randomBytes(32);
    const kek = parseKek(`  ${key.toString('base64')}\n`);
    assert.deepEqual(kek.key, key);
    assert.equal(kek.id, kekFingerprint(key));
  });

  it('refuses anything else, without echoing it', () => {
    const valid = randomBytes(32).toString('base64');
    const nonCanonical = `${valid.slice(0, 42)}${valid[42] === 'A' ? 'B' : 'A'}=`; // low bits of the last char are padding
    const bad = ['', 'not base64 at all', randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), valid.replace('=', ''), randomBytes(32).toString('base64url'), nonCanonical, `${valid}${valid}`];
    for (const text of bad) {
      if (text === nonCanonical && Buffer.from(text, 'base64').toString('base64') === text) continue;
      assert.throws(() => parseKek(text), (error: unknown) => {
        assert.ok(error instanceof CryptoError, `accepted ${JSON.stringify(text)}`);
        assert.ok(text.length < 8 || !error.message.includes(text.trim()));
        return true;
      });
    }
  });
});

describe('loadOrCreateKek', () => {
  it('creates a 0600 key file (and a 0700 directory), then loads the same key', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'secrets', 'nested', 'kek.key');
      const created = await loadOrCreateKek(path, { allowGenerate: true });
      assert.equal(created.generated, true);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'secrets'))).mode & 0o777, 0o700);
      assert.equal((await stat(join(dir, 'secrets', 'nested'))).mode & 0o777, 0o700);
      assert.equal((await readFile(path, 'utf8')).trim(), created.kek.key.toString('base64'));

      const loaded = await loadOrCreateKek(path, { allowGenerate: true });
      assert.equal(loaded.generated, false);
      assert.deepEqual(loaded.kek, created.kek);
      const again = await loadOrCreateKek(path, { allowGenerate: false });
      assert.deepEqual(again.kek, created.kek);
    });
  });

  it('concurrent first starts agree on one key', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'kek.key');
      const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKek(path, { allowGenerate: true })));
      assert.equal(results.filter((r) => r.generated).length, 1);
      for (const r of results) assert.deepEqual(r.kek, results[0]!.kek);
      assert.deepEqual(await readdir(dir), ['kek.key'], 'no temporary key copies left behind');
    });
  });

  it('refuses a file readable by group or others', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'kek.key');
      await writeFile(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
      for (const mode of [0o644, 0o640, 0o604, 0o660]) {
        await chmod(path, mode);
        await assert.rejects(loadOrCreateKek(path, { allowGenerate: true }), (error: Error) => {
          assert.match(error.message, /group or others/);
          assert.ok(error.message.includes(path));
          return true;
        });
      }
      await chmod(path, 0o400);
      assert.equal((await loadOrCreateKek(path, { allowGenerate: false })).generated, false);
    });
  });

  it('refuses bad content and never replaces the file', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'kek.key');
      for (const content of ['', 'garbage\n', `${randomBytes(16).toString('base64')}\n`, `${randomBytes(32).toString('hex')}\n`, 'A'.repeat(5000)]) {
        await writeFile(path, content, { mode: 0o600 });
        await assert.rejects(loadOrCreateKek(path, { allowGenerate: true }), (error: Error) => {
          assert.ok(error instanceof CryptoError, String(error));
          assert.ok(error.message.includes(path), error.message);
          return true;
        });
        assert.equal(await readFile(path, 'utf8'), content);
      }
    });
  });

  it('refuses a missing file when generating is not allowed, naming the path', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'absent', 'kek.key');
      await assert.rejects(loadOrCreateKek(path, { allowGenerate: false }), (error: Error) => {
        assert.ok(error.message.includes(path));
        assert.match(error.message, /does not exist/);
        return true;
      });
      await assert.rejects(stat(join(dir, 'absent')), { code: 'ENOENT' });
    });
  });

  it('refuses a directory in place of the file', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'kek.key');
      await mkdir(path, { mode: 0o700 });
      await assert.rejects(loadOrCreateKek(path, { allowGenerate: true }));
    });
  });
});
