import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Engine } from './engine.ts';
import * as core from './migrations/001-core.ts';
import * as identity from './migrations/002-identity.ts';
import * as web from './migrations/003-web.ts';
import * as directory from './migrations/004-directory.ts';
import * as proofLog from './migrations/005-proof-log.ts';
import * as trackingAlerts from './migrations/006-tracking-alerts.ts';
import * as appPasswords from './migrations/007-app-passwords.ts';
import * as trustedDomains from './migrations/008-trusted-domains.ts';
import * as outboundQueue from './migrations/009-outbound-queue.ts';
import * as accessTokens from './migrations/010-access-tokens.ts';
import * as expungedEntries from './migrations/011-expunged-entries.ts';
import * as imapEnvelope from './migrations/012-imap-envelope.ts';
import * as vault from './migrations/013-vault.ts';

type EngineMigration = { up(db: Kysely<unknown>, engine: Engine): Promise<void> };

// Listed here, not read from a folder at run time: the order is code, reviewed like code.
const MIGRATIONS: Record<string, EngineMigration> = {
  '001-core': core,
  '002-identity': identity,
  '003-web': web,
  '004-directory': directory,
  '005-proof-log': proofLog,
  '006-tracking-alerts': trackingAlerts,
  '007-app-passwords': appPasswords,
  '008-trusted-domains': trustedDomains,
  '009-outbound-queue': outboundQueue,
  '010-access-tokens': accessTokens,
  '011-expunged-entries': expungedEntries,
  '012-imap-envelope': imapEnvelope,
  '013-vault': vault,
};

/** Brings the schema to the latest version; each migration runs in its own transaction. */
export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(MIGRATIONS)) {
        migrations[name] = { up: (database) => migration.up(database, engine) };
      }
      return migrations;
    },
  };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw new Error(`database migration failed: ${(error as Error).message ?? String(error)}`);
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
