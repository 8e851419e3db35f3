import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import type { ContentReader } from '../../src/store/content-reader.ts';
import { engineTest } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const MESSAGES = 48;

engineTest('IMAP FETCH of bodies follows the client: one that stops reading holds the command (the server reads no further), and gets every body intact once it reads again', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const line = 'Compte rendu operatoire, ligne de texte de soixante-dix caracteres.\r\n';
  const sizes: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: `Dossier ${i}`, body: line.repeat(15_000 + i) });
    sizes.push(raw.length);
    await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', raw);
  }
  // ~48 MB in all, far beyond what the kernel's socket buffers hold on loopback.
  const { secret } = await createAppPassword(rt.ctx, 'sbernard', 'test');
  let batchesRead = 0;
  const contents: ContentReader = { filedIn: (...args) => (batchesRead++, rt.ctx.contents.filedIn(...args)), close: () => rt.ctx.contents.close() };
  const imap = await startTestImap(t, { ...rt, ctx: { ...rt.ctx, contents } }, { plainLoginAllowed: true });

  const socket = connect(imap.port, '127.0.0.1');
  t.after(() => socket.destroy());
  const chunks: Buffer[] = [];
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  const until = async (pattern: RegExp) => {
    for (let waited = 0; !pattern.test(Buffer.concat(chunks).toString('latin1')); waited += 20) {
      if (waited > 30_000) throw new Error(`no ${pattern}`);
      await sleep(20);
    }
  };
  await until(/^\* OK/);
  socket.write(`a LOGIN sbernard ${secret}\r\nb EXAMINE INBOX\r\n`);
  await until(/b OK/);
  socket.write('c UID FETCH 1:* BODY.PEEK[]\r\n');
  await until(/\* 1 FETCH/);
  socket.pause();
  await sleep(1_500);
  const whilePaused = batchesRead;
  await sleep(500);
  assert.equal(batchesRead, whilePaused, 'nothing more is read while the client reads nothing');
  assert.ok(received < 40 * 1024 * 1024, `the client took ${received} bytes`);
  assert.ok(whilePaused < 12, `the server read ${whilePaused} batches ahead of a client that stopped reading`);

  socket.resume();
  await until(/c OK/);
  const text = Buffer.concat(chunks).toString('latin1');
  const literals = [...text.matchAll(/\* (\d+) FETCH \(UID \d+ BODY\[\] \{(\d+)\}\r\n/g)].map((match) => Number(match[2]));
  assert.deepEqual(literals, sizes);
});
