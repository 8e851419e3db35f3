import type { Runtime } from '../../runtime/open-runtime.ts';
import { directoryHideCommand, directoryImportCommand, directoryShowCommand, directoryStatusCommand } from './directory.ts';
import { initCommand } from './init.ts';
import { proofAuditCommand, proofKeyCommand, proofVerifyCommand } from './proof.ts';
import { listCommand, showCommand } from './read.ts';
import { mailboxAddCommand, userAddCommand, userResetTotpCommand } from './accounts.ts';
import { retentionRunCommand } from './retention.ts';
import { sendCommand } from './send.ts';
import { trustImportCommand, trustListCommand } from './trust.ts';

export type Command = { summary: string; usage: string; offline?: false; run(runtime: Runtime, args: string[]): Promise<void> };
/** A command that needs no Missive instance (no configuration, database or keys). */
export type OfflineCommand = { summary: string; usage: string; offline: true; run(args: string[]): Promise<void> };

export const COMMANDS: Record<string, Command | OfflineCommand> = {
  init: initCommand,
  'user add': userAddCommand,
  'user reset-totp': userResetTotpCommand,
  'mailbox add': mailboxAddCommand,
  send: sendCommand,
  list: listCommand,
  show: showCommand,
  'retention run': retentionRunCommand,
  'directory import': directoryImportCommand,
  'directory status': directoryStatusCommand,
  'directory hide': directoryHideCommand,
  'directory show': directoryShowCommand,
  'proof key': proofKeyCommand,
  'proof audit': proofAuditCommand,
  'proof verify': proofVerifyCommand,
  'trust import': trustImportCommand,
  'trust list': trustListCommand,
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  missive ${name} ${command.usage}\n      ${command.summary}`);
  return `usage: missive <command> [options]\n\n${lines.join('\n')}\n\nConfiguration comes from missive.config.json and MISSIVE_* variables (see README).\n`;
}
