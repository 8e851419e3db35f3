import { addressKey } from '../../core/address.ts';
import { appendAudit } from '../../store/repositories/audit.ts';
import { activeGeneration, setDirectoryHidden } from '../../store/repositories/directory.ts';
import type { BadLine } from '../../services/directory/import/importer.ts';
import { importInOwnThread } from '../../services/directory/import/isolated-import.ts';
import { CliError } from '../output.ts';
import { parse } from './args.ts';
import type { Command } from './index.ts';

// Bad lines printed per reason; the rest are counted (all of them are in --report).
const SHOWN_PER_REASON = 20;

export const directoryImportCommand: Command = {
  summary: 'import the national extractions (Extraction_Correspondance_MSSante_*, PS_LibreAcces_Personne_activite_*, .txt or .zip); switches atomically',
  usage: '<file|zip>… [--report <file.json>]',
  async run(runtime, args) {
    const usage = 'directory import <file|zip>… [--report <file.json>]';
    const { values, positionals } = parse(args, { report: { type: 'string' } }, usage, true);
    if (positionals.length === 0) throw new CliError(`name at least one file\nusage: ${usage}`, 2);
    let last = 0;
    const report = await importInOwnThread(runtime.config, positionals, {
      onProgress: ({ file, lines }) => {
        if (!process.stderr.isTTY || Date.now() - last < 500) return;
        last = Date.now();
        process.stderr.write(`\r${file}: ${lines.toLocaleString('en')} lines`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const out: string[] = [];
    for (const file of report.files) {
      const extra = file.kind === 'mailboxes' ? `${file.duplicates} duplicate address(es)` : `${file.withoutMailbox} of practitioners without a mailbox (not kept)`;
      out.push(`${file.name}: ${file.kind}, ${file.lines} lines, ${file.kept} kept, ${file.bad} bad, ${extra}`);
    }
    out.push(`directory ${report.generationId}: ${report.entries} mailboxes, ${report.activities} activities; ${report.added} added, ${report.changed} changed, ${report.removed} removed (${report.seconds.toFixed(1)} s)`);
    out.push(...describeBadLines(report.badLines));
    if (values.report) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(values.report, `${JSON.stringify(report, null, 2)}\n`);
      out.push(`full report: ${values.report}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  },
};

function describeBadLines(badLines: BadLine[]): string[] {
  if (badLines.length === 0) return ['no bad line'];
  const byReason = new Map<string, BadLine[]>();
  for (const line of badLines) {
    const reason = line.reason.replace(/ \d+ fields/, ' N fields').replace(/duplicate address .*/, 'duplicate address');
    byReason.set(reason, [...(byReason.get(reason) ?? []), line]);
  }
  const out = [`bad lines (${badLines.length}), each reported, none imported:`];
  for (const [reason, lines] of byReason) {
    const shown = lines.slice(0, SHOWN_PER_REASON).map((line) => `${line.file}:${line.line}`);
    const more = lines.length > SHOWN_PER_REASON ? ` … and ${lines.length - SHOWN_PER_REASON} more` : '';
    out.push(`  ${reason} (${lines.length}): ${shown.join(', ')}${more}`);
  }
  return out;
}

export const directoryStatusCommand: Command = {
  summary: 'the national directory in use: when it was imported and what the import read',
  usage: '',
  async run(runtime) {
    const generation = await activeGeneration(runtime.ctx.sql.read);
    if (!generation) {
      process.stdout.write('no national directory imported yet (missive directory import <files>)\n');
      return;
    }
    process.stdout.write(`directory ${generation.id}, imported ${new Date(generation.activated_at ?? generation.started_at).toISOString()}\n${generation.report ?? ''}\n`);
  },
};

function hideCommand(hidden: boolean): Command {
  return {
    summary: hidden ? 'hide one of our mailboxes from the directory (an unused address; it still receives mail)' : 'show a hidden mailbox in the directory again',
    usage: '<address>',
    async run(runtime, args) {
      const { positionals } = parse(args, {}, `directory ${hidden ? 'hide' : 'show'} <address>`, true);
      if (positionals.length !== 1) throw new CliError(`name one address\nusage: directory ${hidden ? 'hide' : 'show'} <address>`, 2);
      const key = addressKey(positionals[0]!);
      const { ctx } = runtime;
      const found = await ctx.sql.write(async (trx) => {
        const changed = await setDirectoryHidden(trx, key, hidden);
        if (changed) await appendAudit(trx, { at: ctx.clock(), actor: 'operator:admin', action: hidden ? 'directory.hide' : 'directory.show', target: key, result: 'ok' });
        return changed;
      });
      if (!found) throw new CliError(`no mailbox ${key} on this operator`, 1);
      process.stdout.write(`${key} ${hidden ? 'hidden from' : 'shown in'} the directory\n`);
    },
  };
}

export const directoryHideCommand = hideCommand(true);
export const directoryShowCommand = hideCommand(false);
