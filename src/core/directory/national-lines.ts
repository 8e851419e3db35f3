import { createHash } from 'node:crypto';
import { addressKeyOrNull } from '../address.ts';
import { column, fieldCount, type Header } from './columns.ts';
import { canonicalDepartment, departmentOfPostcode } from './places.ts';

/** The kinds a national mailbox line may carry (CAB: liberal practices, being introduced). */
export const DIRECTORY_KINDS = ['PER', 'ORG', 'APP', 'CAB'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

/** One mailbox of `Extraction_Correspondance_MSSante_*`, as the directory keeps it. */
export type MailboxRecord = {
  address: string;
  addressKey: string;
  kind: DirectoryKind;
  ppIdType: string | null;
  ppId: string | null;
  nationalId: string | null;
  civility: string | null;
  lastName: string | null;
  firstName: string | null;
  professionCode: string | null;
  professionLabel: string | null;
  categoryCode: string | null;
  specialityCode: string | null;
  specialityLabel: string | null;
  structureIdType: string | null;
  structureId: string | null;
  structureName: string | null;
  service: string | null;
  street: string | null;
  city: string | null;
  postcode: string | null;
  department: string | null;
  country: string | null;
};

/** One activity of `PS_LibreAcces_Personne_activite_*`: where and as what a practitioner works. */
export type ActivityRecord = {
  nationalId: string;
  professionCode: string | null;
  professionLabel: string | null;
  specialityCode: string | null;
  specialityLabel: string | null;
  modeCode: string | null;
  siret: string | null;
  finess: string | null;
  siteName: string | null;
  postcode: string | null;
  city: string | null;
  department: string | null;
  phone: string | null;
  email: string | null;
};

export type FileKind = 'mailboxes' | 'activities';
export type Parsed<T> = { ok: true; record: T } | { ok: false; reason: string };

/** Which extraction a header belongs to, or null: the header says it, whatever the file name. */
export function fileKindOf(header: Header): FileKind | null {
  if (header.positions.has('Adresse BAL') && header.positions.has('Type de BAL')) return 'mailboxes';
  if (header.positions.has('Identifiant PP') && header.positions.has('Code profession') && !header.positions.has('Adresse BAL')) return 'activities';
  return null;
}

const orNull = (value: string): string | null => (value === '' ? null : value);

/** National id: as written, else the identifier type digit followed by the identifier (8 + RPPS, 0 + ADELI). */
function nationalId(type: string, id: string, national: string): string | null {
  if (national !== '') return national;
  if (type !== '' && id !== '') return `${type}${id}`;
  return null;
}

function placeOf(postcodeText: string, departmentText: string): { postcode: string | null; department: string | null } {
  const postcode = /^\d{5}$/.test(postcodeText) ? postcodeText : null;
  const department = canonicalDepartment(departmentText) ?? (postcode ? departmentOfPostcode(postcode) : null);
  return { postcode, department };
}

export function mailboxLineReader(header: Header): (fields: string[]) => Parsed<MailboxRecord> {
  const c = (name: string) => column(header, name);
  const kind = c('Type de BAL');
  const address = c('Adresse BAL');
  const ppType = c('Type Identifiant PP');
  const ppId = c('Identifiant PP');
  const national = c('Identification nationale PP');
  const structureType = c('Type identifiant structure');
  const structureId = c('Identification Structure');
  const service = c('Service de rattachement');
  const civility = c("Civilité d'exercice");
  const lastName = c("Nom d'exercice");
  const firstName = c("Prénom d'exercice");
  const category = c('Catégorie profession');
  const professionCode = c('Code Profession');
  const professionLabel = c('Libellé Profession');
  const specialityCode = c('Code savoir-faire');
  const specialityLabel = c('Libellé savoir-faire');
  const company = c('Raison Sociale structure BAL');
  const brand = c('Enseigne commerciale structure BAL');
  const streetParts = [
    c('L2COMPLEMENTLOCALISATION structure BAL'),
    c('L3COMPLEMENTDISTRIBUTION structure BAL'),
    c('L4NUMEROVOIE structure BAL'),
    c('L4COMPLEMENTNUMEROVOIE structure BAL'),
    c('NL4TYPEVOIE structure BAL'),
    c('L4LIBELLEVOIE structure BAL'),
    c('L5LIEUDITMENTION structure BAL'),
  ];
  const delivery = c('L6LIGNEACHEMINEMENT structure BAL');
  const postcode = c('Code postal structure BAL');
  const department = c('Département structure BAL');
  const country = c('Pays structure BAL');
  return (fields) => {
    const kindText = kind(fields).toUpperCase();
    if (!(DIRECTORY_KINDS as readonly string[]).includes(kindText)) return { ok: false, reason: `unknown mailbox kind ${JSON.stringify(kindText.slice(0, 20))}` };
    const addressText = address(fields);
    const key = addressKeyOrNull(addressText);
    if (key === null) return { ok: false, reason: `not a mailbox address: ${JSON.stringify(addressText.slice(0, 80))}` };
    const place = placeOf(postcode(fields), department(fields));
    const deliveryLine = delivery(fields);
    const street = streetParts.map((part) => part(fields)).filter(Boolean).join(' ');
    return {
      ok: true,
      record: {
        address: addressText,
        addressKey: key,
        kind: kindText as DirectoryKind,
        ppIdType: orNull(ppType(fields)),
        ppId: orNull(ppId(fields)),
        nationalId: nationalId(ppType(fields), ppId(fields), national(fields)),
        civility: orNull(civility(fields)),
        lastName: orNull(lastName(fields)),
        firstName: orNull(firstName(fields)),
        professionCode: orNull(professionCode(fields)),
        professionLabel: orNull(professionLabel(fields)),
        categoryCode: orNull(category(fields)),
        specialityCode: orNull(specialityCode(fields)),
        specialityLabel: orNull(specialityLabel(fields)),
        structureIdType: orNull(structureType(fields)),
        structureId: orNull(structureId(fields)),
        structureName: orNull(company(fields)) ?? orNull(brand(fields)),
        service: orNull(service(fields)),
        street: orNull(street),
        // "35000 RENNES CEDEX": the postcode has its own column.
        city: orNull(deliveryLine.replace(/^\d{5}\s*/, '')),
        postcode: place.postcode,
        department: place.department,
        country: orNull(country(fields)),
      },
    };
  };
}

export function activityLineReader(header: Header): (fields: string[]) => Parsed<ActivityRecord> {
  const c = (name: string) => column(header, name);
  const ppType = c("Type d'identifiant PP");
  const ppId = c('Identifiant PP');
  const national = c('Identification nationale PP');
  const professionCode = c('Code profession');
  const professionLabel = c('Libellé profession');
  const specialityCode = c('Code savoir-faire');
  const specialityLabel = c('Libellé savoir-faire');
  const mode = c('Code mode exercice');
  const siret = c('Numéro SIRET site');
  const finess = c('Numéro FINESS site');
  const site = c('Raison sociale site');
  const postcode = c('Code postal (coord. structure)');
  const city = c('Libellé commune (coord. structure)');
  const phone = c('Téléphone (coord. structure)');
  const email = c('Adresse e-mail (coord. structure)');
  const department = c('Code Département (structure)');
  return (fields) => {
    const id = nationalId(ppType(fields), ppId(fields), national(fields));
    if (id === null) return { ok: false, reason: 'no practitioner identifier' };
    const place = placeOf(postcode(fields), department(fields));
    return {
      ok: true,
      record: {
        nationalId: id,
        professionCode: orNull(professionCode(fields)),
        professionLabel: orNull(professionLabel(fields)),
        specialityCode: orNull(specialityCode(fields)),
        specialityLabel: orNull(specialityLabel(fields)),
        modeCode: orNull(mode(fields)),
        siret: orNull(siret(fields)),
        finess: orNull(finess(fields)),
        siteName: orNull(site(fields)),
        postcode: place.postcode,
        city: orNull(city(fields)),
        department: place.department,
        phone: orNull(phone(fields)),
        email: orNull(email(fields)),
      },
    };
  };
}

/**
 * For the activity file, most of whose lines are practitioners without a mailbox: the line's
 * national id read without splitting the line, or undefined when the line is not plainly well
 * formed (wrong width, no identifier) and must go through the full reader to be reported.
 */
export function activityHolderPeek(header: Header): (line: string) => string | undefined {
  const width = header.names.length;
  const wanted = [header.positions.get("Type d'identifiant PP") ?? -1, header.positions.get('Identifiant PP') ?? -1, header.positions.get('Identification nationale PP') ?? -1];
  return (line) => {
    const values = ['', '', ''];
    let field = 0;
    let start = 0;
    for (;;) {
      const end = line.indexOf('|', start);
      const stop = end === -1 ? line.length : end;
      for (let w = 0; w < 3; w++) if (wanted[w] === field) values[w] = line.slice(start, stop).trim();
      field++;
      if (end === -1) break;
      start = end + 1;
    }
    if (fieldCount(header, field, line.endsWith('|')) !== width) return undefined;
    return nationalId(values[0]!, values[1]!, values[2]!) ?? undefined;
  };
}

/** A digest of everything the directory shows of a mailbox: equal digests, unchanged entry. */
export function fingerprintOf(record: MailboxRecord): string {
  return createHash('sha256').update(JSON.stringify(Object.values(record))).digest('base64url').slice(0, 22);
}
