import fs from 'node:fs/promises';
import { sql } from 'kysely';
import type { Deps } from '../../deps.js';

export interface CheckResult {
  status: 'ok' | 'failed';
  message?: string;
  labels?: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 3000;

/** Runs `probe` with a time limit; a failure names the check, never the error text (it may hold a DSN). */
async function run(name: string, probe: () => Promise<unknown>, labels?: Record<string, string>) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'ok', ...(labels ? { labels } : {}) } satisfies CheckResult;
  } catch (err) {
    const reason = err instanceof Error && err.message === 'timeout' ? 'timed out' : 'failed';
    return {
      status: 'failed',
      message: `unexpected ${name} check result: ${reason}`,
      ...(labels ? { labels } : {}),
    } satisfies CheckResult;
  } finally {
    clearTimeout(timer);
  }
}

/** A real round trip to the database (SQLite or PostgreSQL). */
export const dbCheck = (deps: Pick<Deps, 'db'>) => run('Db', () => sql`select 1 as ok`.execute(deps.db));

/** The repository storage: the data folder must be there and writable (GitLab's Gitaly check). */
export const storageCheck = (deps: Pick<Deps, 'config'>) =>
  run('Gitaly', () => fs.access(deps.config.dataDir, fs.constants.W_OK), { shard: 'default' });
