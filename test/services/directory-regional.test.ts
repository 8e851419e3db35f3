import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ALL_RIGHTS } from '../../src/core/mailbox.ts';
import { addDomain, addMailbox, addStructure, addUser } from '../../src/services/accounts.ts';
import { reloadDirectory } from '../../src/services/directory/directory-index.ts';
import { importDirectory } from '../../src/services/directory/import/importer.ts';
import { searchDirectory } from '../../src/services/directory/search.ts';
import { activeGeneration, generationsIn, setDirectoryHidden } from '../../src/store/repositories/directory.ts';
import { engineTest, type TestRuntime } from '../support/engines.ts';
import { MAILBOX_COLUMNS, person, writeExtraction } from '../support/directory-files.ts';

const DOMAIN = 'ch-rennes.mssante.fr';

function workDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'missive-directory-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function addresses(rt: TestRuntime, q: string, userId = 'nobody') {
  return (await searchDirectory(rt.ctx, userId, { q, filters: {}, page: 1, limit: 50 })).entries.map((entry) => `${entry.address} ${entry.source}`);
}

async function seedRegional(rt: TestRuntime) {
  await addDomain(rt.ctx, DOMAIN);
  const chu = await addStructure(rt.ctx, { name: 'CHU de Rennes', finess: '350005179', postcode: '35033', city: 'Rennes' });
  await addUser(rt.ctx, { id: 'emartin', displayName: 'Dr Éloïse Martin', lastName: 'Martin', firstName: 'Éloïse', rpps: '10100271385', structureId: chu });
  await addUser(rt.ctx, { id: 'discret', displayName: 'Dr Jean Discret', lastName: 'Discret', firstName: 'Jean' });
  await addMailbox(rt.ctx, { address: `eloise.martin@${DOMAIN}`, kind: 'PER', displayName: 'Dr Éloïse Martin', structureId: chu, members: [{ userId: 'emartin', rights: ALL_RIGHTS }] });
  await addMailbox(rt.ctx, { address: `jean.discret@${DOMAIN}`, kind: 'PER', displayName: 'Dr Jean Discret', listeRouge: true, members: [{ userId: 'discret', rights: ALL_RIGHTS }] });
  await addMailbox(rt.ctx, { address: `ancienne.adresse@${DOMAIN}`, kind: 'ORG', displayName: 'Ancienne adresse de cardiologie', structureId: chu, members: [{ userId: 'emartin', rights: ALL_RIGHTS }] });
}

engineTest('regional directory: our own mailboxes are found; liste rouge never; a hidden address not once hidden', async (_t, rt) => {
  await seedRegional(rt);
  assert.deepEqual(await addresses(rt, 'eloise'), [`eloise.martin@${DOMAIN} regional`]);
  assert.deepEqual(await addresses(rt, 'discret'), []);
  assert.deepEqual(await addresses(rt, 'jean.discret@'), []);
  assert.deepEqual(await addresses(rt, 'ancienne'), [`ancienne.adresse@${DOMAIN} regional`]);
  await rt.ctx.sql.write((trx) => setDirectoryHidden(trx, `ancienne.adresse@${DOMAIN}`, true));
  await reloadDirectory(rt.ctx);
  assert.deepEqual(await addresses(rt, 'ancienne'), []);
  assert.deepEqual(await addresses(rt, 'cardiologie'), []);
});

engineTest('regional and national together: our own entry wins, liste rouge hides a national line too, ranking by the searcher', async (t, rt) => {
  await seedRegional(rt);
  const dir = workDir(t);
  const file = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [
    // The national copy of our own mailbox (it is published there too).
    person({ address: `eloise.martin@${DOMAIN}`, rpps: '10100271385', last: 'MARTIN', first: 'Éloïse', structure: ['350005179', 'CHU DE RENNES'], postcode: '35033' }),
    // Our liste rouge mailbox must not leak through a national line.
    person({ address: `jean.discret@${DOMAIN}`, rpps: '10100000033', last: 'DISCRET', first: 'Jean' }),
    person({ address: 'anne.martin@medecin.mssante.fr', rpps: '10100000041', last: 'MARTIN', first: 'Anne', postcode: '13001' }),
    person({ address: 'paul.martin@medecin.mssante.fr', rpps: '10100000058', last: 'MARTIN', first: 'Paul', postcode: '35000' }),
    person({ address: 'luc.martineau@medecin.mssante.fr', rpps: '10100000066', last: 'MARTINEAU', first: 'Luc', structure: ['350005179', 'CHU DE RENNES'], postcode: '35033' }),
  ]);
  await importDirectory(rt.ctx, [file]);
  await reloadDirectory(rt.ctx);
  assert.deepEqual(await addresses(rt, 'discret'), []);
  // Anonymous searcher: exact surnames first, alphabetical (Anne, Éloïse, Paul), then the prefix match.
  assert.deepEqual(await addresses(rt, 'martin'), [
    'anne.martin@medecin.mssante.fr national',
    `eloise.martin@${DOMAIN} regional`,
    'paul.martin@medecin.mssante.fr national',
    'luc.martineau@medecin.mssante.fr national',
  ]);
  // Éloïse Martin (CHU de Rennes, 35) searching: her structure first among the exact, then her department.
  assert.deepEqual(await addresses(rt, 'martin', 'emartin'), [
    `eloise.martin@${DOMAIN} regional`,
    'paul.martin@medecin.mssante.fr national',
    'anne.martin@medecin.mssante.fr national',
    'luc.martineau@medecin.mssante.fr national',
  ]);
  const page2 = await searchDirectory(rt.ctx, 'nobody', { q: 'martin', filters: {}, page: 2, limit: 3 });
  assert.equal(page2.total, 4);
  assert.deepEqual(page2.entries.map((entry) => entry.address), ['luc.martineau@medecin.mssante.fr']);
});

engineTest('directory import killed midway: the previous directory stays searchable, the next import clears the half-built one', async (t, rt) => {
  const dir = workDir(t);
  const day1 = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612040300.txt', MAILBOX_COLUMNS, [person({ address: 'anne.martin@medecin.mssante.fr', rpps: '10100000041', last: 'MARTIN', first: 'Anne' })]);
  await importDirectory(rt.ctx, [day1]);
  const before = await activeGeneration(rt.ctx.sql.read);
  const rows = Array.from({ length: 60_000 }, (_, i) => person({ address: `p${i}@medecin.mssante.fr`, rpps: String(10200000000 + i), last: `NOM${i}`, first: 'Prénom' }));
  const big = writeExtraction(dir, 'Extraction_Correspondance_MSSante_202612050300.txt', MAILBOX_COLUMNS, rows);
  // Another process imports the big file on the same storage; it is killed once it has written.
  const env = { ...process.env, MISSIVE_DATA_DIR: rt.dataDir, MISSIVE_LOG_LEVEL: 'error', ...(rt.config.databaseUrl ? { MISSIVE_DATABASE_URL: rt.config.databaseUrl } : {}) };
  const child = spawn(process.execPath, ['src/cli/main.ts', 'directory', 'import', big], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const reopened = rt;
  for (let i = 0; i < 400; i++) {
    if ((await generationsIn(reopened.ctx.sql.read, 'building')).length > 0 && (await countRows(reopened)) > 5_000) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.equal(child.exitCode, null, `the import ended before it could be killed: ${stderr}`);
  child.kill('SIGKILL');
  await exited;
  assert.equal((await generationsIn(reopened.ctx.sql.read, 'building')).length, 1, 'the import was killed while building');
  assert.equal((await activeGeneration(reopened.ctx.sql.read))?.id, before?.id);
  assert.deepEqual((await searchDirectory(reopened.ctx, 'nobody', { q: 'anne martin', filters: {}, page: 1, limit: 5 })).entries.map((e) => e.address), ['anne.martin@medecin.mssante.fr']);
  const again = await importDirectory(reopened.ctx, [day1]);
  assert.equal(again.entries, 1);
  assert.deepEqual(await generationsIn(reopened.ctx.sql.read, 'building'), []);
});

async function countRows(rt: { ctx: TestRuntime['ctx'] }): Promise<number> {
  const row = await rt.ctx.sql.read.selectFrom('directory_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}
