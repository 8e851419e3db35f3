import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDirectoryFiles, type GenerateResult } from '../../bench/directory/generate.ts';
import { luhnDigit } from '../../bench/directory/random.ts';
import { addressKeyOrNull } from '../../src/core/address.ts';
import { canonicalDepartment, departmentOfPostcode } from '../../src/core/directory/places.ts';
import { run } from '../support/processes.ts';

// The published headers, written out here so that a drift in the generator shows.
const MAILBOX_HEADER = [
  'Type de BAL', 'Adresse BAL', 'Type Identifiant PP', 'Identifiant PP', 'Identification nationale PP', 'Type identifiant structure',
  'Identification Structure', 'Service de rattachement', "Civilité d'exercice", "Nom d'exercice", "Prénom d'exercice", 'Catégorie profession',
  'Libellé de catégorie profession', 'Code Profession', 'Libellé Profession', 'Code savoir-faire', 'Libellé savoir-faire', 'Dématérialisation',
  'Raison Sociale structure BAL', 'Enseigne commerciale structure BAL', 'L2COMPLEMENTLOCALISATION structure BAL', 'L3COMPLEMENTDISTRIBUTION structure BAL',
  'L4NUMEROVOIE structure BAL', 'L4COMPLEMENTNUMEROVOIE structure BAL', 'NL4TYPEVOIE structure BAL', 'L4LIBELLEVOIE structure BAL',
  'L5LIEUDITMENTION structure BAL', 'L6LIGNEACHEMINEMENT structure BAL', 'Code postal structure BAL', 'Département structure BAL', 'Pays structure BAL',
];
const ACTIVITY_HEADER = [
  "Type d'identifiant PP", 'Identifiant PP', 'Identification nationale PP', "Code civilité d'exercice", "Libellé civilité d'exercice", 'Code civilité',
  'Libellé civilité', "Nom d'exercice", "Prénom d'exercice", 'Code profession', 'Libellé profession', 'Code catégorie professionnelle',
  'Libellé catégorie professionnelle', 'Code type savoir-faire', 'Libellé type savoir-faire', 'Code savoir-faire', 'Libellé savoir-faire',
  'Code mode exercice', 'Libellé mode exercice', 'Numéro SIRET site', 'Numéro SIREN site', 'Numéro FINESS site', 'Numéro FINESS établissement juridique',
  'Identifiant technique de la structure', 'Raison sociale site', 'Enseigne commerciale site', 'Complément destinataire (coord. structure)',
  'Complément point géographique (coord. structure)', 'Numéro Voie (coord. structure)', 'Indice répétition voie (coord. structure)',
  'Code type de voie (coord. structure)', 'Libellé type de voie (coord. structure)', 'Libellé Voie (coord. structure)',
  'Mention distribution (coord. structure)', 'Bureau cedex (coord. structure)', 'Code postal (coord. structure)', 'Code commune (coord. structure)',
  'Libellé commune (coord. structure)', 'Code pays (coord. structure)', 'Libellé pays (coord. structure)', 'Téléphone (coord. structure)',
  'Téléphone 2 (coord. structure)', 'Télécopie (coord. structure)', 'Adresse e-mail (coord. structure)', 'Code Département (structure)',
  'Libellé Département (structure)', 'Ancien identifiant de la structure', "Autorité d'enregistrement", "Code secteur d'activité",
  "Libellé secteur d'activité", 'Code section tableau pharmaciens', 'Libellé section tableau pharmaciens', 'Code rôle', 'Libellé rôle',
  'Code genre activité', 'Libellé genre activité',
];

type Table = { bom: boolean; crlf: boolean; bareLf: boolean; header: string[]; rows: string[][]; lines: string[] };

/** Reads an extraction as published: optional BOM, CRLF or LF, '|' fields with a trailing '|'. */
function readTable(file: string): Table {
  const bytes = readFileSync(file);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = bytes.subarray(bom ? 3 : 0).toString('utf8');
  const crlf = text.includes('\r\n');
  const bareLf = /[^\r]\n/.test(text);
  const lines = text.split(crlf ? '\r\n' : '\n');
  assert.equal(lines.pop(), '', `${path.basename(file)} ends with a line end`);
  const header = lines[0]!.split('|');
  assert.equal(header.pop(), '', 'the header ends with a trailing |');
  return { bom, crlf, bareLf, header, rows: lines.slice(1).map((line) => line.split('|')), lines };
}

const column = (table: Table, name: string) => {
  const index = table.header.indexOf(name);
  assert.ok(index >= 0, `column ${name}`);
  return (row: string[]) => row[index]!;
};

/** Address → its lines, sorted: what an importer comparing two days keys on. */
function linesByAddress(table: Table): Map<string, string> {
  const grouped = new Map<string, string[]>();
  for (const row of table.rows) {
    if (row.length !== table.header.length + 1) continue;
    const list = grouped.get(row[1]!) ?? [];
    list.push(row.join('|'));
    grouped.set(row[1]!, list);
  }
  return new Map([...grouped].map(([address, lines]) => [address, lines.sort().join('\n')]));
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

const root = mkdtempSync(path.join(os.tmpdir(), 'missive-directory-generate-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('synthetic directory extractions, first day', () => {
  let result: GenerateResult;
  let mailboxes: Table;
  let activities: Table;
  before(async () => {
    result = await generateDirectoryFiles({ out: path.join(root, 'day1'), mailboxes: 2000, seed: 'test' });
    mailboxes = readTable(result.mailboxFile);
    activities = readTable(result.activityFile);
  });

  it('names the files like the published ones and writes the asked number of lines', () => {
    assert.match(path.basename(result.mailboxFile), /^Extraction_Correspondance_MSSante_\d{12}\.txt$/);
    assert.match(path.basename(result.activityFile), /^PS_LibreAcces_Personne_activite_\d{12}\.txt$/);
    assert.equal(result.mailboxLines, 2000);
    assert.equal(result.activityLines, Math.round((2000 * 10) / 3));
    assert.equal(mailboxes.rows.length, 2000);
    assert.equal(activities.rows.length, result.activityLines);
  });

  it('writes the exact headers, a BOM and CRLF line ends', () => {
    assert.deepEqual(mailboxes.header, MAILBOX_HEADER);
    assert.deepEqual(activities.header, ACTIVITY_HEADER);
    for (const table of [mailboxes, activities]) {
      assert.ok(table.bom);
      assert.ok(table.crlf);
      assert.ok(!table.bareLf, 'no bare LF');
    }
  });

  it('gives every line the header width plus the trailing empty field', () => {
    for (const table of [mailboxes, activities]) {
      for (const row of table.rows) {
        assert.equal(row.length, table.header.length + 1, row.join('|'));
        assert.equal(row.at(-1), '');
      }
    }
  });

  it('mixes the kinds of mailboxes and publishes a few addresses twice', () => {
    const kind = column(mailboxes, 'Type de BAL');
    const counts = { PER: 0, ORG: 0, APP: 0 } as Record<string, number>;
    for (const row of mailboxes.rows) counts[kind(row)]!++;
    assert.deepEqual(counts, result.kinds);
    assert.equal(counts.PER, 1700);
    assert.ok(counts.ORG! > counts.APP! && counts.APP! > 0);
    const addresses = linesByAddress(mailboxes);
    assert.equal(addresses.size, result.addresses);
    const twice = [...addresses.values()].filter((lines) => lines.includes('\n')).length;
    assert.equal(twice, result.duplicatedAddresses);
    assert.ok(twice > 0 && twice < 40, `${twice} addresses on two lines`);
  });

  it('writes addresses the importer accepts, on MSSanté domains', () => {
    for (const address of linesByAddress(mailboxes).keys()) {
      assert.notEqual(addressKeyOrNull(address), null, address);
      assert.match(address, /^[a-z0-9][a-z0-9.-]*@[a-z0-9-]+(\.[a-z0-9-]+)*\.mssante\.fr$/);
    }
  });

  it('identifies practitioners by RPPS (mostly) or ADELI, the national id being type + id', () => {
    const type = column(mailboxes, 'Type Identifiant PP');
    const id = column(mailboxes, 'Identifiant PP');
    const national = column(mailboxes, 'Identification nationale PP');
    const kind = column(mailboxes, 'Type de BAL');
    let rpps = 0;
    for (const row of mailboxes.rows) {
      if (kind(row) !== 'PER') {
        assert.equal(type(row) + id(row) + national(row), '', 'no practitioner on ORG/APP lines');
        continue;
      }
      assert.equal(national(row), type(row) + id(row));
      if (type(row) === '8') {
        rpps++;
        assert.match(id(row), /^10\d{9}$/);
        assert.equal(luhnDigit(id(row).slice(0, 10)), id(row).slice(10), `RPPS key of ${id(row)}`);
      } else {
        assert.equal(type(row), '0');
        assert.match(id(row), /^\d{9}$/);
      }
    }
    assert.ok(rpps > 0.9 * result.kinds.PER);
  });

  it('lists most mailbox holders in the activity file, under the same names', () => {
    const names = new Map<string, string>();
    const activityId = column(activities, 'Identification nationale PP');
    const activityLast = column(activities, "Nom d'exercice");
    const activityFirst = column(activities, "Prénom d'exercice");
    for (const row of activities.rows) names.set(activityId(row), `${activityLast(row)} ${activityFirst(row)}`);
    const national = column(mailboxes, 'Identification nationale PP');
    const last = column(mailboxes, "Nom d'exercice");
    const first = column(mailboxes, "Prénom d'exercice");
    const holders = new Set(mailboxes.rows.map(national).filter(Boolean));
    let found = 0;
    for (const row of mailboxes.rows) {
      const known = names.get(national(row));
      if (known === undefined) continue;
      assert.equal(known, `${last(row)} ${first(row)}`);
    }
    for (const holder of holders) if (names.has(holder)) found++;
    assert.ok(found >= 0.9 * holders.size, `${found} of ${holders.size} holders in the activity file`);
    assert.ok(names.size > 2 * holders.size, 'many practitioners have no mailbox');
    assert.equal(names.size, result.practitioners);
  });

  it('writes French names with accents, apostrophes, particles and hyphens', () => {
    const last = column(activities, "Nom d'exercice");
    const first = column(activities, "Prénom d'exercice");
    const surnames = activities.rows.map(last);
    const firstNames = activities.rows.map(first);
    assert.ok(surnames.some((name) => /[ÉÈÊËÀÂÎÏÔÖÛÜÇ]/.test(name)), 'accented capitals in surnames');
    assert.ok(firstNames.some((name) => /[éèêëàâîïôöûüçÉ]/.test(name)), 'accented first names');
    assert.ok(surnames.some((name) => /^(LE|LA|DE|DU|DA|DOS|EL|BEN) /.test(name)), 'a surname with a particle');
    assert.ok(surnames.some((name) => /^[A-Z]+'[A-Z]/.test(name)), 'a surname with an apostrophe');
    assert.ok(surnames.some((name) => /^[A-ZÀ-Ý' ]+-[A-ZÀ-Ý]/.test(name)), 'a hyphenated surname');
    assert.ok(surnames.every((name) => name === name.toUpperCase() && name.trim() === name && name !== ''));
    const martins = activities.rows.filter((row) => last(row) === 'MARTIN').length;
    const lozere = activities.rows.filter((row) => column(activities, 'Code Département (structure)')(row) === '48').length;
    assert.ok(martins > 0.002 * activities.rows.length, 'frequent names are frequent');
    const paris = activities.rows.filter((row) => column(activities, 'Code Département (structure)')(row) === '75').length;
    assert.ok(paris > 10 * lozere, 'Paris weighs more than Lozère');
  });

  it('writes real profession codes and doctors’ specialities, and postcodes matching departments', () => {
    const profession = column(activities, 'Code profession');
    const label = column(activities, 'Libellé profession');
    const speciality = column(activities, 'Code savoir-faire');
    const postcode = column(activities, 'Code postal (coord. structure)');
    const department = column(activities, 'Code Département (structure)');
    const labels = new Map(activities.rows.map((row) => [profession(row), label(row)]));
    assert.equal(labels.get('10'), 'Médecin');
    assert.equal(labels.get('60'), 'Infirmier');
    assert.equal(labels.get('21'), 'Pharmacien');
    assert.equal(labels.get('70'), 'Masseur-Kinésithérapeute');
    for (const row of activities.rows) {
      if (profession(row) === '10') assert.match(speciality(row), /^SM\d\d$/);
      assert.equal(canonicalDepartment(department(row)), department(row));
      assert.equal(departmentOfPostcode(postcode(row)), department(row), `${postcode(row)} in ${department(row)}`);
    }
    const general = activities.rows.filter((row) => speciality(row) === 'SM26').length;
    assert.ok(general > 0, 'general practice (SM26) is there');
  });
});

describe('synthetic directory extractions, options', () => {
  it('gives the same bytes for the same seed, other bytes for another', async () => {
    const options = { mailboxes: 600, activities: 1500, badLines: 2 };
    const first = await generateDirectoryFiles({ ...options, out: path.join(root, 'same-a'), seed: 7 });
    const second = await generateDirectoryFiles({ ...options, out: path.join(root, 'same-b'), seed: 7 });
    const other = await generateDirectoryFiles({ ...options, out: path.join(root, 'other'), seed: 8 });
    assert.deepEqual(first.files.map((file) => path.basename(file)), second.files.map((file) => path.basename(file)));
    assert.deepEqual(first.files.map(sha256), second.files.map(sha256));
    assert.notDeepEqual(first.files.map(sha256), other.files.map(sha256));
  });

  it('writes LF line ends and no BOM when asked', async () => {
    const result = await generateDirectoryFiles({ out: path.join(root, 'lf'), mailboxes: 300, activities: 700, eol: 'lf', bom: false });
    for (const file of result.files) {
      const table = readTable(file);
      assert.ok(!table.bom);
      assert.ok(!table.crlf);
      assert.equal(table.rows.length, file === result.mailboxFile ? 300 : 700);
    }
  });

  it('puts malformed lines exactly where it says, besides the asked good lines', async () => {
    const result = await generateDirectoryFiles({ out: path.join(root, 'bad'), mailboxes: 1000, activities: 2500, badLines: 5, seed: 'bad' });
    assert.equal(result.badLines.length, 5);
    assert.equal(result.activityBadLines.length, 5);
    for (const [file, reported, good] of [
      [result.mailboxFile, result.badLines, 1000],
      [result.activityFile, result.activityBadLines, 2500],
    ] as const) {
      const table = readTable(file);
      // Line numbers count the header as line 1.
      const malformed = table.rows.flatMap((row, index) => (row.length === table.header.length + 1 && row.at(-1) === '' ? [] : [index + 2]));
      assert.deepEqual(malformed, reported);
      assert.equal(table.rows.length - malformed.length, good);
      const kinds = malformed.map((line) => (table.lines[line - 1]!.split('|').length < table.header.length ? 'short' : 'wide'));
      assert.ok(kinds.includes('short') && kinds.includes('wide'));
    }
  });

  it('packs each file in a ZIP named like the published ones, readable by Python', async () => {
    const plain = await generateDirectoryFiles({ out: path.join(root, 'plain'), mailboxes: 800, activities: 2000, seed: 'zip' });
    const zipped = await generateDirectoryFiles({ out: path.join(root, 'zipped'), mailboxes: 800, activities: 2000, seed: 'zip', zip: true });
    const stamp = zipped.stamp;
    assert.deepEqual(zipped.files.map((file) => path.basename(file)), [`Extraction_Correspondance_MSSante_${stamp}.zip`, `PS_LibreAcces_${stamp}.zip`]);
    const script = [
      'import hashlib, sys, zipfile',
      'for name in sys.argv[1:]:',
      '    archive = zipfile.ZipFile(name)',
      '    assert archive.testzip() is None',
      '    for info in archive.infolist():',
      '        print(info.filename, info.compress_type, hashlib.sha256(archive.read(info)).hexdigest())',
    ].join('\n');
    const listing = execFileSync('python3', ['-c', script, ...zipped.files], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listing, [
      `Extraction_Correspondance_MSSante_${stamp}.txt 8 ${sha256(plain.mailboxFile)}`,
      `PS_LibreAcces_Personne_activite_${stamp}.txt 8 ${sha256(plain.activityFile)}`,
    ]);
  });

  it('runs from the command line and reports in JSON', async () => {
    const out = path.join(root, 'cli');
    const { code, stdout, stderr } = await run(['bench/directory/generate.ts', '--out', out, '--mailboxes', '400', '--activities', '900', '--lf', '--json']);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as GenerateResult;
    assert.equal(report.mailboxLines, 400);
    assert.equal(report.activityLines, 900);
    assert.equal(readTable(report.mailboxFile).rows.length, 400);
    const refused = await run(['bench/directory/generate.ts', '--out', out, '--mailboxes', 'many']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /--mailboxes/);
  });
});

describe('synthetic directory extractions, next day', () => {
  let first: GenerateResult;
  let second: GenerateResult;
  before(async () => {
    const out = path.join(root, 'days');
    first = await generateDirectoryFiles({ out, mailboxes: 5000, seed: 'days' });
    second = await generateDirectoryFiles({ out, mailboxes: 5000, seed: 'days', nextDay: true });
  });

  it('writes the following day’s files under a later stamp', () => {
    assert.equal(first.day, 1);
    assert.equal(second.day, 2);
    assert.ok(second.stamp > first.stamp);
    assert.ok(second.stamp.startsWith('20260106'));
    assert.equal(first.expectedDiff, undefined);
  });

  it('announces exactly the added, changed and removed addresses a comparison finds', () => {
    const before = linesByAddress(readTable(first.mailboxFile));
    const after = linesByAddress(readTable(second.mailboxFile));
    let added = 0;
    let removed = 0;
    let changed = 0;
    for (const [address, lines] of after) {
      if (!before.has(address)) added++;
      else if (before.get(address) !== lines) changed++;
    }
    for (const address of before.keys()) if (!after.has(address)) removed++;
    assert.deepEqual({ added, changed, removed }, second.expectedDiff);
    // About 0.5%, 1% and 0.3% of 5,000 addresses.
    assert.ok(added >= 10 && added <= 60, `added ${added}`);
    assert.ok(changed >= 20 && changed <= 100, `changed ${changed}`);
    assert.ok(removed >= 4 && removed <= 40, `removed ${removed}`);
  });

  it('keeps the activity file in step: removed holders gone, renamed ones renamed there too', () => {
    const names = new Map<string, string>();
    const activities = readTable(second.activityFile);
    const id = column(activities, 'Identification nationale PP');
    const last = column(activities, "Nom d'exercice");
    for (const row of activities.rows) names.set(id(row), last(row));
    const mailboxes = readTable(second.mailboxFile);
    const national = column(mailboxes, 'Identification nationale PP');
    const surname = column(mailboxes, "Nom d'exercice");
    let checked = 0;
    for (const row of mailboxes.rows) {
      const known = names.get(national(row));
      if (known === undefined) continue;
      assert.equal(known, surname(row), national(row));
      checked++;
    }
    assert.ok(checked > 0.9 * second.kinds.PER);
    const firstIds = new Set(readTable(first.activityFile).rows.map(column(activities, 'Identification nationale PP')));
    const gone = [...firstIds].filter((value) => !names.has(value)).length;
    const arrived = [...names.keys()].filter((value) => !firstIds.has(value)).length;
    assert.ok(gone > 0, 'some practitioners left');
    assert.ok(arrived > 0, 'some practitioners arrived');
  });
});
