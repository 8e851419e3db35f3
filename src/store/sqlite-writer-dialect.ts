import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { WriterReply, WriterRequest } from './sqlite-writer-protocol.ts';

/** A Kysely dialect whose single SQLite connection lives in its own thread (see sqlite-writer-thread.ts). */
/**
 * The writer connection's page cache, larger than SQLite's 2 MB default: bulk writes (a
 * directory import) touch index pages all over, and re-reading each from the file costs more.
 */
export const WRITER_CACHE_MIB = 32;

export class SqliteWriterDialect implements Dialect {
  readonly #file: string;
  #driver: WriterDriver | null = null;

  constructor(file: string) {
    this.#file = file;
  }

  /** Runs a named procedure (store/procedures.ts) in one transaction inside the writer thread. */
  runProcedure(name: string, args: unknown): Promise<unknown> {
    if (!this.#driver) throw new Error('the SQLite writer is not started');
    return this.#driver.runProcedure(name, args);
  }

  /** Null while the writer thread runs; the reason once it has died (every write then fails at once). */
  failure(): Error | null {
    return this.#driver?.failure ?? null;
  }

  /** Resolves once no procedure or transaction holds the writer connection. */
  idle(): Promise<void> {
    return this.#driver?.idle() ?? Promise.resolve();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    this.#driver = new WriterDriver(this.#file);
    return this.#driver;
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class SqliteWriterError extends Error {
  readonly errcode: number | null;
  readonly code: string | null;
  constructor(error: { message: string; errcode: number | null; code: string | null }) {
    super(error.message);
    this.name = 'SqliteWriterError';
    this.errcode = error.errcode;
    this.code = error.code;
  }
}

class WriterDriver implements Driver {
  readonly #file: string;
  #worker: Worker | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (reply: WriterReply) => void; reject: (error: Error) => void }>();
  // One connection: whoever holds it runs alone, as with Kysely's own SQLite driver.
  #lock: Promise<void> = Promise.resolve();
  #unlock: (() => void) | null = null;
  #failure: Error | null = null;
  #closing = false;

  constructor(file: string) {
    this.#file = file;
  }

  async init(): Promise<void> {
    const worker = new Worker(new URL('./sqlite-writer-thread.ts', import.meta.url), { workerData: { file: this.#file } });
    worker.on('message', (reply: WriterReply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      waiting.resolve(reply);
    });
    // A dead writer thread must not leave writes waiting forever: every pending and later
    // request fails at once, and the health check reports it.
    const fail = (error: Error) => {
      if (!this.#closing) this.#failure ??= error;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite writer thread stopped (exit code ${code})`)));
    worker.unref();
    this.#worker = worker;
  }

  get failure(): Error | null {
    return this.#failure;
  }

  async idle(): Promise<void> {
    (await this.#acquire())();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#unlock = await this.#acquire();
    return { executeQuery: (query) => this.#execute(query), streamQuery: () => unsupported() };
  }

  async #acquire(): Promise<() => void> {
    const previous = this.#lock;
    let release!: () => void;
    this.#lock = new Promise((resolve) => (release = resolve));
    await previous;
    return release;
  }

  /** Holds the connection like a transaction does, so a procedure never interleaves with one. */
  async runProcedure(name: string, args: unknown): Promise<unknown> {
    const release = await this.#acquire();
    try {
      const reply = await this.#send((id) => ({ id, kind: 'procedure', name, args }));
      return reply.result;
    } finally {
      release();
    }
  }

  async releaseConnection(): Promise<void> {
    const unlock = this.#unlock;
    this.#unlock = null;
    unlock?.();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    this.#closing = true;
    await this.idle();
    await this.#worker?.terminate();
    this.#worker = null;
  }

  async #send(request: (id: number) => WriterRequest): Promise<Extract<WriterReply, { rows: unknown }>> {
    if (this.#failure) throw this.#failure;
    const worker = this.#worker;
    if (!worker) throw new Error('the SQLite writer is closed');
    const id = this.#nextId++;
    if (this.#pending.size === 0) worker.ref(); // an answer is awaited: keep the process alive for it
    const reply = await new Promise<WriterReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage(request(id));
    });
    if (reply.error) throw new SqliteWriterError(reply.error);
    return reply;
  }

  async #execute<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.#send((id) => ({ id, kind: 'query', sql: query.sql, parameters: query.parameters }));
    const rows = reply.rows as R[];
    if (reply.changes === undefined) return { rows };
    return { rows, numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.lastInsertRowid ?? 0) };
  }
}

function unsupported(): never {
  throw new Error('streaming queries are not supported by the SQLite writer');
}
