import type { ServiceContext } from '../../src/services/context.ts';
import { ACTIVITY_COLUMNS, activate, ENTRY_COLUMNS, insertGeneration, type ActivityRow, type EntryRow } from '../../src/store/repositories/directory.ts';

/** A national directory row with every field the test does not name left empty. */
export function nationalEntry(generationId: string, fields: Partial<EntryRow> & Pick<EntryRow, 'address' | 'kind'>): EntryRow {
  return {
    generation_id: generationId,
    address_key: fields.address.toLowerCase(),
    pp_id_type: null,
    pp_id: null,
    national_id: null,
    civility: null,
    last_name: null,
    first_name: null,
    profession_code: null,
    profession_label: null,
    category_code: null,
    speciality_code: null,
    speciality_label: null,
    structure_id_type: null,
    structure_id: null,
    structure_name: null,
    service: null,
    street: null,
    city: null,
    postcode: null,
    department: null,
    country: null,
    fingerprint: fields.address,
    ...fields,
  };
}

/** Stores rows as the active national directory, the way an import leaves it: a building generation, its rows, then the switch. */
export async function activateNational(ctx: ServiceContext, generationId: string, entries: EntryRow[], activities: ActivityRow[] = []): Promise<void> {
  const now = ctx.clock();
  await ctx.sql.write((trx) => insertGeneration(trx, { id: generationId, state: 'building', started_at: now, heartbeat_at: now, activated_at: null, report: null }));
  const engine = ctx.sql.engine;
  await ctx.sql.procedure('insertDirectoryRows', { into: 'entries', engine, rows: entries.map((row) => ENTRY_COLUMNS.map((column) => row[column])) });
  await ctx.sql.procedure('insertDirectoryRows', { into: 'activities', engine, rows: activities.map((row) => ACTIVITY_COLUMNS.map((column) => row[column])) });
  await ctx.sql.write((trx) => activate(trx, generationId, now, '{}'));
}
