import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { test, type TestContext } from 'node:test';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { silentLogger } from '../../src/observability/log.ts';
import { openRuntime, type Runtime } from '../../src/runtime/open-runtime.ts';

/**
 * Every store test runs on SQLite, and on PostgreSQL too when MISSIVE_TEST_PG_URL names a
 * server: each runtime gets its own fresh database (created here, dropped after).
 */
export type EngineName = 'sqlite' | 'postgres';

export function engines(): EngineName[] {
  const available: EngineName[] = process.env.MISSIVE_TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  // MISSIVE_TEST_ENGINES=postgres lets CI's PostgreSQL pass skip what the SQLite pass already ran.
  const only = process.env.MISSIVE_TEST_ENGINES?.split(',').map((name) => name.trim());
  return only ? available.filter((engine) => only.includes(engine)) : available;
}

export type TestRuntime = Runtime & {
  dataDir: string;
  clock: { now: number };
  /** Closes this runtime and opens another on the same storage, as a restart would. */
  reopen(): Promise<TestRuntime>;
};

/** A runtime on a fresh data directory (and a fresh PostgreSQL database), with a movable clock. */
export async function freshRuntime(engine: EngineName, overrides: Record<string, string> = {}): Promise<TestRuntime> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'missive-test-'));
  const env: Record<string, string> = { MISSIVE_DATA_DIR: dataDir, MISSIVE_LOG_LEVEL: 'error', ...overrides };
  let dropDatabase = async () => {};
  if (engine === 'postgres') {
    const { url, drop } = await freshPostgresDatabase();
    env.MISSIVE_DATABASE_URL = url;
    dropDatabase = drop;
  }
  const config: Config = loadConfig({ env, file: null });
  const clock = { now: Date.UTC(2026, 10, 22, 9, 0, 0) };
  const wrap = (runtime: Runtime): TestRuntime => ({
    ...runtime,
    dataDir,
    clock,
    async reopen() {
      await runtime.close();
      return wrap(await openRuntime(config, { log: silentLogger, clock: () => clock.now }));
    },
    async close() {
      await runtime.close();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return wrap(await openRuntime(config, { log: silentLogger, clock: () => clock.now }));
}

export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.MISSIVE_TEST_PG_URL;
  if (!base) throw new Error('MISSIVE_TEST_PG_URL is not set');
  const name = `missive_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Declares the same test once per engine: `engineTest('deposit …', async (t, rt) => …)`. */
export function engineTest(name: string, body: (t: TestContext, runtime: TestRuntime) => Promise<void>, overrides?: Record<string, string>): void {
  for (const engine of engines()) {
    test(`${name} [${engine}]`, async (t) => {
      const runtime = await freshRuntime(engine, overrides);
      try {
        await body(t, runtime);
      } finally {
        await runtime.close();
      }
    });
  }
}
