import { MissiveError } from '../../core/errors.ts';
import { lockAfter } from '../../core/throttle.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { findThrottle, saveThrottle } from '../../store/repositories/identity.ts';
import type { ServiceContext } from '../context.ts';

// One count per account (however it was named) and one per source address, shared by every
// place a factor is checked (login, TOTP setup and removal): guesses made through one door
// cost tries at the others too.
export const accountKey = (userId: string): string => `account:${userId}`;
export const sourceKey = (source: string): string => `source:${source}`;

export async function refuseIfLocked(ctx: ServiceContext, keys: readonly string[], now: number): Promise<void> {
  for (const key of keys) {
    const throttle = await findThrottle(ctx.sql.read, key);
    if (throttle && throttle.lockedUntil > now) {
      const minutes = Math.ceil((throttle.lockedUntil - now) / 60_000);
      throw new MissiveError('rate_limited', `too many failed attempts: try again in ${minutes} minute${minutes > 1 ? 's' : ''}`, { retryAfterMs: throttle.lockedUntil - now });
    }
  }
}

export async function recordFailure(ctx: ServiceContext, keys: readonly string[], now: number, action: string, userId: string | null): Promise<void> {
  await ctx.sql.write(async (trx) => {
    for (const key of keys) {
      const failures = ((await findThrottle(trx, key))?.failures ?? 0) + 1;
      await saveThrottle(trx, key, { failures, lockedUntil: now + lockAfter(failures) }, now);
    }
    await appendAudit(trx, { at: now, actor: userId ? `user:${userId}` : 'anonymous', action, target: userId, result: 'refused', detail: { errorCode: 'unauthorized' } });
  });
}
