import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitHeader } from '../../src/services/deposit/canonical-stream.ts';

async function split(chunks: Buffer[]): Promise<{ header: string; rest: string }> {
  async function* source(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  const { header, rest } = await splitHeader(source()[Symbol.asyncIterator]());
  const body: Buffer[] = [];
  for await (const chunk of rest) body.push(chunk);
  return { header: header.toString('latin1'), rest: Buffer.concat(body).toString('latin1') };
}

test('splitHeader finds the empty line wherever the chunks are cut, and loses no byte', async () => {
  const header = 'From: a@demo.mssante.test\r\nSubject: x\r\n';
  const message = Buffer.from(`${header}\r\nBody line\r\n\r\nsecond paragraph\r\n`, 'latin1');
  const expected = { header, rest: message.subarray(header.length).toString('latin1') };
  assert.deepEqual(await split([message]), expected);
  for (let cut = 0; cut <= message.length; cut++) {
    assert.deepEqual(await split([message.subarray(0, cut), message.subarray(cut)]), expected, `cut at ${cut}`);
  }
  for (let a = 1; a < message.length; a += 3) {
    for (let b = a; b < Math.min(a + 8, message.length); b++) {
      assert.deepEqual(await split([message.subarray(0, a), message.subarray(a, b), message.subarray(b)]), expected, `cuts at ${a}, ${b}`);
    }
  }
  assert.deepEqual(await split([...message].map((byte) => Buffer.from([byte]))), expected, 'byte by byte');
});
