import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { createAppPassword } from '../../src/services/identity/app-passwords.ts';
import { sharedChangeFeed, inProcessChangeFeed, type MailboxChange } from '../../src/services/change-feed.ts';
import { freshRuntime } from '../support/engines.ts';
import { startTestImap } from '../support/imap.ts';
import { DOMAIN, rawMessage, seedSmallOperator, send, settles } from '../support/fixtures.ts';

test('change feed between nodes: what another node publishes arrives once, what this node publishes is not heard twice, garbage is ignored', () => {
  const seen: MailboxChange[] = [];
  const node = sharedChangeFeed(inProcessChangeFeed(() => undefined), 'node-a');
  const sent: string[] = [];
  node.attach((payload) => sent.push(payload));
  node.feed.subscribe((change) => seen.push(change));
  node.feed.publish({ mailboxId: 'mbx_a', kind: 'arrived', folder: 'INBOX' });
  node.receive(sent[0]!);
  node.receive(JSON.stringify({ node: 'node-b', change: { mailboxId: 'mbx_b', kind: 'changed', messageId: 'msg_x' } }));
  for (const garbage of ['', 'null', '{"node":"node-b"}', JSON.stringify({ node: 'node-b', change: { mailboxId: 'mbx_c', kind: 'deleted' } }), JSON.stringify({ node: 'node-b', change: { mailboxId: 7, kind: 'arrived' } })]) node.receive(garbage);
  assert.deepEqual(seen, [
    { mailboxId: 'mbx_a', kind: 'arrived', folder: 'INBOX' },
    { mailboxId: 'mbx_b', kind: 'changed', messageId: 'msg_x' },
  ]);
});

test(
  'IMAP IDLE across nodes: a client idling on one node is woken by a delivery made by another node sharing the PostgreSQL database',
  { skip: process.env.MISSIVE_TEST_PG_URL ? false : 'needs MISSIVE_TEST_PG_URL' },
  async (t) => {
    const rt = await freshRuntime('postgres');
    t.after(() => rt.close());
    await seedSmallOperator(rt.ctx);
    // A second node: the same configuration (database, blobs, keys), its own process state.
    const other = await openRuntime(rt.config, { log: silentLogger, clock: () => rt.clock.now });
    t.after(() => other.close());
    const { secret } = await createAppPassword(rt.ctx, 'khaddad', 'imapflow');
    const imap = await startTestImap(t, rt);
    const client = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, tls: { ca: [imap.tls.anchors], servername: 'localhost' }, auth: { user: 'khaddad', pass: secret }, logger: false });
    await client.connect();
    t.after(() => client.logout().catch(() => undefined));
    const lock = await client.getMailboxLock('INBOX');
    try {
      const arrived = new Promise<number>((resolve) => client.on('exists', (data: { count: number }) => resolve(data.count)));
      const idle = client.idle();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await send(other.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`khaddad@${DOMAIN}`], subject: 'Depuis l’autre nœud' }));
      assert.equal(await settles(arrived, 'the EXISTS from the other node', 15_000), 1);
      void idle;
    } finally {
      lock.release();
    }
  },
);
