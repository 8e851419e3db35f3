import { trustedDomainRows } from '../../store/repositories/trusted-domains.ts';
import { importWhitelist } from '../../services/trust/whitelist-import.ts';
import { CliError, table } from '../output.ts';
import { parse } from './args.ts';
import type { Command } from './index.ts';

export const trustImportCommand: Command = {
  summary: 'import the national whitelist of operator domains (liste blanche, XML); replaces the trusted domains in one step',
  usage: '<listeblanche.xml>',
  async run(runtime, args) {
    const usage = 'trust import <listeblanche.xml>';
    const { positionals } = parse(args, {}, usage, true);
    if (positionals.length !== 1) throw new CliError(`name one whitelist file\nusage: ${usage}`, 2);
    const report = await importWhitelist(runtime.ctx, positionals[0]!);
    const lines = [
      `whitelist${report.generatedAt ? ` of ${report.generatedAt}` : ''}: ${report.domains} operator domains trusted; ${report.added} added, ${report.changed} changed, ${report.removed} removed`,
      ...(report.ownSkipped.length > 0 ? [`our own domains stay local: ${report.ownSkipped.join(', ')}`] : []),
      ...(report.problems.length > 0 ? [`entries left out (${report.problems.length}):`, ...report.problems.slice(0, 50).map((problem) => `  ${problem}`)] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

export const trustListCommand: Command = {
  summary: 'the trusted operator domains and the certificate subject each must present',
  usage: '',
  async run(runtime) {
    const rows = await trustedDomainRows(runtime.ctx.sql.read);
    process.stdout.write(`${table(rows.map((row) => ({ domain: row.domain, certificate: row.certificate_subject ?? '', updated: row.updated_on ?? '' })))}\n`);
  },
};
