import { pickSurname, type Name } from './names.ts';
import { DEPARTMENTS } from './places.ts';
import { holderOf, STAFF_DOMAIN_KINDS, type Activity, type MailboxLine, type Person } from './people.ts';
import { DOCTOR_SAVOIR_FAIRE } from './professions.ts';
import type { Rng } from './random.ts';
import { renamedService, servicesFor } from './services.ts';
import type { StructureSource } from './structures.ts';

/**
 * What changes overnight. Each practitioner and each organisational mailbox draws its fate from
 * its own stream, so the second day is the first day replayed with a few edits. Every edit
 * touches a field the directory shows (names, speciality, structure, service), and touches every
 * line of an address published twice, so "changed" means the same to any reader of the file.
 */

export const RATES = {
  /** A practitioner leaves: all mailboxes and activities go. */
  leave: 0.0015,
  /** A personal mailbox is closed, its holder stays. */
  close: 0.0015,
  /** Practice name changes (marriage…): every line of the practitioner changes. */
  rename: 0.0025,
  /** A doctor's speciality changes. */
  respecialise: 0.004,
  /** An activity moves to another structure (or the practice to another address). */
  move: 0.003,
  /** A personal mailbox's publication changes (service, attached structure). */
  republish: 0.0035,
  /** A holder opens one more mailbox (written at the end of the file). */
  extraMailbox: 0.001,
  orgRemove: 0.003,
  orgChange: 0.01,
  /** New mailboxes at the end of the file, per address of the first day. */
  newHolders: 0.0028,
  newOrganisations: 0.0012,
  /** New practitioners without a mailbox, per practitioner of the first day's activity file. */
  newPractitioners: 0.002,
};

export type PersonChanges = {
  leave: boolean;
  rename: boolean;
  respecialise: boolean;
  moves: boolean[];
  closes: boolean[];
  republishes: boolean[];
  extraMailbox: boolean;
};

/** Draws every decision in a fixed order, whatever the outcomes, so the stream never shifts. */
export function drawPersonChanges(rng: Rng, person: Person): PersonChanges {
  const leave = rng.chance(RATES.leave);
  const rename = rng.chance(RATES.rename);
  const respecialise = rng.chance(RATES.respecialise) && person.profession.code === '10';
  const moves = person.activities.map(() => rng.chance(RATES.move));
  const closes = person.mailboxes.map(() => rng.chance(RATES.close));
  const republishes = person.mailboxes.map(() => rng.chance(RATES.republish));
  const extraMailbox = rng.chance(RATES.extraMailbox) && person.mailboxes.length > 0 && person.mailboxes.length < 3;
  // An address published twice changes on all its lines or not at all.
  for (const mailbox of person.mailboxes) {
    if (mailbox.lines.length < 2) continue;
    const activities = mailbox.lines.map((line) => line.activity).filter((activity) => activity >= 0);
    if (activities.some((activity) => moves[activity])) for (const activity of activities) moves[activity] = true;
  }
  return { leave, rename, respecialise, moves, closes, republishes, extraMailbox };
}

/** The practitioner as the second day publishes them (a new object; the first day's is kept). */
export function applyPersonChanges(rng: Rng, person: Person, changes: PersonChanges, structures: StructureSource): Person {
  const changed: Person = { ...person };
  if (changes.rename) {
    const department = DEPARTMENTS[person.departmentIndex]!.code;
    let surname = pickSurname(rng, department);
    for (let tries = 0; surname.display === person.lastName.display && tries < 10; tries++) surname = pickSurname(rng, department);
    // Half keep their name after the new one, as a married name often reads.
    const joined = (a: Name, b: Name): Name => ({ display: `${a.display}-${b.display}`, slug: `${a.slug}-${b.slug}`, upper: `${a.upper}-${b.upper}` });
    changed.lastName = rng.chance(0.5) ? surname : joined(surname, person.lastName);
    if (changed.lastName.display === person.lastName.display) changed.lastName = joined(person.lastName, surname);
  }
  if (changes.respecialise && person.savoirFaire !== null) {
    let next = DOCTOR_SAVOIR_FAIRE.items[rng.weighted(DOCTOR_SAVOIR_FAIRE.table)]!;
    for (let tries = 0; next.code === person.savoirFaire.code && tries < 20; tries++) next = DOCTOR_SAVOIR_FAIRE.items[rng.weighted(DOCTOR_SAVOIR_FAIRE.table)]!;
    if (next.code === person.savoirFaire.code) next = DOCTOR_SAVOIR_FAIRE.items[(DOCTOR_SAVOIR_FAIRE.items.indexOf(next) + 1) % DOCTOR_SAVOIR_FAIRE.items.length]!;
    changed.savoirFaire = next;
  }
  if (changes.moves.some(Boolean)) {
    changed.activities = person.activities.map((activity, number) => (changes.moves[number] ? moved(rng, person, activity, number, structures) : activity));
  }
  return changed;
}

function moved(rng: Rng, person: Person, activity: Activity, number: number, structures: StructureSource): Activity {
  if (activity.kind === 'OWN') return { ...activity, structure: structures.ownPractice(holderOf(person), activity.departmentIndex, number, 1) };
  const size = structures.poolSize(activity.departmentIndex, activity.kind);
  if (size < 2) return { ...activity, kind: 'OWN', poolIndex: -1, structure: structures.ownPractice(holderOf(person), activity.departmentIndex, number, 1) };
  const poolIndex = (activity.poolIndex + 1 + rng.int(size - 1)) % size;
  return { ...activity, poolIndex, structure: structures.pooled(activity.departmentIndex, activity.kind, poolIndex) };
}

/** A mailbox line republished: another service, or the structure attached or detached. */
export function republishedLine(rng: Rng, person: Person, line: MailboxLine): MailboxLine {
  if (line.service !== '') return { ...line, service: renamedService(line.service, rng.int(3)) };
  if (line.activity < 0) return { activity: 0, service: '' };
  const kind = person.activities[line.activity]!.kind;
  if (STAFF_DOMAIN_KINDS.has(kind)) return { ...line, service: rng.pick(servicesFor('ORG', kind)).label };
  const other = person.activities.findIndex((activity, index) => index !== line.activity && activity.structure.nationalId !== person.activities[line.activity]!.structure.nationalId);
  return other >= 0 ? { activity: other, service: '' } : { activity: -1, service: '' };
}
