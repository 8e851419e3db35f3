import { runRetention } from '../../services/retention.ts';
import type { Command } from './index.ts';
import { parse } from './args.ts';

export const retentionRunCommand: Command = {
  summary: 'purge message content older than the retention period now (proofs are kept)',
  usage: '[--days <n>]',
  async run(runtime, args) {
    const { values } = parse(args, { days: { type: 'string' } }, 'retention run [--days <n>]');
    const days = values.days === undefined ? runtime.config.retentionDays : Number(values.days);
    if (!Number.isInteger(days) || days < 1) throw new Error('--days must be a positive integer');
    const report = await runRetention(runtime.ctx, days);
    process.stdout.write(`retention (${days} days): ${report.purged} message(s) purged, ${report.blobsRemoved} file(s) removed\n`);
  },
};
