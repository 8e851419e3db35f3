import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.ts';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime } from '../../src/runtime/open-runtime.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { deposit } from '../../src/services/deposit/deposit.ts';
import { CORRESPONDENTS, letter } from './letters.ts';

export const BENCH_DOMAIN = 'bench.mssante.test';

export type Member = { id: string; password: string; notifyEmail: string };

export type Seeded = {
  sharedMailboxId: string;
  sharedAddress: string;
  members: Member[];
  messageIds: string[];
  /** INBOX UIDs of the shared mailbox, ascending. */
  uids: number[];
  seconds: number;
};

/**
 * The operator of the benchmark, written in-process before the server starts: the members
 * (each with a personal mailbox), the correspondents who write to the service, and one shared
 * organisational mailbox holding `messages` letters, deposited concurrently through the one
 * delivery path. The runtime is closed on return, so the server is alone on the data.
 */
export async function seed(env: Record<string, string>, options: { members: number; messages: number; concurrency: number }): Promise<Seeded> {
  const runtime = await openRuntime(loadConfig({ env, file: null }), { log: silentLogger });
  const { ctx } = runtime;
  try {
    await addDomain(ctx, BENCH_DOMAIN);
    const members: Member[] = [];
    for (let n = 1; n <= options.members; n++) {
      const id = `membre${String(n).padStart(2, '0')}`;
      const member = { id, password: `bench-${randomBytes(12).toString('base64url')}`, notifyEmail: `${id}@exemple.invalid` };
      await addUser(ctx, { id, displayName: `Membre ${n} du service`, password: member.password, notifyEmail: member.notifyEmail });
      await addMailbox(ctx, { address: `${id}@${BENCH_DOMAIN}`, kind: 'PER', displayName: `Membre ${n}`, members: [{ userId: id, rights: ALL_RIGHTS }] });
      members.push(member);
    }
    for (const person of CORRESPONDENTS) {
      await addUser(ctx, { id: person.id, displayName: person.displayName });
      await addMailbox(ctx, { address: `${person.id}@${BENCH_DOMAIN}`, kind: 'PER', displayName: person.displayName, members: [{ userId: person.id, rights: ALL_RIGHTS }] });
    }
    const sharedAddress = `cardiologie@${BENCH_DOMAIN}`;
    const sharedMailboxId = await addMailbox(ctx, {
      address: sharedAddress,
      kind: 'ORG',
      displayName: 'Cardiologie — secrétariat',
      members: members.map((member) => ({ userId: member.id, rights: ALL_RIGHTS })),
    });

    const started = performance.now();
    const messageIds: string[] = [];
    const uids: number[] = [];
    // A letter every five minutes up to now: the mailbox spans the last weeks.
    const first = Date.now() - options.messages * 5 * 60_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let i = next++; i < options.messages; i = next++) {
          const mail = letter(i, BENCH_DOMAIN, sharedAddress, new Date(first + i * 5 * 60_000));
          const sender = mail.from.slice(0, mail.from.indexOf('@'));
          const result = await deposit(ctx, { principal: { kind: 'user', userId: sender }, channel: 'api', envelope: { from: mail.from, to: [sharedAddress] }, source: [mail.raw] });
          messageIds.push(result.messageId);
          uids.push(result.recipients.find((recipient) => recipient.mailboxId === sharedMailboxId)!.uid);
        }
      }),
    );
    uids.sort((a, b) => a - b);
    // A running PostgreSQL analyses new tables within a minute (autovacuum); the benchmark starts
    // sooner, and some servers run with autovacuum off. Without statistics the planner takes the
    // folder for a few rows and sorts a deep page's thousands of entries instead of walking the
    // (folder_id, uid) key backwards: the steady state is what is measured.
    if (ctx.sql.engine === 'postgres') await sql`analyze`.execute(ctx.sql.read);
    return { sharedMailboxId, sharedAddress, members, messageIds, uids, seconds: (performance.now() - started) / 1000 };
  } finally {
    await runtime.close();
  }
}
