import { MissiveError } from '../core/errors.ts';
import { ConfigError } from '../config/config.ts';

/** A usage or operation error: printed as one line, exit code 1 (2 for usage). */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** One clear line on stderr and a non-zero exit, whatever went wrong. */
export function reportFailure(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`missive: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof MissiveError || error instanceof ConfigError) {
    process.stderr.write(`missive: ${error.message.replace(/\n\s*/g, '; ')}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`missive: unexpected error: ${message.split('\n')[0]}\n`);
  return 1;
}

export function table(rows: readonly Record<string, string | number>[]): string {
  if (rows.length === 0) return '(none)';
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((row) => line(columns.map((column) => String(row[column]))))].join('\n');
}
