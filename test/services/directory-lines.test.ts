import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import test from 'node:test';
import { lineBatches, MAX_LINE_BYTES, OVERLONG_LINE } from '../../src/services/directory/import/sources.ts';

async function linesOf(chunks: Buffer[], batchSize = 3): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks), batchSize)) out.push(...batch);
  return out;
}

/** The same bytes cut into pieces of every size from 1 byte: boundaries fall everywhere, also inside a character, a BOM or a CRLF. */
function cuts(bytes: Buffer): Buffer[][] {
  const all: Buffer[][] = [];
  for (let size = 1; size <= bytes.length; size++) {
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
    all.push(pieces);
  }
  return all;
}

test('extraction lines: BOM, CRLF and LF, multibyte characters and a last line without end, wherever the chunks are cut', async () => {
  const text = '\ufeffType de BAL|Adresse BAL|\r\nPER|éloïse.martin@ch-rennes.mssante.fr|\r\nORG|n’diaye@x.fr|\n\nPER|last@x.fr|';
  const expected = ['Type de BAL|Adresse BAL|', 'PER|éloïse.martin@ch-rennes.mssante.fr|', 'ORG|n’diaye@x.fr|', '', 'PER|last@x.fr|'];
  for (const pieces of cuts(Buffer.from(text, 'utf8'))) assert.deepEqual(await linesOf(pieces), expected);
  assert.deepEqual(await linesOf([Buffer.from('sans BOM\r\n')]), ['sans BOM']);
});

test('extraction lines: a line over the limit becomes one overlong marker and reading goes on at the next line', async () => {
  const huge = Buffer.alloc(MAX_LINE_BYTES + 10, 'x');
  const pieces = [Buffer.from('avant\n'), huge.subarray(0, 300_000), huge.subarray(300_000, 900_000), huge.subarray(900_000), Buffer.from('\r\naprès\n')];
  assert.deepEqual(await linesOf(pieces), ['avant', OVERLONG_LINE, 'après']);
});
