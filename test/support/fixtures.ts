import { ALL_RIGHTS, type Rights } from '../../src/core/mailbox.ts';
import type { Principal } from '../../src/core/principal.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { addDomain, addMailbox, addUser } from '../../src/services/accounts.ts';
import { deposit, type DepositResult } from '../../src/services/deposit/deposit.ts';

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
