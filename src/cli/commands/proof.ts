import { readFile } from 'node:fs/promises';
import { keyIdOf } from '../../core/proof/log-entries.ts';
import { publicKeyFromPem, verifyReceipt } from '../../core/proof/receipt.ts';
import { auditProofLog } from '../../services/proofs/audit.ts';
import { sequenceEvents } from '../../services/proofs/proof-log.ts';
import { publicKeyPem } from '../../services/proofs/receipt.ts';
import { CliError } from '../output.ts';
import { parse, required } from './args.ts';
import type { Command, OfflineCommand } from './index.ts';

export const proofKeyCommand: Command = {
  summary: "print the operator's public key that signs the proof log (PEM), to give to whoever checks receipts",
  usage: '',
  async run(runtime) {
    process.stdout.write(`# key id ${keyIdOf(runtime.ctx.proofKey.publicKey)} (Ed25519)\n${publicKeyPem(runtime.ctx)}`);
  },
};

export const proofAuditCommand: Command = {
  summary: 'recompute the proof log from the events and check every stored subtree and signed head; fails loudly on any difference',
  usage: '',
  async run(runtime) {
    await sequenceEvents(runtime.ctx);
    const report = await auditProofLog(runtime.ctx);
    const summary = `${report.leaves} events, ${report.heads} signed heads checked`;
    if (report.ok && report.unlogged === 0) {
      process.stdout.write(`proof log intact: ${summary}\n`);
      return;
    }
    const lines = [...report.problems, ...(report.unlogged > 0 ? [`${report.unlogged} event(s) recorded but not in the log`] : [])];
    throw new CliError(`PROOF LOG MISMATCH (${summary}):\n  ${lines.join('\n  ')}`);
  },
};

const VERIFY_USAGE = 'proof verify <receipt.json> --key <operator.pem>';

/** Needs no Missive instance: a judge, an auditor or the receiving hospital runs it with the receipt and the public key. */
export const proofVerifyCommand: OfflineCommand = {
  summary: 'check a receipt offline against the operator public key (missive proof key, or /.well-known/missive/proof-key.pem)',
  usage: '<receipt.json> --key <operator.pem>',
  offline: true,
  async run(args) {
    const { values, positionals } = parse(args, { key: { type: 'string' } }, VERIFY_USAGE, true);
    if (positionals.length !== 1) throw new CliError(`name one receipt\nusage: ${VERIFY_USAGE}`, 2);
    const keyFile = required(values.key, 'key', VERIFY_USAGE);
    let key;
    try {
      key = publicKeyFromPem(await readFile(keyFile, 'utf8'));
    } catch (error) {
      throw new CliError(`${keyFile}: not an Ed25519 public key in PEM (${(error as Error).message})`);
    }
    let receipt: unknown;
    try {
      receipt = JSON.parse(await readFile(positionals[0]!, 'utf8'));
    } catch (error) {
      throw new CliError(`${positionals[0]}: not a readable JSON receipt (${(error as Error).message})`);
    }
    const checked = verifyReceipt(receipt, key);
    if (!checked.ok) throw new CliError(`receipt NOT valid:\n  ${checked.problems.join('\n  ')}`);
    const head = checked.head!;
    const lines = [
      `receipt valid: ${checked.events.length} event(s) in the log of ${head.treeSize} signed ${new Date(head.signedAt).toISOString()} by key ${head.keyId}`,
      ...checked.events.map((event) => `  ${new Date(event.at).toISOString()}  ${event.type.padEnd(22)} ${event.recipient ?? ''}  (${event.channel}, ${event.actor})`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
