import { mayAct, type Principal } from '../core/principal.ts';
import type { Rights } from '../core/mailbox.ts';
import { membership } from '../store/repositories/accounts.ts';
import type { ServiceContext } from './context.ts';

/** Whether a principal holds a right on a mailbox: a user through an active membership (core/principal.ts says the rest). */
export async function holdsRight(ctx: ServiceContext, principal: Principal, mailboxId: string, right: keyof Rights): Promise<boolean> {
  const member = principal.kind === 'user' ? await membership(ctx.sql.read, principal.userId, mailboxId) : undefined;
  return mayAct(principal, mailboxId, right, member);
}
