import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import dns from 'node:dns';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startExchange } from '../../src/protocols/smtp/exchange.ts';
import { loadTlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import { freshRuntime } from '../support/engines.ts';
import { DOMAIN } from '../support/fixtures.ts';
import { startTestSubmission } from '../support/smtp.ts';

/** Everything a server says on a connection whose client writes `lines` at once, before any greeting, until it closes. */
async function speakFirst(port: number, lines: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('connect', () => socket.write(lines));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  await new Promise((resolve) => socket.on('close', resolve));
  return text;
}

/**
 * smtp-server looks up the client's reverse DNS name by default, and holds the greeting until the
 * resolver answers or 1.5 s pass. Missive names clients by address and HELO: it asks nothing.
 */
test('SMTP submission asks the resolver nothing about a client: the greeting never waits for DNS', async (t) => {
  const rt = await freshRuntime('sqlite');
  t.after(() => rt.close());
  // A resolver that counts the questions it gets and answers none.
  const resolver = createSocket('udp4');
  let questions = 0;
  resolver.on('message', () => questions++);
  await new Promise<void>((resolve) => resolver.bind(0, '127.0.0.1', resolve));
  t.after(() => resolver.close());
  const servers = dns.getServers();
  dns.setServers([`127.0.0.1:${resolver.address().port}`]);
  t.after(() => dns.setServers(servers));

  const smtp = await startTestSubmission(t, rt);
  // From an address no hosts file names, so that a lookup would have to ask the resolver.
  const socket = connect({ port: smtp.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
  t.after(() => socket.destroy());
  let text = '';
  await new Promise<void>((resolve) =>
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (/^221 /m.test(text)) resolve();
      else if (/^220 /m.test(text) && !text.includes('EHLO sent')) {
        text += 'EHLO sent\n';
        socket.write('EHLO client.test\r\nQUIT\r\n');
      }
    }),
  );
  assert.match(text, /^220 .*Missive/m);
  assert.match(text, /^250[ -]/m);
  assert.equal(questions, 0);
});

/**
 * smtp-server on its own holds every greeting 100 ms and answers a client that speaks within
 * them "421 You talk too soon" (a heuristic against spam robots on public servers). Missive's
 * listeners only take clients that must authenticate: they greet at once, and a client that
 * speaks first is answered in order.
 */
test('SMTP: a client that speaks before the greeting is answered in order, on submission and on the exchange port', async (t) => {
  const rt = await freshRuntime('sqlite');
  t.after(() => rt.close());
  const submission = await startTestSubmission(t, rt);
  const exchange = await startExchange(rt.ctx, { host: '127.0.0.1', port: 0, domain: DOMAIN, tls: await loadTlsMaterial(rt.config), allowTls13: false });
  t.after(() => exchange.close());
  for (const port of [submission.port, exchange.port!]) {
    const replies = (await speakFirst(port, 'EHLO early.test\r\nQUIT\r\n')).split('\r\n').filter((line) => /^\d{3} /.test(line));
    assert.deepEqual(replies.map((line) => line.slice(0, 3)), ['220', '250', '221'], replies.join(' | '));
  }
});
