import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { startExchange, type ExchangeListener } from '../../src/protocols/smtp/exchange.ts';
import { loadTlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import { outboundTls } from '../../src/runtime/start-smtp.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { startOutbound, type OutboundRunner } from '../../src/services/outbound/outbound-runner.ts';
import { importWhitelist } from '../../src/services/trust/whitelist-import.ts';
import { engines, freshRuntime, type EngineName, type TestRuntime } from '../support/engines.ts';
import { DOMAIN, eventually, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';
import { operatorSubject, testCa, type TestCa, type TestCertificate } from '../support/test-pki.ts';
import { domainXml, whitelistXml } from '../support/whitelist.ts';

const exec = promisify(execFile);
const B = 'ch-b.mssante.test';

type Operator = { rt: TestRuntime; exchange: ExchangeListener | null; runner: OutboundRunner; cert: TestCertificate; domain: string };

/** One Missive operator: its runtime, its exchange listener on a free port, its queue runner (nudged by deposits; no timed polls). */
async function startOperator(engine: EngineName, ca: TestCa, domain: string, cert: TestCertificate): Promise<Operator> {
  const rt = await freshRuntime(engine, { MISSIVE_DOMAIN: domain, MISSIVE_TLS_CERT_FILE: cert.certFile, MISSIVE_TLS_KEY_FILE: cert.keyFile, MISSIVE_TLS_TRUST_ANCHOR_FILE: ca.certFile });
  const operator: Operator = { rt, exchange: null, runner: null as unknown as OutboundRunner, cert, domain };
  await listen(operator);
  operator.runner = startOutbound(rt.ctx, { ourName: domain, tls: outboundTls(await loadTlsMaterial(rt.config), false), pollMs: 3_600_000 });
  return operator;
}

async function listen(operator: Operator): Promise<number> {
  const tls = await loadTlsMaterial(operator.rt.config);
  operator.exchange = await startExchange(operator.rt.ctx, { host: '127.0.0.1', port: 0, domain: operator.domain, tls, allowTls13: false });
  return operator.exchange.port!;
}

async function stopOperator(operator: Operator): Promise<void> {
  await operator.runner.stop();
  await operator.exchange?.close();
  await operator.rt.close();
}

/** Each operator whitelists the others with the subject of their certificate, and routes their domain to their listener. */
async function trustEachOther(operators: Operator[], extra: string[] = []): Promise<void> {
  for (const self of operators) {
    const file = path.join(self.rt.dataDir, 'liste-blanche.xml');
    writeFileSync(file, whitelistXml([...operators.filter((other) => other !== self).map((other) => domainXml(other.domain, other.cert.subject)), ...extra]));
    await importWhitelist(self.rt.ctx, file);
    for (const other of operators) if (other !== self && other.exchange?.port) routeTo(self, other.domain, other.exchange.port);
  }
}

function routeTo(operator: Operator, domain: string, port: number): void {
  (operator.rt.ctx.outbound.routes as Map<string, { host: string; port: number }>).set(domain, { host: '127.0.0.1', port });
}

async function recipientState(rt: TestRuntime, messageId: string, address: string): Promise<string> {
  const row = await rt.ctx.sql.read.selectFrom('recipient').select('state').where('message_id', '=', messageId).where('address', '=', address).executeTakeFirst();
  return row?.state ?? 'none';
}

/** Operator A (the small operator on DOMAIN) and operator B, each whitelisting and routing to the other; stopped after the test. */
async function twoOperators(t: TestContext, engine: EngineName): Promise<{ a: Operator; b: Operator }> {
  const ca = await testCa();
  t.after(() => rmSync(ca.dir, { recursive: true, force: true }));
  const pair = { a: await startOperator(engine, ca, DOMAIN, await ca.issue('a', operatorSubject(DOMAIN))), b: null as unknown as Operator };
  t.after(() => stopOperator(pair.a));
  pair.b = await startOperator(engine, ca, B, await ca.issue('b', operatorSubject(B)));
  t.after(() => stopOperator(pair.b));
  await seedSmallOperator(pair.a.rt.ctx);
  await seedB(pair.b);
  await trustEachOther([pair.a, pair.b]);
  return pair;
}

async function messageByHeader(rt: TestRuntime, header: string) {
  return rt.ctx.sql.read.selectFrom('message').selectAll().where('message_id_header', '=', header).executeTakeFirst();
}

async function seedB(b: Operator): Promise<void> {
  await addDomain(b.rt.ctx, B);
  await addUser(b.rt.ctx, { id: 'lmoreau', displayName: 'Louis Moreau' });
  await addMailbox(b.rt.ctx, { address: `louis.moreau@${B}`, kind: 'PER', displayName: 'Louis Moreau', members: [{ userId: 'lmoreau', rights: ALL_RIGHTS }] });
}

for (const engine of engines()) {
  test(`two Missive operators exchange mail both ways over mutual TLS, with proofs on both sides [${engine}]`, async (t) => {
    const { a, b } = await twoOperators(t, engine);

    // A → B, with a local copy in the same message.
    const raw = rawMessage({ from: `emartin@${DOMAIN}`, to: [`louis.moreau@${B}`, `sbernard@${DOMAIN}`], subject: 'Compte rendu inter-opérateurs', body: 'Bonjour Louis,\r\nle compte rendu suit.' });
    const sent = await send(a.rt.ctx, `emartin@${DOMAIN}`, 'emartin', raw);
    assert.deepEqual(sent.queued, [`louis.moreau@${B}`]);
    assert.deepEqual(sent.recipients.map((recipient) => recipient.address), [`sbernard@${DOMAIN}`]);
    await eventually('delivery to B', async () => (await recipientState(a.rt, sent.messageId, `louis.moreau@${B}`)) === 'delivered', 30_000);
    const arrived = await messageByHeader(b.rt, sent.messageIdHeader);
    assert.ok(arrived, 'the message is stored at B');
    assert.equal(arrived.sender, `emartin@${DOMAIN}`);
    const { content } = await openAs(b.rt.ctx, 'lmoreau', arrived.id);
    assert.match(content.toString(), /Subject: Compte rendu inter-op/);
    assert.match(content.toString(), /le compte rendu suit\./);
    // A's proof says which operator took it; B's says it was delivered to its mailbox, relayed by A.
    const aEvents = await a.rt.ctx.sql.read.selectFrom('proof_event').select(['type', 'actor', 'recipient', 'channel']).where('message_id', '=', sent.messageId).orderBy('seq').execute();
    assert.deepEqual(aEvents.map((event) => `${event.type} ${event.recipient ?? '-'} ${event.actor} ${event.channel}`), [
      'submitted - user:emartin api',
      `delivered sbernard@${DOMAIN} user:emartin api`,
      `delivered louis.moreau@${B} operator:${B} smtp`,
    ]);
    const bEvents = await b.rt.ctx.sql.read.selectFrom('proof_event').select(['type', 'actor', 'recipient']).where('message_id', '=', arrived.id).orderBy('seq').execute();
    assert.deepEqual(bEvents.map((event) => `${event.type} ${event.recipient ?? '-'} ${event.actor}`), [
      'submitted - operator:demo.mssante.test',
      `delivered louis.moreau@${B} operator:demo.mssante.test`,
      `opened louis.moreau@${B} user:lmoreau`,
    ]);
    assert.equal(await a.rt.ctx.sql.read.selectFrom('outbound_queue').select('id').executeTakeFirst(), undefined, 'nothing left in the queue');

    // B → A: the reply comes back the same way.
    const reply = await send(b.rt.ctx, `louis.moreau@${B}`, 'lmoreau', rawMessage({ from: `louis.moreau@${B}`, to: [`emartin@${DOMAIN}`], subject: 'Re: Compte rendu' }));
    await eventually('delivery to A', async () => (await recipientState(b.rt, reply.messageId, `emartin@${DOMAIN}`)) === 'delivered', 30_000);
    const back = await messageByHeader(a.rt, reply.messageIdHeader);
    assert.ok(back);
    const inbox = await a.rt.ctx.sql.read.selectFrom('mailbox_entry as e').innerJoin('folder as f', 'f.id', 'e.folder_id').select('f.name').where('e.message_id', '=', back.id).execute();
    assert.deepEqual(inbox.map((row) => row.name), ['INBOX']);
  });

  test(`the queue: a peer down is retried with back-off, survives a restart, and a refusal or expiry gives the sender a failure notice [${engine}]`, async (t) => {
    const pair = await twoOperators(t, engine);
    let a = pair.a;
    const b = pair.b;
    await b.exchange!.close();
    b.exchange = null;

    const sent = await send(a.rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`louis.moreau@${B}`], subject: 'Pendant la panne' }));
    const queueRow = () => queued(a.rt, sent.messageId);
    await eventually('a first failed attempt', async () => (await queueRow())?.attempts === 1, 30_000);
    const first = (await queueRow())!;
    assert.equal(first.next_attempt_at, a.rt.clock.now + 60_000, 'first retry after a minute');
    assert.match(first.last_error ?? '', /ECONNREFUSED|connect/);
    assert.equal(await recipientState(a.rt, sent.messageId, `louis.moreau@${B}`), 'queued');
    // Not due yet: nothing is tried.
    assert.equal(await a.runner.runOnce(), 0);
    a.rt.clock.now += 60_000;
    assert.equal(await a.runner.runOnce(), 1);
    assert.equal((await queueRow())!.next_attempt_at, a.rt.clock.now + 120_000, 'then twice as long');

    // A restarts: the queued message is still there, and goes once B is back.
    await a.runner.stop();
    await a.exchange?.close();
    const reopened = await a.rt.reopen();
    a = { ...a, rt: reopened, exchange: null };
    pair.a = a;
    a.runner = startOutbound(reopened.ctx, { ourName: DOMAIN, tls: outboundTls(await loadTlsMaterial(reopened.config), false), pollMs: 3_600_000 });
    await listen(a);
    // B is back (on another port: the route follows it).
    routeTo(a, B, await listen(b));
    a.rt.clock.now += 120_000;
    assert.equal(await a.runner.runOnce(), 1);
    assert.equal(await recipientState(a.rt, sent.messageId, `louis.moreau@${B}`), 'delivered');
    assert.ok(await messageByHeader(b.rt, sent.messageIdHeader));

    // A recipient B does not know: refused for good, a failure notice in the sender's Inbox.
    const unknown = await send(a.rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`inconnu@${B}`, `louis.moreau@${B}`], subject: 'Deux destinataires' }));
    await eventually('the refusal', async () => (await recipientState(a.rt, unknown.messageId, `inconnu@${B}`)) === 'failed', 30_000);
    assert.equal(await recipientState(a.rt, unknown.messageId, `louis.moreau@${B}`), 'delivered');
    const notice = await a.rt.ctx.sql.read
      .selectFrom('message as m')
      .innerJoin('mailbox_entry as e', 'e.message_id', 'm.id')
      .innerJoin('folder as f', 'f.id', 'e.folder_id')
      .select(['m.id', 'm.sender', 'm.subject', 'f.name'])
      .where('m.sender', 'like', 'mailer-daemon@%')
      .executeTakeFirst();
    assert.ok(notice, 'a failure notice was filed');
    assert.deepEqual([notice.sender, notice.subject, notice.name], [`mailer-daemon@${DOMAIN}`, 'Non remis : Deux destinataires', 'INBOX']);
    const { content } = await openAs(a.rt.ctx, 'emartin', notice.id);
    const text = content.toString();
    assert.match(text, /Content-Type: multipart\/report; report-type=delivery-status/);
    assert.match(text, new RegExp(`Final-Recipient: rfc822; inconnu@${B}\\r\\nAction: failed\\r\\nStatus: 5\\.1\\.1`));
    assert.doesNotMatch(text, /Final-Recipient: rfc822; louis\.moreau/);
    assert.match(text, /n'a pas pu être remis/);
    const bounced = await a.rt.ctx.sql.read.selectFrom('proof_event').select(['type', 'recipient']).where('message_id', '=', unknown.messageId).where('type', '=', 'bounced').execute();
    assert.deepEqual(bounced.map((event) => `${event.type} ${event.recipient}`), [`bounced inconnu@${B}`]);

    // B down past the retry lifetime: the sender is told, with the expiry status.
    await b.exchange!.close();
    const late = await send(a.rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`louis.moreau@${B}`], subject: 'Trop tard' }));
    await eventually('a failed attempt', async () => ((await queued(a.rt, late.messageId))?.attempts ?? 0) >= 1, 30_000);
    a.rt.clock.now += 121 * 3_600_000;
    assert.equal(await a.runner.runOnce(), 1);
    assert.equal(await recipientState(a.rt, late.messageId, `louis.moreau@${B}`), 'failed');
    const expiry = await a.rt.ctx.sql.read.selectFrom('message').select('id').where('subject', '=', 'Non remis : Trop tard').executeTakeFirst();
    assert.ok(expiry);
    assert.match((await openAs(a.rt.ctx, 'emartin', expiry.id)).content.toString(), /Status: 4\.4\.7/);
    assert.equal(await queued(a.rt, late.messageId), undefined);
  });
}

/** The queue row of a message, if it is still waiting. */
async function queued(rt: TestRuntime, messageId: string) {
  return rt.ctx.sql.read.selectFrom('outbound_queue').selectAll().where('message_id', '=', messageId).executeTakeFirst();
}

/** A peer operator as Python's smtplib plays it: each case its own connection, with or without a client certificate. */
const PYTHON_PEER = String.raw`
import json, smtplib, ssl, sys
a = json.loads(sys.argv[1])
results = {}
for case in a["cases"]:
    out = []
    try:
        s = smtplib.SMTP("127.0.0.1", a["port"], timeout=20)
        s.ehlo("mx.peer.test")
        if case.get("plain"):
            out.append(s.docmd("MAIL", "FROM:<" + case["from"] + ">")[0])
        else:
            ctx = ssl.create_default_context(cafile=a["ca"])
            if case.get("cert"):
                ctx.load_cert_chain(case["cert"], case["key"])
            s.starttls(context=ctx)
            code, text = s.ehlo("mx.peer.test")
            out.append(code)
            if code == 250:
                code, text = s.mail(case["from"])
                out.append([code, text.decode()])
                for rcpt in case.get("rcpt", []):
                    code, text = s.rcpt(rcpt)
                    out.append([code, text.decode()])
                if case.get("data"):
                    code, text = s.data(case["data"].encode())
                    out.append([code, text.decode()])
                if case.get("rawData"):
                    # Sent as is: smtplib's data() would repair the line ends.
                    s.putcmd("DATA")
                    s.getreply()
                    s.send(case["rawData"].encode("latin-1") + b"\r\n.\r\n")
                    code, text = s.getreply()
                    out.append([code, text.decode()])
            else:
                out.append(text.decode())
        s.close()
    except smtplib.SMTPServerDisconnected as e:
        out.append("disconnected")
    except ssl.SSLError as e:
        out.append("tls: " + str(e))
    results[case["name"]] = out
print(json.dumps(results))
`;

for (const engine of engines()) {
  test(`the exchange port refuses: no TLS, no client certificate, an untrusted one, one that is not the whitelist's, an unlisted domain, relaying, a forged From, bare LF, overlong lines, non-UTF-8 headers [${engine}]`, async (t) => {
    const ca = await testCa();
    const rogue = await testCa('Autorite inconnue');
    t.after(() => rmSync(ca.dir, { recursive: true, force: true }));
    t.after(() => rmSync(rogue.dir, { recursive: true, force: true }));
    const a = await startOperator(engine, ca, DOMAIN, await ca.issue('a', operatorSubject(DOMAIN)));
    t.after(() => stopOperator(a));
    await seedSmallOperator(a.rt.ctx);
    const peer = await ca.issue('b', operatorSubject(B));
    const impostor = await rogue.issue('b', operatorSubject(B));
    const otherOperator = await ca.issue('c', operatorSubject('ch-c.mssante.test', 'AUTRE OPERATEUR'));
    const file = path.join(a.rt.dataDir, 'liste-blanche.xml');
    writeFileSync(file, whitelistXml([domainXml(B, peer.subject), domainXml('ch-c.mssante.test', otherOperator.subject)]));
    await importWhitelist(a.rt.ctx, file);
    const good = { cert: peer.certFile, key: peer.keyFile };
    const letter = (from: string) => `From: ${from}\r\nTo: emartin@${DOMAIN}\r\nSubject: Lettre\r\nMessage-ID: <${Math.random()}@${B}>\r\n\r\nBonjour.\r\n`;
    const cases = [
      { name: 'plain', plain: true, from: `louis.moreau@${B}` },
      { name: 'noCertificate', from: `louis.moreau@${B}` },
      { name: 'untrusted', cert: impostor.certFile, key: impostor.keyFile, from: `louis.moreau@${B}` },
      { name: 'notTheWhitelists', cert: otherOperator.certFile, key: otherOperator.keyFile, from: `louis.moreau@${B}` },
      { name: 'unlisted', ...good, from: 'dr.x@clinique-inconnue.fr' },
      { name: 'ourOwnDomain', ...good, from: `khaddad@${DOMAIN}` },
      { name: 'relay', ...good, from: `louis.moreau@${B}`, rcpt: ['dr.x@gmail.com', 'dr.y@ch-c.mssante.test', `inconnu@${DOMAIN}`, `emartin@${DOMAIN}`] },
      { name: 'forgedFrom', ...good, from: `louis.moreau@${B}`, rcpt: [`emartin@${DOMAIN}`], data: letter(`sbernard@${DOMAIN}`) },
      { name: 'bareLf', ...good, from: `louis.moreau@${B}`, rcpt: [`emartin@${DOMAIN}`], rawData: letter(`louis.moreau@${B}`).replace('Bonjour.\r\n', 'Bonjour.\n.\nMAIL FROM:<x@y.fr>\r\n') },
      { name: 'longLine', ...good, from: `louis.moreau@${B}`, rcpt: [`emartin@${DOMAIN}`], rawData: letter(`louis.moreau@${B}`).replace('Bonjour.', 'x'.repeat(1200)) },
      { name: 'latin1Header', ...good, from: `louis.moreau@${B}`, rcpt: [`emartin@${DOMAIN}`], rawData: letter(`louis.moreau@${B}`).replace('Subject: Lettre', 'Subject: Lettre \u00e9t\u00e9') },
      { name: 'accepted', ...good, from: `louis.moreau@${B}`, rcpt: [`emartin@${DOMAIN}`], data: letter(`Louis Moreau <louis.moreau@${B}>`) },
    ];
    const before = await a.rt.ctx.sql.read.selectFrom('message').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const { stdout } = await exec('python3', ['-c', PYTHON_PEER, JSON.stringify({ port: a.exchange!.port, ca: ca.certFile, cases })]);
    const out = JSON.parse(stdout) as Record<string, unknown[]>;
    assert.equal(out.plain![0], 530, 'MAIL before STARTTLS');
    assert.deepEqual(out.noCertificate, [530, '5.7.0 a client certificate is required on this port']);
    assert.equal(out.untrusted![0], 530);
    assert.match(String(out.untrusted![1]), /not trusted here/);
    assert.equal((out.notTheWhitelists![1] as [number, string])[0], 550);
    assert.match((out.notTheWhitelists![1] as [number, string])[1], /is not the one the whitelist gives for ch-b\.mssante\.test/);
    assert.deepEqual(out.unlisted![1], [550, '5.1.1 clinique-inconnue.fr is not an operator domain of the MSSant\u00e9 whitelist']);
    assert.equal((out.ourOwnDomain![1] as [number, string])[0], 550);
    const relay = out.relay as [number, string][];
    assert.equal(relay[1]![0], 250, 'MAIL FROM a whitelisted peer with its certificate');
    assert.deepEqual(relay.slice(2).map(([code]) => code), [550, 550, 550, 250]);
    assert.match(relay[2]![1], /relay access denied/);
    assert.match(relay[3]![1], /relay access denied: ch-c\.mssante\.test/);
    assert.match(relay[4]![1], /no such mailbox here/);
    const forged = out.forgedFrom as [number, string][];
    assert.equal(forged.at(-1)![0], 550);
    assert.match(forged.at(-1)![1], /cannot be from sbernard@demo\.mssante\.test/);
    const lastReply = (name: string) => (out[name] as [number, string][]).at(-1)!;
    assert.equal(lastReply('bareLf')[0], 554);
    assert.match(lastReply('bareLf')[1], /a bare LF; between operators only CRLF line ends/);
    assert.match(lastReply('longLine')[1], /a line longer than 998 octets/);
    assert.equal(lastReply('latin1Header')[0], 554);
    assert.match(lastReply('latin1Header')[1], /8-bit header text that is not UTF-8/);
    const accepted = out.accepted as [number, string][];
    assert.equal(accepted.at(-1)![0], 250);
    const after = await a.rt.ctx.sql.read.selectFrom('message').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(after.n) - Number(before.n), 1, 'only the accepted letter is stored');
    const stored = await a.rt.ctx.sql.read.selectFrom('message').select(['id', 'sender']).orderBy('received_at', 'desc').executeTakeFirstOrThrow();
    assert.equal(stored.sender, `louis.moreau@${B}`);
  });
}
