import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { silentLogger, type Logger } from '../observability/log.ts';
import type { Engine } from './engine.ts';
import { GroupCommitter, type Work } from './group-commit.ts';
import { databaseAnswers } from './health.ts';
import { migrateToLatest } from './migrate.ts';
import { PROCEDURES, type ProcedureArgs, type ProcedureName, type ProcedureResult } from './procedures.ts';
import type { Database } from './schema.ts';
import { readDirectly } from './repositories/prepared.ts';
import { openSqlite, READER_CACHE_MIB } from './sqlite-adapter.ts';
import { SqliteWriterDialect, WRITER_CACHE_MIB } from './sqlite-writer-dialect.ts';

/**
 * The SQL side of the store. `read` serves queries outside a write; `write` runs work inside a
 * group-committed transaction and resolves after the commit is durable.
 */
export type SqlStore = {
  readonly engine: Engine;
  readonly read: Kysely<Database>;
  write<T>(work: Work<T>): Promise<T>;
  /** A named write (store/procedures.ts) in its own transaction, run where the engine runs it best. */
  procedure<N extends ProcedureName>(name: N, args: ProcedureArgs<N>): Promise<ProcedureResult<N>>;
  /** True when both reads and writes can be served (for the health check). */
  healthy(): Promise<boolean>;
  /** Makes deleted rows unrecoverable from the files (after a purge). */
  scrub(): Promise<void>;
  close(): Promise<void>;
};

export type SqlLocation = { url: string } | { sqliteFile: string };

export type SqlOptions = {
  /**
   * SQLite only: write from the calling thread instead of a writer thread. For a thread that
   * does nothing but write (a bulk import), where handing rows to another thread only copies them.
   */
  writeInThisThread?: boolean;
};

export async function openSqlStore(location: SqlLocation, log: Logger = silentLogger, options: SqlOptions = {}): Promise<SqlStore> {
  if ('url' in location) return openPostgres(location.url, log);
  return openEmbedded(location.sqliteFile, options, log);
}

async function openEmbedded(file: string, options: SqlOptions, log: Logger): Promise<SqlStore> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Two connections: WAL lets the reader see committed data while the writer holds its lock,
  // so lookups never queue behind a batch being committed. The writer lives in its own thread:
  // its COMMIT waits for fsync there, not on the main thread.
  const dialect = options.writeInThisThread ? null : new SqliteWriterDialect(file);
  const writer = new Kysely<Database>({ dialect: dialect ?? new SqliteDialect({ database: openSqlite(file, { cacheMib: WRITER_CACHE_MIB }).kysely }) });
  await migrateToLatest(writer as Kysely<unknown>, 'sqlite');
  // Subjects and addresses are in clear in the database: only the operator may read its files.
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(`${file}${suffix}`)) chmodSync(`${file}${suffix}`, 0o600);
  }
  // Not mapped: the first read after each of the writer's commits finds the WAL changed and drops
  // the connection's cache, and with a map also unmaps the file, whose pages must then be mapped
  // again one fault at a time (the deposit's address query: 54 µs on average under SMTP load with
  // the map, spikes of ~400 µs after each commit; 36 µs without). Contents, read page after page,
  // go to the content reader threads, which keep their map.
  const readerConnection = openSqlite(file, { cacheMib: READER_CACHE_MIB }).kysely;
  const reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: readerConnection }) });
  readDirectly(reader, readerConnection);
  const committer = new GroupCommitter(writer, { lanes: 1 });
  const checkpointer = startCheckpointer(file, log);
  return {
    engine: 'sqlite',
    read: reader,
    write: (work) => committer.run(work),
    procedure: (name, args) =>
      (dialect ? dialect.runProcedure(name, args) : writer.transaction().execute((trx): Promise<unknown> => PROCEDURES[name](trx, args as never))) as never,
    healthy: async () => (dialect?.failure() ?? null) === null && (await databaseAnswers(reader)),
    async scrub() {
      // secure_delete zeroed freed pages in the database; old page images may remain in the
      // WAL until a checkpoint rewrites and truncates it. The background checkpoint holding the
      // checkpoint lock makes this one answer "busy" at once, without truncating: it is tried
      // again, and a WAL left untruncated is an error, not a silence.
      for (let attempt = 0; ; attempt++) {
        const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(writer);
        if (Number(rows[0]?.busy ?? 1) === 0) return;
        if (attempt === SCRUB_ATTEMPTS) throw new Error('the database log could not be truncated after a purge: a checkpoint stayed busy');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await committer.close();
      await dialect?.idle();
      await checkpointer.terminate();
      await reader.destroy();
      await writer.destroy();
    },
  };
}

/** The thread that checkpoints the WAL in the background (see sqlite-checkpoint-thread.ts). */
function startCheckpointer(file: string, log: Logger): Worker {
  const worker = new Worker(new URL('./sqlite-checkpoint-thread.ts', import.meta.url), { workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.on('message', ({ error }: { error: string }) => log.warn('a background checkpoint of the database failed', { reason: error }));
  worker.on('error', (error) => log.error('the checkpoint thread stopped', { error }));
  worker.unref();
  return worker;
}

const CHECKPOINT_INTERVAL_MS = 200;
/** Tries of the truncating checkpoint after a purge, 50 ms apart. */
const SCRUB_ATTEMPTS = 200;

async function openPostgres(url: string, log: Logger): Promise<SqlStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 12,
    // Counters and epoch-millisecond times are int8; they fit a JavaScript number.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as never },
  });
  // An idle connection the server ends (restart, failover, idle timeout) is an 'error' on the
  // pool; unheard, it would crash the process. The pool drops that client by itself.
  pool.on('error', (error) => log.warn('a PostgreSQL connection was lost', { error }));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db as Kysely<unknown>, 'postgres');
  // PostgreSQL group-commits across connections itself; a few lanes keep its pool busy.
  const committer = new GroupCommitter(db, { lanes: 4 });
  return {
    engine: 'postgres',
    read: db,
    write: (work) => committer.run(work),
    procedure: (name, args) => committer.run((trx): Promise<unknown> => PROCEDURES[name](trx, args as never)) as never,
    healthy: () => databaseAnswers(db),
    async scrub() {
      // Frees the dead tuples for reuse. PostgreSQL does not overwrite them, and WAL archives
      // keep what was written: the wrapped keys are only gone once those age out (see README).
      await sql`vacuum message, message_content`.execute(db);
    },
    async close() {
      await committer.close();
      await db.destroy();
    },
  };
}
