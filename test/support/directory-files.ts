import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** The columns of the national mailbox extraction, in the order the real file has them. */
export const MAILBOX_COLUMNS = [
  'Type de BAL', 'Adresse BAL', 'Type Identifiant PP', 'Identifiant PP', 'Identification nationale PP',
  'Type identifiant structure', 'Identification Structure', 'Service de rattachement', "Civilité d'exercice",
  "Nom d'exercice", "Prénom d'exercice", 'Catégorie profession', 'Libellé de catégorie profession', 'Code Profession',
  'Libellé Profession', 'Code savoir-faire', 'Libellé savoir-faire', 'Dématérialisation', 'Raison Sociale structure BAL',
  'Enseigne commerciale structure BAL', 'L2COMPLEMENTLOCALISATION structure BAL', 'L3COMPLEMENTDISTRIBUTION structure BAL',
  'L4NUMEROVOIE structure BAL', 'L4COMPLEMENTNUMEROVOIE structure BAL', 'NL4TYPEVOIE structure BAL', 'L4LIBELLEVOIE structure BAL',
  'L5LIEUDITMENTION structure BAL', 'L6LIGNEACHEMINEMENT structure BAL', 'Code postal structure BAL', 'Département structure BAL',
  'Pays structure BAL',
];

export const ACTIVITY_COLUMNS = [
  "Type d'identifiant PP", 'Identifiant PP', 'Identification nationale PP', 'Code civilité d\'exercice', "Libellé civilité d'exercice",
  "Nom d'exercice", "Prénom d'exercice", 'Code profession', 'Libellé profession', 'Code catégorie professionnelle',
  'Code savoir-faire', 'Libellé savoir-faire', 'Code mode exercice', 'Numéro SIRET site', 'Numéro FINESS site',
  'Raison sociale site', 'Code postal (coord. structure)', 'Libellé commune (coord. structure)', 'Téléphone (coord. structure)',
  'Adresse e-mail (coord. structure)', 'Code Département (structure)',
];

export type Row = Record<string, string>;
export type FileStyle = { bom?: boolean; crlf?: boolean; trailingPipe?: boolean; columns?: string[] };

/** Writes an extraction the way the national files are written (BOM, CRLF, trailing `|` by default). */
export function writeExtraction(dir: string, name: string, columns: string[], rows: (Row | string)[], style: FileStyle = {}): string {
  const order = style.columns ?? columns;
  const end = style.trailingPipe === false ? '' : '|';
  const newline = style.crlf === false ? '\n' : '\r\n';
  const lines = [order.join('|') + end, ...rows.map((row) => (typeof row === 'string' ? row : order.map((column) => row[column] ?? '').join('|') + end))];
  const file = path.join(dir, name);
  writeFileSync(file, `${style.bom === false ? '' : '\ufeff'}${lines.join(newline)}${newline}`);
  return file;
}

export function person(fields: { address: string; rpps: string; last: string; first: string; civility?: string; profession?: [string, string]; speciality?: [string, string]; structure?: [string, string]; postcode?: string; city?: string }): Row {
  return {
    'Type de BAL': 'PER',
    'Adresse BAL': fields.address,
    'Type Identifiant PP': '8',
    'Identifiant PP': fields.rpps,
    'Identification nationale PP': `8${fields.rpps}`,
    "Civilité d'exercice": fields.civility ?? 'DR',
    "Nom d'exercice": fields.last,
    "Prénom d'exercice": fields.first,
    'Code Profession': fields.profession?.[0] ?? '10',
    'Libellé Profession': fields.profession?.[1] ?? 'Médecin',
    'Code savoir-faire': fields.speciality?.[0] ?? '',
    'Libellé savoir-faire': fields.speciality?.[1] ?? '',
    'Type identifiant structure': fields.structure ? '1' : '',
    'Identification Structure': fields.structure?.[0] ?? '',
    'Raison Sociale structure BAL': fields.structure?.[1] ?? '',
    'L6LIGNEACHEMINEMENT structure BAL': fields.postcode ? `${fields.postcode} ${fields.city ?? ''}`.trim() : '',
    'Code postal structure BAL': fields.postcode ?? '',
    'Pays structure BAL': fields.postcode ? 'FR' : '',
  };
}

export function service(fields: { address: string; kind?: 'ORG' | 'APP'; name: string; structure: [string, string]; postcode: string; city: string }): Row {
  return {
    'Type de BAL': fields.kind ?? 'ORG',
    'Adresse BAL': fields.address,
    'Type identifiant structure': '1',
    'Identification Structure': fields.structure[0],
    'Raison Sociale structure BAL': fields.structure[1],
    'Service de rattachement': fields.name,
    'L6LIGNEACHEMINEMENT structure BAL': `${fields.postcode} ${fields.city}`,
    'Code postal structure BAL': fields.postcode,
    'Pays structure BAL': 'FR',
  };
}

export function activity(fields: { rpps: string; last: string; first: string; site: string; postcode: string; city: string; phone?: string }): Row {
  return {
    "Type d'identifiant PP": '8',
    'Identifiant PP': fields.rpps,
    'Identification nationale PP': `8${fields.rpps}`,
    "Nom d'exercice": fields.last,
    "Prénom d'exercice": fields.first,
    'Code profession': '10',
    'Libellé profession': 'Médecin',
    'Raison sociale site': fields.site,
    'Code postal (coord. structure)': fields.postcode,
    'Libellé commune (coord. structure)': fields.city,
    'Téléphone (coord. structure)': fields.phone ?? '',
  };
}
