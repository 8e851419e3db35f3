import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { buildHttpApp } from '../../src/protocols/http/app.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { logIn, PASSWORD } from './login.ts';

const D = 'demo.mssante.test';
const LIMIT = 10 * 1024 * 1024;

type Session = { cookie: string; csrf: string };
type Part = { bodyStart: number; bodyEnd: number; encoding: string; children: Part[] };
type Summary = { messageIdHeader: string; index: { attachments: { part: string; filename: string; contentType: string; size: number }[]; structure: Part; inReplyTo: string | null; references: string[] } };

async function serve(rt: TestRuntime): Promise<{ app: FastifyInstance; url: string; ids: Record<string, string> }> {
  const { ctx } = rt;
  await addDomain(ctx, D);
  const ids: Record<string, string> = {};
  for (const id of ['emartin', 'sbernard', 'khaddad']) {
    await addUser(ctx, { id, displayName: id, password: PASSWORD, notifyEmail: `${id}@exemple.fr` });
    ids[id] = await addMailbox(ctx, { address: `${id}@${D}`, kind: 'PER', displayName: id, members: [{ userId: id, rights: ALL_RIGHTS }] });
  }
  // The secretary reads the service's mail but may not send from it.
  ids.cardio = await addMailbox(ctx, {
    address: `cardio@${D}`,
    kind: 'ORG',
    displayName: 'Cardio',
    members: [
      { userId: 'emartin', rights: ALL_RIGHTS },
      { userId: 'sbernard', rights: { read: true, send: false, manage: false } },
    ],
  });
  const app = await buildHttpApp(ctx, { version: 'test', devOutbox: true, secureCookies: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, ids };
}

function as(url: string, session: Session) {
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    get: (path: string) => fetch(`${url}${path}`, { headers: { cookie: session.cookie } }),
    post: (path: string, body: unknown) => send('POST', path, body),
    put: (path: string, body: unknown) => send('PUT', path, body),
    delete: (path: string) => send('DELETE', path),
    upload: (filename: string, bytes: Buffer, contentType?: string) =>
      fetch(`${url}/api/v1/uploads?filename=${encodeURIComponent(filename)}`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        body: new Uint8Array(bytes),
      }),
  };
}

type Client = ReturnType<typeof as>;

async function uploaded(client: Client, filename: string, bytes: Buffer, contentType?: string): Promise<{ id: string; filename: string; contentType: string; size: number }> {
  const response = await client.upload(filename, bytes, contentType);
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as { id: string; filename: string; contentType: string; size: number };
}

async function blobFiles(rt: TestRuntime): Promise<string[]> {
  const root = rt.config.blobsDir;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name))).sort();
}

const uploadRows = (rt: TestRuntime) => rt.ctx.sql.read.selectFrom('upload').selectAll().execute();
const messageCount = async (rt: TestRuntime) => (await rt.ctx.sql.read.selectFrom('message').select('id').execute()).length;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function partAt(root: Part, number: string): Part {
  return number.split('.').reduce((part, index) => part.children[Number(index) - 1]!, root);
}

engineTest('HTTP compose: a small and a 3 MB upload are sent as attachments that decode byte-exact for the recipient; the uploads then go', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const small = Buffer.from('Tension 12/8, fréquence 72.\n', 'utf8');
    const large = randomBytes(3 * 1024 * 1024 + 17);
    const note = await uploaded(emartin, 'note.txt', small, 'text/plain; charset=utf-8');
    assert.deepEqual({ ...note, id: '' }, { id: '', filename: 'note.txt', contentType: 'text/plain', size: small.length });
    const scan = await uploaded(emartin, 'échographie cardiaque.pdf', large, 'application/pdf');
    assert.equal(scan.size, large.length);
    assert.equal((await blobFiles(rt)).length, 2);

    const sent = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'Échographie', text: 'Ci-joint.', attachments: [note.id, scan.id] });
    assert.equal(sent.status, 201, await sent.clone().text());
    const { messageId } = (await sent.json()) as { messageId: string };

    const summary = (await (await khaddad.get(`/api/v1/messages/${messageId}`)).json()) as Summary;
    assert.deepEqual(
      summary.index.attachments.map((attachment) => [attachment.filename, attachment.contentType, attachment.size]),
      [
        ['note.txt', 'text/plain', small.length],
        ['échographie cardiaque.pdf', 'application/pdf', large.length],
      ],
    );
    const raw = Buffer.from(await (await khaddad.get(`/api/v1/messages/${messageId}/raw`)).arrayBuffer());
    for (const [attachment, expected] of [[summary.index.attachments[0]!, small], [summary.index.attachments[1]!, large]] as const) {
      const part = partAt(summary.index.structure, attachment.part);
      assert.equal(part.encoding, 'base64');
      const decoded = Buffer.from(raw.subarray(part.bodyStart, part.bodyEnd).toString('latin1'), 'base64');
      assert.equal(sha256(decoded), sha256(expected), attachment.filename);
    }

    // Their content now lives in the message: the uploads, rows and blobs, are gone.
    assert.deepEqual(await uploadRows(rt), []);
    const messageBlob = (await rt.ctx.sql.read.selectFrom('message').select('blob_key').where('id', '=', messageId).executeTakeFirstOrThrow()).blob_key;
    assert.deepEqual(await blobFiles(rt), [messageBlob]);
    // And they cannot be sent twice.
    const again = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'x', text: 'x', attachments: [note.id] });
    assert.equal(again.status, 404);
  } finally {
    await app.close();
  }
});

engineTest('HTTP uploads: exactly the limit is accepted, one byte more is refused with a clear 413 and leaves nothing; an announced oversize is refused before the body is read', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const session = await logIn(url, 'emartin');
    const emartin = as(url, session);
    const exact = await uploaded(emartin, 'limite.bin', Buffer.alloc(LIMIT, 7));
    assert.equal(exact.size, LIMIT);
    assert.equal(exact.contentType, 'application/octet-stream');
    const kept = await blobFiles(rt);
    assert.equal(kept.length, 1);

    const over = await emartin.upload('trop gros.bin', Buffer.alloc(LIMIT + 1, 7));
    assert.equal(over.status, 413);
    assert.deepEqual(await over.json(), { error: 'attachment_too_large', message: '« trop gros.bin » dépasse la taille maximale de 10 Mo par pièce jointe.' });
    assert.deepEqual((await uploadRows(rt)).map((row) => row.id), [exact.id]);
    assert.deepEqual(await blobFiles(rt), kept, 'no partial blob, no temporary file');

    // Announced too large: the answer comes while the client still has 20 MB to send.
    const early = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${url}/api/v1/uploads?filename=annonce.bin`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/octet-stream', 'content-length': String(2 * LIMIT) },
      });
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.write(Buffer.alloc(1024));
    });
    assert.equal(early.status, 413);
    assert.equal((JSON.parse(early.body) as { message: string }).message, '« annonce.bin » dépasse la taille maximale de 10 Mo par pièce jointe.');
    assert.deepEqual((await uploadRows(rt)).map((row) => row.id), [exact.id]);
    assert.deepEqual(await blobFiles(rt), kept);

    // Removing an upload removes its blob.
    assert.equal((await emartin.delete(`/api/v1/uploads/${exact.id}`)).status, 204);
    assert.deepEqual(await uploadRows(rt), []);
    assert.deepEqual(await blobFiles(rt), []);
    assert.equal((await emartin.delete(`/api/v1/uploads/${exact.id}`)).status, 404);
  } finally {
    await app.close();
  }
});

engineTest('HTTP uploads: file names and types are cleaned; no session is 401, no CSRF token is 403, a bad name is 400', async (_t, rt) => {
  const { app, url } = await serve(rt);
  try {
    const session = await logIn(url, 'emartin');
    const emartin = as(url, session);
    const bytes = Buffer.from('x');
    const pathy = await uploaded(emartin, ' C:\\Users\\eloise/../../etc/\u0007ordon\u202enance.txt  ', bytes, 'Application/PDF; name=x');
    assert.equal(pathy.filename, 'ordonnance.txt');
    assert.equal(pathy.contentType, 'application/pdf');
    assert.equal((await uploaded(emartin, 'a', bytes, 'pas un type')).contentType, 'application/octet-stream');
    assert.equal((await uploaded(emartin, 'b', bytes, 'multipart/mixed; boundary=x')).contentType, 'application/octet-stream');
    assert.equal((await uploaded(emartin, 'c', bytes)).contentType, 'application/octet-stream');
    assert.equal((await uploaded(emartin, 'vide', Buffer.alloc(0))).size, 0);

    assert.equal((await emartin.upload('  /dossier/  ', bytes)).status, 400);
    assert.equal((await emartin.upload('..', bytes)).status, 400);
    assert.equal((await emartin.upload('n'.repeat(256), bytes)).status, 400);
    assert.equal((await emartin.upload('n'.repeat(255), bytes)).status, 201);
    assert.equal((await fetch(`${url}/api/v1/uploads?filename=x`, { method: 'POST', body: new Uint8Array(bytes) })).status, 401);
    assert.equal((await fetch(`${url}/api/v1/uploads?filename=x`, { method: 'POST', headers: { cookie: session.cookie }, body: new Uint8Array(bytes) })).status, 403);
    assert.equal((await uploadRows(rt)).length, 6);
  } finally {
    await app.close();
  }
});

engineTest('HTTP compose: another user\u2019s upload in a send or a draft is 404 and nothing is sent or saved; their draft is 404 to get, replace and delete', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const theirs = await uploaded(khaddad, 'privé.pdf', Buffer.from('%PDF-1.4 privé'), 'application/pdf');
    const mine = await uploaded(emartin, 'mien.txt', Buffer.from('mien'));

    const send = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`sbernard@${D}`], subject: 'x', text: 'x', attachments: [mine.id, theirs.id] });
    assert.equal(send.status, 404);
    assert.equal(await messageCount(rt), 0);
    assert.equal((await emartin.delete(`/api/v1/uploads/${theirs.id}`)).status, 404);
    const draft = { mailboxId: ids.emartin, to: [], cc: [], subject: 's', text: 't', attachments: [theirs.id] };
    assert.equal((await emartin.post('/api/v1/drafts', draft)).status, 404);
    assert.equal((await rt.ctx.sql.read.selectFrom('draft').selectAll().execute()).length, 0);
    // Both uploads are still there for their owners.
    assert.equal((await uploadRows(rt)).length, 2);

    const created = await khaddad.post('/api/v1/drafts', { mailboxId: ids.khaddad, to: [`emartin@${D}`], cc: [], subject: 'Secret', text: 'Texte', attachments: [theirs.id] });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    assert.equal((await emartin.get(`/api/v1/drafts/${id}`)).status, 404);
    assert.equal((await emartin.put(`/api/v1/drafts/${id}`, { ...draft, attachments: [] })).status, 404);
    assert.equal((await emartin.delete(`/api/v1/drafts/${id}`)).status, 404);
    assert.deepEqual(await (await emartin.get('/api/v1/drafts')).json(), []);
    const send2 = await emartin.post('/api/v1/messages', { from: `emartin@${D}`, to: [`sbernard@${D}`], subject: 'x', text: 'x', draftId: id });
    assert.equal(send2.status, 404);
    assert.equal(await messageCount(rt), 0);
    assert.equal((await khaddad.get(`/api/v1/drafts/${id}`)).status, 200);
  } finally {
    await app.close();
  }
});

engineTest('HTTP drafts: create, list newest first, read, replace, delete; content sealed in the row; the send right is required', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const sbernard = as(url, await logIn(url, 'sbernard'));
    const file = await uploaded(emartin, 'bilan.pdf', Buffer.from('%PDF bilan'), 'application/pdf');
    const first = { mailboxId: ids.emartin, to: ['khaddad@', 'pas encore une adresse'], cc: [], subject: 'Sujet très confidentiel', text: 'Le patient présente une arythmie.', attachments: [file.id], inReplyTo: null };
    const created = await emartin.post('/api/v1/drafts', first);
    assert.equal(created.status, 201);
    const { id, updatedAt } = (await created.json()) as { id: string; updatedAt: number };
    assert.equal(updatedAt, rt.clock.now);

    rt.clock.now += 60_000;
    const other = await emartin.post('/api/v1/drafts', { mailboxId: ids.cardio, to: [], cc: [`sbernard@${D}`], subject: 'Pour le service', text: '', attachments: [] });
    assert.equal(other.status, 201);
    const otherId = ((await other.json()) as { id: string }).id;
    assert.deepEqual(await (await emartin.get('/api/v1/drafts')).json(), [
      { id: otherId, mailboxId: ids.cardio, to: [], cc: [`sbernard@${D}`], subject: 'Pour le service', updatedAt: rt.clock.now },
      { id, mailboxId: ids.emartin, to: first.to, cc: [], subject: first.subject, updatedAt },
    ]);
    assert.deepEqual(await (await emartin.get(`/api/v1/drafts/${id}`)).json(), {
      id,
      mailboxId: ids.emartin,
      to: first.to,
      cc: [],
      subject: first.subject,
      text: first.text,
      attachments: [{ id: file.id, filename: 'bilan.pdf', contentType: 'application/pdf', size: 10 }],
      inReplyTo: null,
      updatedAt,
    });

    // Nothing of what is written is readable in the row.
    const row = await rt.ctx.sql.read.selectFrom('draft').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const rowBytes = Buffer.concat(Object.values(row).map((value) => (typeof value === 'object' && value !== null ? Buffer.from(value as Uint8Array) : Buffer.from(String(value)))));
    for (const secret of [first.subject, first.text, 'arythmie', 'confidentiel', file.id]) assert.equal(rowBytes.includes(Buffer.from(secret, 'utf8')), false, secret);

    // Replacing: the latest one comes first again.
    rt.clock.now += 60_000;
    const replaced = await emartin.put(`/api/v1/drafts/${id}`, { ...first, to: [`khaddad@${D}`], text: 'Version 2', attachments: [] });
    assert.equal(replaced.status, 200);
    assert.deepEqual(await replaced.json(), { id, updatedAt: rt.clock.now });
    const listed = (await (await emartin.get('/api/v1/drafts')).json()) as { id: string }[];
    assert.deepEqual(listed.map((draft) => draft.id), [id, otherId]);
    const read = (await (await emartin.get(`/api/v1/drafts/${id}`)).json()) as { text: string; to: string[]; attachments: unknown[] };
    assert.deepEqual([read.text, read.to, read.attachments], ['Version 2', [`khaddad@${D}`], []]);

    // Bounds: recipients are free text but limited.
    assert.equal((await emartin.put(`/api/v1/drafts/${id}`, { ...first, to: ['x'.repeat(255)] })).status, 400);
    assert.equal((await emartin.put(`/api/v1/drafts/${id}`, { ...first, cc: Array.from({ length: 101 }, () => 'a') })).status, 400);
    assert.equal((await emartin.put(`/api/v1/drafts/${id}`, { ...first, unknown: 1 })).status, 400);

    // The secretary reads the service's mailbox without the send right: no draft, no send from it.
    assert.equal((await sbernard.post('/api/v1/drafts', { ...first, mailboxId: ids.cardio, attachments: [] })).status, 403);
    assert.equal((await sbernard.post('/api/v1/messages', { from: `cardio@${D}`, to: [`khaddad@${D}`], subject: 'x', text: 'x' })).status, 403);
    // A mailbox one is no member of does not exist; nor does a draft moved to it.
    assert.equal((await sbernard.post('/api/v1/drafts', { ...first, mailboxId: ids.khaddad, attachments: [] })).status, 404);
    assert.equal((await emartin.put(`/api/v1/drafts/${id}`, { ...first, mailboxId: ids.khaddad, attachments: [] })).status, 404);
    assert.equal((await rt.ctx.sql.read.selectFrom('draft').selectAll().execute()).length, 2);

    assert.equal((await emartin.delete(`/api/v1/drafts/${id}`)).status, 204);
    assert.equal((await emartin.get(`/api/v1/drafts/${id}`)).status, 404);
    assert.equal((await emartin.delete(`/api/v1/drafts/${id}`)).status, 404);
    assert.equal((await emartin.put(`/api/v1/drafts/${id}`, first)).status, 404);
  } finally {
    await app.close();
  }
});

engineTest('HTTP compose: a reply carries In-Reply-To and References; a message one cannot read is 404; the draft sent goes', async (_t, rt) => {
  const { app, url, ids } = await serve(rt);
  try {
    const emartin = as(url, await logIn(url, 'emartin'));
    const khaddad = as(url, await logIn(url, 'khaddad'));
    const sbernard = as(url, await logIn(url, 'sbernard'));
    const sendAs = async (client: Client, body: Record<string, unknown>) => {
      const response = await client.post('/api/v1/messages', body);
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as { messageId: string; messageIdHeader: string };
    };
    const question = await sendAs(khaddad, { from: `khaddad@${D}`, to: [`emartin@${D}`], subject: 'Question', text: 'Une question.' });

    // The answer starts as a draft with an attachment, then is sent from it.
    const file = await uploaded(emartin, 'réponse.txt', Buffer.from('détails'));
    const draft = await emartin.post('/api/v1/drafts', { mailboxId: ids.emartin, to: [`khaddad@${D}`], cc: [], subject: 'Re: Question', text: 'Réponse.', attachments: [file.id], inReplyTo: question.messageId });
    const { id: draftId } = (await draft.json()) as { id: string };
    assert.equal(((await (await emartin.get(`/api/v1/drafts/${draftId}`)).json()) as { inReplyTo: string }).inReplyTo, question.messageId);

    // Someone who cannot read the question cannot answer it: nothing leaves.
    const before = await messageCount(rt);
    const refused = await sbernard.post('/api/v1/messages', { from: `sbernard@${D}`, to: [`khaddad@${D}`], subject: 'Re: Question', text: 'x', inReplyTo: question.messageId });
    assert.equal(refused.status, 404);
    assert.equal(await messageCount(rt), before);

    const answer = await sendAs(emartin, { from: `emartin@${D}`, to: [`khaddad@${D}`], subject: 'Re: Question', text: 'Réponse.', attachments: [file.id], inReplyTo: question.messageId, draftId });
    assert.equal((await emartin.get(`/api/v1/drafts/${draftId}`)).status, 404);
    assert.deepEqual(await uploadRows(rt), []);
    const answered = (await (await khaddad.get(`/api/v1/messages/${answer.messageId}`)).json()) as Summary;
    assert.equal(answered.index.inReplyTo, question.messageIdHeader);
    assert.deepEqual(answered.index.references, [question.messageIdHeader]);
    assert.equal(answered.index.attachments[0]?.filename, 'réponse.txt');
    const raw = await (await khaddad.get(`/api/v1/messages/${answer.messageId}/raw`)).text();
    assert.match(raw, new RegExp(`^In-Reply-To: ${escape(question.messageIdHeader)}\r$`, 'm'));

    // The thread grows: the answer to the answer names both.
    const third = await sendAs(khaddad, { from: `khaddad@${D}`, to: [`emartin@${D}`], subject: 'Re: Re: Question', text: 'Merci.', inReplyTo: answer.messageId });
    const thread = (await (await emartin.get(`/api/v1/messages/${third.messageId}`)).json()) as Summary;
    assert.equal(thread.index.inReplyTo, answer.messageIdHeader);
    assert.deepEqual(thread.index.references, [question.messageIdHeader, answer.messageIdHeader]);
  } finally {
    await app.close();
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
