import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How much of the file content readers map. Address space, not memory: pages are shared with the kernel's file cache. */
export const READER_MMAP_MIB = 1024;

/** The main thread's reader's page cache: a mailbox's listing (envelopes of thousands of messages) stays in it between writes. */
export const READER_CACHE_MIB = 64;

/**
 * Kysely's SQLite dialect speaks better-sqlite3's interface; node:sqlite is close enough that a
 * thin wrapper does, which spares Missive a native build.
 */
export function openSqlite(file: string, options: { cacheMib?: number; mmapMib?: number } = {}): { database: DatabaseSync; kysely: SqliteDatabase } {
  const database = new DatabaseSync(file);
  // WAL lets readers run during a write; synchronous=FULL makes every commit durable before it
  // returns, which is what lets deposit acknowledge after the commit and mean it.
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = FULL');
  database.exec('PRAGMA foreign_keys = ON');
  // Deleted content (purged keys, inline ciphertext, subjects) is overwritten with zeros, not
  // left in free pages where a copy of the file would still hold it.
  database.exec('PRAGMA secure_delete = ON');
  database.exec('PRAGMA busy_timeout = 10000');
  // Checkpoints copy the WAL into the database and fsync it. A thread of the store does most of
  // that in the background (sqlite-checkpoint-thread.ts); the writer still checkpoints every 64 MB
  // of WAL, which then finds little left to copy, and which, unlike a checkpoint that runs
  // beside a busy writer, completes, so that the WAL starts over instead of growing.
  database.exec('PRAGMA wal_autocheckpoint = 16000');
  if (options.cacheMib !== undefined) database.exec(`PRAGMA cache_size = ${-Math.round(options.cacheMib * 1024)}`);
  if (options.mmapMib !== undefined) database.exec(`PRAGMA mmap_size = ${Math.round(options.mmapMib * 1024 * 1024)}`);
  // Prepared once per SQL text, with whether it returns rows (asking SQLite costs a call).
  const cache = new Map<string, { statement: StatementSync; reader: boolean }>();
  const kysely: SqliteDatabase = {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let cached = cache.get(sql);
      if (!cached) {
        const statement = database.prepare(sql);
        cached = { statement, reader: statement.columns().length > 0 };
        if (cache.size > 500) cache.clear();
        cache.set(sql, cached);
      }
      const prepared = cached.statement;
      return {
        reader: cached.reader,
        all: (parameters) => prepared.all(...(parameters as never[])),
        run: (parameters) => {
          const result = prepared.run(...(parameters as never[]));
          return { changes: result.changes, lastInsertRowid: result.lastInsertRowid };
        },
        iterate: (parameters) => prepared.iterate(...(parameters as never[])),
      };
    },
  };
  return { database, kysely };
}
