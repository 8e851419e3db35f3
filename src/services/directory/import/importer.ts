import os from 'node:os';
import { parseHeader, splitLine } from '../../../core/directory/columns.ts';
import { activityHolderPeek, activityLineReader, fileKindOf, fingerprintOf, mailboxLineReader, type ActivityRecord, type FileKind, type MailboxRecord } from '../../../core/directory/national-lines.ts';
import { HashedKeys } from '../../../core/directory/hashed-keys.ts';
import { MissiveError } from '../../../core/errors.ts';
import { newId } from '../../../store/ids.ts';
import { appendAudit } from '../../../store/repositories/audit.ts';
import type { Queryable } from '../../../store/repositories/queryable.ts';
import {
  activate,
  activeGeneration,
  beat,
  deleteGeneration,
  deleteGenerationRows,
  differences,
  generationsIn,
  ACTIVITY_COLUMNS,
  ENTRY_COLUMNS,
  insertGeneration,
  type BulkRows,
  type GenerationRow,
} from '../../../store/repositories/directory.ts';
import type { ServiceContext } from '../../context.ts';
import { lineBatches, MAX_LINE_BYTES, OVERLONG_LINE, sourcesOf, type Source } from './sources.ts';

export type BadLine = { file: string; line: number; reason: string };
export type FileReport = { name: string; kind: FileKind; lines: number; kept: number; bad: number; duplicates: number; withoutMailbox: number };
export type ImportReport = {
  generationId: string;
  files: FileReport[];
  entries: number;
  activities: number;
  added: number;
  changed: number;
  removed: number;
  /** Every bad line, with its file and number: none is dropped silently. */
  badLines: BadLine[];
  seconds: number;
};

/** What an import needs of the services' context: it may run in a thread of its own with just these. */
export type ImportContext = Pick<ServiceContext, 'sql' | 'clock' | 'log'>;

export type ImportOptions = {
  /** Progress for the command line: called after each batch. */
  onProgress?: (progress: { file: string; lines: number }) => void;
};

// A building generation whose heartbeat is older than this was abandoned by a process on another machine.
const ABANDONED_AFTER_MS = 2 * 60_000;
const BEAT_EVERY_MS = 10_000;
// Rows per transaction. Rows land in indexes in address or identifier order, that is all over
// them: each commit rewrites every page it touched, so few large commits write far less than
// many small ones. A transaction holds the write lock for a fraction of a second.
const ROWS_PER_TRANSACTION = 10_000;
const DELETE_BATCH = 5_000;
// More bad lines than this are counted but not listed one by one in memory.
const BAD_LINES_KEPT = 100_000;

/**
 * Imports the national extractions into a new directory generation, then switches to it in one
 * transaction: until then searches use the previous one, and an import killed midway leaves it
 * untouched (the next import clears the half-built one). Mailbox files are read before activity
 * files (activities are kept for practitioners who hold a mailbox), whatever the order given.
 */
export async function importDirectory(ctx: ImportContext, paths: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const sources = await classify(await sourcesOf(paths));
  if (!sources.some((source) => source.kind === 'mailboxes')) {
    throw new MissiveError('invalid_argument', 'no Extraction_Correspondance_MSSante file among the inputs: the directory is made of mailboxes');
  }
  await clearAbandoned(ctx);
  const generationId = newId('dir');
  const now = ctx.clock();
  await ctx.sql.write((trx) =>
    insertGeneration(trx, { id: generationId, state: 'building', started_at: now, heartbeat_at: now, activated_at: null, report: JSON.stringify({ owner: { host: os.hostname(), pid: process.pid } }) }),
  );
  let lastBeat = Date.now();
  const heartbeat = async () => {
    if (Date.now() - lastBeat < BEAT_EVERY_MS) return;
    lastBeat = Date.now();
    await ctx.sql.write((trx) => beat(trx, generationId, ctx.clock()));
  };

  const badLines: BadLine[] = [];
  let badCount = 0;
  const bad = (file: string, line: number, reason: string) => {
    badCount++;
    if (badLines.length < BAD_LINES_KEPT) badLines.push({ file, line, reason });
  };
  // Where each address was first seen, as file number × 2^32 + line.
  const addresses = new HashedKeys();
  // Practitioners holding a mailbox (national id → 1): their activities are kept.
  const holders = new HashedKeys();
  const files: FileReport[] = [];
  let entries = 0;
  let activities = 0;

  for (const source of sources) {
    const report: FileReport = { name: source.name, kind: source.kind, lines: 0, kept: 0, bad: 0, duplicates: 0, withoutMailbox: 0 };
    files.push(report);
    let header: ReturnType<typeof parseHeader> | null = null;
    let read: ((fields: string[]) => ReturnType<ReturnType<typeof mailboxLineReader>> | ReturnType<ReturnType<typeof activityLineReader>>) | null = null;
    let lineNumber = 0;
    let pending: Promise<unknown> = Promise.resolve();
    let rows: unknown[][] = [];
    // One transaction per load of rows, the next one gathered while the previous commits.
    const flush = async (force: boolean) => {
      if (rows.length < ROWS_PER_TRANSACTION && !(force && rows.length > 0)) return;
      const load: BulkRows = { into: source.kind === 'mailboxes' ? 'entries' : 'activities', engine: ctx.sql.engine, rows };
      rows = [];
      await pending;
      pending = ctx.sql.procedure('insertDirectoryRows', load);
    };
    // Activity lines of practitioners without a mailbox are counted without being parsed.
    let peek: ((line: string) => string | undefined) | null = null;
    for await (const batch of lineBatches(await source.open())) {
      for (const line of batch) {
        lineNumber++;
        if (header === null) {
          header = parseHeader(line);
          read = source.kind === 'mailboxes' ? mailboxLineReader(header) : activityLineReader(header);
          if (source.kind === 'activities') peek = activityHolderPeek(header);
          continue;
        }
        if (line.trim() === '') continue;
        report.lines++;
        if (line === OVERLONG_LINE) {
          report.bad++;
          bad(source.name, lineNumber, `line longer than ${MAX_LINE_BYTES} bytes`);
          continue;
        }
        if (peek !== null) {
          const holder = peek(line);
          if (holder !== undefined && !holders.has(holder)) {
            report.withoutMailbox++;
            continue;
          }
        }
        const split = splitLine(header, line);
        if (!split.ok) {
          report.bad++;
          bad(source.name, lineNumber, split.reason);
          continue;
        }
        const parsed = read!(split.fields);
        if (!parsed.ok) {
          report.bad++;
          bad(source.name, lineNumber, parsed.reason);
          continue;
        }
        if (source.kind === 'mailboxes') {
          const record = parsed.record as MailboxRecord;
          const first = addresses.get(record.addressKey);
          if (first !== undefined) {
            report.duplicates++;
            const where = `${files[Math.floor(first / 2 ** 32)]!.name}:${first % 2 ** 32}`;
            bad(source.name, lineNumber, `duplicate address ${record.addressKey} (first at ${where}); the first is kept`);
            continue;
          }
          addresses.set(record.addressKey, (files.length - 1) * 2 ** 32 + lineNumber);
          if (record.nationalId) holders.set(record.nationalId, 1);
          rows.push(entryValues(generationId, record));
          report.kept++;
          entries++;
        } else {
          const record = parsed.record as ActivityRecord;
          if (!holders.has(record.nationalId)) {
            report.withoutMailbox++;
            continue;
          }
          rows.push(activityValues(generationId, lineNumber, record));
          report.kept++;
          activities++;
        }
      }
      await flush(false);
      await heartbeat();
      options.onProgress?.({ file: source.name, lines: lineNumber });
    }
    await flush(true);
    await pending;
    if (header === null) bad(source.name, 0, 'empty file: no header line');
  }
  if (entries === 0) {
    await dropGeneration(ctx, generationId);
    throw new MissiveError('invalid_argument', 'no valid mailbox line in the inputs: the directory was left as it was');
  }

  const previous = await activeGeneration(ctx.sql.read);
  const diff = previous ? await differences(ctx.sql.read, generationId, previous.id) : { added: entries, changed: 0, removed: 0 };
  const report: ImportReport = {
    generationId,
    files,
    entries,
    activities,
    ...diff,
    badLines,
    seconds: 0,
  };
  const summary = JSON.stringify({ files, entries, activities, ...diff, badLines: badCount });
  await ctx.sql.write(async (trx) => {
    await activate(trx, generationId, ctx.clock(), summary);
    await appendAudit(trx, { at: ctx.clock(), actor: 'operator:admin', action: 'directory.import', target: generationId, result: 'ok', detail: { entries, activities, ...diff, badLines: badCount } });
  });
  // The previous generation stays until the next import: servers still showing it finish their
  // page fetches, and pick the new one within seconds.
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

type Classified = Source & { kind: FileKind };

/** Reads each source's header to know what it is; mailbox files first. */
async function classify(sources: Source[]): Promise<Classified[]> {
  const out: Classified[] = [];
  for (const source of sources) {
    let headerLine: string | undefined;
    const stream = await source.open();
    for await (const batch of lineBatches(stream, 1)) {
      headerLine = batch[0];
      break;
    }
    stream.destroy();
    const kind = headerLine === undefined ? null : fileKindOf(parseHeader(headerLine));
    if (kind === null) throw new MissiveError('invalid_argument', `${source.name}: not a national directory extraction (its header has neither "Adresse BAL" nor "Identifiant PP")`);
    out.push({ ...source, kind });
  }
  return out.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'mailboxes' ? -1 : 1));
}

/** A building generation left by a process that is gone is removed; one still alive stops us. */
async function clearAbandoned(ctx: ImportContext): Promise<void> {
  for (const generation of await generationsIn(ctx.sql.read, 'building')) {
    if (isAlive(generation, ctx.clock())) {
      throw new MissiveError('conflict', `another directory import is running (started ${new Date(generation.started_at).toISOString()})`);
    }
    ctx.log.warn('clearing an interrupted directory import', { generation: generation.id });
    await dropGeneration(ctx, generation.id);
  }
  for (const generation of await generationsIn(ctx.sql.read, 'retired')) await dropGeneration(ctx, generation.id);
}

function isAlive(generation: GenerationRow, now: number): boolean {
  let owner: { host?: string; pid?: number } = {};
  try {
    owner = (JSON.parse(generation.report ?? '{}') as { owner?: { host?: string; pid?: number } }).owner ?? {};
  } catch {
    // An unreadable report: judge by the heartbeat alone.
  }
  if (owner.host === os.hostname() && typeof owner.pid === 'number') {
    if (owner.pid === process.pid) return false;
    try {
      process.kill(owner.pid, 0);
    } catch {
      return false;
    }
  }
  return now - generation.heartbeat_at < ABANDONED_AFTER_MS;
}

async function dropGeneration(ctx: ImportContext, id: string): Promise<void> {
  while ((await ctx.sql.write((trx) => deleteGenerationRows(trx, id, DELETE_BATCH))) > 0) {
    // Batches: deposits keep flowing between them.
  }
  await ctx.sql.write((trx) => deleteGeneration(trx, id));
}

/** An entry's values in ENTRY_COLUMNS order. */
function entryValues(generationId: string, record: MailboxRecord): unknown[] {
  const row: Record<(typeof ENTRY_COLUMNS)[number], unknown> = {
    generation_id: generationId,
    address: record.address,
    address_key: record.addressKey,
    kind: record.kind,
    pp_id_type: record.ppIdType,
    pp_id: record.ppId,
    national_id: record.nationalId,
    civility: record.civility,
    last_name: record.lastName,
    first_name: record.firstName,
    profession_code: record.professionCode,
    profession_label: record.professionLabel,
    category_code: record.categoryCode,
    speciality_code: record.specialityCode,
    speciality_label: record.specialityLabel,
    structure_id_type: record.structureIdType,
    structure_id: record.structureId,
    structure_name: record.structureName,
    service: record.service,
    street: record.street,
    city: record.city,
    postcode: record.postcode,
    department: record.department,
    country: record.country,
    fingerprint: fingerprintOf(record),
  };
  return ENTRY_COLUMNS.map((column) => row[column]);
}

/** An activity's values in ACTIVITY_COLUMNS order. */
function activityValues(generationId: string, line: number, record: ActivityRecord): unknown[] {
  const row: Record<(typeof ACTIVITY_COLUMNS)[number], unknown> = {
    generation_id: generationId,
    national_id: record.nationalId,
    line,
    profession_code: record.professionCode,
    profession_label: record.professionLabel,
    speciality_code: record.specialityCode,
    speciality_label: record.specialityLabel,
    mode_code: record.modeCode,
    siret: record.siret,
    finess: record.finess,
    site_name: record.siteName,
    postcode: record.postcode,
    city: record.city,
    department: record.department,
    phone: record.phone,
    email: record.email,
  };
  return ACTIVITY_COLUMNS.map((column) => row[column]);
}
