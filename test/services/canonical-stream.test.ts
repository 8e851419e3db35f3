import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMissiveError } from '../../src/core/errors.ts';
import { MAX_HEADER_BLOCK_BYTES } from '../../src/core/header-block.ts';
import { canonicalLineEnds, splitHeader } from '../../src/services/deposit/canonical-stream.ts';
import { collectBytes } from '../support/fixtures.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

/** Runs `canonicalLineEnds` over `text` cut at the given positions. */
async function canonical(text: string | Buffer, cuts: number[] = []): Promise<string> {
  const input = typeof text === 'string' ? bytes(text) : text;
  const chunks: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    chunks.push(input.subarray(start, cut));
    start = cut;
  }
  return (await collectBytes(canonicalLineEnds(chunks))).toString('latin1');
}

async function* chunksOf(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield bytes(part);
}

describe('canonicalLineEnds', () => {
  it('rewrites LF, CR and mixed line ends to CRLF, and leaves CRLF alone', async () => {
    assert.equal(await canonical('a\nb\n'), 'a\r\nb\r\n');
    assert.equal(await canonical('a\r\nb\r\n'), 'a\r\nb\r\n');
    assert.equal(await canonical('a\rb\r'), 'a\r\nb\r\n');
    assert.equal(await canonical('a\r\rb\n\nc\r\n\rd'), 'a\r\n\r\nb\r\n\r\nc\r\n\r\nd');
    assert.equal(await canonical('\n\r\n\r'), '\r\n\r\n\r\n');
    assert.equal(await canonical('no line end'), 'no line end');
    assert.equal(await canonical(''), '');
  });

  it('keeps a CR at the end of one chunk and an LF at the start of the next as one line end', async () => {
    assert.equal(await canonical('a\r\nb', [2]), 'a\r\nb');
    assert.equal(await canonical('a\rb', [2]), 'a\r\nb');
    assert.equal(await canonical('a\r\n\nb', [2, 3]), 'a\r\n\r\nb');
    // The same across empty chunks in between.
    assert.equal((await collectBytes(canonicalLineEnds(chunksOf('a\r', '', '', '\nb')))).toString(), 'a\r\nb');
    assert.equal((await collectBytes(canonicalLineEnds(chunksOf('a\r', '', 'b')))).toString(), 'a\r\nb');
  });

  it('passes 8-bit and NUL bytes through unchanged', async () => {
    const input = Buffer.from([0xe9, 0x00, 0x0a, 0xff, 0x0d, 0x0a, 0x80]);
    assert.deepEqual(Buffer.from(await canonical(input), 'latin1'), Buffer.from([0xe9, 0x00, 0x0d, 0x0a, 0xff, 0x0d, 0x0a, 0x80]));
  });

  it('gives the one-chunk result for every split of a sample into two or three chunks', async () => {
    const samples = ['Sub: a\r\n\r\nb\nc\r\rd\r\n', '\r\r\n\n\r', 'x\n\ny\r\r\nz\r'];
    for (const sample of samples) {
      const whole = await canonical(sample);
      for (let i = 0; i <= sample.length; i++) {
        assert.equal(await canonical(sample, [i]), whole, `${JSON.stringify(sample)} split at ${i}`);
        for (let j = i; j <= sample.length; j++) {
          assert.equal(await canonical(sample, [i, j]), whole, `${JSON.stringify(sample)} split at ${i} and ${j}`);
        }
      }
      const oneByteChunks = [...Array(sample.length).keys()].slice(1);
      assert.equal(await canonical(sample, oneByteChunks), whole, `${JSON.stringify(sample)} one byte at a time`);
    }
  });
});

describe('splitHeader', () => {
  async function split(...parts: string[]): Promise<{ header: string; rest: string }> {
    const { header, rest } = await splitHeader(chunksOf(...parts));
    return { header: header.toString('latin1'), rest: (await collectBytes(rest)).toString('latin1') };
  }

  it('splits at the first empty line: header keeps its last CRLF, the rest starts with the empty line', async () => {
    assert.deepEqual(await split('From: a\r\nTo: b\r\n\r\nbody\r\n\r\nmore\r\n'), {
      header: 'From: a\r\nTo: b\r\n',
      rest: '\r\nbody\r\n\r\nmore\r\n',
    });
  });

  it('finds the empty line wherever the chunks are cut, and streams the rest unchanged', async () => {
    const message = 'From: a\r\nTo: b\r\n\r\nbody line\r\n';
    for (let i = 1; i < message.length; i++) {
      for (const j of [i, Math.min(i + 3, message.length)]) {
        const result = await split(message.slice(0, i), message.slice(i, j), message.slice(j));
        assert.deepEqual(result, { header: 'From: a\r\nTo: b\r\n', rest: '\r\nbody line\r\n' }, `cut at ${i} and ${j}`);
      }
    }
  });

  it('treats a message of headers only, with or without the final CRLF, as an empty body', async () => {
    assert.deepEqual(await split('From: a\r\nTo: b\r\n'), { header: 'From: a\r\nTo: b\r\n', rest: '\r\n' });
    assert.deepEqual(await split('From: a\r\n', 'To: b'), { header: 'From: a\r\nTo: b\r\n', rest: '\r\n' });
  });

  it('refuses a header block longer than the cap with malformed_message', async () => {
    const line = `X-Pad: ${'p'.repeat(1000 - 'X-Pad: '.length - 2)}\r\n`;
    let produced = 0;
    async function* endlessHeader(): AsyncGenerator<Buffer> {
      for (;;) {
        produced += 64 * line.length;
        yield Buffer.from(line.repeat(64));
      }
    }
    await assert.rejects(
      splitHeader(endlessHeader()),
      (error: unknown) => isMissiveError(error, 'malformed_message') && error.message.includes(`no end of headers within ${MAX_HEADER_BLOCK_BYTES} bytes`),
    );
    // It stops reading soon after the cap instead of consuming the whole source.
    assert.ok(produced <= MAX_HEADER_BLOCK_BYTES + 64 * line.length, `read ${produced} bytes`);
  });
});
