import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { HashedKeys } from '../../src/core/directory/hashed-keys.ts';
import { activityLine, ACTIVITY_COLUMNS, headerLine, MAILBOX_COLUMNS, organisationMailboxLine, personalMailboxLine, shortened, widened } from './lines.ts';
import { applyPersonChanges, drawPersonChanges, RATES, republishedLine } from './next-day.ts';
import { createPersonSource, MEAN_ACTIVITIES, MEAN_MAILBOXES, NOT_IN_ACTIVITY_FILE, STAFF_DOMAIN_KINDS, type MailboxLine, type Person } from './people.ts';
import { DEPARTMENTS, DEPARTMENT_TABLE } from './places.ts';
import { PLACE_KINDS, PROFESSIONS, type PlaceKind } from './professions.ts';
import { createRng, hashText, weightTable, type Rng } from './random.ts';
import { APP_PLACES, ORG_PLACES, ORG_PREFIXES, renamedService, servicesFor } from './services.ts';
import { openSink, type LineSink } from './sink.ts';
import { createStructureSource, MAX_PERSON_INDEX, type Structure, type StructureSource } from './structures.ts';

/**
 * Synthetic national directory extractions for Missive's directory benchmark and tests: the
 * MSSanté mailbox file (`Extraction_Correspondance_MSSante_<stamp>.txt`) and the practitioners'
 * activity file (`PS_LibreAcces_Personne_activite_<stamp>.txt`), in the published formats, at
 * national size by default, seeded (same seed, same bytes), streamed (flat memory). With
 * `nextDay`, the following day's files: the same directory with a few hundred mailboxes closed,
 * opened and changed, and the exact count of each, as an importer comparing the days should find.
 *
 *   node bench/directory/generate.ts --out DIR [--mailboxes N] [--activities N] [--seed S]
 *        [--next-day] [--zip] [--zip-level 0-9] [--lf] [--no-bom] [--bad-lines N] [--json]
 */

const USAGE =
  'usage: node bench/directory/generate.ts --out DIR [--mailboxes N] [--activities N] [--seed S] [--next-day] [--zip] [--zip-level 0-9] [--lf] [--no-bom] [--bad-lines N] [--json]';

export type GenerateOptions = {
  out: string;
  /** Lines of the mailbox file (default 600,000). */
  mailboxes?: number;
  /** Lines of the activity file (default 2,000,000, or 10/3 of `mailboxes` when only that is given). */
  activities?: number;
  seed?: string | number;
  /** Write the day after's files instead of the first day's. */
  nextDay?: boolean;
  /** Each file in a ZIP archive named like the published ones. */
  zip?: boolean;
  /** Deflate level of the archives (default 6). */
  zipLevel?: number;
  /** UTF-8 byte order mark at the start of each file (default true, as published). */
  bom?: boolean;
  /** Line ends (default CRLF, as published). */
  eol?: 'crlf' | 'lf';
  /** Malformed lines (short, or one column too many) added to each file. */
  badLines?: number;
  /** The first day's extraction time (default: early morning of 5 January 2026, from the seed). */
  date?: Date;
  /** Shares of personal, organisational and applicative mailbox lines. */
  kindShares?: { PER: number; ORG: number; APP: number };
  /** Share of addresses published on two lines (default 0.5%). */
  duplicateShare?: number;
};

export type ExpectedDiff = { added: number; changed: number; removed: number };

export type GenerateResult = {
  day: 1 | 2;
  /** AAAAMMJJhhmm of the file names. */
  stamp: string;
  files: string[];
  mailboxFile: string;
  activityFile: string;
  /** Well-formed data lines (header and malformed lines excluded). */
  mailboxLines: number;
  activityLines: number;
  /** Distinct addresses in the mailbox file. */
  addresses: number;
  /** Addresses published on two lines. */
  duplicatedAddresses: number;
  kinds: { PER: number; ORG: number; APP: number };
  /** Distinct practitioners in the activity file. */
  practitioners: number;
  /** Line numbers (the header is line 1) of the malformed lines of each file. */
  badLines: number[];
  activityBadLines: number[];
  /** Next day only: addresses only in the second file, only in the first, and in both with different lines. */
  expectedDiff?: ExpectedDiff;
  /** Text bytes of each file, before any compression. */
  textBytes: { mailboxes: number; activities: number };
  seconds: number;
};

const DEFAULT_MAILBOXES = 600_000;
const DEFAULT_ACTIVITIES = 2_000_000;
const ORG_STREAM = 0x4f52;
const CHANGE_STREAM = 0x4432;
const ORG_CHANGE_STREAM = 0x4f43;
const BAD_STREAM = 0x4241;
/** Practitioners first published on the second day take indexes from here. */
const NEW_PERSON_BASE = 8_500_000;
const NEW_ORG_BASE = 1 << 30;
/** Share of personal records that could be published twice (two activities, one with a structure). */
const DUPLICABLE_SHARE = 0.38;

type OrgRecord = { kind: 'ORG' | 'APP'; domain: string; local: string; lines: { structure: Structure; service: string }[] };

function placeTable(weights: Partial<Record<PlaceKind, number>>) {
  const kinds = PLACE_KINDS.filter((kind) => (weights[kind] ?? 0) > 0);
  return { kinds, table: weightTable(kinds.map((kind) => weights[kind]!)) };
}
const ORG_PLACE_TABLE = placeTable(ORG_PLACES);
const APP_PLACE_TABLE = placeTable(APP_PLACES);
const ORG_PREFIX_TABLE = weightTable(ORG_PREFIXES.map(([, weight]) => weight));

function stampOf(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}`;
}

/**
 * Per-profession probabilities of holding a personal mailbox such that, when the activity file
 * is full, the personal lines are too: both files then cover the same practitioners.
 */
function holderProbabilities(personalLines: number, activityLines: number, duplicateShare: number): number[] {
  const perHolder = MEAN_MAILBOXES * (1 + duplicateShare);
  let rate = 1;
  if (activityLines > 0) {
    rate = 0.3;
    for (let i = 0; i < 20; i++) rate = (personalLines * MEAN_ACTIVITIES * (1 - rate * NOT_IN_ACTIVITY_FILE)) / (activityLines * perHolder);
  }
  const totalShare = PROFESSIONS.reduce((sum, profession) => sum + profession.share, 0);
  const probabilities = (factor: number) => PROFESSIONS.map((profession) => Math.min(0.98, profession.mailboxAffinity * factor));
  const mean = (factor: number) => probabilities(factor).reduce((sum, p, i) => sum + p * PROFESSIONS[i]!.share, 0) / totalShare;
  let low = 0;
  let high = 1000;
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (mean(middle) < rate) low = middle;
    else high = middle;
  }
  return probabilities(high);
}

/** `count` positions in 0..limit (0: right after the header), ascending, repeats allowed. */
function positions(rng: Rng, count: number, limit: number): number[] {
  return Array.from({ length: count }, () => rng.int(limit + 1)).sort((a, b) => a - b);
}

export async function generateDirectoryFiles(options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const mailboxTarget = Math.max(0, Math.floor(options.mailboxes ?? DEFAULT_MAILBOXES));
  const activityTarget = Math.max(0, Math.floor(options.activities ?? (options.mailboxes === undefined ? DEFAULT_ACTIVITIES : Math.round((mailboxTarget * 10) / 3))));
  const root = typeof options.seed === 'number' ? options.seed >>> 0 : hashText(String(options.seed ?? 'missive'));
  const day2 = options.nextDay === true;
  const shares = options.kindShares ?? { PER: 0.85, ORG: 0.12, APP: 0.03 };
  const shareTotal = shares.PER + shares.ORG + shares.APP;
  const personalTarget = Math.round((mailboxTarget * shares.PER) / shareTotal);
  const organisationTarget = mailboxTarget - personalTarget;
  const appFraction = shares.ORG + shares.APP > 0 ? shares.APP / (shares.ORG + shares.APP) : 0;
  const duplicateShare = options.duplicateShare ?? 0.005;

  const scale = Math.max(activityTarget / DEFAULT_ACTIVITIES, mailboxTarget / DEFAULT_MAILBOXES, 1e-6);
  const structures = createStructureSource(root, scale);
  const persons = createPersonSource({
    root,
    structures,
    holderProbability: holderProbabilities(personalTarget, activityTarget, duplicateShare),
    duplicateProbability: Math.min(1, duplicateShare / DUPLICABLE_SHARE),
  });
  // Addresses already given, as 64-bit hashes: 600,000 of them cost a few megabytes.
  const addresses = new HashedKeys();
  const orgRng = createRng();
  const changeRng = createRng();
  const orgChangeRng = createRng();

  const firstDay = options.date ?? new Date(Date.UTC(2026, 0, 5, 2, root % 90));
  const date = day2 ? new Date(firstDay.getTime() + 86_400_000 + (((root >>> 8) % 60) - 20) * 60_000) : firstDay;
  const stamp = stampOf(date);
  await mkdir(options.out, { recursive: true });
  const mailboxName = `Extraction_Correspondance_MSSante_${stamp}`;
  const activityName = `PS_LibreAcces_Personne_activite_${stamp}`;
  const zipOf = (entryName: string) => ({ entryName, modified: date, level: options.zipLevel });
  const mailboxFile = path.join(options.out, `${mailboxName}.${options.zip ? 'zip' : 'txt'}`);
  const activityFile = path.join(options.out, options.zip ? `PS_LibreAcces_${stamp}.zip` : `${activityName}.txt`);
  const sinkOptions = { bom: options.bom !== false, eol: options.eol === 'lf' ? '\n' : '\r\n' };
  const mailboxSink = openSink({ path: mailboxFile, zip: options.zip ? zipOf(`${mailboxName}.txt`) : null }, sinkOptions);
  const activitySink = openSink({ path: activityFile, zip: options.zip ? zipOf(`${activityName}.txt`) : null }, sinkOptions);
  mailboxSink.writeLine(headerLine(MAILBOX_COLUMNS));
  activitySink.writeLine(headerLine(ACTIVITY_COLUMNS));

  // Malformed lines go after the data line of these (first day) numbers, which both days reach.
  const badRng = createRng();
  badRng.reseed(root, BAD_STREAM, 0, 0);
  const mailboxBadAfter = positions(badRng, options.badLines ?? 0, mailboxTarget);
  const activityBadAfter = positions(badRng, options.badLines ?? 0, activityTarget);
  const badLines: number[] = [];
  const activityBadLines: number[] = [];

  const kinds = { PER: 0, ORG: 0, APP: 0 };
  const diff: ExpectedDiff = { added: 0, changed: 0, removed: 0 };
  let distinct = 0;
  let duplicated = 0;
  let practitioners = 0;
  let basePersonal = 0;
  let baseOrganisation = 0;
  let baseActivities = 0;
  let baseRecords = 0;
  let basePractitioners = 0;
  // Malformed activity lines are cut from the last good one (a blank one before any).
  let lastActivity = `8|10000000000|810000000000${'|'.repeat(ACTIVITY_COLUMNS.length - 2)}`;

  /** The first free address among local@domain, local2@domain, local3@domain… */
  function addressOf(set: HashedKeys, local: string, domain: string): string {
    let candidate = `${local}@${domain}`;
    for (let n = 2; set.has(candidate); n++) candidate = `${local}${n}@${domain}`;
    set.set(candidate, 1);
    return candidate;
  }

  function writeMailboxLines(kind: 'PER' | 'ORG' | 'APP', lines: readonly string[]): void {
    for (const line of lines) mailboxSink.writeLine(line);
    kinds[kind] += lines.length;
    distinct++;
    if (lines.length > 1) duplicated++;
  }

  function mailboxBadLine(): void {
    const k = badLines.length;
    const line = organisationMailboxLine('APP', `controle-${k + 1}@ligne-invalide.mssante.fr`, structures.pooled(0, 'CH', 0), 'Contrôle');
    mailboxSink.writeLine(k % 2 === 0 ? shortened(line, 12) : widened(line));
    badLines.push(mailboxSink.lines);
  }

  function afterMailboxData(): void {
    while (badLines.length < mailboxBadAfter.length && mailboxBadAfter[badLines.length]! <= basePersonal + baseOrganisation) mailboxBadLine();
  }

  function afterActivityData(): void {
    while (activityBadLines.length < activityBadAfter.length && activityBadAfter[activityBadLines.length]! <= baseActivities) {
      activitySink.writeLine(activityBadLines.length % 2 === 0 ? shortened(lastActivity, 20) : widened(lastActivity));
      activityBadLines.push(activitySink.lines);
    }
  }

  function organisationRecord(index: number): OrgRecord {
    orgRng.reseed(root, ORG_STREAM, index, 0);
    const kind = orgRng.chance(appFraction) ? 'APP' : 'ORG';
    const places = kind === 'APP' ? APP_PLACE_TABLE : ORG_PLACE_TABLE;
    const place = places.kinds[orgRng.weighted(places.table)]!;
    const department = orgRng.weighted(DEPARTMENT_TABLE);
    const size = structures.poolSize(department, place);
    const u = orgRng.float();
    const poolIndex = Math.min(size - 1, Math.floor(size * u * u));
    const service = orgRng.pick(servicesFor(kind, place));
    const prefix = kind === 'ORG' ? ORG_PREFIXES[orgRng.weighted(ORG_PREFIX_TABLE)]![0] : '';
    const twice = size > 1 && orgRng.chance(duplicateShare);
    const structure = structures.pooled(department, place, poolIndex);
    const local = `${prefix}${service.stem}${structure.siteTag === '' ? '' : `.${structure.siteTag}`}`;
    const lines = [{ structure, service: service.label }];
    if (twice) lines.push({ structure: structures.pooled(department, place, (poolIndex + 1) % size), service: service.label });
    return { kind, domain: structure.domain, local, lines };
  }

  function organisationLines(record: OrgRecord, address: string, count: number, renamed: number | null): string[] {
    return record.lines.slice(0, count).map((line) => organisationMailboxLine(record.kind, address, line.structure, renamed === null ? line.service : renamedService(line.service, renamed)));
  }

  function emitOrganisation(index: number): void {
    const record = organisationRecord(index);
    const count = Math.min(record.lines.length, organisationTarget - baseOrganisation);
    const address = addressOf(addresses, record.local, record.domain);
    baseOrganisation += count;
    baseRecords++;
    if (!day2) {
      writeMailboxLines(record.kind, organisationLines(record, address, count, null));
    } else {
      orgChangeRng.reseed(root, ORG_CHANGE_STREAM, index, 0);
      const remove = orgChangeRng.chance(RATES.orgRemove);
      const change = orgChangeRng.chance(RATES.orgChange);
      const variant = orgChangeRng.int(3);
      if (remove) diff.removed++;
      else {
        if (change) diff.changed++;
        writeMailboxLines(record.kind, organisationLines(record, address, count, change ? variant : null));
      }
    }
    afterMailboxData();
  }

  function catchUpOrganisations(): void {
    const due = personalTarget > 0 ? Math.floor((basePersonal * organisationTarget) / personalTarget) : organisationTarget;
    while (baseOrganisation < due) emitOrganisation(baseOrganisation);
  }

  function emitActivities(person: Person, shown: Person, gone: boolean): void {
    if (!person.inActivityFile || baseActivities >= activityTarget) return;
    let written = 0;
    for (let number = 0; number < person.activities.length && baseActivities < activityTarget; number++) {
      baseActivities++;
      lastActivity = activityLine(shown, shown.activities[number]!);
      if (!gone) {
        activitySink.writeLine(lastActivity);
        written++;
      }
      afterActivityData();
    }
    basePractitioners++;
    if (written > 0) practitioners++;
  }

  afterMailboxData();
  afterActivityData();
  const extras: Person[] = [];
  let index = 0;
  while (basePersonal < personalTarget || baseActivities < activityTarget) {
    if (index >= NEW_PERSON_BASE) throw new Error(`generate: more than ${NEW_PERSON_BASE} practitioners needed; ask for fewer lines or a different mix`);
    const person = persons.person(index);
    let shown = person;
    let changes = null;
    if (day2) {
      changeRng.reseed(root, CHANGE_STREAM, index, 0);
      changes = drawPersonChanges(changeRng, person);
      shown = applyPersonChanges(changeRng, person, changes, structures);
      if (changes.extraMailbox && !changes.leave) extras.push(shown);
    }
    emitActivities(person, shown, changes?.leave === true);
    for (let number = 0; number < person.mailboxes.length && basePersonal < personalTarget; number++) {
      const mailbox = person.mailboxes[number]!;
      const address = addressOf(addresses, mailbox.local, mailbox.domain);
      const slots = mailbox.lines.slice(0, personalTarget - basePersonal);
      basePersonal += slots.length;
      baseRecords++;
      if (changes === null) {
        writeMailboxLines('PER', slots.map((line) => personalMailboxLine(person, line, address)));
      } else if (changes.leave || changes.closes[number]) {
        diff.removed++;
      } else {
        const republish = changes.republishes[number]!;
        const published = slots.map((line) => personalMailboxLine(shown, republish ? republishedLine(changeRng, shown, line) : line, address));
        const before = slots.map((line) => personalMailboxLine(person, line, address));
        if (published.join('\n') !== before.join('\n')) diff.changed++;
        writeMailboxLines('PER', published);
      }
      afterMailboxData();
      catchUpOrganisations();
    }
    index++;
    if (mailboxSink.full) await mailboxSink.flush();
    if (activitySink.full) await activitySink.flush();
  }
  while (baseOrganisation < organisationTarget) emitOrganisation(baseOrganisation);

  if (day2) {
    // Newcomers come last: by then every address of the first day is known, so theirs are new.
    const newHolders = Math.round(baseRecords * RATES.newHolders);
    for (let j = 0; j < newHolders; j++) {
      if (NEW_PERSON_BASE + j > MAX_PERSON_INDEX) break;
      const person = persons.person(NEW_PERSON_BASE + j, true);
      if (person.inActivityFile) {
        for (const activity of person.activities) activitySink.writeLine(activityLine(person, activity));
        practitioners++;
      }
      for (const mailbox of person.mailboxes) {
        const address = addressOf(addresses, mailbox.local, mailbox.domain);
        writeMailboxLines('PER', mailbox.lines.map((line) => personalMailboxLine(person, line, address)));
        diff.added++;
      }
      if (mailboxSink.full) await mailboxSink.flush();
      if (activitySink.full) await activitySink.flush();
    }
    for (const person of extras) {
      // One more mailbox, on a domain the holder has none on yet: a workplace's, else the region's.
      const used = new Set(person.mailboxes.map((mailbox) => mailbox.domain));
      const staff = person.activities.findIndex((activity) => STAFF_DOMAIN_KINDS.has(activity.kind) && !used.has(activity.structure.domain));
      const region = `${DEPARTMENTS[person.departmentIndex]!.region}.mssante.fr`;
      if (staff < 0 && used.has(region)) continue;
      const domain = staff >= 0 ? person.activities[staff]!.structure.domain : region;
      const line: MailboxLine = { activity: staff >= 0 ? staff : 0, service: '' };
      const address = addressOf(addresses, `${person.firstName.slug}.${person.lastName.slug}`, domain);
      writeMailboxLines('PER', [personalMailboxLine(person, line, address)]);
      diff.added++;
    }
    const newOrganisations = Math.round(baseRecords * RATES.newOrganisations);
    for (let j = 0; j < newOrganisations; j++) {
      const record = organisationRecord(NEW_ORG_BASE + j);
      const address = addressOf(addresses, record.local, record.domain);
      writeMailboxLines(record.kind, organisationLines(record, address, record.lines.length, null));
      diff.added++;
    }
    const newPractitioners = Math.round(basePractitioners * RATES.newPractitioners);
    for (let j = 0; j < newPractitioners; j++) {
      const person = persons.person(NEW_PERSON_BASE + newHolders + j, false);
      for (const activity of person.activities) activitySink.writeLine(activityLine(person, activity));
      practitioners++;
      if (activitySink.full) await activitySink.flush();
    }
  }

  await Promise.all([mailboxSink.close(), activitySink.close()]);
  const dataLines = (sink: LineSink, bad: number[]) => sink.lines - 1 - bad.length;
  return {
    day: day2 ? 2 : 1,
    stamp,
    files: [mailboxFile, activityFile],
    mailboxFile,
    activityFile,
    mailboxLines: dataLines(mailboxSink, badLines),
    activityLines: dataLines(activitySink, activityBadLines),
    addresses: distinct,
    duplicatedAddresses: duplicated,
    kinds,
    practitioners,
    badLines,
    activityBadLines,
    ...(day2 ? { expectedDiff: diff } : {}),
    textBytes: { mailboxes: mailboxSink.bytes, activities: activitySink.bytes },
    seconds: (performance.now() - started) / 1000,
  };
}

function positiveInteger(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name}: a whole number is expected, not ${JSON.stringify(text)}`);
  return value;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      mailboxes: { type: 'string' },
      activities: { type: 'string' },
      seed: { type: 'string' },
      'next-day': { type: 'boolean', default: false },
      zip: { type: 'boolean', default: false },
      lf: { type: 'boolean', default: false },
      'no-bom': { type: 'boolean', default: false },
      'bad-lines': { type: 'string' },
      'zip-level': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.out === undefined) throw new Error(USAGE);
  const result = await generateDirectoryFiles({
    out: values.out,
    mailboxes: positiveInteger(values.mailboxes, 'mailboxes'),
    activities: positiveInteger(values.activities, 'activities'),
    seed: values.seed,
    nextDay: values['next-day'],
    zip: values.zip,
    eol: values.lf ? 'lf' : 'crlf',
    bom: !values['no-bom'],
    badLines: positiveInteger(values['bad-lines'], 'bad-lines'),
    zipLevel: positiveInteger(values['zip-level'], 'zip-level'),
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const count = (value: number) => value.toLocaleString('fr-FR');
  console.log(`${result.mailboxFile}`);
  console.log(`  ${count(result.mailboxLines)} lignes / lines (PER ${count(result.kinds.PER)}, ORG ${count(result.kinds.ORG)}, APP ${count(result.kinds.APP)}), ${count(result.addresses)} adresses (${count(result.duplicatedAddresses)} sur deux lignes / on two lines)`);
  console.log(`${result.activityFile}`);
  console.log(`  ${count(result.activityLines)} lignes / lines, ${count(result.practitioners)} professionnels / practitioners`);
  if (result.badLines.length > 0) console.log(`  lignes mal formées / malformed lines: mailboxes ${result.badLines.join(', ')}; activities ${result.activityBadLines.join(', ')}`);
  if (result.expectedDiff) {
    const { added, changed, removed } = result.expectedDiff;
    console.log(`  par rapport à la veille / against the day before: ${count(added)} ajoutées / added, ${count(changed)} modifiées / changed, ${count(removed)} supprimées / removed`);
  }
  console.log(`  ${result.seconds.toFixed(1)} s`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
