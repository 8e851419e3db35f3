import type { Transaction } from 'kysely';
import { insertDirectoryRows } from './repositories/directory.ts';
import { fileDeposits } from './repositories/messages.ts';
import type { Database } from './schema.ts';

/**
 * Writes that are pure data in, data out, so that an engine may run them wherever its writes
 * are cheapest: on SQLite, inside the writer thread in a single message; on PostgreSQL, through
 * the group committer. One function, whichever engine.
 */
export const PROCEDURES = {
  fileDeposits,
  insertDirectoryRows,
} satisfies Record<string, (trx: Transaction<Database>, args: never) => Promise<unknown>>;

export type ProcedureName = keyof typeof PROCEDURES;
export type ProcedureArgs<N extends ProcedureName> = Parameters<(typeof PROCEDURES)[N]>[1];
export type ProcedureResult<N extends ProcedureName> = Awaited<ReturnType<(typeof PROCEDURES)[N]>>;
