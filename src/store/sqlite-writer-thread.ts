import { Kysely, SqliteDialect } from 'kysely';
import { parentPort, workerData } from 'node:worker_threads';
import { PROCEDURES, type ProcedureName } from './procedures.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-adapter.ts';
import { WRITER_CACHE_MIB } from './sqlite-writer-dialect.ts';
import type { WriterError, WriterReply, WriterRequest } from './sqlite-writer-protocol.ts';

/**
 * The thread that owns SQLite's write connection. A COMMIT with synchronous=FULL waits for
 * fsync; here that wait blocks only this thread, while the main thread keeps taking in the next
 * deposits — which then join the next group commit. Requests are handled one at a time, in order.
 */
const port = parentPort!;
const { database, kysely } = openSqlite((workerData as { file: string }).file, { cacheMib: WRITER_CACHE_MIB });
// A multi-row INSERT keeps the pages it changes in a statement journal, to undo itself if a row
// fails. Past 64 KB (a few messages' contents) SQLite moves that journal to a temporary file,
// opened, written page by page and closed again in every deposit transaction: kept in memory it
// costs none of those system calls. (Sorts of this connection stay in memory too; it runs no
// large ones but an index built by a migration.)
database.exec('PRAGMA temp_store = MEMORY');
const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kysely }) });

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WriterRequest) => {
  queue = queue
    .then(() => handle(request))
    .then((reply) => post(reply, request.id));
});

/** A reply that cannot be posted (not cloneable) still answers, so the caller never waits forever. */
function post(reply: WriterReply, id: number): void {
  try {
    port.postMessage(reply);
  } catch (error) {
    port.postMessage({ id, error: describe(error) } satisfies WriterReply);
  }
}

async function handle(request: WriterRequest): Promise<WriterReply> {
  try {
    if (request.kind === 'procedure') {
      const procedure = PROCEDURES[request.name as ProcedureName];
      if (!procedure) throw new Error(`unknown procedure ${request.name}`);
      const result = await db.transaction().execute((trx): Promise<unknown> => procedure(trx, request.args as never));
      return { id: request.id, rows: [], result };
    }
    const statement = kysely.prepare(request.sql);
    if (statement.reader) return { id: request.id, rows: statement.all(request.parameters) as Record<string, unknown>[] };
    const outcome = statement.run(request.parameters);
    return { id: request.id, rows: [], changes: Number(outcome.changes), lastInsertRowid: Number(outcome.lastInsertRowid) };
  } catch (error) {
    return { id: request.id, error: describe(error) };
  }
}

function describe(error: unknown): WriterError {
  const failure = error as { message?: string; errcode?: number; code?: string };
  return { message: failure.message ?? String(error), errcode: failure.errcode ?? null, code: failure.code ?? null };
}
