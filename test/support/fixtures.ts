import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { test, type TestContext, type TestOptions } from 'node:test';
import { isMissiveError, type MissiveError, type MissiveErrorCode } from '../../src/core/errors.ts';
import { ALL_RIGHTS, type Rights } from '../../src/core/mailbox.ts';
import type { Principal } from '../../src/core/principal.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { deposit, type DepositResult } from '../../src/services/deposit/deposit.ts';
import { openMessage, type OpenedMessage } from '../../src/services/open.ts';
import type { Database } from '../../src/store/schema.ts';
import { engineTest, engines, freshRuntime, type TestRuntime } from './engines.ts';

export const DOMAIN = 'demo.mssante.test';

/**
 * A small operator: three people with personal mailboxes and an organisational mailbox where
 * the physician manages and the secretary reads and sends.
 */
export async function seedSmallOperator(ctx: ServiceContext): Promise<{ mailboxes: Record<string, string> }> {
  await addDomain(ctx, DOMAIN);
  const people = [
    { id: 'emartin', name: 'Éloïse Martin' },
    { id: 'sbernard', name: 'Sophie Bernard' },
    { id: 'khaddad', name: 'Karim Haddad' },
  ];
  const mailboxes: Record<string, string> = {};
  for (const person of people) {
    await addUser(ctx, { id: person.id, displayName: person.name });
    mailboxes[person.id] = await addMailbox(ctx, {
      address: `${person.id}@${DOMAIN}`,
      kind: 'PER',
      displayName: person.name,
      members: [{ userId: person.id, rights: ALL_RIGHTS }],
    });
  }
  const secretary: Rights = { read: true, send: true, manage: false };
  mailboxes.cardio = await addMailbox(ctx, {
    address: `cardiologie@${DOMAIN}`,
    kind: 'ORG',
    displayName: 'Cardiologie',
    members: [
      { userId: 'emartin', rights: ALL_RIGHTS },
      { userId: 'sbernard', rights: secretary },
    ],
  });
  return { mailboxes };
}

export const user = (userId: string): Principal => ({ kind: 'user', userId });

export function rawMessage(options: { from: string; to: string[]; cc?: string[]; subject?: string; body?: string; attachment?: { name: string; bytes: Buffer } }): Buffer {
  const boundary = 'missive-test-boundary';
  const head = [
    `From: ${options.from}`,
    `To: ${options.to.join(', ')}`,
    ...(options.cc ? [`Cc: ${options.cc.join(', ')}`] : []),
    `Subject: ${options.subject ?? 'Compte rendu'}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@test.missive>`,
    'Date: Sun, 22 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
  ];
  if (!options.attachment) {
    return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', '', options.body ?? 'Bonjour,\r\nvoici le compte rendu.', ''].join('\r\n'));
  }
  const encoded = options.attachment.bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      options.body ?? 'Bonjour,\r\nci-joint le document.',
      `--${boundary}`,
      `Content-Type: application/pdf; name="${options.attachment.name}"`,
      `Content-Disposition: attachment; filename="${options.attachment.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      encoded,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

export async function send(ctx: ServiceContext, from: string, asUser: string, raw: Buffer, to?: string[]): Promise<DepositResult> {
  return deposit(ctx, { principal: user(asUser), channel: 'api', envelope: to ? { from, to } : { from }, source: [raw] });
}

// ---------------------------------------------------------------------------------------------
// Helpers for store and service tests: reading content back, refusals, and "no trace" snapshots.

/** A message from lines joined with CRLF (a trailing empty string ends it with CRLF). */
export function crlf(...lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export async function collectBytes(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Opens a message as a user through the one read path and reads its whole content. */
export async function openAs(
  ctx: ServiceContext,
  userId: string,
  messageId: string,
  options: { peek?: boolean; viaMailboxId?: string } = {},
): Promise<{ opened: OpenedMessage; content: Buffer }> {
  const opened = await openMessage(ctx, { principal: user(userId), messageId, channel: 'web', ...options });
  return { opened, content: await collectBytes(opened.content) };
}

/**
 * Waits for `promise`, failing instead of hanging forever if it never settles. A liveness guard,
 * not a timing assertion: the limit is far above any normal run.
 */
export async function settles<T>(promise: Promise<T>, what: string, limitMs = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled (hang)`)), limitMs);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `check` holds, looking again every 20 ms (deliveries and queues finish on their
 * own time); fails instead of hanging, like `settles`.
 */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, limitMs = 60_000): Promise<void> {
  await settles(
    (async () => {
      while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
    })(),
    what,
    limitMs,
  );
}

/** Asserts that `promise` rejects with a MissiveError of that code; returns the error. */
export async function expectCode(promise: Promise<unknown>, code: MissiveErrorCode): Promise<MissiveError> {
  let caught: unknown;
  try {
    await settles(promise, `a call expected to fail with ${code}`);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a ${code} refusal, but the call succeeded`);
  assert.ok(isMissiveError(caught), `expected a MissiveError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** Every file under `dir` (recursively), as sorted relative paths; [] if `dir` does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

export const CONTENT_TABLES = ['message', 'message_content', 'mailbox_entry', 'recipient', 'proof_event'] as const;

export async function countRows(ctx: ServiceContext, table: keyof Database): Promise<number> {
  const row = await ctx.sql.read
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type TraceSnapshot = { rows: Record<(typeof CONTENT_TABLES)[number], number>; blobFiles: string[] };

/** What a deposit leaves behind: rows that describe messages, and files in the blob store. */
export async function traceSnapshot(ctx: ServiceContext, blobsDir: string): Promise<TraceSnapshot> {
  const rows = {} as TraceSnapshot['rows'];
  for (const table of CONTENT_TABLES) rows[table] = await countRows(ctx, table);
  return { rows, blobFiles: await filesUnder(blobsDir) };
}

export async function auditRows(ctx: ServiceContext): Promise<{ actor: string; action: string; target: string | null; result: string; detail: unknown }[]> {
  const rows = await ctx.sql.read.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  return rows.map((row) => ({ actor: row.actor, action: row.action, target: row.target, result: row.result, detail: row.detail === null ? null : JSON.parse(row.detail) }));
}

/** The entries a message has, as `address folder uid flags`, sorted: easy to compare exactly. */
export async function entriesOf(ctx: ServiceContext, messageId: string): Promise<string[]> {
  const rows = await ctx.sql.read
    .selectFrom('mailbox_entry as e')
    .innerJoin('folder as f', 'f.id', 'e.folder_id')
    .innerJoin('mailbox as m', 'm.id', 'e.mailbox_id')
    .select(['m.address', 'f.name', 'e.uid', 'e.flags'])
    .where('e.message_id', '=', messageId)
    .execute();
  return rows.map((row) => `${row.address} ${row.name} ${row.uid} ${row.flags}`.trimEnd()).sort();
}

/** `engineTest` with node:test options, e.g. `{ todo: 'reason' }` for a known bug in src/. */
export function engineTestWith(
  name: string,
  options: TestOptions,
  body: (t: TestContext, runtime: TestRuntime) => Promise<void>,
  overrides?: Record<string, string>,
): void {
  for (const engine of engines()) {
    test(`${name} [${engine}]`, options, async (t) => {
      const runtime = await freshRuntime(engine, overrides);
      try {
        await body(t, runtime);
      } finally {
        await runtime.close();
      }
    });
  }
}

/**
 * Where message content lives: small messages inline in the database (the default), larger
 * ones in the blob store. `blob` forces the blob store for every message.
 */
export const STORAGE_MODES = { inline: {}, blob: { MISSIVE_INLINE_CONTENT_BYTES: '0' } } as const;
export type StorageMode = keyof typeof STORAGE_MODES;

/** Declares the test once per engine and per storage mode: `(inline)` and `(blob store)`. */
export function storageTest(
  name: string,
  body: (t: TestContext, runtime: TestRuntime, storage: StorageMode) => Promise<void>,
  overrides: Record<string, string> = {},
): void {
  for (const storage of ['inline', 'blob'] as const) {
    engineTest(`${name} (${storage === 'blob' ? 'blob store' : 'inline'})`, (t, runtime) => body(t, runtime, storage), { ...overrides, ...STORAGE_MODES[storage] });
  }
}
