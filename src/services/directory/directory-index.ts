import { departmentOfPostcode } from '../../core/directory/places.ts';
import { DirectoryIndex, type IndexInput } from '../../core/directory/search-index.ts';
import type { SqlStore } from '../../store/database.ts';
import { activeGeneration, indexPage, regionalRows, regionalStamp, type IndexRow, type RegionalRow } from '../../store/repositories/directory.ts';
import type { ServiceContext } from '../context.ts';

/** The regional directory: the operator's own mailboxes, liste rouge and hidden ones left out. */
export type RegionalIndex = { stamp: string; index: DirectoryIndex; rows: Map<string, RegionalRow>; byRpps: Map<string, RegionalRow[]>; ownKeys: Set<string> };
export type NationalIndex = { generationId: string; index: DirectoryIndex; labels: Labels };
export type Labels = { professions: Map<string, string>; specialities: Map<string, string> };

type State = {
  national: NationalIndex | null;
  regional: RegionalIndex | null;
  /** The national entries the regional directory shows instead (own entries win), as a mask over the national index. */
  shadowed: Uint8Array | null;
  checkedAt: number;
  refreshing: Promise<void> | null;
};

// How stale a node's view of the database may be: an import or a new mailbox elsewhere shows within this.
const CHECK_EVERY_MS = 5_000;
const PAGE = 20_000;
const states = new WeakMap<SqlStore, State>();

/**
 * The two indexes a search runs over, current within a few seconds. The first call waits for
 * them; later calls get the loaded ones at once while a refresh runs in the background.
 */
export async function directoryIndexes(ctx: ServiceContext): Promise<{ national: NationalIndex | null; regional: RegionalIndex; shadowed: Uint8Array | null }> {
  let state = states.get(ctx.sql);
  if (!state) {
    state = { national: null, regional: null, shadowed: null, checkedAt: 0, refreshing: null };
    states.set(ctx.sql, state);
  }
  const now = Date.now();
  if (state.regional === null) {
    await refresh(ctx, state);
  } else if (now - state.checkedAt > CHECK_EVERY_MS && state.refreshing === null) {
    state.checkedAt = now;
    refresh(ctx, state).catch((error: unknown) => ctx.log.error('directory refresh failed', { error }));
  }
  return { national: state.national, regional: state.regional!, shadowed: state.shadowed };
}

/** Forgets the loaded indexes (after an import in this process, or a hidden mailbox): the next search reloads. */
export async function reloadDirectory(ctx: ServiceContext): Promise<void> {
  const state = states.get(ctx.sql);
  if (!state) return;
  if (state.refreshing) await state.refreshing;
  await refresh(ctx, state);
}

function refresh(ctx: ServiceContext, state: State): Promise<void> {
  if (state.refreshing) return state.refreshing;
  state.refreshing = (async () => {
    try {
      const stamp = await regionalStamp(ctx.sql.read);
      const regional = state.regional?.stamp === stamp ? state.regional : await loadRegional(ctx, stamp);
      const generation = await activeGeneration(ctx.sql.read);
      const national = !generation ? null : state.national?.generationId === generation.id ? state.national : await loadNational(ctx, generation.id);
      // The three change together, so that a search never pairs a mask with another index.
      if (regional !== state.regional || national !== state.national) {
        const shadowed = national ? national.index.maskOf(regional.ownKeys) : null;
        Object.assign(state, { regional, national, shadowed });
      }
      state.checkedAt = Date.now();
    } finally {
      state.refreshing = null;
    }
  })();
  return state.refreshing;
}

async function loadNational(ctx: ServiceContext, generationId: string): Promise<NationalIndex> {
  const started = performance.now();
  const inputs: IndexInput[] = [];
  const labels: Labels = { professions: new Map(), specialities: new Map() };
  let after = '';
  for (;;) {
    const rows = await indexPage(ctx.sql.read, generationId, after, PAGE);
    for (const row of rows) {
      inputs.push(nationalInput(row));
      if (row.profession_code && row.profession_label) labels.professions.set(row.profession_code, row.profession_label);
      if (row.speciality_code && row.speciality_label) labels.specialities.set(row.speciality_code, row.speciality_label);
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.address_key;
  }
  const index = new DirectoryIndex(inputs);
  ctx.log.info('directory index loaded', { generation: generationId, entries: index.size, ms: Math.round(performance.now() - started) });
  return { generationId, index, labels };
}

function nationalInput(row: IndexRow): IndexInput {
  return {
    key: row.address_key,
    address: row.address,
    kind: row.kind,
    lastName: row.last_name,
    firstName: row.first_name,
    displayName: row.last_name ? null : row.service ?? row.structure_name,
    nationalId: row.national_id,
    ppId: row.pp_id,
    professionCode: row.profession_code,
    professionLabel: row.profession_label,
    specialityCode: row.speciality_code,
    specialityLabel: row.speciality_label,
    structureId: row.structure_id,
    structureName: row.structure_name,
    service: row.service,
    city: row.city,
    postcode: row.postcode,
    department: row.department,
  };
}

async function loadRegional(ctx: ServiceContext, stamp: string): Promise<RegionalIndex> {
  const all = await regionalRows(ctx.sql.read);
  const rows = new Map<string, RegionalRow>();
  const byRpps = new Map<string, RegionalRow[]>();
  const ownKeys = new Set<string>();
  for (const row of all) {
    ownKeys.add(row.address_key);
    if (row.rpps !== null) byRpps.set(row.rpps, [...(byRpps.get(row.rpps) ?? []), row]);
    if (row.liste_rouge === 1 || row.directory_hidden === 1) continue;
    rows.set(row.address_key, row);
  }
  return { stamp, index: new DirectoryIndex([...rows.values()].map(regionalInput)), rows, byRpps, ownKeys };
}

export function regionalPlace(row: RegionalRow): { structureId: string | null; structureName: string | null; postcode: string | null; city: string | null; department: string | null } {
  const own = row.structure_name !== null;
  const postcode = own ? row.structure_postcode : row.user_structure_postcode;
  return {
    structureId: own ? (row.structure_finess ?? row.structure_siret) : (row.user_structure_finess ?? row.user_structure_siret),
    structureName: own ? row.structure_name : row.user_structure_name,
    postcode,
    city: own ? row.structure_city : row.user_structure_city,
    department: (own ? row.structure_department : row.user_structure_department) ?? (postcode ? departmentOfPostcode(postcode) : null),
  };
}

function regionalInput(row: RegionalRow): IndexInput {
  const place = regionalPlace(row);
  const person = row.kind === 'PER' && row.last_name !== null;
  return {
    key: row.address_key,
    address: row.address,
    kind: row.kind,
    lastName: person ? row.last_name : null,
    firstName: person ? row.first_name : null,
    displayName: row.display_name,
    nationalId: row.rpps ? `8${row.rpps}` : null,
    ppId: row.rpps,
    professionCode: null,
    professionLabel: row.profession,
    specialityCode: null,
    specialityLabel: null,
    structureId: place.structureId,
    structureName: place.structureName,
    service: null,
    city: place.city,
    postcode: place.postcode,
    department: place.department,
  };
}
