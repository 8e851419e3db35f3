import { pickFirstName, pickSurname, type Gender, type Name } from './names.ts';
import { DEPARTMENTS, DEPARTMENT_TABLE } from './places.ts';
import {
  ACTIVITY_GENRES,
  CATEGORIES,
  CIVILITIES,
  DENTIST_SAVOIR_FAIRE,
  DOCTOR_SAVOIR_FAIRE,
  BIOLOGY_CODES,
  MODES,
  NURSE_SAVOIR_FAIRE,
  PHARMACIST_SECTIONS,
  PLACE_KINDS,
  PRACTICE_TITLES,
  PROFESSIONS,
  PROFESSION_TABLE,
  ROLES,
  type CodeLabel,
  type PlaceKind,
  type Profession,
  type SavoirFaire,
} from './professions.ts';
import { createRng, luhnDigit, scrambleBelow, weightTable, type WeightTable } from './random.ts';
import { SPECIALITY_SERVICES, servicesFor } from './services.ts';
import type { OwnPracticeHolder, Structure, StructureSource } from './structures.ts';

/**
 * Practitioners: identity, one to three activities, and the personal mailboxes they hold. A
 * practitioner is rebuilt from its index alone (plus the ADELI counters, which only grow), so the
 * next day's run meets the same people in the same order.
 */

export type Activity = {
  kind: PlaceKind;
  departmentIndex: number;
  /** Index in the department's pool of that kind; -1 for the practitioner's own practice. */
  poolIndex: number;
  mode: CodeLabel;
  role: CodeLabel | null;
  genre: CodeLabel;
  section: CodeLabel | null;
  structure: Structure;
};

/** One line of a personal mailbox: the activity (structure) it is published with, if any. */
export type MailboxLine = { activity: number; service: string };

export type PersonalMailbox = { domain: string; local: string; lines: MailboxLine[] };

export type Person = {
  index: number;
  idType: '8' | '0';
  id: string;
  nationalId: string;
  gender: Gender;
  civility: CodeLabel;
  title: CodeLabel | null;
  firstName: Name;
  lastName: Name;
  profession: Profession;
  category: CodeLabel;
  savoirFaire: SavoirFaire | null;
  departmentIndex: number;
  activities: Activity[];
  /** False for the few mailbox holders the activity extraction does not list. */
  inActivityFile: boolean;
  mailboxes: PersonalMailbox[];
};

/** Kinds whose structure gives its staff addresses on its own domain. */
export const STAFF_DOMAIN_KINDS: ReadonlySet<PlaceKind> = new Set(['CH', 'CLIN', 'ESPIC', 'EHPAD', 'LAB', 'CDS', 'MSP']);
const HOSPITAL_KINDS: ReadonlySet<PlaceKind> = new Set(['CH', 'CLIN', 'ESPIC']);

const PERSON_STREAM = 0x5045;
const RPPS_SPACE = 20_000_000;
const GENERATIONS = weightTable([30, 40, 30]);
const ACTIVITY_COUNTS = weightTable([58, 30, 12]);
export const MEAN_ACTIVITIES = (1 * 58 + 2 * 30 + 3 * 12) / 100;
const MAILBOX_COUNTS = weightTable([85, 12, 3]);
export const MEAN_MAILBOXES = (1 * 85 + 2 * 12 + 3 * 3) / 100;
/** Share of mailbox holders absent from the activity extraction. */
export const NOT_IN_ACTIVITY_FILE = 0.03;

type PlaceTables = { liberal: { kinds: PlaceKind[]; table: WeightTable }; salaried: { kinds: PlaceKind[]; table: WeightTable } };

function placeTable(weights: Partial<Record<PlaceKind, number>>): { kinds: PlaceKind[]; table: WeightTable } {
  const kinds = PLACE_KINDS.filter((kind) => (weights[kind] ?? 0) > 0);
  return { kinds, table: weightTable(kinds.map((kind) => weights[kind]!)) };
}

const PLACE_TABLES: PlaceTables[] = PROFESSIONS.map((profession) => ({ liberal: placeTable(profession.liberal), salaried: placeTable(profession.salaried) }));

/** RPPS: "100" or "101", seven digits, a Luhn key; distinct for distinct indexes below 2*10^7. */
export function rppsOf(index: number): string {
  const value = scrambleBelow(index, RPPS_SPACE);
  const body = `${value < 10_000_000 ? '100' : '101'}${String(value % 10_000_000).padStart(7, '0')}`;
  return body + luhnDigit(body);
}

export type PersonSource = {
  /**
   * The practitioner of this index. Whether they hold mailboxes is drawn with the profession's
   * probability, unless `holder` says so (newcomers of the second day).
   */
  person(index: number, holder?: boolean): Person;
};

export type PersonSourceOptions = {
  root: number;
  structures: StructureSource;
  /** Probability of holding a personal mailbox, by profession (same order as PROFESSIONS). */
  holderProbability: readonly number[];
  /** Probability that a personal mailbox with two activities is published twice. */
  duplicateProbability: number;
};

export function createPersonSource(options: PersonSourceOptions): PersonSource {
  const { root, structures } = options;
  const rng = createRng();
  const adeliCounters = new Map<string, number>();

  function adeliOf(departmentCode: string, professionCode: string): string {
    const departmentPart = departmentCode === '2A' || departmentCode === '2B' ? '20' : departmentCode;
    const prefix = departmentPart + professionCode;
    const room = 9 - prefix.length;
    const counter = (adeliCounters.get(prefix) ?? 0) + 1;
    adeliCounters.set(prefix, counter);
    const modulus = 10 ** room;
    return prefix + String(scrambleBelow(counter % modulus, modulus)).padStart(room, '0');
  }

  function savoirFaireOf(profession: Profession): SavoirFaire | null {
    if (profession.code === '10') return DOCTOR_SAVOIR_FAIRE.items[rng.weighted(DOCTOR_SAVOIR_FAIRE.table)]!;
    if (profession.code === '40' && rng.chance(0.12)) return DENTIST_SAVOIR_FAIRE.items[rng.weighted(DENTIST_SAVOIR_FAIRE.table)]!;
    if (profession.code === '60' && rng.chance(0.007)) return NURSE_SAVOIR_FAIRE.items[rng.weighted(NURSE_SAVOIR_FAIRE.table)]!;
    return null;
  }

  function activity(person: Person, professionIndex: number, number: number, mode: CodeLabel): Activity {
    const profession = person.profession;
    const tables = PLACE_TABLES[professionIndex]!;
    const options = mode.code === 'L' ? tables.liberal : tables.salaried;
    let kind = options.kinds[rng.weighted(options.table)]!;
    if (profession.code === '10' && person.savoirFaire !== null && BIOLOGY_CODES.has(person.savoirFaire.code) && rng.chance(0.7)) kind = 'LAB';
    if (mode.code === 'B') kind = 'CDS';
    const departmentIndex = number === 0 || rng.chance(0.9) ? person.departmentIndex : rng.weighted(DEPARTMENT_TABLE);
    let poolIndex = -1;
    let structure: Structure;
    if (person.title === PRACTICE_TITLES.PR && number === 0) kind = 'CH';
    if (kind === 'OWN') {
      structure = structures.ownPractice(holderOf(person), departmentIndex, number, 0);
    } else {
      const size = structures.poolSize(departmentIndex, kind);
      // Big structures (the first of each pool: university and prefecture hospitals) employ more.
      const u = rng.float();
      poolIndex = person.title === PRACTICE_TITLES.PR && number === 0 ? 0 : Math.min(size - 1, Math.floor(size * (HOSPITAL_KINDS.has(kind) ? u * u : u)));
      structure = structures.pooled(departmentIndex, kind, poolIndex);
    }
    let role: CodeLabel | null = null;
    let section: CodeLabel | null = null;
    if (kind === 'OWN') role = ROLES.owner;
    else if (kind === 'GROUP' || kind === 'MSP') role = mode.code === 'L' ? (rng.chance(0.7) ? ROLES.owner : ROLES.collaborator) : ROLES.employee;
    else if (kind === 'SEL') role = ROLES.partner;
    else if (kind === 'PHARMA') role = mode.code === 'L' ? ROLES.pharmacyOwner : ROLES.deputy;
    else role = rng.chance(0.5) ? ROLES.employee : rng.chance(0.3) ? ROLES.undefined : null;
    if (profession.code === '21') {
      section = kind === 'PHARMA' ? (mode.code === 'L' ? PHARMACIST_SECTIONS.owner : PHARMACIST_SECTIONS.deputy) : kind === 'LAB' ? PHARMACIST_SECTIONS.biologist : PHARMACIST_SECTIONS.hospital;
    }
    const genre = mode.code === 'L' && rng.chance(0.04) ? ACTIVITY_GENRES.substitute : rng.chance(0.01) ? ACTIVITY_GENRES.nonCare : ACTIVITY_GENRES.care;
    return { kind, departmentIndex, poolIndex, mode, role, genre, section, structure };
  }

  function planMailboxes(person: Person, count: number): PersonalMailbox[] {
    const used = new Set<string>();
    const national = person.profession.nationalDomain ?? `${DEPARTMENTS[person.departmentIndex]!.region}.mssante.fr`;
    const regional = `${DEPARTMENTS[person.departmentIndex]!.region}.mssante.fr`;
    const plans: PersonalMailbox[] = [];
    const staffActivities = person.activities.map((item, index) => (STAFF_DOMAIN_KINDS.has(item.kind) ? index : -1)).filter((index) => index >= 0);
    for (let j = 0; j < count; j++) {
      let activityIndex = -1;
      let domain = '';
      if (j === 0) {
        const first = person.activities[0]!;
        if (first.mode.code !== 'L' && STAFF_DOMAIN_KINDS.has(first.kind) && rng.chance(0.7)) {
          activityIndex = 0;
          domain = first.structure.domain;
        } else {
          domain = national;
          activityIndex = rng.chance(0.85) ? 0 : -1;
        }
      } else {
        const staff = staffActivities.find((index) => !used.has(person.activities[index]!.structure.domain));
        if (staff !== undefined) {
          activityIndex = staff;
          domain = person.activities[staff]!.structure.domain;
        } else if (!used.has(national)) {
          domain = national;
          activityIndex = rng.chance(0.8) ? 0 : -1;
        } else if (!used.has(regional)) {
          domain = regional;
          activityIndex = person.activities.length > 1 ? 1 : 0;
        } else break;
      }
      used.add(domain);
      const onStaffDomain = activityIndex >= 0 && domain === person.activities[activityIndex]!.structure.domain && STAFF_DOMAIN_KINDS.has(person.activities[activityIndex]!.kind);
      const first = person.firstName.slug;
      const local = onStaffDomain && rng.chance(0.4) ? `${first.charAt(0)}.${person.lastName.slug}` : `${first}.${person.lastName.slug}`;
      const lines: MailboxLine[] = [{ activity: activityIndex, service: onStaffDomain ? serviceOf(person, activityIndex) : '' }];
      if (activityIndex >= 0 && person.activities.length > 1 && rng.chance(options.duplicateProbability)) {
        const other = person.activities.findIndex((item, index) => index !== activityIndex && item.structure.nationalId !== person.activities[activityIndex]!.structure.nationalId);
        if (other >= 0) lines.push({ activity: other, service: '' });
      }
      plans.push({ domain, local, lines });
    }
    return plans;
  }

  function serviceOf(person: Person, activityIndex: number): string {
    const kind = person.activities[activityIndex]!.kind;
    if (!HOSPITAL_KINDS.has(kind)) return '';
    if (person.savoirFaire !== null && SPECIALITY_SERVICES[person.savoirFaire.code] !== undefined) return rng.chance(0.5) ? SPECIALITY_SERVICES[person.savoirFaire.code]! : '';
    return rng.chance(0.15) ? rng.pick(servicesFor('ORG', kind)).label : '';
  }

  function person(index: number, holder?: boolean): Person {
    rng.reseed(root, PERSON_STREAM, index, 0);
    const professionIndex = rng.weighted(PROFESSION_TABLE);
    const profession = PROFESSIONS[professionIndex]!;
    const departmentIndex = rng.weighted(DEPARTMENT_TABLE);
    const department = DEPARTMENTS[departmentIndex]!;
    const gender: Gender = rng.chance(profession.femaleShare) ? 'F' : 'M';
    const generation = rng.weighted(GENERATIONS);
    const firstName = pickFirstName(rng, gender, generation);
    const lastName = pickSurname(rng, department.code);
    const adeli = rng.chance(profession.adeliShare);
    const id = adeli ? adeliOf(department.code, profession.code) : rppsOf(index);
    const idType = adeli ? '0' : '8';
    const category = rng.chance(0.004) ? CATEGORIES.M : (profession.doctor && generation === 2 && rng.chance(0.02)) ? CATEGORIES.E : CATEGORIES.C;
    const subject: Person = {
      index,
      idType,
      id,
      nationalId: idType + id,
      gender,
      civility: gender === 'F' ? CIVILITIES.MME : CIVILITIES.M,
      title: null,
      firstName,
      lastName,
      profession,
      category,
      savoirFaire: null,
      departmentIndex,
      activities: [],
      inActivityFile: true,
      mailboxes: [],
    };
    subject.savoirFaire = savoirFaireOf(profession);
    // Professors work at a university hospital (see activity()); own practices carry the title.
    if (profession.doctor) subject.title = profession.code === '10' && rng.chance(0.015) ? PRACTICE_TITLES.PR : rng.chance(0.95) ? PRACTICE_TITLES.DR : null;
    const activityCount = 1 + rng.weighted(ACTIVITY_COUNTS);
    const liberal = subject.title !== PRACTICE_TITLES.PR && rng.chance(profession.liberalShare);
    for (let number = 0; number < activityCount; number++) {
      const mode = number === 0 ? (liberal ? MODES.L : MODES.S) : rng.chance(0.005) ? MODES.B : rng.chance(liberal ? 0.5 : 0.35) ? MODES.L : MODES.S;
      subject.activities.push(activity(subject, professionIndex, number, mode));
    }
    const drawn = rng.chance(options.holderProbability[professionIndex]!);
    if (holder ?? drawn) {
      subject.inActivityFile = !rng.chance(NOT_IN_ACTIVITY_FILE);
      subject.mailboxes = planMailboxes(subject, 1 + rng.weighted(MAILBOX_COUNTS));
    }
    return subject;
  }

  return { person };
}

export function holderOf(person: Person): OwnPracticeHolder {
  return {
    index: person.index,
    idType: person.idType,
    id: person.id,
    firstNameUpper: person.firstName.upper,
    lastNameUpper: person.lastName.upper,
    lastSlug: person.lastName.slug,
    title: person.title?.code ?? null,
    professionCode: person.profession.code,
  };
}
