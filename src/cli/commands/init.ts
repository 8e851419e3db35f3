import { keyIdOf } from '../../core/proof/log-entries.ts';
import { addDomain } from '../../services/accounts.ts';
import type { Command } from './index.ts';
import { parse } from './args.ts';

const USAGE = 'init [--domain <domain>]';

/** Creates the storage, the keys (when allowed) and the operator's domain. Idempotent. */
export const initCommand: Command = {
  summary: 'prepare storage and keys, and register the operator domain (default: the configured domain)',
  usage: '[--domain <domain>]',
  async run(runtime, args) {
    const { values } = parse(args, { domain: { type: 'string' } }, USAGE);
    const domain = values.domain ?? runtime.config.domain;
    await addDomain(runtime.ctx, domain);
    const proofKey = `proof signing key ${runtime.proofKeyGenerated ? 'generated' : 'loaded'} (id ${keyIdOf(runtime.ctx.proofKey.publicKey)})`;
    process.stdout.write(`initialised: domain ${domain}; key-encryption key ${runtime.keyGenerated ? 'generated' : 'loaded'} (id ${runtime.ctx.kek.id}); ${proofKey}\n`);
  },
};
