import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startExchange } from '../../src/protocols/smtp/exchange.ts';
import { loadTlsMaterial } from '../../src/protocols/smtp/tls-material.ts';
import { outboundTls } from '../../src/runtime/start-smtp.ts';
import { startOutbound } from '../../src/services/outbound/outbound-runner.ts';
import { importWhitelist } from '../../src/services/trust/whitelist-import.ts';
import { engines, freshRuntime } from '../support/engines.ts';
import { DOMAIN, eventually, openAs, rawMessage, seedSmallOperator, send } from '../support/fixtures.ts';
import { startPostfixPeer } from '../support/postfix-peer.ts';
import { operatorSubject, testCa } from '../support/test-pki.ts';
import { domainXml, whitelistXml } from '../support/whitelist.ts';

const exec = promisify(execFile);
const PEER = 'ch-postfix.mssante.test';

for (const engine of engines()) {
  test(`Postfix (Debian) as another operator: it receives from Missive and sends to it, both over mutual TLS checked on both sides [${engine}]`, async (t) => {
    const ca = await testCa();
    t.after(() => rmSync(ca.dir, { recursive: true, force: true }));
    const ours = await ca.issue('missive', operatorSubject(DOMAIN));
    const theirs = await ca.issue('postfix', operatorSubject(PEER, 'HOPITAL POSTFIX'));
    const rt = await freshRuntime(engine, { MISSIVE_TLS_CERT_FILE: ours.certFile, MISSIVE_TLS_KEY_FILE: ours.keyFile, MISSIVE_TLS_TRUST_ANCHOR_FILE: ca.certFile });
    t.after(() => rt.close());
    await seedSmallOperator(rt.ctx);
    const tls = await loadTlsMaterial(rt.config);
    const exchange = await startExchange(rt.ctx, { host: '127.0.0.1', port: 0, domain: DOMAIN, tls, allowTls13: false });
    t.after(() => exchange.close());
    const postfix = await startPostfixPeer({ domain: PEER, mailboxes: ['dr.durand'], cert: theirs, caFile: ca.certFile, missiveDomain: DOMAIN, missivePort: exchange.port! });
    t.after(() => postfix.stop());
    const whitelist = path.join(rt.dataDir, 'liste-blanche.xml');
    writeFileSync(whitelist, whitelistXml([domainXml(PEER, theirs.subject)]));
    await importWhitelist(rt.ctx, whitelist);
    (rt.ctx.outbound.routes as Map<string, { host: string; port: number }>).set(PEER, { host: '127.0.0.1', port: postfix.exchangePort });
    const runner = startOutbound(rt.ctx, { ourName: DOMAIN, tls: outboundTls(tls, false), pollMs: 3_600_000 });
    t.after(() => runner.stop());

    // Missive → Postfix: delivered into the peer's Maildir, and proven delivered by that operator.
    const sent = await send(rt.ctx, `emartin@${DOMAIN}`, 'emartin', rawMessage({ from: `emartin@${DOMAIN}`, to: [`dr.durand@${PEER}`], subject: 'Lettre de liaison', body: 'Bonjour Docteur,\r\nvoici la lettre de liaison.' }));
    await eventually('Postfix stores the message', () => postfix.delivered('dr.durand').length === 1).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${postfix.log()}`);
    });
    const [stored] = postfix.delivered('dr.durand');
    assert.match(stored!, /Subject: Lettre de liaison/);
    assert.match(stored!, /voici la lettre de liaison/);
    // Postfix says it verified our client certificate and used TLS 1.2 with an MSSanté suite.
    assert.match(postfix.log(), /Trusted TLS connection established from localhost\[127\.0\.0\.1\]: TLSv1\.2 with cipher ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)/);
    // Postfix may file the message before Missive has committed what its 250 means: wait for that too.
    const stateOf = async () => (await rt.ctx.sql.read.selectFrom('recipient').select('state').where('message_id', '=', sent.messageId).executeTakeFirstOrThrow()).state;
    await eventually('Missive records the delivery', async () => (await stateOf()) !== 'queued');
    assert.equal(await stateOf(), 'delivered');
    const delivered = await rt.ctx.sql.read.selectFrom('proof_event').select('actor').where('message_id', '=', sent.messageId).where('type', '=', 'delivered').executeTakeFirstOrThrow();
    assert.equal(delivered.actor, `operator:${PEER}`);

    // Postfix → Missive: a user of the peer writes to ours; Postfix relays with its certificate, checking ours (level secure).
    const script = String.raw`
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20) as s:
    s.sendmail(sys.argv[2], [sys.argv[3]], sys.argv[4].encode())
`;
    const letter = `From: Dr Durand <dr.durand@${PEER}>\r\nTo: emartin@${DOMAIN}\r\nSubject: Reponse de l'hopital\r\nMessage-ID: <reponse-1@${PEER}>\r\n\r\nBien recu, merci.\r\n`;
    await exec('python3', ['-c', script, String(postfix.injectPort), `dr.durand@${PEER}`, `emartin@${DOMAIN}`, letter]);
    const arrived = async () => rt.ctx.sql.read.selectFrom('message').selectAll().where('message_id_header', '=', `<reponse-1@${PEER}>`).executeTakeFirst();
    await eventually('Missive receives the reply', async () => (await arrived()) !== undefined).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${postfix.log()}`);
    });
    const reply = (await arrived())!;
    assert.equal(reply.sender, `dr.durand@${PEER}`);
    const { content } = await openAs(rt.ctx, 'emartin', reply.id);
    assert.match(content.toString(), /Bien recu, merci\./);
    // Our trace field first (Postfix's EHLO name, its address, TLS 1.2), then Postfix's own.
    assert.match(content.toString(), /^Received: from mx\.ch-postfix\.mssante\.test \(\[127\.0\.0\.1\]\)\r\n\tby demo\.mssante\.test \(Missive\) with ESMTPS \(TLSv1\.2 ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)\);\r\n\t.+\r\nReceived: from \[127\.0\.0\.1\]/);
    assert.match(postfix.log(), /Verified TLS connection established to localhost\[127\.0\.0\.1\]:\d+: TLSv1\.2/);
  });
}
