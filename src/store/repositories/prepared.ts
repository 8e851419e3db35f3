import { CompiledQuery, type Compilable } from 'kysely';
import type { Queryable } from './queryable.ts';

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
  const compiled = new WeakMap<Queryable, Map<string, { sql: string; slots: { arg: number; item: number }[]; fixed: readonly unknown[] }>>();
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
      entry = { sql: query.sql, slots, fixed: query.parameters };
      byShape.set(key, entry);
    }
    const parameters = entry.slots.map((slot, index) => {
      if (slot.arg < 0) return entry.fixed[index];
      const value = args[slot.arg]!;
      return slot.item < 0 ? value : (value as readonly string[])[slot.item];
    });
    const result = await q.executeQuery<R>(CompiledQuery.raw(entry.sql, parameters));
    return result.rows;
  };
}

function marker(arg: number, item: number): string {
  return `\u0000arg${arg}:${item}`;
}
