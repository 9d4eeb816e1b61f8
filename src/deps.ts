import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Db, DialectName } from './db/connection.js';
import type { JobQueue } from './events/jobs.js';
import type { GitLayer } from './git/layer.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a route, service or finder may use, passed explicitly (no globals). */
export interface Deps {
  db: Db;
  dialect: DialectName;
  config: Config;
  clock: Clock;
  jobs: JobQueue;
  log: FastifyBaseLogger;
  /** Repository storage and the shared cat-file readers. */
  git: GitLayer;
}

/** The current time as stored in the database: ISO 8601, UTC, milliseconds. */
export const nowIso = (deps: Pick<Deps, 'clock'>) => deps.clock.now().toISOString();
