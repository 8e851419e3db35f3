import { readFile, stat } from 'node:fs/promises';
import { MissiveError } from '../../core/errors.ts';
import { MAX_WHITELIST_BYTES, parseWhitelist, WhitelistError } from '../../core/trust/whitelist.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { replaceTrustedDomains, trustedDomainRows, type TrustedDomainRow } from '../../store/repositories/trusted-domains.ts';
import type { ServiceContext } from '../context.ts';

export type WhitelistReport = { generatedAt: string | null; domains: number; added: number; changed: number; removed: number; ownSkipped: string[]; problems: string[] };

/**
 * `missive trust import <listeblanche.xml>`: the national whitelist replaces the trusted
 * operator domains in one transaction, reporting what changed. Our own domains stay local
 * whatever the list says. Deposits route to the new list at once in this process, and within a
 * minute in the others (refreshTrustedDomains).
 */
export async function importWhitelist(ctx: ServiceContext, file: string): Promise<WhitelistReport> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new MissiveError('invalid_argument', `not a file: ${file}`);
  if (info.size > MAX_WHITELIST_BYTES) throw new MissiveError('invalid_argument', `${file}: larger than ${MAX_WHITELIST_BYTES} bytes, not a whitelist`);
  let parsed;
  try {
    parsed = parseWhitelist(await readFile(file, 'utf8'));
  } catch (error) {
    if (error instanceof WhitelistError) throw new MissiveError('invalid_argument', `${file}: ${error.message}; the trusted domains are unchanged`);
    throw error;
  }
  const ownSkipped = parsed.domains.filter((entry) => ctx.localDomains.has(entry.domain)).map((entry) => entry.domain);
  const now = ctx.clock();
  const rows: TrustedDomainRow[] = parsed.domains
    .filter((entry) => !ctx.localDomains.has(entry.domain))
    .map((entry) => ({
      domain: entry.domain,
      description: entry.description,
      certificate_subject: entry.certificateSubject,
      responsible_contact: entry.responsibleContact,
      support_contact: entry.supportContact,
      updated_on: entry.updatedOn,
      imported_at: now,
    }));
  if (rows.length === 0) throw new MissiveError('invalid_argument', `${file}: no usable operator domain; the trusted domains are unchanged`);
  const counts = await ctx.sql.write(async (trx) => {
    const before = new Map((await trustedDomainRows(trx)).map((row) => [row.domain, row]));
    const next = new Set(rows.map((row) => row.domain));
    const added = rows.filter((row) => !before.has(row.domain)).length;
    const changed = rows.filter((row) => {
      const old = before.get(row.domain);
      return old !== undefined && (old.certificate_subject !== row.certificate_subject || old.description !== row.description || old.updated_on !== row.updated_on);
    }).length;
    const removed = [...before.keys()].filter((domain) => !next.has(domain)).length;
    await replaceTrustedDomains(trx, rows);
    await appendAudit(trx, { at: now, actor: 'operator:admin', action: 'trust.import', target: parsed.generatedAt, result: 'ok', detail: { domains: rows.length, added, changed, removed, problems: parsed.problems.length } });
    return { added, changed, removed };
  });
  setTrusted(ctx, rows);
  return { generatedAt: parsed.generatedAt, domains: rows.length, ...counts, ownSkipped, problems: parsed.problems };
}

/** Loads the trusted domains into the context (at start, then every minute on a server). */
export async function refreshTrustedDomains(ctx: TrustHolder): Promise<void> {
  setTrusted(ctx, await trustedDomainRows(ctx.sql.read));
}

type TrustHolder = Pick<ServiceContext, 'sql' | 'trustedDomains' | 'operatorSubjects' | 'localDomains'>;

// Updated in place: every holder of the context sees the new list at once.
function setTrusted(ctx: Omit<TrustHolder, 'sql'>, rows: readonly Pick<TrustedDomainRow, 'domain' | 'certificate_subject'>[]): void {
  const next = new Map(rows.filter((row) => !ctx.localDomains.has(row.domain)).map((row) => [row.domain, row.certificate_subject]));
  for (const domain of ctx.trustedDomains) if (!next.has(domain)) ctx.trustedDomains.delete(domain);
  for (const domain of ctx.operatorSubjects.keys()) if (!next.has(domain)) ctx.operatorSubjects.delete(domain);
  for (const [domain, subject] of next) {
    ctx.trustedDomains.add(domain);
    ctx.operatorSubjects.set(domain, subject);
  }
}
