import { CompiledQuery, type Compilable, type SqliteDatabase } from 'kysely';
import type { Queryable } from './queryable.ts';

/** Handles whose prepared queries run straight on their node:sqlite connection (see readDirectly). */
const direct = new WeakMap<Queryable, SqliteDatabase>();

/**
 * Lets prepared queries on `q` skip Kysely's executor (its connection lock, promise hops and
 * result plugins cost more than the statement itself) and run on `database`, the connection `q`
 * wraps. Only for a connection that reads: it never holds a transaction another caller could be in.
 */
export function readDirectly(q: Queryable, database: SqliteDatabase): void {
  direct.set(q, database);
}

/**
 * A query Kysely builds and compiles once per database handle and shape, then runs with new
 * values. On the hottest paths (every message submitted) building and compiling a query costs
 * more than running it. `build` gets markers where the values go (one per argument, or a list of
 * markers for a list argument); each run puts its values in their places. `shape` names what
 * changes the SQL text itself (the length of a list).
 */
export function prepared<A extends readonly (string | number | readonly string[])[], R>(
  build: (q: Queryable, ...markers: A) => Compilable<R>,
  shape: (...args: A) => string = () => '',
): (q: Queryable, ...args: A) => Promise<R[]> {
  type Entry = { sql: string; slots: { arg: number; item: number }[]; fixed: readonly unknown[]; run: ((parameters: unknown[]) => R[]) | null };
  const compiled = new WeakMap<Queryable, Map<string, Entry>>();
  return async (q, ...args) => {
    let byShape = compiled.get(q);
    if (!byShape) compiled.set(q, (byShape = new Map()));
    const key = shape(...args);
    let entry = byShape.get(key);
    if (!entry) {
      const markers = args.map((arg, index) => (Array.isArray(arg) ? arg.map((_, item) => marker(index, item)) : marker(index, -1))) as unknown as A;
      const query = build(q, ...markers).compile();
      const slots = query.parameters.map((parameter) => {
        const match = typeof parameter === 'string' ? /^\u0000arg(\d+):(-?\d+)$/.exec(parameter) : null;
        return match ? { arg: Number(match[1]), item: Number(match[2]) } : { arg: -1, item: -1 };
      });
      const database = direct.get(q);
      const statement = database?.prepare(query.sql);
      entry = { sql: query.sql, slots, fixed: query.parameters, run: statement ? (parameters) => statement.all(parameters) as R[] : null };
      byShape.set(key, entry);
    }
    const parameters = entry.slots.map((slot, index) => {
      if (slot.arg < 0) return entry.fixed[index];
      const value = args[slot.arg]!;
      return slot.item < 0 ? value : (value as readonly string[])[slot.item];
    });
    if (entry.run) return entry.run(parameters);
    const result = await q.executeQuery<R>(CompiledQuery.raw(entry.sql, parameters));
    return result.rows;
  };
}

function marker(arg: number, item: number): string {
  return `\u0000arg${arg}:${item}`;
}
