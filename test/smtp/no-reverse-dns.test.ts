import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import dns from 'node:dns';
import { connect } from 'node:net';
import { test } from 'node:test';
import { freshRuntime } from '../support/engines.ts';
import { startTestSubmission } from '../support/smtp.ts';

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
