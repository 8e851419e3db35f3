import { sql } from 'kysely';
import type { Queryable } from './repositories/queryable.ts';

/** True when the database answers a trivial query. */
export async function databaseAnswers(q: Queryable): Promise<boolean> {
  try {
    await sql`select 1`.execute(q);
    return true;
  } catch {
    return false;
  }
}
