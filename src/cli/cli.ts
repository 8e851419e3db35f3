import { loadConfig } from '../config/config.ts';
import { createLogger } from '../observability/log.ts';
import { openRuntime, type Runtime } from '../runtime/open-runtime.ts';
import { COMMANDS, usage } from './commands/index.ts';
import { CliError, reportFailure } from './output.ts';

/** `missive <command> …` — administration and day-to-day operations on the configured instance. */
async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const words = ['user', 'mailbox', 'retention', 'directory', 'proof', 'trust'].includes(name) ? `${name} ${args.shift() ?? ''}`.trim() : name;
  const command = COMMANDS[words];
  if (!command) throw new CliError(`unknown command "${words}" (see missive help)`, 2);
  if (command.offline) {
    await command.run(args);
    return 0;
  }
  const config = loadConfig();
  process.umask(0o077); // files the CLI creates (database, keys, blobs) are the operator's alone
  // CLI commands log only warnings and errors: their output is the command's answer.
  const runtime: Runtime = await openRuntime(config, { log: createLogger(config.logLevel === 'debug' ? 'debug' : 'warn') });
  try {
    await command.run(runtime, args);
  } finally {
    await runtime.close();
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFailure(error)),
);
