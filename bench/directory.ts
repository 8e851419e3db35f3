import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { foldForSearch } from '../src/core/search-text.ts';
import { wordsOf } from '../src/core/directory/tokens.ts';
import { loadConfig } from '../src/config/config.ts';
import { silentLogger } from '../src/observability/log.ts';
import { openRuntime, type Runtime } from '../src/runtime/open-runtime.ts';
import { directoryIndexes } from '../src/services/directory/directory-index.ts';
import { searchDirectory, type DirectoryQuery } from '../src/services/directory/search.ts';
import { activeGeneration, indexPage } from '../src/store/repositories/directory.ts';
import { freshPostgresDatabase } from '../test/support/engines.ts';
import { generateDirectoryFiles } from './directory/generate.ts';

/**
 * The directory at national size: generate the extractions (600,000 mailboxes, 2,000,000
 * activities), import them in a process of its own (time, peak RSS), then 1,000 realistic
 * queries through Missive's search service, and the same queries as a PostgreSQL pg_trgm search
 * over the same entries when MISSIVE_BENCH_PG_URL (or MISSIVE_TEST_PG_URL) names a server.
 * Targets are printed, not enforced: timings depend on the machine.
 */
const TARGETS = { importSeconds: 60, importRssMb: 500, p99Ms: 10, speedup: 10 };
const run = promisify(execFile);

type Query = { q: string; filters: DirectoryQuery['filters']; label: string };

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { mailboxes: { type: 'string', default: '600000' }, activities: { type: 'string', default: '2000000' }, queries: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' } },
  });
  const mailboxes = Number(values.mailboxes);
  const activities = Number(values.activities);
  const count = Number(values.queries);
  const work = mkdtempSync(path.join(os.tmpdir(), 'missive-bench-directory-'));
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const dataDir = path.join(work, 'data');
  const env = { ...process.env, MISSIVE_DATA_DIR: dataDir, MISSIVE_DOMAIN: 'bench.mssante.test', MISSIVE_LOG_LEVEL: 'error', MISSIVE_DATABASE_URL: '' };

  let started = performance.now();
  const generated = await generateDirectoryFiles({ out: path.join(work, 'files'), mailboxes, activities, seed: Number(values.seed) });
  console.log(`directory: generated ${generated.mailboxLines} mailbox lines and ${generated.activityLines} activity lines in ${seconds(started)} s`);

  started = performance.now();
  const child = await run(process.execPath, [path.join(import.meta.dirname, 'directory-import-child.ts'), ...generated.files], { env, maxBuffer: 1 << 20 });
  const imported = JSON.parse(child.stdout.trim().split('\n').pop()!) as { entries: number; activities: number; seconds: number; maxRssBytes: number; badLines: number };
  const importRssMb = imported.maxRssBytes / 2 ** 20;
  console.log(`import (SQLite): ${imported.entries} mailboxes, ${imported.activities} activities kept, ${imported.badLines} bad lines in ${imported.seconds.toFixed(1)} s; peak RSS ${importRssMb.toFixed(0)} MB (process ${seconds(started)} s)`);

  const runtime = await openRuntime(loadConfig({ env: env as Record<string, string>, file: null }), { log: silentLogger });
  try {
    started = performance.now();
    const rssBefore = process.memoryUsage().rss;
    await directoryIndexes(runtime.ctx);
    console.log(`index: loaded in ${seconds(started)} s, resident memory +${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(0)} MB`);
    const queries = await realisticQueries(runtime, count);
    const missive = await timeQueries(queries, (query) => searchDirectory(runtime.ctx, 'bench', { ...query, page: 1, limit: 20 }).then((page) => page.entries.length));
    print('missive', missive);
    const pgBase = process.env.MISSIVE_BENCH_PG_URL ?? process.env.MISSIVE_TEST_PG_URL;
    let trgm: Timing | null = null;
    if (pgBase) {
      process.env.MISSIVE_TEST_PG_URL = pgBase;
      trgm = await trgmBaseline(runtime, queries);
      print('pg_trgm', trgm);
    } else {
      console.log('pg_trgm: skipped (set MISSIVE_BENCH_PG_URL=postgres://… to compare)');
    }
    console.log('');
    console.log(`=== directory: ${mailboxes} mailboxes, ${activities} activities, ${queries.length} queries ===`);
    console.log(`import          ${imported.seconds.toFixed(1)} s (target ≤ ${TARGETS.importSeconds} s: ${verdict(imported.seconds <= TARGETS.importSeconds)}), peak RSS ${importRssMb.toFixed(0)} MB (target ≤ ${TARGETS.importRssMb} MB: ${verdict(importRssMb <= TARGETS.importRssMb)})`);
    console.log(`missive search  p50 ${missive.p50.toFixed(2)} ms  p99 ${missive.p99.toFixed(2)} ms (target p99 ≤ ${TARGETS.p99Ms} ms: ${verdict(missive.p99 <= TARGETS.p99Ms)})`);
    if (trgm) {
      const ratio = trgm.p99 / missive.p99;
      console.log(`pg_trgm search  p50 ${trgm.p50.toFixed(2)} ms  p99 ${trgm.p99.toFixed(2)} ms; Missive is ${ratio.toFixed(1)}× faster at p99, ${(trgm.p50 / missive.p50).toFixed(1)}× at p50 (target ≥ ${TARGETS.speedup}×: ${verdict(ratio >= TARGETS.speedup)})`);
    }
    console.log(JSON.stringify({ bench: 'directory', mailboxes, activities, import: { seconds: imported.seconds, rssMb: Math.round(importRssMb) }, missive, trgm }));
  } finally {
    await runtime.close();
  }
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

type Timing = { p50: number; p99: number; max: number; results: number };

export async function timeQueries(queries: Query[], runOne: (query: Query) => Promise<number>): Promise<Timing> {
  for (const query of queries.slice(0, 50)) await runOne(query); // warm-up
  const times: number[] = [];
  let results = 0;
  for (const query of queries) {
    const started = performance.now();
    results += await runOne(query);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1]!, results };
}

function print(name: string, timing: Timing): void {
  console.log(`${name}: p50 ${timing.p50.toFixed(2)} ms, p99 ${timing.p99.toFixed(2)} ms, max ${timing.max.toFixed(2)} ms (${timing.results} results shown in all)`);
}

/** Queries people type: surname prefixes, two words in either order, whole surnames, filtered searches. */
export async function realisticQueries(runtime: Runtime, count: number): Promise<Query[]> {
  const generation = await activeGeneration(runtime.ctx.sql.read);
  const people: { last: string; first: string; profession: string | null; department: string | null; speciality: string | null }[] = [];
  let after = '';
  for (;;) {
    const rows = await indexPage(runtime.ctx.sql.read, generation!.id, after, 20_000);
    for (const [i, row] of rows.entries()) {
      if (i % 97 === 0 && row.last_name && row.first_name) people.push({ last: row.last_name, first: row.first_name, profession: row.profession_code, department: row.department, speciality: row.speciality_code });
    }
    if (rows.length < 20_000) break;
    after = rows[rows.length - 1]!.address_key;
  }
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const prefix = (text: string, min: number, max: number) => {
    const word = wordsOf(text).join('');
    return word.slice(0, Math.min(word.length, min + Math.floor(random() * (max - min + 1))));
  };
  const queries: Query[] = [];
  while (queries.length < count) {
    const person = pick(people);
    const roll = random();
    if (roll < 0.4) queries.push({ q: prefix(person.last, 2, 6), filters: {}, label: 'surname prefix' });
    else if (roll < 0.65) {
      const words = [prefix(person.last, 3, 6), prefix(person.first, 2, 4)];
      queries.push({ q: (random() < 0.5 ? words : words.reverse()).join(' '), filters: {}, label: 'two words' });
    } else if (roll < 0.8) queries.push({ q: foldForSearch(person.last), filters: {}, label: 'whole surname' });
    else {
      const filters: DirectoryQuery['filters'] = random() < 0.5 && person.department ? { department: person.department } : person.profession ? { profession: person.profession } : {};
      if (random() < 0.3 && person.speciality) filters.speciality = person.speciality;
      queries.push({ q: random() < 0.8 ? prefix(person.last, 2, 4) : '', filters, label: 'filtered' });
    }
  }
  return queries;
}

/** The same entries in PostgreSQL with a trigram index, searched the way one would without Missive's index. */
async function trgmBaseline(runtime: Runtime, queries: Query[]): Promise<Timing> {
  const { url, drop } = await freshPostgresDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let started = performance.now();
    await client.query('create extension if not exists pg_trgm');
    await client.query(`create table dir (address text primary key, last_f text, search_text text not null, sort_key text not null,
      profession_code text, speciality_code text, department text, postcode text, kind text)`);
    const generation = await activeGeneration(runtime.ctx.sql.read);
    let after = '';
    let rowsLoaded = 0;
    for (;;) {
      const rows = await indexPage(runtime.ctx.sql.read, generation!.id, after, 10_000);
      for (let i = 0; i < rows.length; i += 1_000) {
        const chunk = rows.slice(i, i + 1_000);
        const params: unknown[] = [];
        const tuples = chunk.map((row) => {
          const text = ` ${[row.last_name, row.first_name, row.address, row.national_id, row.pp_id, row.structure_name, row.service, row.city, row.profession_label, row.speciality_label].filter(Boolean).map((part) => wordsOf(part).join(' ')).join(' ')}`;
          const sortKey = `${wordsOf(row.last_name ?? row.service ?? row.structure_name).join(' ')}\u0001${wordsOf(row.first_name).join(' ')}\u0001${row.address_key}`;
          params.push(row.address_key, wordsOf(row.last_name).join(''), text, sortKey, row.profession_code, row.speciality_code, row.department, row.postcode, row.kind);
          const base = params.length - 9;
          return `(${Array.from({ length: 9 }, (_, k) => `$${base + k + 1}`).join(',')})`;
        });
        await client.query(`insert into dir values ${tuples.join(',')}`, params);
      }
      rowsLoaded += rows.length;
      if (rows.length < 10_000) break;
      after = rows[rows.length - 1]!.address_key;
    }
    await client.query('create index dir_trgm on dir using gin (search_text gin_trgm_ops)');
    await client.query('create index dir_department on dir (department)');
    await client.query('create index dir_profession on dir (profession_code)');
    await client.query('analyze dir');
    console.log(`pg_trgm: ${rowsLoaded} rows loaded and indexed in ${seconds(started)} s`);
    started = performance.now();
    return await timeQueries(queries, async (query) => {
      const words = query.q.split(' ').map((word) => foldForSearch(word)).filter(Boolean);
      const where: string[] = [];
      const params: unknown[] = [];
      for (const word of words) {
        params.push(`% ${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        where.push(`search_text like $${params.length}`);
      }
      for (const [column, value] of [['department', query.filters.department], ['profession_code', query.filters.profession], ['speciality_code', query.filters.speciality]] as const) {
        if (value === undefined) continue;
        params.push(value);
        where.push(`${column} = $${params.length}`);
      }
      params.push(words[0] ?? '');
      const exact = `$${params.length}`;
      const sqlText = `select address from dir ${where.length ? `where ${where.join(' and ')}` : ''} order by (last_f = ${exact}) desc, sort_key limit 20`;
      return (await client.query(sqlText, params)).rowCount ?? 0;
    });
  } finally {
    await client.end();
    await drop();
  }
}
