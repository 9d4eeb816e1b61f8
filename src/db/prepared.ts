import { type Compilable, CompiledQuery as Compiled, type CompiledQuery } from 'kysely';
import type { Db } from './connection.js';

/**
 * Runs a read outside Kysely, on a connection of its own (see connection.ts): for SQLite a second
 * connection to the same file, so a hot read neither builds a query nor waits behind another
 * request's open transaction. It sees what is committed, exactly as another process would.
 */
export type DirectReader = (sql: string, parameters: readonly unknown[]) => unknown[];

/** Runs `fn` inside one read transaction of the direct reader's connection (see inOneSnapshot). */
export type DirectSnapshot = <T>(fn: () => T) => T;

/** A value that changes whenever any connection, in any process, commits a change to the database. */
export type DataVersion = () => number | string | Promise<string>;

const directReaders = new WeakMap<Db, DirectReader>();
const directSnapshots = new WeakMap<Db, DirectSnapshot>();
const dataVersions = new WeakMap<Db, DataVersion>();

/** connection.ts attaches the database's direct reader (only to the root Db, never to a transaction). */
export function attachDirectReader(db: Db, reader: DirectReader, snapshot: DirectSnapshot): void {
  directReaders.set(db, reader);
  directSnapshots.set(db, snapshot);
}

/** connection.ts attaches the database's data version (only to the root Db, never to a transaction). */
export function attachDataVersion(db: Db, version: DataVersion): void {
  dataVersions.set(db, version);
}

/**
 * The database's data version now: equal answers mean nothing was committed in between, by this
 * process or any other. null inside a transaction, whose reads may not be cached (db/read_cache.ts).
 */
export function dataVersion(db: Db): number | string | Promise<string> | null {
  return dataVersions.get(db)?.() ?? null;
}

/**
 * Runs `fn` and answers what it returns, with every prepared read that `fn` starts reading from one
 * snapshot, in one read transaction: on SQLite each statement outside a transaction takes and
 * releases the database's read locks itself, which costs more than a small indexed read. A prepared
 * read runs its SQL on the direct reader as soon as it is called (before it first awaits), so `fn`
 * starts them all and returns their promises: `await Promise.all(inOneSnapshot(db, () => [a(db),
 * b(db)]))`. The snapshot ends when `fn` returns, and no other code runs meanwhile. Without a
 * direct reader (PostgreSQL, inside a transaction) it only runs `fn`.
 */
export function inOneSnapshot<T>(db: Db, fn: () => T): T {
  const snapshot = directSnapshots.get(db);
  return snapshot ? snapshot(fn) : fn();
}

interface Prepared {
  sql: string;
  /** For each bound parameter: the index of the argument it takes, or -1 for a constant of the query. */
  slots: number[];
  constants: unknown[];
}

function prepare<Args extends readonly unknown[], Row>(
  db: Db,
  build: (db: Db, ...args: Args) => Compilable<Row>,
  sample: Args,
): Prepared {
  const compiled = build(db, ...sample).compile();
  const slots = compiled.parameters.map((p) => sample.indexOf(p));
  // Every argument must reach the SQL as a bound parameter: a sample value that was folded into
  // the text, transformed, or collides with a constant of the query fails here, loudly.
  const unbound = sample.filter((_, i) => !slots.includes(i));
  const ambiguous = sample.filter((s, i) => sample.indexOf(s) !== i);
  if (unbound.length > 0 || ambiguous.length > 0)
    throw new Error(
      `prepared query parameters ${JSON.stringify(compiled.parameters)} do not bind its arguments ${JSON.stringify(sample)}`,
    );
  return { sql: compiled.sql, slots, constants: [...compiled.parameters] };
}

/**
 * A query compiled once per database and then run with new parameter values. For the queries a
 * request runs every time (credentials, instance settings, the project a route names): there,
 * building and compiling the Kysely query costs more than executing it. `build` must bind each
 * argument as a parameter (it may use one several times); other parameters are constants of the
 * query. The samples must be distinct and unlike any constant: the first compile checks that, so a
 * mistake fails loudly rather than binding values to the wrong placeholders.
 *
 * On the root Db of an SQLite database it reads through the direct reader; inside a transaction
 * (or on PostgreSQL) through Kysely.
 */
export function preparedRows<Args extends readonly unknown[], Row>(
  build: (db: Db, ...args: Args) => Compilable<Row>,
  sample: Args,
): (db: Db, ...args: Args) => Promise<Row[]> {
  const preparedFor = new WeakMap<Db, Prepared>();
  return async (db, ...args) => {
    let prepared = preparedFor.get(db);
    if (!prepared) {
      prepared = prepare(db, build, sample);
      preparedFor.set(db, prepared);
    }
    const { sql, slots, constants } = prepared;
    const parameters = slots.map((slot, i) => (slot === -1 ? constants[i] : args[slot]));
    const direct = directReaders.get(db);
    if (direct) return direct(sql, parameters) as Row[];
    const result = await db.executeQuery<Row>(Compiled.raw(sql, parameters) as CompiledQuery<Row>);
    return result.rows;
  };
}

/** preparedRows, for a query answering one row (or none). */
export function preparedQuery<Args extends readonly unknown[], Row>(
  build: (db: Db, ...args: Args) => Compilable<Row>,
  sample: Args,
): (db: Db, ...args: Args) => Promise<Row | undefined> {
  const rows = preparedRows(build, sample);
  return async (db, ...args) => (await rows(db, ...args))[0];
}

/**
 * `row` without the named columns, as `const { a, b, ...rest } = row` gives it, for the wide rows
 * of per-request reads (a user, a project and the extra columns read beside them): V8 copies an
 * object rest property by property on a slow path, about 15 µs for a 100-column project row. The
 * copy here is a function generated for the row's columns, made again when their number changes
 * (a schema change re-prepares `select *`).
 */
export function omitColumns<K extends string>(
  omitted: readonly K[],
): <Row extends Record<K, unknown>>(row: Row) => Omit<Row, K> {
  let width = -1;
  let copy: (row: object) => object = () => ({});
  return <Row extends Record<K, unknown>>(row: Row): Omit<Row, K> => {
    const keys = Object.keys(row);
    if (keys.length !== width) {
      const kept = keys.filter((k) => !(omitted as readonly string[]).includes(k));
      const fields = kept.map((k) => `${JSON.stringify(k)}: r[${JSON.stringify(k)}]`).join(', ');
      copy = new Function('r', `return { ${fields} };`) as (row: object) => object;
      width = keys.length;
    }
    return copy(row) as Omit<Row, K>;
  };
}
