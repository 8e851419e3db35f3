import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publicKeyFromPem } from '../../src/core/proof/receipt.ts';
import { verifyConsistency } from '../../src/core/proof/merkle.ts';
import { sequenceEvents } from '../../src/services/proofs/proof-log.ts';
import { engineTest } from '../support/engines.ts';
import { rawMessage, send } from '../support/fixtures.ts';
import { run } from '../support/processes.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const tool = async (command: string, args: string[]) => (await promisify(execFile)(command, args)).stdout;
import { logIn } from './login.ts';
import { as, D, serve } from './server.ts';

engineTest('proof over HTTP: the sender downloads a receipt that missive proof verify accepts offline with the well-known key; a changed byte is refused; nobody else gets it', async (t, rt) => {
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-proof-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { messageId } = await send(rt.ctx, `emartin@${D}`, 'emartin', rawMessage({ from: `emartin@${D}`, to: [`sbernard@${D}`, `khaddad@${D}`] }));

  const emartin = as(url, await logIn(url, 'emartin'));
  const response = await emartin.get(`/api/v1/messages/${messageId}/proof`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="preuve-msg_\w+\.json"/);
  const receiptText = await response.text();
  const keyResponse = await fetch(`${url}/.well-known/missive/proof-key.pem`);
  assert.equal(keyResponse.status, 200);
  const pem = await keyResponse.text();
  assert.equal(publicKeyFromPem(pem).asymmetricKeyType, 'ed25519');

  const receiptFile = path.join(dir, 'preuve.json');
  const keyFile = path.join(dir, 'operateur.pem');
  writeFileSync(receiptFile, receiptText);
  writeFileSync(keyFile, pem);
  // Offline: no Missive configuration, database or key in this process's reach.
  const offline = { MISSIVE_DATA_DIR: path.join(dir, 'nothing-here'), MISSIVE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
  const checked = await run(['src/cli/main.ts', 'proof', 'verify', receiptFile, '--key', keyFile], { env: offline });
  assert.equal(checked.code, 0, checked.stderr);
  assert.match(checked.stdout, /^receipt valid: 3 event\(s\) in the log of \d+ signed \S+ by key [0-9a-f]{16}\n/);
  assert.match(checked.stdout, /submitted[\s\S]*delivered\s+(sbernard|khaddad)@demo\.mssante\.test/);

  const receipt = JSON.parse(receiptText) as { events: { event: { at: number } }[] };
  receipt.events[0]!.event.at += 1;
  writeFileSync(receiptFile, JSON.stringify(receipt));
  const refused = await run(['src/cli/main.ts', 'proof', 'verify', receiptFile, '--key', keyFile], { env: offline });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /receipt NOT valid:\n\s+event 1: the facts shown differ from the signed leaf/);

  // The same facts in French, as a PDF that poppler (Debian's pdfinfo, pdftotext) reads.
  const { openMessage } = await import('../../src/services/open.ts');
  await openMessage(rt.ctx, { principal: { kind: 'user', userId: 'sbernard' }, messageId, channel: 'web' });
  const pdf = await emartin.get(`/api/v1/messages/${messageId}/proof?format=pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const pdfFile = path.join(dir, 'preuve.pdf');
  writeFileSync(pdfFile, Buffer.from(await pdf.arrayBuffer()));
  const info = await tool('pdfinfo', [pdfFile]);
  assert.match(info, /Title:\s+Preuve de dépôt, de remise et de lecture — msg_\w+/);
  assert.match(info, /Pages:\s+1/);
  const text = (await tool('pdftotext', ['-layout', pdfFile, '-'])).replace(/\s+/g, ' ');
  for (const expected of [
    'Preuve de dépôt, de remise et de lecture',
    `Dépôt du message par emartin`,
    `Remise dans la boîte de sbernard@${D}`,
    `Remise dans la boîte de khaddad@${D}`,
    `Première lecture par sbernard@${D}`,
    'heure de Paris',
    'missive proof verify preuve.json',
  ]) assert.ok(text.includes(expected), `the PDF says "${expected}"`);
  assert.equal((await emartin.get(`/api/v1/messages/${messageId}/proof?format=docx`)).status, 400);

  const sbernard = as(url, await logIn(url, 'sbernard'));
  assert.equal((await sbernard.get(`/api/v1/messages/${messageId}/proof`)).status, 404);
  assert.equal((await fetch(`${url}/api/v1/messages/${messageId}/proof`)).status, 401);
});

engineTest('proof over HTTP: the latest signed head, and consistency proofs between heads that verify; bad ranges refused', async (t, rt) => {
  const { app, url } = await serve(rt);
  t.after(() => app.close());
  assert.equal((await fetch(`${url}/api/v1/proof/head`)).status, 404);
  await send(rt.ctx, `emartin@${D}`, 'emartin', rawMessage({ from: `emartin@${D}`, to: [`sbernard@${D}`] }));
  // The server's sequencer runs every second; here, at once.
  await sequenceEvents(rt.ctx);
  const first = (await (await fetch(`${url}/api/v1/proof/head`)).json()) as { treeSize: number; rootHash: string };
  assert.equal(first.treeSize, 2);
  for (let i = 0; i < 3; i++) await send(rt.ctx, `khaddad@${D}`, 'khaddad', rawMessage({ from: `khaddad@${D}`, to: [`emartin@${D}`, `sbernard@${D}`] }));
  await sequenceEvents(rt.ctx);
  const second = (await (await fetch(`${url}/api/v1/proof/head`)).json()) as { treeSize: number; rootHash: string };
  assert.equal(second.treeSize, 11);
  const consistency = await fetch(`${url}/api/v1/proof/consistency?from=${first.treeSize}&to=${second.treeSize}`);
  assert.equal(consistency.status, 200);
  const body = (await consistency.json()) as { proof: string[]; from: { rootHash: string }; to: { rootHash: string } };
  const hex = (text: string) => Buffer.from(text, 'hex');
  assert.ok(verifyConsistency(first.treeSize, second.treeSize, body.proof.map(hex), hex(first.rootHash), hex(second.rootHash)));
  assert.equal((await fetch(`${url}/api/v1/proof/consistency?from=11&to=2`)).status, 400);
  assert.equal((await fetch(`${url}/api/v1/proof/consistency?from=2&to=99`)).status, 404);
  assert.equal((await fetch(`${url}/api/v1/proof/consistency?from=x&to=2`)).status, 400);
});
