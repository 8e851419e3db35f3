import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { test } from 'node:test';
import { smtpRelayNotifier } from '../../src/services/notify/smtp-relay.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

// A real peer: Python's standard SMTP server, printing what it receives.
test('the SMTP relay notifier hands a login code to a real SMTP server, From and Auto-Submitted set', async () => {
  const port = await freePort();
  const peer = spawn('python3', ['-W', 'ignore', '-u', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let received = '';
  peer.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
  try {
    await listening(port);
    const notifier = smtpRelayNotifier({ url: `smtp://127.0.0.1:${port}`, from: 'Missive <ne-pas-repondre@demo.mssante.test>' });
    await notifier.send({ channel: 'email', to: 'emartin@exemple.fr', subject: 'Votre code de connexion Missive', text: 'Votre code : 123456' });
    for (let attempt = 0; attempt < 100 && !received.includes('END MESSAGE'); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    // The debugging server prints each line as a Python bytes literal.
    assert.match(received, /^b'To: emartin@exemple\.fr'$/m);
    assert.match(received, /^b'From: Missive <ne-pas-repondre@demo\.mssante\.test>'$/m);
    assert.match(received, /^b'Auto-Submitted: auto-generated'$/m);
    assert.match(received, /123456/);
    await assert.rejects(notifier.send({ channel: 'sms', to: '+33600000000', subject: 'x', text: 'x' }), /no SMS provider/);
  } finally {
    peer.kill();
  }
});

test('a relay that does not answer is an error the caller sees, not a code silently lost', async () => {
  const notifier = smtpRelayNotifier({ url: `smtp://127.0.0.1:${await freePort()}`, from: 'Missive <x@demo.mssante.test>' });
  await assert.rejects(notifier.send({ channel: 'email', to: 'emartin@exemple.fr', subject: 's', text: 't' }), /ECONNREFUSED/);
});
