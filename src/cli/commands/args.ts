import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from '../output.ts';

/** node:util parseArgs, with its errors turned into one usage line. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string, positionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message.split('\n')[0]}\nusage: ${usage}`, 2);
  }
}

export function required(value: string | undefined, name: string, usage: string): string {
  if (value === undefined || value === '') throw new CliError(`--${name} is required\nusage: ${usage}`, 2);
  return value;
}
