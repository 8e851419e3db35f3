import { addressKey, parseAddress } from '../core/address.ts';
import { departmentOfPostcode } from '../core/directory/places.ts';
import { MissiveError } from '../core/errors.ts';
import { ALL_RIGHTS, type MailboxKind, type Rights } from '../core/mailbox.ts';
import {
  addOperatorDomain,
  findMailboxByKey,
  findUser,
  insertMailbox,
  insertStructure,
  insertUser,
  setMember,
} from '../store/repositories/accounts.ts';
import { appendAudit } from '../store/repositories/audit.ts';
import type { ServiceContext } from './context.ts';
import { hashPassword } from './identity/password.ts';

/** Administration use cases: what `missive init`, `user add` and `mailbox add` do. Actor is the operator's admin. */

const USER_ID = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export async function addDomain(ctx: ServiceContext, domain: string, actor = 'operator:admin'): Promise<void> {
  const now = ctx.clock();
  parseAddress(`postmaster@${domain}`);
  await ctx.sql.write(async (trx) => {
    await addOperatorDomain(trx, domain.toLowerCase(), now);
    await appendAudit(trx, { at: now, actor, action: 'domain.add', target: domain.toLowerCase(), result: 'ok' });
  });
  ctx.localDomains.add(domain.toLowerCase());
}

export type NewStructure = { name: string; finess?: string; siret?: string; postcode?: string; city?: string };

export async function addStructure(ctx: ServiceContext, structure: NewStructure, actor = 'operator:admin'): Promise<string> {
  if (structure.finess !== undefined && !/^\d{9}$/.test(structure.finess)) throw new MissiveError('invalid_argument', 'a FINESS number has 9 digits');
  if (structure.siret !== undefined && !/^\d{14}$/.test(structure.siret)) throw new MissiveError('invalid_argument', 'a SIRET number has 14 digits');
  if (structure.postcode !== undefined && !/^\d{5}$/.test(structure.postcode)) throw new MissiveError('invalid_argument', 'a French postcode has 5 digits');
  const now = ctx.clock();
  return ctx.sql.write(async (trx) => {
    const id = await insertStructure(trx, {
      name: structure.name,
      finess: structure.finess ?? null,
      siret: structure.siret ?? null,
      postcode: structure.postcode ?? null,
      city: structure.city ?? null,
      department: structure.postcode === undefined ? null : departmentOfPostcode(structure.postcode),
      created_at: now,
    });
    await appendAudit(trx, { at: now, actor, action: 'structure.add', target: id, result: 'ok' });
    return id;
  });
}

export type NewUser = {
  id: string;
  displayName: string;
  /** Surname and first name, for the directory's search and ranking. */
  lastName?: string;
  firstName?: string;
  password?: string;
  rpps?: string;
  profession?: string;
  structureId?: string;
  notifyEmail?: string;
};

export async function addUser(ctx: ServiceContext, user: NewUser, actor = 'operator:admin'): Promise<void> {
  if (!USER_ID.test(user.id)) throw new MissiveError('invalid_argument', 'a user id is 2–64 characters: lower-case letters, digits, dot, dash, underscore');
  if (user.rpps !== undefined && !/^\d{11}$/.test(user.rpps)) throw new MissiveError('invalid_argument', 'an RPPS number has 11 digits');
  if (user.notifyEmail !== undefined) parseAddress(user.notifyEmail);
  if (await findUser(ctx.sql.read, user.id)) throw new MissiveError('conflict', `user ${user.id} already exists`);
  const passwordHash = user.password === undefined ? null : await hashPassword(user.password).catch((error: Error) => {
    throw new MissiveError('invalid_argument', error.message);
  });
  const now = ctx.clock();
  await ctx.sql.write(async (trx) => {
    await insertUser(trx, {
      id: user.id,
      display_name: user.displayName,
      last_name: user.lastName ?? null,
      first_name: user.firstName ?? null,
      rpps: user.rpps ?? null,
      profession: user.profession ?? null,
      structure_id: user.structureId ?? null,
      notify_email: user.notifyEmail ?? null,
      password_hash: passwordHash,
      created_at: now,
      disabled_at: null,
    });
    await appendAudit(trx, { at: now, actor, action: 'user.add', target: user.id, result: 'ok' });
  });
}

export type NewMailbox = {
  address: string;
  kind: MailboxKind;
  displayName: string;
  structureId?: string;
  listeRouge?: boolean;
  members: { userId: string; rights: Rights }[];
};

/**
 * Creates a mailbox on one of the operator's domains. A personal mailbox has exactly one
 * holder, with every right; others may be added later as delegates (a member row each).
 */
export async function addMailbox(ctx: ServiceContext, mailbox: NewMailbox, actor = 'operator:admin'): Promise<string> {
  const address = parseAddress(mailbox.address);
  if (!ctx.localDomains.has(address.domain)) {
    throw new MissiveError('invalid_argument', `${address.domain} is not a domain of this operator (${[...ctx.localDomains].join(', ') || 'none yet: run missive init'})`);
  }
  const key = addressKey(address);
  if (await findMailboxByKey(ctx.sql.read, key)) throw new MissiveError('conflict', `mailbox ${key} already exists`);
  if (mailbox.kind === 'PER' && mailbox.members.length !== 1) {
    throw new MissiveError('invalid_argument', 'a personal (PER) mailbox has exactly one holder when created');
  }
  for (const member of mailbox.members) {
    if (!(await findUser(ctx.sql.read, member.userId))) throw new MissiveError('not_found', `no user ${member.userId}`);
  }
  const now = ctx.clock();
  return ctx.sql.write(async (trx) => {
    const id = await insertMailbox(
      trx,
      {
        address: `${address.local}@${address.domain}`,
        addressKey: key,
        kind: mailbox.kind,
        displayName: mailbox.displayName,
        structureId: mailbox.structureId ?? null,
        listeRouge: mailbox.listeRouge ?? false,
      },
      now,
    );
    for (const member of mailbox.members) {
      await setMember(trx, id, member.userId, mailbox.kind === 'PER' ? ALL_RIGHTS : member.rights, now);
    }
    await appendAudit(trx, { at: now, actor, action: 'mailbox.add', target: id, result: 'ok', detail: { kind: mailbox.kind, members: mailbox.members.length } });
    return id;
  });
}

export async function grantMember(ctx: ServiceContext, mailboxAddress: string, userId: string, rights: Rights, actor = 'operator:admin'): Promise<void> {
  const mailbox = await findMailboxByKey(ctx.sql.read, addressKey(mailboxAddress));
  if (!mailbox) throw new MissiveError('not_found', `no mailbox ${mailboxAddress}`);
  if (!(await findUser(ctx.sql.read, userId))) throw new MissiveError('not_found', `no user ${userId}`);
  const now = ctx.clock();
  await ctx.sql.write(async (trx) => {
    await setMember(trx, mailbox.id, userId, rights, now);
    await appendAudit(trx, { at: now, actor, action: 'mailbox.member', target: mailbox.id, result: 'ok', detail: { user: userId } });
  });
}
