import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { grantMember } from '../../src/services/accounts.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { engineTest } from '../support/engines.ts';
import { startTestSubmission } from '../support/smtp.ts';
import { countRows, DOMAIN, rawMessage, seedSmallOperator } from '../support/fixtures.ts';

/** A line-level SMTP client over a socket that remembers how the bytes arrived (chunk by chunk). */
function conversation(socket: Socket) {
  let text = '';
  const chunks: string[] = [];
  const waiters: (() => void)[] = [];
  const listen = (stream: Socket) =>
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      chunks.push(chunk.toString('latin1'));
      for (const wake of waiters.splice(0)) wake();
    });
  listen(socket);
  /** The next `count` final replies (a code then a space), as their code lines. */
  const replies = async (count: number): Promise<string[]> => {
    for (;;) {
      const finals = [...text.matchAll(/^\d{3} .*\r\n/gm)];
      if (finals.length >= count) {
        const cut = finals[count - 1]!.index! + finals[count - 1]![0].length;
        text = text.slice(cut);
        return finals.slice(0, count).map((match) => match[0].trimEnd());
      }
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        setTimeout(() => reject(new Error(`no reply in: ${text}`)), 10_000).unref();
      });
    }
  };
  return { chunks, replies, listen };
}

engineTest('SMTP submission: the replies to a pipelined envelope leave together; a sender right withdrawn during a connection still stops the next message at its end', async (t, rt) => {
  await seedSmallOperator(rt.ctx);
  const { secret } = await createAppPassword(rt.ctx, 'sbernard', 'pipelining');
  const smtp = await startTestSubmission(t, rt);

  const plain = connect(smtp.port, '127.0.0.1');
  t.after(() => plain.destroy());
  const before = conversation(plain);
  await before.replies(1);
  plain.write('EHLO client.test\r\n');
  await before.replies(1);
  plain.write('STARTTLS\r\n');
  assert.match((await before.replies(1))[0]!, /^220 /);
  plain.removeAllListeners('data');
  const secure = tlsConnect({ socket: plain, ca: readFileSync(smtp.ca), servername: 'localhost' });
  await new Promise((resolve) => secure.once('secureConnect', resolve));
  const talk = conversation(secure as unknown as Socket);
  secure.write('EHLO client.test\r\n');
  await talk.replies(1);
  secure.write(`AUTH PLAIN ${Buffer.from(`\0sbernard\0${secret}`).toString('base64')}\r\n`);
  assert.match((await talk.replies(1))[0]!, /^235 /);

  const sender = `cardiologie@${DOMAIN}`;
  const envelope = `MAIL FROM:<${sender}>\r\nRCPT TO:<emartin@${DOMAIN}>\r\nRCPT TO:<khaddad@${DOMAIN}>\r\nDATA\r\n`;
  const data = (subject: string) => `${rawMessage({ from: sender, to: [`emartin@${DOMAIN}`, `khaddad@${DOMAIN}`], subject }).toString('latin1')}.\r\n`;
  const send = async (subject: string) => {
    const chunksBefore = talk.chunks.length;
    secure.write(envelope);
    const envelopeReplies = await talk.replies(4);
    secure.write(data(subject));
    return { envelopeReplies, firstChunk: talk.chunks[chunksBefore]!, final: (await talk.replies(1))[0]! };
  };

  const first = await send('Premier');
  assert.match(first.final, /^250 /);
  // The sender's right is known for this connection now: the four replies come in one piece.
  const second = await send('Second');
  assert.deepEqual(second.envelopeReplies.map((line) => line.slice(0, 3)), ['250', '250', '250', '354']);
  assert.match(second.firstChunk, /^250 [^]*\r\n354 [^]*\r\n$/, 'the replies to the pipelined envelope arrive in one TLS record');
  assert.match(second.final, /^250 /);
  const stored = await countRows(rt.ctx, 'message');

  // The secretary loses the send right: MAIL FROM may still pass on this connection, the message does not.
  await grantMember(rt.ctx, sender, 'sbernard', { read: true, send: false, manage: false });
  const third = await send('Troisieme');
  assert.match(third.final, /^5\d\d .*may not send from cardiologie@/);
  assert.equal(await countRows(rt.ctx, 'message'), stored);
  secure.destroy();
});
