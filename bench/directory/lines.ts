import type { Activity, MailboxLine, Person } from './people.ts';
import { hashText } from './random.ts';
import type { Structure } from './structures.ts';

/**
 * The two extraction formats, column for column. Lines are built without their end of line and
 * end with the trailing '|' the real files carry; no value ever holds '|' or a line break.
 */

export const MAILBOX_COLUMNS: readonly string[] = [
  'Type de BAL',
  'Adresse BAL',
  'Type Identifiant PP',
  'Identifiant PP',
  'Identification nationale PP',
  'Type identifiant structure',
  'Identification Structure',
  'Service de rattachement',
  "Civilité d'exercice",
  "Nom d'exercice",
  "Prénom d'exercice",
  'Catégorie profession',
  'Libellé de catégorie profession',
  'Code Profession',
  'Libellé Profession',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Dématérialisation',
  'Raison Sociale structure BAL',
  'Enseigne commerciale structure BAL',
  'L2COMPLEMENTLOCALISATION structure BAL',
  'L3COMPLEMENTDISTRIBUTION structure BAL',
  'L4NUMEROVOIE structure BAL',
  'L4COMPLEMENTNUMEROVOIE structure BAL',
  'NL4TYPEVOIE structure BAL',
  'L4LIBELLEVOIE structure BAL',
  'L5LIEUDITMENTION structure BAL',
  'L6LIGNEACHEMINEMENT structure BAL',
  'Code postal structure BAL',
  'Département structure BAL',
  'Pays structure BAL',
];

/** `PS_LibreAcces_Personne_activite`, as published since the role and kind-of-activity columns. */
export const ACTIVITY_COLUMNS: readonly string[] = [
  "Type d'identifiant PP",
  'Identifiant PP',
  'Identification nationale PP',
  "Code civilité d'exercice",
  "Libellé civilité d'exercice",
  'Code civilité',
  'Libellé civilité',
  "Nom d'exercice",
  "Prénom d'exercice",
  'Code profession',
  'Libellé profession',
  'Code catégorie professionnelle',
  'Libellé catégorie professionnelle',
  'Code type savoir-faire',
  'Libellé type savoir-faire',
  'Code savoir-faire',
  'Libellé savoir-faire',
  'Code mode exercice',
  'Libellé mode exercice',
  'Numéro SIRET site',
  'Numéro SIREN site',
  'Numéro FINESS site',
  'Numéro FINESS établissement juridique',
  'Identifiant technique de la structure',
  'Raison sociale site',
  'Enseigne commerciale site',
  'Complément destinataire (coord. structure)',
  'Complément point géographique (coord. structure)',
  'Numéro Voie (coord. structure)',
  'Indice répétition voie (coord. structure)',
  'Code type de voie (coord. structure)',
  'Libellé type de voie (coord. structure)',
  'Libellé Voie (coord. structure)',
  'Mention distribution (coord. structure)',
  'Bureau cedex (coord. structure)',
  'Code postal (coord. structure)',
  'Code commune (coord. structure)',
  'Libellé commune (coord. structure)',
  'Code pays (coord. structure)',
  'Libellé pays (coord. structure)',
  'Téléphone (coord. structure)',
  'Téléphone 2 (coord. structure)',
  'Télécopie (coord. structure)',
  'Adresse e-mail (coord. structure)',
  'Code Département (structure)',
  'Libellé Département (structure)',
  'Ancien identifiant de la structure',
  "Autorité d'enregistrement",
  "Code secteur d'activité",
  "Libellé secteur d'activité",
  'Code section tableau pharmaciens',
  'Libellé section tableau pharmaciens',
  'Code rôle',
  'Libellé rôle',
  'Code genre activité',
  'Libellé genre activité',
];

export const headerLine = (columns: readonly string[]): string => `${columns.join('|')}|`;

/** The postal delivery line: "75015 PARIS", "35033 RENNES CEDEX". */
function deliveryLine(structure: Structure): string {
  return `${structure.postcode} ${structure.commune.deliveryTown}${structure.cedex ? ' CEDEX' : ''}`;
}

/** The 13 structure columns of a mailbox line, from the company name to the country. */
function structureColumns(structure: Structure | null): string {
  if (structure === null) return '||||||||||||';
  const s = structure;
  return `${s.name}|${s.brand}|${s.complement}|${s.distribution}|${s.streetNumber}|${s.streetNumberSuffix}|${s.streetKind?.code ?? ''}|${s.street}|${s.place}|${deliveryLine(s)}|${s.postcode}|${s.department.code}|FRANCE`;
}

/** "Dématérialisation": a fixed property of the mailbox, so it never changes from day to day. */
function paperless(address: string): string {
  return hashText(address) % 10 < 7 ? 'O' : 'N';
}

export function personalMailboxLine(person: Person, line: MailboxLine, address: string): string {
  const structure = line.activity >= 0 ? person.activities[line.activity]!.structure : null;
  const civility = person.title?.code ?? person.civility.code;
  const savoirFaire = person.savoirFaire;
  return (
    `PER|${address}|${person.idType}|${person.id}|${person.nationalId}|${structure?.idType ?? ''}|${structure?.nationalId ?? ''}|${line.service}|` +
    `${civility}|${person.lastName.display}|${person.firstName.display}|${person.category.code}|${person.category.label}|` +
    `${person.profession.code}|${person.profession.label}|${savoirFaire?.code ?? ''}|${savoirFaire?.label ?? ''}|${paperless(address)}|` +
    `${structureColumns(structure)}|`
  );
}

export function organisationMailboxLine(kind: 'ORG' | 'APP', address: string, structure: Structure, service: string): string {
  return `${kind}|${address}||||${structure.idType}|${structure.nationalId}|${service}||||||||||${paperless(address)}|${structureColumns(structure)}|`;
}

export function activityLine(person: Person, activity: Activity): string {
  const s = activity.structure;
  const title = person.title;
  const savoirFaire = person.savoirFaire;
  const cedex = s.cedex ? deliveryLine(s) : '';
  return (
    `${person.idType}|${person.id}|${person.nationalId}|${title?.code ?? ''}|${title?.label ?? ''}|${person.civility.code}|${person.civility.label}|` +
    `${person.lastName.display}|${person.firstName.display}|${person.profession.code}|${person.profession.label}|${person.category.code}|${person.category.label}|` +
    `${savoirFaire?.typeCode ?? ''}|${savoirFaire?.typeLabel ?? ''}|${savoirFaire?.code ?? ''}|${savoirFaire?.label ?? ''}|${activity.mode.code}|${activity.mode.label}|` +
    `${s.siret}|${s.siren}|${s.finess}|${s.finessLegal}|${s.technicalId}|${s.name}|${s.brand}|${s.addressee}|${s.complement}|` +
    `${s.streetNumber}|${s.streetNumberSuffix}|${s.streetKind?.code ?? ''}|${s.streetKind?.label ?? ''}|${s.street}|${s.distribution}|${cedex}|` +
    `${s.postcode}||${s.commune.name}|99100|France|${s.phone}|${s.phone2}|${s.fax}|${s.email}|${s.department.code}|${s.department.name}|` +
    `${s.nationalId}|${person.profession.authority}|${s.sector.code}|${s.sector.label}|${activity.section?.code ?? ''}|${activity.section?.label ?? ''}|` +
    `${activity.role?.code ?? ''}|${activity.role?.label ?? ''}|${activity.genre.code}|${activity.genre.label}|`
  );
}

/** A line with too few fields: the first `keep` fields of a good line. */
export function shortened(line: string, keep: number): string {
  return `${line.split('|').slice(0, keep).join('|')}|`;
}

/** A line with one field too many. */
export function widened(line: string): string {
  return `${line}EN TROP|`;
}
