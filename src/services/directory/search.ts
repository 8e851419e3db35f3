import type { Filters, Hit, Searcher } from '../../core/directory/search-index.ts';
import { MissiveError } from '../../core/errors.ts';
import { findUser } from '../../store/repositories/accounts.ts';
import { entriesByKeys, entriesOfPerson, type EntryRow, type RegionalRow } from '../../store/repositories/directory.ts';
import type { ServiceContext } from '../context.ts';
import { directoryIndexes, regionalPlace, type RegionalIndex } from './directory-index.ts';

export type CodeLabel = { code: string; label: string | null };

/** A correspondent as the directory shows it, from either source. */
export type DirectoryCard = {
  address: string;
  kind: string;
  source: 'regional' | 'national';
  /** What to show: "Dr Éloïse Martin", or the service's name. */
  name: string;
  civility: string | null;
  lastName: string | null;
  firstName: string | null;
  nationalId: string | null;
  profession: CodeLabel | null;
  speciality: CodeLabel | null;
  structure: { id: string | null; name: string | null; service: string | null } | null;
  place: { street: string | null; postcode: string | null; city: string | null; department: string | null } | null;
};

export type DirectoryQuery = { q: string; filters: Filters; page: number; limit: number };
export type DirectoryPage = { total: number; page: number; limit: number; entries: DirectoryCard[] };

export const MAX_PAGE_SIZE = 50;
const MAX_QUERY_LENGTH = 200;

/**
 * Searches the regional directory (the operator's own mailboxes) and the national one together;
 * an address the operator holds is shown from its own record. Liste rouge and hidden mailboxes
 * never appear. Ranking: exact surname, then the searcher's structure, then their department.
 */
export async function searchDirectory(ctx: ServiceContext, userId: string, query: DirectoryQuery): Promise<DirectoryPage> {
  if (query.q.length > MAX_QUERY_LENGTH) throw new MissiveError('invalid_argument', `a directory query has at most ${MAX_QUERY_LENGTH} characters`);
  const limit = Math.min(Math.max(Math.trunc(query.limit), 1), MAX_PAGE_SIZE);
  const page = Math.max(Math.trunc(query.page), 1);
  if (page * limit > 10_000) throw new MissiveError('invalid_argument', 'refine the search: pages stop at the 10,000th result');
  const { national, regional, shadowed } = await directoryIndexes(ctx);
  const searcher = await searcherOf(ctx, userId, regional, national?.generationId ?? null);
  const want = page * limit;
  const own = regional.index.search(query.q, query.filters, searcher, want);
  const wide = national ? national.index.search(query.q, query.filters, searcher, want, shadowed) : { total: 0, hits: [] };
  const merged = mergeHits(own.hits, wide.hits).slice((page - 1) * limit, want);
  const nationalRows = national ? await entriesByKeys(ctx.sql.read, national.generationId, merged.filter((hit) => hit.source === 'national').map((hit) => hit.key)) : [];
  const byKey = new Map(nationalRows.map((row) => [row.address_key, row]));
  const entries: DirectoryCard[] = [];
  for (const hit of merged) {
    if (hit.source === 'regional') {
      const row = regional.rows.get(hit.key);
      if (row) entries.push(regionalCard(row));
    } else {
      const row = byKey.get(hit.key);
      if (row) entries.push(nationalCard(row, national!.labels));
    }
  }
  return { total: own.total + wide.total, page, limit, entries };
}

type SourcedHit = Hit & { source: 'regional' | 'national' };

function mergeHits(own: Hit[], wide: Hit[]): SourcedHit[] {
  const out: SourcedHit[] = [];
  let i = 0;
  let j = 0;
  while (i < own.length || j < wide.length) {
    const a = own[i];
    const b = wide[j];
    if (b === undefined || (a !== undefined && (a.score > b.score || (a.score === b.score && a.sortKey <= b.sortKey)))) {
      out.push({ ...a!, source: 'regional' });
      i++;
    } else {
      out.push({ ...b, source: 'national' });
      j++;
    }
  }
  return out;
}

/** The searcher's structures and department: from their account, and from their own national entries. */
async function searcherOf(ctx: ServiceContext, userId: string, regional: RegionalIndex, generationId: string | null): Promise<Searcher> {
  const user = await findUser(ctx.sql.read, userId);
  if (!user) return { structureIds: [], department: null };
  const structureIds = new Set<string>();
  let department: string | null = null;
  for (const row of user.rpps === null ? [] : (regional.byRpps.get(user.rpps) ?? [])) {
    const place = regionalPlace(row);
    if (place.structureId) structureIds.add(place.structureId);
    department ??= place.department;
  }
  if (generationId !== null && user.rpps !== null) {
    for (const entry of await entriesOfPerson(ctx.sql.read, generationId, `8${user.rpps}`)) {
      if (entry.structure_id) structureIds.add(entry.structure_id);
      department ??= entry.department;
    }
  }
  return { structureIds: [...structureIds], department };
}

export function nationalCard(row: EntryRow, labels?: { professions: Map<string, string>; specialities: Map<string, string> }): DirectoryCard {
  const person = row.last_name !== null;
  return {
    address: row.address,
    kind: row.kind,
    source: 'national',
    name: person ? personName(row.civility, row.first_name, row.last_name) : (row.service ?? row.structure_name ?? row.address),
    civility: row.civility,
    lastName: row.last_name,
    firstName: row.first_name,
    nationalId: row.national_id,
    profession: row.profession_code ? { code: row.profession_code, label: row.profession_label ?? labels?.professions.get(row.profession_code) ?? null } : null,
    speciality: row.speciality_code ? { code: row.speciality_code, label: row.speciality_label ?? labels?.specialities.get(row.speciality_code) ?? null } : null,
    structure: row.structure_id || row.structure_name ? { id: row.structure_id, name: row.structure_name, service: row.service } : null,
    place: row.postcode || row.city ? { street: row.street, postcode: row.postcode, city: row.city, department: row.department } : null,
  };
}

export function regionalCard(row: RegionalRow): DirectoryCard {
  const place = regionalPlace(row);
  const person = row.kind === 'PER' && row.last_name !== null;
  return {
    address: row.address,
    kind: row.kind,
    source: 'regional',
    name: row.display_name,
    civility: null,
    lastName: person ? row.last_name : null,
    firstName: person ? row.first_name : null,
    nationalId: row.rpps ? `8${row.rpps}` : null,
    profession: row.profession ? { code: '', label: row.profession } : null,
    speciality: null,
    structure: place.structureName ? { id: place.structureId, name: place.structureName, service: null } : null,
    place: place.postcode || place.city ? { street: null, postcode: place.postcode, city: place.city, department: place.department } : null,
  };
}

const CIVILITIES: Record<string, string> = { DR: 'Dr', PR: 'Pr', M: 'M.', MME: 'Mme', MLLE: 'Mlle' };

function personName(civility: string | null, first: string | null, last: string | null): string {
  const title = civility ? (CIVILITIES[civility.toUpperCase()] ?? civility) : null;
  return [title, first, last].filter(Boolean).join(' ');
}

/** The values the directory page's filters offer, with labels. */
export async function directoryVocabulary(ctx: ServiceContext): Promise<{ professions: CodeLabel[]; specialities: CodeLabel[]; departments: string[]; kinds: string[] }> {
  const { national, regional } = await directoryIndexes(ctx);
  const words = national?.index.vocabulary();
  const labelled = (codes: string[] | undefined, labels: Map<string, string> | undefined) =>
    (codes ?? []).map((code) => ({ code, label: labels?.get(code) ?? null })).sort((a, b) => (a.label ?? a.code).localeCompare(b.label ?? b.code, 'fr'));
  const departments = new Set([...(words?.departments ?? []), ...regional.index.vocabulary().departments]);
  const kinds = new Set([...(words?.kinds ?? []), ...regional.index.vocabulary().kinds]);
  return {
    professions: labelled(words?.professions, national?.labels.professions),
    specialities: labelled(words?.specialities, national?.labels.specialities),
    departments: [...departments].sort(),
    kinds: [...kinds].sort(),
  };
}
