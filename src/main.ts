#!/usr/bin/env node
import cluster from 'node:cluster';
import { isClusterWorker, superviseWorkers } from './cluster.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/connection.js';
import { describeDatabase } from './db/info.js';
import { migrateToLatest, migrationStatus } from './db/migrate.js';
import { tokenCreateCommand } from './resources/personal_access_tokens/cli.js';
import type { BootstrapResult } from './resources/users/bootstrap.js';
import { startServer } from './server.js';

const USAGE = `usage:
  labforge serve [--host H] [--port P] [--data-dir D] [--external-url URL] [--database-url URL] [--workers N] …
  labforge token create --user USERNAME --scopes api,read_api [--name NAME] [--expires-at YYYY-MM-DD]
  labforge db migrate | labforge db status
Every option is also an environment variable (see README.md).`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'serve') return serve(loadConfig(rest, process.env));
  if (command === 'token' && rest[0] === 'create') return tokenCreate(rest.slice(1));
  if (command === 'db' && (rest[0] === 'migrate' || rest[0] === 'status'))
    return db(rest[0], loadConfig(rest.slice(1), process.env));
  if (command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

async function serve(config: Config): Promise<number> {
  if (config.workers > 1 && !isClusterWorker()) return servePrimary(config);
  const server = await startServer(config);
  // With --workers the primary prints these, once.
  if (!isClusterWorker()) printSignIn(server.url, config, server.bootstrap);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.deps.log.info({ signal }, 'draining in-flight requests');
    // Fastify stops accepting, lets in-flight requests finish, then we close the database.
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => {});
}

/**
 * `serve --workers N`: migrate and create root here, once (so the token prints once), then
 * supervise N workers sharing the port (src/cluster.ts). Workers migrate and bootstrap too, and
 * find nothing to do; that is also safe when several primaries start at once.
 */
async function servePrimary(config: Config): Promise<number> {
  const prepared = await startServer(config, { listen: false });
  const { bootstrap } = prepared;
  await prepared.close();
  const say = (msg: string) => console.log(`labforge: ${msg}`);
  let announced = false;
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    printSignIn(`http://${host}:${address.port}`, config, bootstrap);
    say(`${config.workers} worker processes share the port`);
  });
  const supervisor = superviseWorkers(config, say);
  process.on('SIGTERM', () => supervisor.stop('SIGTERM'));
  process.on('SIGINT', () => supervisor.stop('SIGINT'));
  return supervisor.stopped;
}

function printSignIn(url: string, config: Config, bootstrap: BootstrapResult): void {
  console.log(`labforge is serving the GitLab API v4 at ${url}/api/v4 (external URL ${config.externalUrl})`);
  if (bootstrap.generatedToken) {
    console.log(
      `Sign in as root with this personal access token (shown once, scopes api and sudo):\n  ${bootstrap.generatedToken}`,
    );
    console.log(`  e.g. curl -H "PRIVATE-TOKEN: ${bootstrap.generatedToken}" ${url}/api/v4/user`);
  } else if (bootstrap.created) {
    console.log('Sign in as root with the token given in LABFORGE_ROOT_TOKEN.');
  } else {
    console.log(
      'Sign in as root with the token printed on first start, or make one: npx labforge token create --user root --scopes api',
    );
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i === -1) return undefined;
  const arg = args[i]!;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  args.splice(i, arg.includes('=') ? 1 : 2);
  return value;
}

async function tokenCreate(args: string[]): Promise<number> {
  const request = {
    username: option(args, '--user'),
    scopes: option(args, '--scopes'),
    name: option(args, '--name'),
    expiresAt: option(args, '--expires-at'),
  };
  return tokenCreateCommand(request, loadConfig(args, process.env));
}

async function db(action: 'migrate' | 'status', config: Config): Promise<number> {
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    if (action === 'migrate') {
      const result = await migrateToLatest(database.db);
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
    } else {
      const info = await describeDatabase(database);
      console.log(`database: ${info.server}`);
      for (const w of info.warnings) console.log(`warning: ${w}`);
      for (const m of await migrationStatus(database.db))
        console.log(
          `${m.executedAt ? 'up  ' : 'down'}  ${m.name}${m.executedAt ? `  ${m.executedAt.toISOString()}` : ''}`,
        );
    }
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`labforge: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
