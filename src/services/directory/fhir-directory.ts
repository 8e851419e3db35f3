import type { Organization, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { addressKeyOrNull } from '../../core/address.ts';
import type { Filters } from '../../core/directory/search-index.ts';
import { MissiveError } from '../../core/errors.ts';
import { activitiesOf, entriesOfStructure, type RegionalRow } from '../../store/repositories/directory.ts';
import type { ServiceContext } from '../context.ts';
import { directoryIndexes, regionalPlace } from './directory-index.ts';
import {
  addressDigest,
  isPractitionerCard,
  mailboxMatches,
  nameMatches,
  nationalIdOfToken,
  organizationResource,
  parseOrganizationId,
  parsePractitionerId,
  parseRoleId,
  parseToken,
  practitionerResource,
  practitionerRoleResource,
  referencedId,
  storedIdsOf,
  structureKeyOf,
  structureKeyOfToken,
  SYSTEM_PROFESSION,
  SYSTEM_SPECIALITE_ORDINALE,
  type Activity,
  type StructureView,
} from './fhir.ts';
import { MAX_PAGE_SIZE, nationalCard, regionalCard, searchDirectory, type DirectoryCard } from './search.ts';

/**
 * The FHIR read API's use cases. Every mailbox they show comes out of `searchDirectory` or is
 * filtered like it (regional records win over national ones; liste rouge and hidden mailboxes
 * never appear), so FHIR shows nothing the directory would not.
 */

/** The search parameters, validated by the HTTP layer; names as in FHIR. */
export type FhirSearch = {
  name?: string;
  identifier?: string;
  postcode?: string;
  mailbox?: string;
  /** PractitionerRole only. */
  practitioner?: string;
  organization?: string;
  role?: string;
  specialty?: string;
};

export type FhirPage<T> = { total: number; resources: T[] };
export type Paging = { page: number; count: number };
type ResourceType = 'Practitioner' | 'PractitionerRole' | 'Organization';

// A search that names no practitioner nor structure gathers its matches page by page from the
// directory search, to group them into resources and count them exactly; past this many
// mailboxes the caller is asked to refine it.
export const MAX_MATCHES = 5_000;
const MAX_QUERY = 200;

/**
 * How to answer a search. A resource matches when one of its mailboxes meets every criterion
 * (`accepts`); the directory query (`q`, `filters`) only narrows the mailboxes to look at. A
 * search naming a practitioner or a structure (`anchor`) looks at theirs alone.
 */
type Plan = {
  accepts: (card: DirectoryCard) => boolean;
  q: string;
  filters: Filters;
  anchor: { kind: 'person'; nationalId: string } | { kind: 'structure'; key: string } | null;
  /** Whether the directory query alone selects exactly the matching mailboxes. */
  exact: boolean;
};

/** The plan of a search, or null when no mailbox can match (an identifier of another system…). */
function planOf(search: FhirSearch, type: ResourceType): Plan | null {
  const checks: ((card: DirectoryCard) => boolean)[] = [];
  const words: string[] = [];
  const filters: Filters = {};
  let exact = true;
  let nationalId: string | null = null;
  let structureKey: string | null = null;
  if (search.identifier !== undefined) {
    const token = parseToken(search.identifier);
    if (type === 'Organization') structureKey = structureKeyOfToken(token);
    else nationalId = nationalIdOfToken(token);
    if (structureKey === null && nationalId === null) return null;
  }
  if (search.practitioner !== undefined) {
    const id = parsePractitionerId(referencedId(search.practitioner, 'Practitioner'));
    if (id === null || (nationalId !== null && id !== nationalId)) return null;
    nationalId = id;
  }
  if (search.organization !== undefined) {
    const key = parseOrganizationId(referencedId(search.organization, 'Organization'));
    if (key === null || (structureKey !== null && key !== structureKey)) return null;
    structureKey = key;
  }

  if (type === 'PractitionerRole') {
    filters.kind = 'PER';
    checks.push(isPractitionerCard);
  } else if (type === 'Practitioner') {
    checks.push((card) => card.nationalId !== null);
    exact = false;
  } else {
    checks.push((card) => Boolean(card.structure?.id));
    exact = false;
  }
  if (nationalId !== null) {
    const id = nationalId;
    checks.push((card) => card.nationalId === id);
  }
  if (structureKey !== null) {
    const key = structureKey;
    checks.push((card) => Boolean(card.structure?.id) && structureKeyOf(card.structure!.id!) === key);
  }
  if (search.name !== undefined) {
    const name = search.name;
    words.push(name);
    exact = false;
    checks.push(type === 'Organization' ? (card) => nameMatches(name, card.structure?.name) : (card) => nameMatches(name, card.lastName, card.firstName));
  }
  if (search.mailbox !== undefined) {
    const mailbox = search.mailbox;
    // A beginning of the address still finds it; the check does the rest. An Organization's
    // mailboxes are its own, not its practitioners'.
    const room = MAX_QUERY - words.join(' ').length - 1;
    if (room > 0) words.push(mailbox.slice(0, room));
    exact = false;
    checks.push((card) => (type !== 'Organization' || card.kind !== 'PER') && mailboxMatches(mailbox, card.address));
  }
  if (search.postcode !== undefined) {
    const postcode = search.postcode;
    filters.postcode = postcode;
    checks.push((card) => card.place?.postcode?.startsWith(postcode) ?? false);
  }
  if (search.role !== undefined) {
    const code = codeOfToken(search.role, SYSTEM_PROFESSION);
    if (code === null) return null;
    filters.profession = code;
    checks.push((card) => card.profession?.code === code);
  }
  if (search.specialty !== undefined) {
    const code = codeOfToken(search.specialty, SYSTEM_SPECIALITE_ORDINALE);
    if (code === null) return null;
    filters.speciality = code;
    checks.push((card) => card.speciality?.code === code);
  }
  return {
    accepts: (card) => checks.every((check) => check(card)),
    q: words.join(' ').slice(0, MAX_QUERY),
    filters,
    anchor: nationalId !== null ? { kind: 'person', nationalId } : structureKey !== null ? { kind: 'structure', key: structureKey } : null,
    exact: exact && nationalId === null && structureKey === null,
  };
}

/** A code of the given system, or given bare; null for another system. */
function codeOfToken(text: string, system: string): string | null {
  const token = parseToken(text);
  return token.system === null || token.system === system ? token.value : null;
}

/** Every mailbox the directory search finds for a plan without anchor, in the directory's order. */
async function gathered(ctx: ServiceContext, userId: string, plan: Plan): Promise<DirectoryCard[]> {
  const cards: DirectoryCard[] = [];
  for (let page = 1; ; page++) {
    const result = await searchDirectory(ctx, userId, { q: plan.q, filters: plan.filters, page, limit: MAX_PAGE_SIZE });
    if (page === 1 && result.total > MAX_MATCHES) {
      throw new MissiveError('invalid_argument', `${result.total} mailboxes match: refine the search (at most ${MAX_MATCHES} are gathered)`, { fhirIssue: 'too-costly' });
    }
    cards.push(...result.entries);
    if (result.entries.length < MAX_PAGE_SIZE || page * MAX_PAGE_SIZE >= result.total) return cards;
  }
}

/** The mailboxes a plan looks at: its anchor's, or what the directory search finds. */
async function candidates(ctx: ServiceContext, userId: string, plan: Plan, cache: Cache): Promise<readonly DirectoryCard[]> {
  if (plan.anchor?.kind === 'person') return cache.person(plan.anchor.nationalId);
  if (plan.anchor?.kind === 'structure') return (await cache.structure(plan.anchor.key)).cards;
  return gathered(ctx, userId, plan);
}

function pageOf<T>(items: readonly T[], paging: Paging): T[] {
  return items.slice((paging.page - 1) * paging.count, paging.page * paging.count);
}

export async function searchPractitioners(ctx: ServiceContext, userId: string, search: FhirSearch, paging: Paging): Promise<FhirPage<Practitioner>> {
  const plan = planOf(search, 'Practitioner');
  if (plan === null) return { total: 0, resources: [] };
  const cache = cacheOf(ctx, userId);
  const matched = (await candidates(ctx, userId, plan, cache)).filter(plan.accepts);
  const people = [...new Set(matched.map((card) => card.nationalId!))];
  const shown = pageOf(people, paging);
  const activities = await activitiesByPerson(ctx, shown);
  const resources: Practitioner[] = [];
  for (const nationalId of shown) {
    const cards = await cache.person(nationalId);
    if (cards.length > 0) resources.push(practitionerResource(nationalId, cards, activities.get(nationalId)));
  }
  return { total: people.length, resources };
}

export async function searchPractitionerRoles(ctx: ServiceContext, userId: string, search: FhirSearch, paging: Paging): Promise<FhirPage<PractitionerRole>> {
  const plan = planOf(search, 'PractitionerRole');
  if (plan === null) return { total: 0, resources: [] };
  if (plan.exact) {
    // One mailbox, one role: the directory search's page is the answer's page.
    const found = await searchDirectory(ctx, userId, { q: plan.q, filters: plan.filters, page: paging.page, limit: Math.max(paging.count, 1) });
    return { total: found.total, resources: paging.count === 0 ? [] : found.entries.map(practitionerRoleResource) };
  }
  const matched = (await candidates(ctx, userId, plan, cacheOf(ctx, userId))).filter(plan.accepts);
  return { total: matched.length, resources: pageOf(matched, paging).map(practitionerRoleResource) };
}

export async function searchOrganizations(ctx: ServiceContext, userId: string, search: FhirSearch, paging: Paging): Promise<FhirPage<Organization>> {
  const plan = planOf(search, 'Organization');
  if (plan === null) return { total: 0, resources: [] };
  const cache = cacheOf(ctx, userId);
  const matched = (await candidates(ctx, userId, plan, cache)).filter(plan.accepts);
  const keys = [...new Set(matched.map((card) => structureKeyOf(card.structure!.id!)))];
  const resources: Organization[] = [];
  for (const key of pageOf(keys, paging)) {
    const view = await cache.structure(key);
    if (view.cards.length > 0) resources.push(organizationResource(view));
  }
  return { total: keys.length, resources };
}

export async function readPractitioner(ctx: ServiceContext, userId: string, id: string): Promise<Practitioner> {
  const nationalId = parsePractitionerId(id);
  const cards = nationalId === null ? [] : await cardsOfPerson(ctx, userId, nationalId);
  if (nationalId === null || cards.length === 0) throw new MissiveError('not_found', `no Practitioner ${id}`);
  const activities = await activitiesByPerson(ctx, [nationalId]);
  return practitionerResource(nationalId, cards, activities.get(nationalId));
}

export async function readOrganization(ctx: ServiceContext, userId: string, id: string): Promise<Organization> {
  const key = parseOrganizationId(id);
  const view = key === null ? null : await cacheOf(ctx, userId).structure(key);
  if (view === null || view.cards.length === 0) throw new MissiveError('not_found', `no Organization ${id}`);
  return organizationResource(view);
}

export async function readPractitionerRole(ctx: ServiceContext, userId: string, id: string): Promise<PractitionerRole> {
  const ref = parseRoleId(id);
  if (ref !== null) {
    const prefix = ref.kind === 'address' ? ref.addressKey : ref.prefix;
    const wanted = (key: string) => (ref.kind === 'address' ? key === ref.addressKey : key.startsWith(ref.prefix) && addressDigest(key) === ref.digest);
    const found = await searchDirectory(ctx, userId, { q: prefix.slice(0, MAX_QUERY), filters: { kind: 'PER' }, page: 1, limit: MAX_PAGE_SIZE });
    const card = found.entries.find((entry) => isPractitionerCard(entry) && wanted(addressKeyOrNull(entry.address) ?? entry.address.toLowerCase()));
    if (card) return practitionerRoleResource(card);
  }
  throw new MissiveError('not_found', `no PractitionerRole ${id}`);
}

/** What one request has already fetched of people and structures. */
type Cache = { person(nationalId: string): Promise<DirectoryCard[]>; structure(key: string): Promise<StructureView> };

function cacheOf(ctx: ServiceContext, userId: string): Cache {
  const people = new Map<string, Promise<DirectoryCard[]>>();
  const structures = new Map<string, Promise<StructureView>>();
  let regional: Promise<Map<string, RegionalRow[]>> | null = null;
  return {
    person(nationalId) {
      if (!people.has(nationalId)) people.set(nationalId, cardsOfPerson(ctx, userId, nationalId));
      return people.get(nationalId)!;
    },
    structure(key) {
      regional ??= regionalByStructure(ctx);
      if (!structures.has(key)) structures.set(key, regional.then((byStructure) => structureView(ctx, key, byStructure)));
      return structures.get(key)!;
    },
  };
}

/** A person's published mailboxes: the directory search by their national id. */
async function cardsOfPerson(ctx: ServiceContext, userId: string, nationalId: string): Promise<DirectoryCard[]> {
  const found = await searchDirectory(ctx, userId, { q: nationalId, filters: {}, page: 1, limit: MAX_PAGE_SIZE });
  return found.entries.filter((card) => card.nationalId === nationalId);
}

async function activitiesByPerson(ctx: ServiceContext, nationalIds: readonly string[]): Promise<Map<string, Activity[]>> {
  const { national } = await directoryIndexes(ctx);
  const byPerson = new Map<string, Activity[]>();
  if (national === null || nationalIds.length === 0) return byPerson;
  for (const row of await activitiesOf(ctx.sql.read, national.generationId, nationalIds)) {
    const activity: Activity = {
      profession: row.profession_code ? { code: row.profession_code, label: row.profession_label } : null,
      speciality: row.speciality_code ? { code: row.speciality_code, label: row.speciality_label } : null,
    };
    const known = byPerson.get(row.national_id);
    if (known) known.push(activity);
    else byPerson.set(row.national_id, [activity]);
  }
  return byPerson;
}

/** The operator's published mailboxes by the structure they belong to. */
async function regionalByStructure(ctx: ServiceContext): Promise<Map<string, RegionalRow[]>> {
  const { regional } = await directoryIndexes(ctx);
  const byStructure = new Map<string, RegionalRow[]>();
  for (const row of regional.rows.values()) {
    const { structureId } = regionalPlace(row);
    if (!structureId) continue;
    const rows = byStructure.get(structureId);
    if (rows) rows.push(row);
    else byStructure.set(structureId, [row]);
  }
  return byStructure;
}

/**
 * A structure with all its published mailboxes: the national entries stored under any of its
 * ids (less the addresses the operator holds itself, which it shows from its own records, or
 * not at all when hidden), and the operator's own.
 */
async function structureView(ctx: ServiceContext, key: string, regional: Map<string, RegionalRow[]>): Promise<StructureView> {
  const { national, regional: own } = await directoryIndexes(ctx);
  const ids: StructureView['ids'] = [];
  const cards: DirectoryCard[] = [];
  for (const storedId of storedIdsOf(key)) {
    if (national !== null) {
      const rows = (await entriesOfStructure(ctx.sql.read, national.generationId, storedId)).filter((row) => !own.ownKeys.has(row.address_key));
      if (rows.length > 0) ids.push({ storedId, typeCode: rows.find((row) => row.structure_id_type)?.structure_id_type ?? null });
      cards.push(...rows.map((row) => nationalCard(row, national.labels)));
    }
    const rows = regional.get(storedId) ?? [];
    if (rows.length > 0) ids.push({ storedId, typeCode: null });
    cards.push(...rows.map(regionalCard));
  }
  return { key, ids, cards };
}
