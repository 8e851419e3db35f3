import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importInOwnThread } from '../../src/services/directory/import/isolated-import.ts';
import { searchDirectory } from '../../src/services/directory/search.ts';
import { engineTest } from '../support/engines.ts';
import { ACTIVITY_COLUMNS, activity, MAILBOX_COLUMNS, person, writeExtraction } from '../support/directory-files.ts';
import { expectCode } from '../support/fixtures.ts';

engineTest('directory import in its own thread (as the command line runs it): report, bad activity lines of anyone still reported, searchable; refusals keep their code', async (t, rt) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-directory-thread-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mailboxes = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [
    person({ address: 'eloise.martin@ch-rennes.mssante.fr', rpps: '10100271385', last: 'MARTIN', first: 'Éloïse' }),
  ]);
  const activities = writeExtraction(dir, 'PS_LibreAcces_Personne_activite_202612040300.txt', ACTIVITY_COLUMNS, [
    activity({ rpps: '10100271385', last: 'MARTIN', first: 'Éloïse', site: 'CHU DE RENNES', postcode: '35033', city: 'Rennes' }),
    activity({ rpps: '19999999999', last: 'SANSBAL', first: 'Paul', site: 'Cabinet', postcode: '75011', city: 'Paris' }),
    // Short lines, one of someone without a mailbox: bad either way, never counted as "without mailbox".
    '8|19999999999|819999999999|M',
    '8|10100271385|810100271385',
  ]);
  const progress: number[] = [];
  const report = await importInOwnThread(rt.config, [mailboxes, activities], { onProgress: ({ lines }) => progress.push(lines) });
  assert.equal(report.entries, 1);
  assert.equal(report.activities, 1);
  const activityFile = report.files.find((file) => file.kind === 'activities')!;
  assert.deepEqual([activityFile.lines, activityFile.kept, activityFile.bad, activityFile.withoutMailbox], [4, 1, 2, 1]);
  assert.deepEqual(report.badLines.map((line) => line.line), [4, 5]);
  assert.ok(progress.length > 0);
  const found = await searchDirectory(rt.ctx, 'nobody', { q: 'eloise', filters: {}, page: 1, limit: 5 });
  assert.deepEqual(found.entries.map((entry) => entry.address), ['eloise.martin@ch-rennes.mssante.fr']);

  const notAnExtraction = path.join(dir, 'notes.txt');
  writeFileSync(notAnExtraction, 'bonjour|monde\n');
  await expectCode(importInOwnThread(rt.config, [notAnExtraction]), 'invalid_argument');
});
