import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { NativeScanStream } from '../../src/protocols/smtp/data-scanner.ts';

type Outcome = { data: string; dataBytes: number; ended: boolean; commands: string[] };

/** What a parser makes of a DATA payload (and the commands after it) written in these chunks. */
async function parse(Parser: typeof SMTPStream, chunks: readonly Buffer[]): Promise<Outcome> {
  const parser = new Parser();
  const commands: string[] = [];
  parser.oncommand = (command, next) => {
    commands.push(command.toString('latin1'));
    next?.();
  };
  const stream = parser.startDataMode();
  let data = '';
  let ended = false;
  stream.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  stream.on('end', () => {
    ended = true;
    parser.continue();
  });
  for (const chunk of chunks) await new Promise((resolve) => parser.write(chunk, resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const dataBytes = parser.dataBytes;
  await new Promise((resolve) => parser.end(resolve));
  return { data, dataBytes, ended, commands };
}

function cuts(payload: Buffer, at: readonly number[]): Buffer[] {
  const edges = [0, ...at, payload.length];
  return edges.slice(1).map((end, index) => payload.subarray(edges[index], end));
}

const base64Body = randomBytes(15_000).toString('base64').replace(/.{76}/g, '$&\r\n');
const PAYLOADS = [
  'Subject: a\r\n\r\nHello\r\n.\r\nQUIT\r\n',
  '.\r\nNOOP\r\n',
  '..starts with a dot\r\nline\r\n.\r\nRSET\r\n',
  'a\r\n..b\r\n...\r\n..\r\nc\r\n.\r\nNOOP\r\n',
  'bare\n.lf dot\r\nx\r\n.\r\nQUIT\r\n',
  '\r\n.\r\nQUIT\r\n',
  'x\r\n.y\r\n.\r\n',
  'a\r\n.\n.\r\n.\r\nQUIT\r\n',
  'a\r\n.\r',
  'no end at all\r\nstill data',
  `Content-Type: text/plain\r\n\r\n${base64Body}\r\n.\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\n`,
].map((text) => Buffer.from(text, 'latin1'));

test('DATA scanned natively: the same content, byte count, end and commands as smtp-server for every cut of each payload', async () => {
  let compared = 0;
  for (const payload of PAYLOADS) {
    const plans: number[][] = [[], Array.from({ length: payload.length - 1 }, (_, index) => index + 1)];
    // Every place for one cut in the short payloads; around the end and at TLS record sizes in the long one.
    const places = payload.length < 200 ? Array.from({ length: payload.length - 1 }, (_, index) => index + 1) : [1, 2, 3, 16_384, payload.length - 40, ...Array.from({ length: 12 }, (_, index) => payload.indexOf('\r\n.\r\n') - 5 + index)];
    for (const at of places) plans.push([at]);
    if (payload.length < 60) for (let a = 1; a < payload.length; a++) for (let b = a + 1; b < payload.length; b++) plans.push([a, b]);
    for (const plan of plans) {
      const chunks = cuts(payload, plan);
      const expected = await parse(SMTPStream, chunks);
      const actual = await parse(NativeScanStream, chunks);
      assert.deepEqual(actual, expected, `${JSON.stringify(payload.toString('latin1').slice(0, 40))} cut at ${plan.join(', ')}`);
      compared++;
    }
  }
  assert.ok(compared > 1000);
});

test('DATA scanned natively: a stuffed dot is removed and the terminator ends the message', async () => {
  const outcome = await parse(NativeScanStream, [Buffer.from('line\r\n..dot\r\n.\r\nQUIT\r\n', 'latin1')]);
  assert.deepEqual(outcome, { data: 'line\r\n.dot\r\n', dataBytes: 12, ended: true, commands: ['QUIT'] });
});
