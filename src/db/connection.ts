import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';
import type PgModule from 'pg';
import {
  attachDataVersion,
  attachDirectReader,
  type DataVersion,
  type DirectReader,
  type DirectSnapshot,
} from './prepared.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type DialectName = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Db;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

export function openDatabase(opts: DatabaseOptions): OpenDatabase {
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl))
    return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  if (opts.databaseUrl)
    throw new Error('DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite)');
  return openSqlite(path.join(opts.dataDir, 'labforge.sqlite3'));
}

// ---- SQLite -------------------------------------------------------------------------------------

function openSqlite(file: string): OpenDatabase {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // Other processes (--workers) may hold the write lock; wait for it rather than failing.
  raw.pragma('busy_timeout = 15000');
  readPragmas(raw);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: cachedStatements(raw) }),
  });
  const reader = openReader(file);
  attachDirectReader(db, reader.read, reader.snapshot);
  attachDataVersion(db, reader.version);
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      reader.close();
      await db.destroy();
    },
  };
}

/**
 * Reads of a large database (issue 6's 200,000 issues: a 230 MB file) look rows up by id all over
 * the table. SQLite's default page cache is 2 MB per connection, so most lookups went through a
 * read() into it. The file is mapped instead (up to 256 MB of address space, served from the OS
 * page cache and shared with it, not private memory), and the page cache holds up to 64 MB per
 * connection (allocated only as pages are read; two connections per process).
 */
function readPragmas(raw: SQLite.Database): void {
  raw.pragma('mmap_size = 268435456');
  raw.pragma('cache_size = -65536');
}

/**
 * A second connection to the same file for the prepared per-request reads (db/prepared.ts). Kysely
 * runs everything else on one connection behind a mutex, so a read would otherwise wait for any
 * other request's open transaction. Each read here is its own snapshot of what is committed (WAL),
 * as another process sees it: a revoked token stops working the moment the revoke commits.
 */
function openReader(file: string): {
  read: DirectReader;
  snapshot: DirectSnapshot;
  version: DataVersion;
  close(): void;
} {
  const raw = new SQLite(file);
  raw.pragma('busy_timeout = 15000');
  raw.pragma('query_only = ON');
  readPragmas(raw);
  const statements = new Map<string, RowReader>();
  const begin = raw.prepare('begin');
  const commit = raw.prepare('commit');
  // SQLite's own counter: it moves when another connection (the writer, another process) commits.
  const dataVersion = raw.prepare('pragma data_version').pluck();
  return {
    read(sql, parameters) {
      let reader = statements.get(sql);
      if (!reader) {
        reader = new RowReader(raw.prepare(sql));
        statements.set(sql, reader);
      }
      return reader.all(bindable(parameters));
    },
    // A deferred transaction: the first read takes the snapshot, commit releases it.
    snapshot<T>(fn: () => T): T {
      if (raw.inTransaction) return fn();
      begin.run();
      try {
        return fn();
      } finally {
        if (raw.inTransaction) commit.run();
      }
    },
    version: () => dataVersion.get() as number,
    close: () => raw.close(),
  };
}

/**
 * Reads rows as arrays and builds each object with a function generated for the statement's
 * columns: half the cost of better-sqlite3's own objects on wide rows (users, projects), and every
 * row of a statement gets the same shape.
 */
class RowReader {
  #make: (values: unknown[]) => unknown = () => ({});
  #width = -1;
  constructor(private readonly stmt: SQLite.Statement) {
    stmt.raw(true);
  }
  all(parameters: unknown[]): unknown[] {
    const rows = this.stmt.all(parameters) as unknown[][];
    if (rows.length === 0) return rows;
    // A schema change re-prepares the statement (`select *` may gain or lose columns): re-read them.
    if (rows[0]!.length !== this.#width) this.#shape();
    return rows.map(this.#make);
  }
  #shape() {
    const names = this.stmt.columns().map((c) => c.name);
    const fields = names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ');
    this.#make = new Function('v', `return { ${fields} };`) as (values: unknown[]) => unknown;
    this.#width = names.length;
  }
}

const bindable = (params: ReadonlyArray<unknown>) =>
  params.map((p) => (p === true ? 1 : p === false ? 0 : p));

/**
 * Write transactions take the write lock at BEGIN. A deferred transaction that reads first and
 * writes later fails with SQLITE_BUSY when another process wrote in between, and busy_timeout
 * cannot help it; BEGIN IMMEDIATE waits instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter() {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite runs DDL in transactions perfectly well. Saying so makes Kysely's migrator run inside
 * one (BEGIN IMMEDIATE): when several processes start at once, one migrates and the others wait
 * for the write lock, then find nothing left to do. (Kysely's SQLite adapter has no other lock.)
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** better-sqlite3 cannot bind booleans; prepared statements are reused (Kysely prepares per query). */
function cachedStatements(raw: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  const bind = bindable;
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = raw.prepare(sql);
        if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      const s = stmt;
      return {
        reader: s.reader,
        all: (params) => s.all(bind(params)),
        run: (params) => s.run(bind(params)),
        iterate: (params) => s.iterate(bind(params)) as IterableIterator<unknown>,
      };
    },
  };
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

/** timestamptz → the same ISO string SQLite stores (UTC, milliseconds, `Z`). */
export function pgTimestampToIso(value: string): string {
  // e.g. "2024-05-01 10:11:12.345+00" or "2024-05-01 10:11:12+00"; the session runs in UTC.
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?([+-]\d{2})(?::?(\d{2}))?$/.exec(value);
  if (!m) return new Date(value).toISOString();
  const ms = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const iso = `${m[1]}T${m[2]}.${ms}${m[4] === '+00' && !m[5] ? 'Z' : `${m[4]}:${m[5] ?? '00'}`}`;
  return iso.endsWith('Z') ? iso : new Date(iso).toISOString();
}

let pgModule: typeof PgModule | null = null;
/** `pg` is loaded only when PostgreSQL is used: the embedded default starts faster and smaller without it. */
function loadPg(): typeof PgModule {
  if (pgModule) return pgModule;
  const pg = createRequire(import.meta.url)('pg') as typeof PgModule;
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, pgTimestampToIso);
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => pgTimestampToIso(`${v}+00`));
  pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
  pgModule = pg;
  return pg;
}

function openPostgres(url: string, poolSize: number): OpenDatabase {
  const pg = loadPg();
  // A bounded pool per process: workers × instances × poolSize must stay under max_connections.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    application_name: 'labforge',
    // Every session in UTC, so timestamptz reads back as `…+00` (see pgTimestampToIso).
    options: '-c timezone=UTC',
  });
  // An idle client's network error must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // The data version is the current snapshot (xmin:xmax:in-progress xids): it changes when any
  // transaction that wrote commits or starts writing, in any database of the cluster, and reads
  // alone never move it. One round trip instead of the several a cached read saves.
  attachDataVersion(db, async () => {
    const result = await pool.query<{ v: string }>('select pg_current_snapshot()::text as v');
    return result.rows[0]!.v;
  });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
