import { createHmac } from 'node:crypto';
import { MissiveError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { deriveSubkey } from '../../store/crypto/derive.ts';
import { newId, randomText } from '../../store/ids.ts';
import { appPasswordsOf, insertAppPassword, liveAppPasswordByDigest, revokeAppPassword as revokeRow, touchAppPassword } from '../../store/repositories/app-passwords.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import type { ServiceContext } from '../context.ts';
import { resolveUser } from './login.ts';

export const MAX_APP_PASSWORDS = 20;
const MAX_LABEL = 60;
// Recording use at most once a minute keeps a polling mail client from writing on every login.
const TOUCH_EVERY_MS = 60_000;

export type AppPasswordView = { id: string; label: string; createdAt: number; lastUsedAt: number | null };
export type NewAppPassword = AppPasswordView & { secret: string };

/**
 * 192 random bits, shown once. A guess has no chance, so a fast keyed hash (HMAC-SHA256 under a
 * key derived from the operator's) protects the stored copy: a slow one is for human passwords.
 */
function digestOf(ctx: ServiceContext, secret: string): string {
  return createHmac('sha256', deriveSubkey(ctx.kek, 'app-password/v1')).update(secret, 'utf8').digest('hex');
}

export async function createAppPassword(ctx: ServiceContext, userId: string, label: string): Promise<NewAppPassword> {
  const name = label.trim();
  if (name === '' || name.length > MAX_LABEL || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new MissiveError('invalid_argument', `name the password (the client or software that will use it), 1 to ${MAX_LABEL} characters`);
  }
  if ((await appPasswordsOf(ctx.sql.read, userId)).length >= MAX_APP_PASSWORDS) {
    throw new MissiveError('conflict', `at most ${MAX_APP_PASSWORDS} application passwords: revoke one you no longer use`);
  }
  // 200 bits in eight groups of five: typed into a mail client or a command line, it never starts
  // like an option (a base64url secret could start with "-") and holds no character to escape.
  const secret = Array.from({ length: 8 }, () => randomText(5)).join('-');
  const now = ctx.clock();
  const id = newId('apw');
  await ctx.sql.write(async (trx) => {
    await insertAppPassword(trx, { id, user_id: userId, label: name, secret_digest: digestOf(ctx, secret), created_at: now, last_used_at: null, revoked_at: null });
    await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'app-password.create', target: id, result: 'ok', detail: { label: name } });
  });
  return { id, label: name, createdAt: now, lastUsedAt: null, secret };
}

export async function listAppPasswords(ctx: ServiceContext, userId: string): Promise<AppPasswordView[]> {
  return (await appPasswordsOf(ctx.sql.read, userId)).map((row) => ({ id: row.id, label: row.label, createdAt: Number(row.created_at), lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at) }));
}

export async function revokeAppPassword(ctx: ServiceContext, userId: string, id: string): Promise<void> {
  const now = ctx.clock();
  const revoked = await ctx.sql.write(async (trx) => {
    const count = await revokeRow(trx, userId, id, now);
    if (count > 0) await appendAudit(trx, { at: now, actor: `user:${userId}`, action: 'app-password.revoke', target: id, result: 'ok' });
    return count;
  });
  if (revoked === 0) throw new MissiveError('not_found', 'no such application password among yours');
}

/**
 * For SMTP and IMAP: the user behind a login (user id or personal address) and one of their
 * live application passwords, or `unauthorized` (unknown, wrong, revoked and disabled look alike).
 */
export async function authenticateAppPassword(ctx: ServiceContext, login: string, secret: string): Promise<{ principal: Principal; userId: string; passwordId: string }> {
  const fail = () => new MissiveError('unauthorized', 'wrong login or application password');
  if (secret.length < 16 || secret.length > 200) throw fail();
  const [user, row] = await Promise.all([resolveUser(ctx, login), liveAppPasswordByDigest(ctx.sql.read, digestOf(ctx, secret))]);
  if (!user || !row || row.user_id !== user.id) throw fail();
  const now = ctx.clock();
  if (row.last_used_at === null || now - Number(row.last_used_at) > TOUCH_EVERY_MS) await ctx.sql.write((trx) => touchAppPassword(trx, row.id, now));
  return { principal: { kind: 'user', userId: user.id }, userId: user.id, passwordId: row.id };
}
