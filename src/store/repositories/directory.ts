import { CompiledQuery, sql, type Selectable } from 'kysely';
import type { DirectoryActivityTable, DirectoryEntryTable, DirectoryGenerationTable } from '../schema.ts';
import type { Queryable } from './queryable.ts';

export type GenerationRow = Selectable<DirectoryGenerationTable>;
export type EntryRow = Selectable<DirectoryEntryTable>;
export type ActivityRow = Selectable<DirectoryActivityTable>;

export async function activeGeneration(q: Queryable): Promise<GenerationRow | undefined> {
  return q.selectFrom('directory_generation').selectAll().where('state', '=', 'active').orderBy('activated_at', 'desc').executeTakeFirst();
}

export async function generationsIn(q: Queryable, state: GenerationRow['state']): Promise<GenerationRow[]> {
  return q.selectFrom('directory_generation').selectAll().where('state', '=', state).execute();
}

export async function insertGeneration(q: Queryable, row: GenerationRow): Promise<void> {
  await q.insertInto('directory_generation').values(row).execute();
}

export async function beat(q: Queryable, id: string, at: number): Promise<void> {
  await q.updateTable('directory_generation').set({ heartbeat_at: at }).where('id', '=', id).execute();
}

/** The columns of a directory row sent as a plain array of values, in this order (a bulk import). */
export const ENTRY_COLUMNS = [
  'generation_id', 'address', 'address_key', 'kind', 'pp_id_type', 'pp_id', 'national_id', 'civility', 'last_name', 'first_name',
  'profession_code', 'profession_label', 'category_code', 'speciality_code', 'speciality_label', 'structure_id_type', 'structure_id',
  'structure_name', 'service', 'street', 'city', 'postcode', 'department', 'country', 'fingerprint',
] as const satisfies readonly (keyof DirectoryEntryTable)[];
export const ACTIVITY_COLUMNS = [
  'generation_id', 'national_id', 'line', 'profession_code', 'profession_label', 'speciality_code', 'speciality_label', 'mode_code',
  'siret', 'finess', 'site_name', 'postcode', 'city', 'department', 'phone', 'email',
] as const satisfies readonly (keyof DirectoryActivityTable)[];

const BULK = {
  entries: { table: 'directory_entry', columns: ENTRY_COLUMNS },
  activities: { table: 'directory_activity', columns: ACTIVITY_COLUMNS },
} as const;
// Values per INSERT: under SQLite's limit of 32,766 bound parameters (PostgreSQL's is 65,535).
const MAX_PARAMETERS = 32_000;
const bulkStatements = new Map<string, string>();

export type BulkRows = { into: keyof typeof BULK; engine: 'sqlite' | 'postgres'; rows: unknown[][] };

/**
 * Rows of a directory import, as arrays of values in column order: one message to the writer
 * and plain multi-row INSERTs, without building a query object per row. A procedure: on SQLite
 * it runs in the writer thread, in one transaction.
 */
export async function insertDirectoryRows(q: Queryable, { into, engine, rows }: BulkRows): Promise<number> {
  const { table, columns } = BULK[into];
  const perInsert = Math.floor(MAX_PARAMETERS / columns.length);
  for (let from = 0; from < rows.length; from += perInsert) {
    const chunk = rows.slice(from, from + perInsert);
    if (chunk.some((row) => row.length !== columns.length)) throw new Error(`a ${into} row must have ${columns.length} values`);
    const key = `${engine}:${into}:${chunk.length}`;
    let text = bulkStatements.get(key);
    if (text === undefined) {
      let n = 0;
      const tuple = () => `(${columns.map(() => (engine === 'postgres' ? `$${++n}` : '?')).join(',')})`;
      text = `insert into ${table} (${columns.join(',')}) values ${Array.from({ length: chunk.length }, tuple).join(',')}`;
      bulkStatements.set(key, text);
    }
    await q.executeQuery(CompiledQuery.raw(text, chunk.flat()));
  }
  return rows.length;
}

/** How a new generation differs from the one it replaces, by address. */
export async function differences(q: Queryable, next: string, previous: string): Promise<{ added: number; changed: number; removed: number }> {
  const count = async (query: Promise<{ n: number | string | bigint } | undefined>) => Number((await query)?.n ?? 0);
  const added = await count(
    q
      .selectFrom('directory_entry as n')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('n.generation_id', '=', next)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('directory_entry as p').select('p.address_key').where('p.generation_id', '=', previous).whereRef('p.address_key', '=', 'n.address_key'))))
      .executeTakeFirst(),
  );
  const removed = await count(
    q
      .selectFrom('directory_entry as p')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('p.generation_id', '=', previous)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('directory_entry as n').select('n.address_key').where('n.generation_id', '=', next).whereRef('n.address_key', '=', 'p.address_key'))))
      .executeTakeFirst(),
  );
  const changed = await count(
    q
      .selectFrom('directory_entry as n')
      .innerJoin('directory_entry as p', (join) => join.onRef('p.address_key', '=', 'n.address_key').on('p.generation_id', '=', previous))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('n.generation_id', '=', next)
      .whereRef('p.fingerprint', '<>', 'n.fingerprint')
      .executeTakeFirst(),
  );
  return { added, changed, removed };
}

/** The switch: the new generation becomes the one searched, the previous one retires; one transaction. */
export async function activate(q: Queryable, id: string, at: number, report: string): Promise<void> {
  await q.updateTable('directory_generation').set({ state: 'retired' }).where('state', '=', 'active').execute();
  await q.updateTable('directory_generation').set({ state: 'active', activated_at: at, report }).where('id', '=', id).execute();
}

/** Deletes up to `limit` rows of a generation; 0 once it is empty. Small batches keep writers flowing. */
export async function deleteGenerationRows(q: Queryable, id: string, limit: number): Promise<number> {
  const entries = await q
    .deleteFrom('directory_entry')
    .where('generation_id', '=', id)
    .where('address_key', 'in', (eb) => eb.selectFrom('directory_entry').select('address_key').where('generation_id', '=', id).limit(limit))
    .executeTakeFirst();
  const deleted = Number(entries.numDeletedRows);
  if (deleted > 0) return deleted;
  const people = await q.selectFrom('directory_activity').select('national_id').distinct().where('generation_id', '=', id).limit(Math.max(1, Math.floor(limit / 2))).execute();
  if (people.length === 0) return 0;
  const activities = await q
    .deleteFrom('directory_activity')
    .where('generation_id', '=', id)
    .where(
      'national_id',
      'in',
      people.map((row) => row.national_id),
    )
    .executeTakeFirst();
  return Number(activities.numDeletedRows);
}

export async function deleteGeneration(q: Queryable, id: string): Promise<void> {
  await q.deleteFrom('directory_generation').where('id', '=', id).execute();
}

export const INDEX_COLUMNS = [
  'address_key',
  'address',
  'kind',
  'last_name',
  'first_name',
  'national_id',
  'pp_id',
  'profession_code',
  'profession_label',
  'speciality_code',
  'speciality_label',
  'structure_id',
  'structure_name',
  'service',
  'city',
  'postcode',
  'department',
] as const;
export type IndexRow = Pick<EntryRow, (typeof INDEX_COLUMNS)[number]>;

/** One page of a generation in address order, for building the search index without holding every row twice. */
export async function indexPage(q: Queryable, generationId: string, after: string, limit: number): Promise<IndexRow[]> {
  return q.selectFrom('directory_entry').select(INDEX_COLUMNS).where('generation_id', '=', generationId).where('address_key', '>', after).orderBy('address_key').limit(limit).execute();
}

export async function entriesByKeys(q: Queryable, generationId: string, keys: readonly string[]): Promise<EntryRow[]> {
  if (keys.length === 0) return [];
  return q.selectFrom('directory_entry').selectAll().where('generation_id', '=', generationId).where('address_key', 'in', keys).execute();
}

export async function entriesOfPerson(q: Queryable, generationId: string, nationalId: string): Promise<EntryRow[]> {
  return q.selectFrom('directory_entry').selectAll().where('generation_id', '=', generationId).where('national_id', '=', nationalId).orderBy('address_key').execute();
}

export async function entriesOfStructure(q: Queryable, generationId: string, structureId: string): Promise<EntryRow[]> {
  return q.selectFrom('directory_entry').selectAll().where('generation_id', '=', generationId).where('structure_id', '=', structureId).orderBy('address_key').execute();
}

export async function activitiesOf(q: Queryable, generationId: string, nationalIds: readonly string[]): Promise<ActivityRow[]> {
  if (nationalIds.length === 0) return [];
  return q.selectFrom('directory_activity').selectAll().where('generation_id', '=', generationId).where('national_id', 'in', nationalIds).orderBy('national_id').orderBy('line').execute();
}

/** The operator's own mailboxes, with what the directory shows of them (holder of a personal mailbox, structure). */
export async function regionalRows(q: Queryable) {
  return q
    .selectFrom('mailbox as b')
    .leftJoin('structure as s', 's.id', 'b.structure_id')
    .leftJoin('user_account as u', (join) =>
      join.on('b.kind', '=', 'PER').on('u.id', '=', (eb) => eb.selectFrom('mailbox_member as m').select('m.user_id').whereRef('m.mailbox_id', '=', 'b.id').orderBy('m.created_at').limit(1)),
    )
    .leftJoin('structure as us', 'us.id', 'u.structure_id')
    .select([
      'b.address',
      'b.address_key',
      'b.kind',
      'b.display_name',
      'b.liste_rouge',
      'b.directory_hidden',
      'u.last_name',
      'u.first_name',
      'u.rpps',
      'u.profession',
      's.name as structure_name',
      's.finess as structure_finess',
      's.siret as structure_siret',
      's.postcode as structure_postcode',
      's.city as structure_city',
      's.department as structure_department',
      'us.name as user_structure_name',
      'us.finess as user_structure_finess',
      'us.siret as user_structure_siret',
      'us.postcode as user_structure_postcode',
      'us.city as user_structure_city',
      'us.department as user_structure_department',
    ])
    .execute();
}
export type RegionalRow = Awaited<ReturnType<typeof regionalRows>>[number];

/** Changes when a mailbox is added, hidden, shown or put on the liste rouge: the regional index is then rebuilt. */
export async function regionalStamp(q: Queryable): Promise<string> {
  const row = await q
    .selectFrom('mailbox')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('created_at').as('latest'),
      eb.fn.sum<number>('directory_hidden').as('hidden'),
      eb.fn.sum<number>('liste_rouge').as('red'),
    ])
    .executeTakeFirst();
  const users = await q.selectFrom('user_account').select(sql<string>`count(*) || ':' || coalesce(sum(length(coalesce(last_name, '')) + length(coalesce(first_name, ''))), 0)`.as('v')).executeTakeFirst();
  return `${row?.n}:${row?.latest}:${row?.hidden}:${row?.red}:${users?.v}`;
}

export async function setDirectoryHidden(q: Queryable, addressKey: string, hidden: boolean): Promise<boolean> {
  const result = await q.updateTable('mailbox').set({ directory_hidden: hidden ? 1 : 0 }).where('address_key', '=', addressKey).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
