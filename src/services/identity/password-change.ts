import { MissiveError } from '../../core/errors.ts';
import { findUser } from '../../store/repositories/accounts.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { revokeSessions, updatePasswordHash } from '../../store/repositories/identity.ts';
import type { ServiceContext } from '../context.ts';
import { hashPassword, verifyPassword } from './password.ts';

/** Changes one's own password, knowing the current one; every other session is logged out. */
export async function changePassword(ctx: ServiceContext, request: { userId: string; sessionId: string; current: string; next: string }): Promise<void> {
  const user = await findUser(ctx.sql.read, request.userId);
  if (!user?.password_hash || !(await verifyPassword(request.current, user.password_hash))) {
    throw new MissiveError('unauthorized', 'the current password is not right');
  }
  if (request.next === request.current) throw new MissiveError('invalid_argument', 'the new password must differ from the current one');
  const hash = await hashPassword(request.next).catch((error: Error) => {
    throw new MissiveError('invalid_argument', error.message);
  });
  const now = ctx.clock();
  await ctx.sql.write(async (trx) => {
    await updatePasswordHash(trx, user.id, hash);
    await revokeSessions(trx, user.id, now, { except: request.sessionId });
    await appendAudit(trx, { at: now, actor: `user:${user.id}`, action: 'password.change', target: user.id, result: 'ok' });
  });
}
