import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, redactUrl } from './app.js';
import type { Config } from './config.js';
import { type OpenDatabase, openDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { type Deps, systemClock } from './deps.js';
import { JobQueue } from './events/jobs.js';
import { GitLayer } from './git/layer.js';
import { registerJobs } from './jobs.js';
import { type BootstrapResult, bootstrapInstance } from './resources/users/bootstrap.js';

export interface Server {
  app: FastifyInstance;
  deps: Deps;
  database: OpenDatabase;
  bootstrap: BootstrapResult;
  /** The address it listens on, e.g. http://127.0.0.1:43123. */
  url: string;
  close(): Promise<void>;
}

/** Opens the database, migrates, creates root on first start, and listens. */
export async function startServer(config: Config, opts: { listen?: boolean } = {}): Promise<Server> {
  const log = pino({
    level: config.logLevel,
    // Secrets never reach the log.
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        id: req.id,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  });
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const clock = systemClock;
  const jobs = new JobQueue(database.db, () => clock.now());
  const git = new GitLayer({ dataDir: config.dataDir });
  const deps: Deps = { db: database.db, dialect: database.dialect, config, clock, jobs, log, git };
  registerJobs(deps);
  const bootstrap = await bootstrapInstance(deps);
  const app = await buildApp(deps);
  let url = '';
  if (opts.listen !== false) {
    url = await app.listen({ host: config.host, port: config.port });
  }
  jobs.start();
  return {
    app,
    deps,
    database,
    bootstrap,
    url,
    async close() {
      await app.close();
      await jobs.stop();
      git.close();
      await database.close();
    },
  };
}
