import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import type { ContentReader } from '../../src/store/content-reader.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';

const MESSAGES = 48;

/** A raw IMAP client that keeps everything it received, and can wait for a pattern in it. */
function rawClient(t: { after(fn: () => void): void }, port: number) {
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  const chunks: Buffer[] = [];
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  });
  const text = () => Buffer.concat(chunks).toString('latin1');
  const until = async (pattern: RegExp) => {
    for (let waited = 0; !pattern.test(text()); waited += 20) {
      if (waited > 30_000) throw new Error(`no ${pattern}`);
      await sleep(20);
    }
  };
  /** Logs in, opens the Inbox, asks for bodies and stops reading once the first arrives. */
  const fetchThenPause = async (secret: string, open: 'EXAMINE' | 'SELECT', fetch: string) => {
    await until(/^\* OK/);
    socket.write(`a LOGIN sbernard ${secret}\r\nb ${open} INBOX\r\n`);
    await until(/b OK/);
    socket.write(`c ${fetch}\r\n`);
    await until(/\* 1 FETCH/);
    socket.pause();
  };
  return { socket, text, until, fetchThenPause, received: () => received };
}

async function openings(rt: TestRuntime): Promise<number> {
  const row = await rt.ctx.sql.read.selectFrom('proof_event').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'opened').executeTakeFirstOrThrow();
  return Number(row.n);
}

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
  const contents: ContentReader = { filedIn: (...args) => (batchesRead++, rt.ctx.contents.filedIn(...args)), prepare: () => rt.ctx.contents.prepare(), close: () => rt.ctx.contents.close() };
  const imap = await startTestImap(t, { ...rt, ctx: { ...rt.ctx, contents } }, { plainLoginAllowed: true });

  const client = rawClient(t, imap.port);
  await client.fetchThenPause(secret, 'EXAMINE', 'UID FETCH 1:* BODY.PEEK[]');
  await sleep(1_500);
  const whilePaused = batchesRead;
  await sleep(500);
  assert.equal(batchesRead, whilePaused, 'nothing more is read while the client reads nothing');
  assert.ok(client.received() < 40 * 1024 * 1024, `the client took ${client.received()} bytes`);
  assert.ok(whilePaused < 12, `the server read ${whilePaused} batches ahead of a client that stopped reading`);

  // A client that goes away: nothing more is read, nor proven opened, for it.
  const leaving = rawClient(t, imap.port);
  await leaving.fetchThenPause(secret, 'SELECT', 'UID FETCH 1:* BODY[]');
  await sleep(300);
  leaving.socket.destroy();
  await sleep(1_000);
  const proven = await openings(rt);
  assert.ok(proven > 0 && proven < MESSAGES / 2, `${proven} openings proven for a client that left after the first bodies`);
  await sleep(500);
  assert.equal(await openings(rt), proven, 'no more openings once the client is gone');

  client.socket.resume();
  await client.until(/c OK/);
  const literals = [...client.text().matchAll(/\* (\d+) FETCH \(UID \d+ BODY\[\] \{(\d+)\}\r\n/g)].map((match) => Number(match[2]));
  assert.deepEqual(literals, sizes);
});

engineTest('IMAP FETCH: a command that fails part way (a part Missive cannot decode) has proven openings only for the batch it was writing', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  for (let i = 0; i < 70; i++) {
    // The third message's attachment has a transfer encoding Missive cannot undo.
    const attachment = i === 2 ? undefined : { name: `cr-${i}.pdf`, bytes: Buffer.from(`%PDF-1.4 ${i}`) };
    const raw = attachment
      ? rawMessage({ from: `emartin@${DOMAIN}`, to: [`sbernard@${DOMAIN}`], subject: `Dossier ${i}`, attachment })
      : Buffer.from(`From: emartin@${DOMAIN}\r\nTo: sbernard@${DOMAIN}\r\nSubject: Dossier ${i}\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 cr.pdf\r\n`);
    await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', raw);
  }
  const { secret } = await createAppPassword(rt.ctx, 'sbernard', 'test');
  const imap = await startTestImap(t, rt, { plainLoginAllowed: true });
  const client = rawClient(t, imap.port);
  await client.until(/^\* OK/);
  client.socket.write(`a LOGIN sbernard ${secret}\r\nb SELECT INBOX\r\nc FETCH 1:70 (BINARY[1])\r\n`);
  await client.until(/c NO \[UNKNOWN-CTE\]/);
  // Bodies go a batch at a time, the first of 16: nothing after it was opened.
  const proven = await openings(rt);
  assert.ok(proven <= 16, `${proven} openings proven`);
});
