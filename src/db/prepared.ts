import { type Compilable, CompiledQuery as Compiled, type CompiledQuery } from 'kysely';
import type { Db } from './connection.js';

/**
 * Runs a read outside Kysely, on a connection of its own (see connection.ts): for SQLite a second
 * connection to the same file, so a hot read neither builds a query nor waits behind another
 * request's open transaction. It sees what is committed, exactly as another process would.
 */
export type DirectReader = (sql: string, parameters: readonly unknown[]) => unknown[];

const directReaders = new WeakMap<Db, DirectReader>();

/** connection.ts attaches the database's direct reader (only to the root Db, never to a transaction). */
export function attachDirectReader(db: Db, reader: DirectReader): void {
  directReaders.set(db, reader);
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
