import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { importDirectory } from '../../src/services/directory/import/importer.ts';
import { reloadDirectory } from '../../src/services/directory/directory-index.ts';
import { searchDirectory } from '../../src/services/directory/search.ts';
import { activeGeneration } from '../../src/store/repositories/directory.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { ACTIVITY_COLUMNS, activity, MAILBOX_COLUMNS, person, service, writeExtraction } from '../support/directory-files.ts';
import { expectCode } from '../support/fixtures.ts';

function workDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-directory-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const MARTIN = person({ address: 'eloise.martin@ch-rennes.mssante.fr', rpps: '10100271385', last: 'MARTIN', first: 'Éloïse', speciality: ['SM04', 'Cardiologie et maladies vasculaires'], structure: ['350005179', 'CHU DE RENNES'], postcode: '35033', city: 'RENNES CEDEX 9' });
const LE_GALL = person({ address: 'yann.legall@medecin.mssante.fr', rpps: '10100000017', last: 'LE GALL-MÜLLER', first: 'Yann', postcode: '29200', city: 'BREST' });
const NDIAYE = person({ address: 'awa.ndiaye@medecin.mssante.fr', rpps: '10100000025', last: "N'DIAYE", first: 'Awa', civility: 'MME', profession: ['60', 'Infirmier'] });
const CARDIO = service({ address: 'cardiologie@ch-rennes.mssante.fr', name: 'Service de cardiologie', structure: ['350005179', 'CHU DE RENNES'], postcode: '35033', city: 'RENNES CEDEX 9' });

async function search(rt: TestRuntime, q: string, filters = {}) {
  return (await searchDirectory(rt.ctx, 'nobody', { q, filters, page: 1, limit: 50 })).entries.map((entry) => entry.address);
}

engineTest('directory import: BOM, CRLF, trailing |, columns in another order, an unknown column; then searchable', async (t, rt) => {
  const dir = workDir(t);
  const reordered = ['Colonne ajoutée en 2027', ...[...MAILBOX_COLUMNS].reverse()];
  const mailboxes = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [MARTIN, LE_GALL, NDIAYE, CARDIO], { columns: reordered });
  const activities = writeExtraction(dir, 'PS_LibreAcces_Personne_activite_202612040300.txt', ACTIVITY_COLUMNS, [
    activity({ rpps: '10100271385', last: 'MARTIN', first: 'Éloïse', site: 'CHU DE RENNES', postcode: '35033', city: 'Rennes', phone: '0299284321' }),
    activity({ rpps: '19999999999', last: 'SANSBAL', first: 'Paul', site: 'Cabinet', postcode: '75011', city: 'Paris' }),
  ], { crlf: false, trailingPipe: false, bom: false });
  // Activities first on the command line: mailboxes are read first all the same.
  const report = await importDirectory(rt.ctx, [activities, mailboxes]);
  assert.equal(report.entries, 4);
  assert.equal(report.activities, 1);
  assert.deepEqual([report.added, report.changed, report.removed], [4, 0, 0]);
  assert.deepEqual(report.badLines, []);
  assert.equal(report.files.find((file) => file.kind === 'activities')?.withoutMailbox, 1);

  assert.deepEqual(await search(rt, 'eloise'), ['eloise.martin@ch-rennes.mssante.fr']);
  assert.deepEqual(await search(rt, 'le gall'), ['yann.legall@medecin.mssante.fr']);
  assert.deepEqual(await search(rt, 'ndiaye'), ['awa.ndiaye@medecin.mssante.fr']);
  assert.deepEqual(await search(rt, '810100271385'), ['eloise.martin@ch-rennes.mssante.fr']);
  assert.deepEqual(await search(rt, 'cardiologie@ch-ren'), ['cardiologie@ch-rennes.mssante.fr']);
  assert.deepEqual(await search(rt, '', { department: '29' }), ['yann.legall@medecin.mssante.fr']);
  assert.deepEqual(await search(rt, '', { profession: '60' }), ['awa.ndiaye@medecin.mssante.fr']);
  assert.deepEqual(await search(rt, 'rennes', { kind: 'ORG' }), ['cardiologie@ch-rennes.mssante.fr']);
  const [card] = (await searchDirectory(rt.ctx, 'nobody', { q: 'martin eloise', filters: {}, page: 1, limit: 5 })).entries;
  assert.equal(card?.name, 'Dr Éloïse MARTIN');
  assert.deepEqual(card?.speciality, { code: 'SM04', label: 'Cardiologie et maladies vasculaires' });
  assert.deepEqual(card?.place, { street: null, postcode: '35033', city: 'RENNES CEDEX 9', department: '35' });
});

engineTest('directory import: short lines, extra columns, duplicates and nonsense are reported by line number; the rest is imported', async (t, rt) => {
  const dir = workDir(t);
  const width = MAILBOX_COLUMNS.length;
  const file = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [
    MARTIN, // line 2
    'PER|court@medecin.mssante.fr|8|1', // line 3: short
    `${['PER', 'extra@medecin.mssante.fr', ...Array(width - 2).fill('')].join('|')}|en trop|`, // line 4: extra column
    { ...MARTIN, "Prénom d'exercice": 'Autre' }, // line 5: duplicate address
    { ...LE_GALL, 'Type de BAL': 'XYZ' }, // line 6: unknown kind
    { ...NDIAYE, 'Adresse BAL': 'pas une adresse' }, // line 7: not an address
    CARDIO, // line 8
  ]);
  const report = await importDirectory(rt.ctx, [file]);
  assert.equal(report.entries, 2);
  assert.deepEqual(
    report.badLines.map((bad) => [bad.line, bad.reason.split(':')[0]!.replace(/ .*@.*/, '')]),
    [
      [3, 'short line'],
      [4, 'extra column'],
      [5, 'duplicate'],
      [6, 'unknown mailbox kind "XYZ"'],
      [7, 'not a mailbox address'],
    ],
  );
  assert.equal(report.badLines[2]!.reason, 'duplicate address eloise.martin@ch-rennes.mssante.fr (first at Extraction_Correspondance_MSSante_202612040300.txt:2); the first is kept');
  const files = report.files[0]!;
  assert.deepEqual([files.lines, files.kept, files.bad, files.duplicates], [7, 2, 4, 1]);
  // The kept duplicate is the first one.
  const [card] = (await searchDirectory(rt.ctx, 'nobody', { q: 'martin', filters: {}, page: 1, limit: 5 })).entries;
  assert.equal(card?.firstName, 'Éloïse');
});

engineTest('directory import: a later file refreshes the directory and reports added, changed and removed', async (t, rt) => {
  const dir = workDir(t);
  const day1 = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [MARTIN, LE_GALL, NDIAYE]);
  await importDirectory(rt.ctx, [day1]);
  assert.deepEqual(await search(rt, 'gall'), ['yann.legall@medecin.mssante.fr']);
  const moved = { ...MARTIN, 'Code postal structure BAL': '29609', 'L6LIGNEACHEMINEMENT structure BAL': '29609 BREST CEDEX' };
  const day2 = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612050300.txt', MAILBOX_COLUMNS, [moved, NDIAYE, CARDIO]);
  const report = await importDirectory(rt.ctx, [day2]);
  assert.deepEqual([report.added, report.changed, report.removed], [1, 1, 1]);
  await reloadDirectory(rt.ctx);
  assert.deepEqual(await search(rt, 'gall'), []);
  assert.deepEqual(await search(rt, 'martin', { department: '29' }), ['eloise.martin@ch-rennes.mssante.fr']);
  // Alphabetical: MARTIN, then "Service de cardiologie".
  assert.deepEqual(await search(rt, 'cardiologie'), ['eloise.martin@ch-rennes.mssante.fr', 'cardiologie@ch-rennes.mssante.fr']);
});

engineTest('directory import: files inside their ZIP archives', async (t, rt) => {
  const dir = workDir(t);
  const text = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [MARTIN, CARDIO]);
  const zip = path.join(dir, 'Extraction_Correspondance_MSSante_202612040300.zip');
  execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z: z.write(sys.argv[2], "Extraction_Correspondance_MSSante_202612040300.txt")', zip, text]);
  const report = await importDirectory(rt.ctx, [zip]);
  assert.equal(report.entries, 2);
  assert.match(report.files[0]!.name, /\.zip:Extraction_Correspondance_MSSante_202612040300\.txt$/);
  assert.deepEqual(await search(rt, 'eloise'), ['eloise.martin@ch-rennes.mssante.fr']);
});

engineTest('directory import: a file that is not an extraction, or holds no valid mailbox, changes nothing', async (t, rt) => {
  const dir = workDir(t);
  const good = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [MARTIN]);
  await importDirectory(rt.ctx, [good]);
  const before = await activeGeneration(rt.ctx.sql.read);
  const other = writeExtraction(dir, 'autre.txt', ['Nom', 'Prénom'], [{ Nom: 'X', Prénom: 'Y' }]);
  await expectCode(importDirectory(rt.ctx, [other]), 'invalid_argument');
  const empty = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612050300.txt', MAILBOX_COLUMNS, ['PER|pas une adresse|']);
  await expectCode(importDirectory(rt.ctx, [empty]), 'invalid_argument');
  assert.equal((await activeGeneration(rt.ctx.sql.read))?.id, before?.id);
  assert.deepEqual(await search(rt, 'eloise'), ['eloise.martin@ch-rennes.mssante.fr']);
});
