import { createHash } from 'node:crypto';
import type {
  Address,
  Bundle,
  CodeableConcept,
  ContactPoint,
  HumanName,
  Identifier,
  OperationOutcome,
  Organization,
  Practitioner,
  PractitionerQualification,
  PractitionerRole,
  Resource,
} from '@medplum/fhirtypes';
import { addressKeyOrNull } from '../../core/address.ts';
import { nameTokens, queryWords } from '../../core/directory/tokens.ts';
import type { CodeLabel, DirectoryCard } from './search.ts';

/**
 * The directory as FHIR R4 resources, shaped after the French "Annuaire Santé" implementation
 * guide (https://interop.esante.gouv.fr/ig/fhir/annuaire/, profiles as-practitioner,
 * as-practitionerrole, as-organization, datatype as-mailbox-mss) and FR Core
 * (https://hl7.fr/ig/fhir/core/). Pure functions: directory cards in, resources out.
 *
 * - Practitioner: one per national id (idNat_PS), its names and its MSSanté mailboxes.
 * - PractitionerRole: one per mailbox held by a practitioner, linking the practitioner and the
 *   structure, with the profession (TRE_G15) and the savoir-faire (TRE_R38 …).
 * - Organization: one per structure (FINESS / SIRET), its name, place and its non-personal
 *   mailboxes (ORG, APP, CAB).
 */

// FR Core identifier systems (fr-core-practitioner, fr-core-organization).
export const SYSTEM_IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const SYSTEM_RPPS = 'https://rpps.esante.gouv.fr';
export const SYSTEM_IDNST = 'urn:oid:1.2.250.1.71.4.2.2';
export const SYSTEM_FINESS = 'https://finess.esante.gouv.fr';
export const SYSTEM_SIRENE = 'https://sirene.fr';
const SYSTEM_RPPS_RANG = 'https://rppsrang.esante.gouv.fr';
const SYSTEM_ADELI_RANG = 'https://adelirang.esante.gouv.fr';
const IDENTIFIER_TYPES = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203';

// A mailbox is a ContactPoint of system `email` (AS datatype profile as-mailbox-mss) carrying:
// FR Core's email-type extension, valued MSSANTE in TRE_R256-TypeMessagerie …
const EXT_EMAIL_TYPE = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type';
const SYSTEM_MESSAGING = 'https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie';
// … and the Annuaire Santé extension AsMailboxMSSMetadataExtension (sub-extensions type,
// description, service, listeRouge; the kind coded in TRE_R257-TypeBAL, bound to JDV_J139).
export const EXT_MAILBOX_METADATA = 'https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata';
const SYSTEM_MAILBOX_KIND = 'https://mos.esante.gouv.fr/NOS/TRE_R257-TypeBAL/FHIR/TRE-R257-TypeBAL';

// Nomenclatures of the MOS (https://mos.esante.gouv.fr/NOS/): professions and savoir-faire.
export const SYSTEM_PROFESSION = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
export const SYSTEM_SPECIALITE_ORDINALE = 'https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale';

export type ResourceType = 'Practitioner' | 'PractitionerRole' | 'Organization';

// ─── Ids ────────────────────────────────────────────────────────────────────────────────────────
// A FHIR id is 1–64 of [A-Za-z0-9-.]. Directory keys are lower case, so upper-case letters are
// free to escape what an id cannot hold: `@` → A, `_` → U, `+` → P, any other byte → X + 2 hex.
// Reversible, and an address reads almost as itself: `e.martin@ch-x.fr` → `e.martinAch-x.fr`.

export function encodeId(text: string): string {
  let out = '';
  for (const char of text) {
    if (/[a-z0-9.-]/.test(char)) out += char;
    else if (char === '@') out += 'A';
    else if (char === '_') out += 'U';
    else if (char === '+') out += 'P';
    else for (const byte of Buffer.from(char, 'utf8')) out += `X${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The text an id encodes, or null when it is not an encoding (an id made up by a caller). */
export function decodeId(id: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < id.length; i++) {
    const char = id[i]!;
    if (/[a-z0-9.-]/.test(char)) bytes.push(char.charCodeAt(0));
    else if (char === 'A') bytes.push(0x40);
    else if (char === 'U') bytes.push(0x5f);
    else if (char === 'P') bytes.push(0x2b);
    else if (char === 'X' && /^[0-9A-F]{2}$/.test(id.slice(i + 1, i + 3))) {
      bytes.push(parseInt(id.slice(i + 1, i + 3), 16));
      i += 2;
    } else return null;
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    return encodeId(text) === id ? text : null;
  } catch {
    return null;
  }
}

const PRACTITIONER_PREFIX = 'pr-';
const ORGANIZATION_PREFIX = 'org-';
const ROLE_PREFIX = 'role-';
const MAX_ID = 64;
const HASH_CHARS = 12;

export function practitionerId(nationalId: string): string {
  return `${PRACTITIONER_PREFIX}${encodeId(nationalId)}`;
}

export function organizationId(structureKey: string): string {
  return `${ORGANIZATION_PREFIX}${encodeId(structureKey)}`;
}

/**
 * A role's id names its mailbox. An address too long for an id keeps its longest fitting
 * beginning and a digest of the whole (`…Z<12 hex>`): a read then searches that beginning and
 * keeps the address with that digest.
 */
export function roleId(addressKey: string): string {
  const whole = `${ROLE_PREFIX}${encodeId(addressKey)}`;
  if (whole.length <= MAX_ID) return whole;
  const room = MAX_ID - ROLE_PREFIX.length - 1 - HASH_CHARS;
  let prefix = '';
  for (const char of addressKey) {
    const next = prefix + char;
    if (encodeId(next).length > room) break;
    prefix = next;
  }
  return `${ROLE_PREFIX}${encodeId(prefix)}Z${addressDigest(addressKey)}`;
}

export function addressDigest(addressKey: string): string {
  return createHash('sha256').update(addressKey).digest('hex').slice(0, HASH_CHARS);
}

export type RoleRef = { kind: 'address'; addressKey: string } | { kind: 'digest'; prefix: string; digest: string };

export function parsePractitionerId(id: string): string | null {
  return id.startsWith(PRACTITIONER_PREFIX) ? decodeId(id.slice(PRACTITIONER_PREFIX.length)) || null : null;
}

export function parseOrganizationId(id: string): string | null {
  return id.startsWith(ORGANIZATION_PREFIX) ? decodeId(id.slice(ORGANIZATION_PREFIX.length)) || null : null;
}

export function parseRoleId(id: string): RoleRef | null {
  if (!id.startsWith(ROLE_PREFIX)) return null;
  const body = id.slice(ROLE_PREFIX.length);
  const digested = /^(.*)Z([0-9a-f]{12})$/.exec(body);
  if (digested) {
    const prefix = decodeId(digested[1]!);
    return prefix ? { kind: 'digest', prefix, digest: digested[2]! } : null;
  }
  const addressKey = decodeId(body);
  return addressKey ? { kind: 'address', addressKey } : null;
}

// ─── Structures ─────────────────────────────────────────────────────────────────────────────────
// The national file gives a structure's id with its type (TRE_G07: 1 FINESS, 2 SIREN, 3 SIRET,
// 4 RPPS rang, 0 ADELI rang), sometimes written with the type digit in front (the national
// structure id, idNat_Struct). A structure's key is its id without that digit, so that the same
// structure is one Organization whichever way a source writes it.

/** The key of a structure id as a source stores it: a FINESS or SIRET without its type digit. */
export function structureKeyOf(storedId: string): string {
  if (/^1\d{9}$/.test(storedId) || /^3\d{14}$/.test(storedId)) return storedId.slice(1);
  return storedId;
}

/** The ways a source may store the structure of a key (for lookups by key). */
export function storedIdsOf(key: string): string[] {
  if (/^\d{9}$/.test(key)) return [key, `1${key}`];
  if (/^\d{14}$/.test(key)) return [key, `3${key}`];
  return [key];
}

const identifierType = (code: string) => ({ coding: [{ system: IDENTIFIER_TYPES, code }] });

/** FR Core identifiers of a structure, from its stored id and, when the source gave it, its type. */
export function structureIdentifiers(storedId: string, typeCode: string | null): Identifier[] {
  const raw = (type: string, length: number) => (storedId.length === length + 1 && storedId.startsWith(type) ? storedId.slice(1) : storedId);
  let type = typeCode;
  if (type === null) {
    if (/^1?\d{9}$/.test(storedId)) type = '1';
    else if (/^3?\d{14}$/.test(storedId)) type = '3';
  }
  const idNat = (value: string) => ({ use: 'official' as const, type: identifierType('IDNST'), system: SYSTEM_IDNST, value });
  switch (type) {
    case '1': {
      const finess = raw('1', 9);
      if (!/^\d{9}$/.test(finess)) break;
      return [idNat(`1${finess}`), { use: 'official', type: identifierType('FINEG'), system: SYSTEM_FINESS, value: finess }];
    }
    case '5': {
      // A legal entity's FINESS (FINESS EJ) has no national structure id of its own.
      const finess = raw('5', 9);
      if (!/^\d{9}$/.test(finess)) break;
      return [{ use: 'official', type: identifierType('FINEJ'), system: SYSTEM_FINESS, value: finess }];
    }
    case '3': {
      const siret = raw('3', 14);
      if (!/^\d{14}$/.test(siret)) break;
      return [idNat(`3${siret}`), { use: 'official', type: identifierType('SIRET'), system: SYSTEM_SIRENE, value: siret }];
    }
    case '2': {
      const siren = raw('2', 9);
      if (!/^\d{9}$/.test(siren)) break;
      return [idNat(`2${siren}`), { use: 'official', type: identifierType('SIREN'), system: SYSTEM_SIRENE, value: siren }];
    }
    case '4':
      return [idNat(`4${raw('4', 13)}`), { use: 'official', type: identifierType('INTRN'), system: SYSTEM_RPPS_RANG, value: raw('4', 13) }];
    case '0':
      return [idNat(`0${raw('0', 11)}`), { use: 'official', type: identifierType('INTRN'), system: SYSTEM_ADELI_RANG, value: raw('0', 11) }];
  }
  return [];
}

// ─── Mailboxes, names, codes ────────────────────────────────────────────────────────────────────

/** A mailbox as the Annuaire Santé publishes it. Only published mailboxes ever get here. */
export function mailboxContactPoint(card: DirectoryCard): ContactPoint {
  const metadata: NonNullable<ContactPoint['extension']> = [{ url: 'type', valueCodeableConcept: { coding: [{ system: SYSTEM_MAILBOX_KIND, code: card.kind }] } }];
  if (card.kind !== 'PER' && card.name !== card.address) metadata.push({ url: 'description', valueString: card.name });
  if (card.structure?.service) metadata.push({ url: 'service', valueString: card.structure.service });
  metadata.push({ url: 'listeRouge', valueBoolean: false });
  return {
    extension: [
      { url: EXT_EMAIL_TYPE, valueCoding: { system: SYSTEM_MESSAGING, code: 'MSSANTE' } },
      { url: EXT_MAILBOX_METADATA, extension: metadata },
    ],
    system: 'email',
    value: card.address,
    use: 'work',
  };
}

// Personal civilities (JDV_J78) go in `prefix`; the civility of practice (JDV_J79: DR, PR…) in
// `suffix`, as FR Core's human-name profile places them.
const PERSONAL_CIVILITIES = new Set(['M', 'MME', 'MLLE']);

export function practitionerName(card: DirectoryCard): HumanName | null {
  if (card.lastName === null && card.firstName === null) return null;
  const civility = card.civility?.trim().toUpperCase() || null;
  const name: HumanName = { use: 'official', text: card.name };
  if (card.lastName) name.family = card.lastName;
  if (card.firstName) name.given = card.firstName.split(/\s+/).filter(Boolean);
  if (civility && PERSONAL_CIVILITIES.has(civility)) name.prefix = [civility];
  else if (civility) name.suffix = [civility];
  return name;
}

/** A profession: coded in TRE_G15 when the source gives a code (the national file), else as text. */
export function professionConcept(profession: CodeLabel): CodeableConcept {
  if (/^\d{1,3}$/.test(profession.code)) {
    return { coding: [{ system: SYSTEM_PROFESSION, code: profession.code, ...(profession.label ? { display: profession.label } : {}) }], ...(profession.label ? { text: profession.label } : {}) };
  }
  return { text: profession.label ?? profession.code };
}

/**
 * A savoir-faire. Ordinal specialities (SM04, SCD01…) are TRE_R38; the file's other kinds of
 * savoir-faire come without their nomenclature, so their code travels without a system rather
 * than under a guessed one.
 */
export function specialityConcept(speciality: CodeLabel): CodeableConcept {
  const display = speciality.label ? { display: speciality.label } : {};
  const text = speciality.label ? { text: speciality.label } : {};
  if (/^S[A-Z]{1,3}\d{2,3}$/.test(speciality.code)) return { coding: [{ system: SYSTEM_SPECIALITE_ORDINALE, code: speciality.code, ...display }], ...text };
  if (speciality.code) return { coding: [{ code: speciality.code, ...display }], ...text };
  return { text: speciality.label ?? '' };
}

function placeAddress(place: NonNullable<DirectoryCard['place']>): Address {
  const address: Address = { use: 'work' };
  if (place.street) address.line = [place.street];
  if (place.city) address.city = place.city;
  if (place.department) address.district = place.department;
  if (place.postcode) address.postalCode = place.postcode;
  return address;
}

const placeKey = (place: NonNullable<DirectoryCard['place']>) => `${place.street ?? ''}|${place.postcode ?? ''}|${place.city ?? ''}`;

/** A practitioner's role is a personal mailbox; other kinds belong to structures. */
export function isPractitionerCard(card: DirectoryCard): boolean {
  return card.kind === 'PER';
}

// ─── Resources ──────────────────────────────────────────────────────────────────────────────────

/** What the directory knows of a profession or savoir-faire from the national activities file. */
export type Activity = { profession: CodeLabel | null; speciality: CodeLabel | null };

/** A practitioner from all their published mailboxes (and their national activities, if any). */
export function practitionerResource(nationalId: string, cards: readonly DirectoryCard[], activities: readonly Activity[] = []): Practitioner {
  const identifier: Identifier[] = [{ use: 'official', type: identifierType('IDNPS'), system: SYSTEM_IDNPS, value: nationalId }];
  if (/^8\d{11}$/.test(nationalId)) identifier.push({ use: 'official', type: identifierType('RPPS'), system: SYSTEM_RPPS, value: nationalId.slice(1) });
  const practitioner: Practitioner = { resourceType: 'Practitioner', id: practitionerId(nationalId), identifier, active: true };
  const named = cards.find((card) => card.lastName !== null) ?? cards[0];
  const name = named ? practitionerName(named) : null;
  if (name) practitioner.name = [name];
  if (cards.length > 0) practitioner.telecom = cards.map(mailboxContactPoint);
  const places = new Map<string, Address>();
  for (const card of cards) if (card.place) places.set(placeKey(card.place), placeAddress(card.place));
  if (places.size > 0) practitioner.address = [...places.values()];
  const qualification = qualificationsOf([...cards.map((card) => ({ profession: card.profession, speciality: card.speciality })), ...activities]);
  if (qualification.length > 0) practitioner.qualification = qualification;
  return practitioner;
}

function qualificationsOf(activities: readonly Activity[]): PractitionerQualification[] {
  const seen = new Map<string, PractitionerQualification>();
  for (const activity of activities) {
    for (const [concept, value] of [
      [professionConcept, activity.profession],
      [specialityConcept, activity.speciality],
    ] as const) {
      if (!value || (!value.code && !value.label)) continue;
      const code = concept(value);
      const key = JSON.stringify(code.coding?.map((coding) => [coding.system, coding.code]) ?? code.text);
      if (!seen.has(key)) seen.set(key, { code });
    }
  }
  return [...seen.values()];
}

/** A mailbox held by a practitioner, as their role in the structure it belongs to. */
export function practitionerRoleResource(card: DirectoryCard): PractitionerRole {
  const role: PractitionerRole = { resourceType: 'PractitionerRole', id: roleId(addressKeyOrNull(card.address) ?? card.address.toLowerCase()), active: true };
  const display = card.lastName !== null || card.firstName !== null ? card.name : undefined;
  if (card.nationalId) role.practitioner = { reference: `Practitioner/${practitionerId(card.nationalId)}`, ...(display ? { display } : {}) };
  if (card.structure?.id) {
    role.organization = { reference: `Organization/${organizationId(structureKeyOf(card.structure.id))}`, ...(card.structure.name ? { display: card.structure.name } : {}) };
  }
  if (card.profession && (card.profession.code || card.profession.label)) role.code = [professionConcept(card.profession)];
  if (card.speciality) role.specialty = [specialityConcept(card.speciality)];
  role.telecom = [mailboxContactPoint(card)];
  return role;
}

/** A structure as the directory sees it: its stored ids (with their type when known) and its published mailboxes. */
export type StructureView = { key: string; ids: { storedId: string; typeCode: string | null }[]; cards: readonly DirectoryCard[] };

export function organizationResource(view: StructureView): Organization {
  const identifier = new Map<string, Identifier>();
  for (const { storedId, typeCode } of view.ids) {
    for (const id of structureIdentifiers(storedId, typeCode)) identifier.set(`${id.system}|${id.value}`, id);
  }
  const named = view.cards.find((card) => card.structure?.name);
  const organization: Organization = { resourceType: 'Organization', id: organizationId(view.key), active: true };
  if (identifier.size > 0) organization.identifier = [...identifier.values()];
  // org-1: a name or an identifier; a structure the sources leave unnamed is named by its id.
  organization.name = named?.structure?.name ?? view.key;
  // The structure's own mailboxes say best where it is; a personal one will do otherwise.
  const placed = view.cards.find((card) => card.place && card.kind !== 'PER') ?? view.cards.find((card) => card.place);
  if (placed?.place) organization.address = [placeAddress(placed.place)];
  const mailboxes = view.cards.filter((card) => card.kind !== 'PER');
  if (mailboxes.length > 0) organization.telecom = mailboxes.map(mailboxContactPoint);
  return organization;
}

// ─── Matching (FHIR string search: prefix, case- and accent-insensitive) ────────────────────────

/** Every word of the value starts a word of the name (`le gall` finds Le Gall-Müller). */
export function nameMatches(value: string, ...names: (string | null | undefined)[]): boolean {
  const words = queryWords(value);
  if (words.length === 0) return true;
  const tokens = names.flatMap((name) => nameTokens(name));
  return words.every((word) => tokens.some((token) => token.startsWith(word)));
}

export function mailboxMatches(value: string, address: string): boolean {
  return address.toLowerCase().startsWith(value.toLowerCase());
}

// ─── Search parameters ──────────────────────────────────────────────────────────────────────────

export type Token = { system: string | null; value: string };

/** `system|value`, `|value` or `value`. */
export function parseToken(text: string): Token {
  const bar = text.indexOf('|');
  if (bar === -1) return { system: null, value: text };
  return { system: text.slice(0, bar) || null, value: text.slice(bar + 1) };
}

/** The national id an identifier search names, or null when it cannot name one (another system). */
export function nationalIdOfToken(token: Token): string | null {
  if (token.system === SYSTEM_RPPS) return /^\d{11}$/.test(token.value) ? `8${token.value}` : null;
  if (token.system === SYSTEM_IDNPS) return token.value;
  if (token.system !== null) return null;
  return /^\d{11}$/.test(token.value) ? `8${token.value}` : token.value;
}

/** The structure key an identifier search names, or null when it cannot name one. */
export function structureKeyOfToken(token: Token): string | null {
  switch (token.system) {
    case SYSTEM_FINESS:
      return /^\d{9}$/.test(token.value) ? token.value : null;
    case SYSTEM_SIRENE:
      // A SIREN names a company, not one of its establishments: only SIRETs are structures here.
      return /^\d{14}$/.test(token.value) ? token.value : null;
    case SYSTEM_IDNST:
    case null:
      return structureKeyOf(token.value);
    default:
      return null;
  }
}

/** `Practitioner/pr-…`, or the bare id. */
export function referencedId(text: string, type: ResourceType): string {
  return text.startsWith(`${type}/`) ? text.slice(type.length + 1) : text;
}

// ─── Bundles and outcomes ───────────────────────────────────────────────────────────────────────

export type PageLinks = { self: string; next?: string; previous?: string };

export function searchBundle(base: string, total: number, links: PageLinks, resources: readonly Resource[]): Bundle {
  const link = [{ relation: 'self', url: links.self }];
  if (links.previous) link.push({ relation: 'previous', url: links.previous });
  if (links.next) link.push({ relation: 'next', url: links.next });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link,
    entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}

export type IssueCode = 'invalid' | 'not-supported' | 'not-found' | 'login' | 'forbidden' | 'throttled' | 'too-costly' | 'exception';

export function operationOutcome(code: IssueCode, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}
