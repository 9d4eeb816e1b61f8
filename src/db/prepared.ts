import { type Compilable, CompiledQuery as Compiled, type CompiledQuery } from 'kysely';
import type { Db } from './connection.js';

/**
 * A query compiled once per database and then run with new parameter values. Only for the few
 * queries every request runs (credentials, instance settings): there, building and compiling the
 * Kysely query costs more than executing it. `build` must pass each argument as one bound
 * parameter, in order; the first compile checks that, so a mistake fails loudly rather than
 * binding values to the wrong placeholders.
 */
export function preparedQuery<Args extends readonly unknown[], Row>(
  build: (db: Db, ...args: Args) => Compilable<Row>,
  sample: Args,
): (db: Db, ...args: Args) => Promise<Row | undefined> {
  const compiledFor = new WeakMap<Db, CompiledQuery<Row>>();
  return async (db, ...args) => {
    let compiled = compiledFor.get(db);
    if (!compiled) {
      compiled = build(db, ...sample).compile();
      const same =
        compiled.parameters.length === sample.length && compiled.parameters.every((p, i) => p === sample[i]);
      if (!same)
        throw new Error(
          `prepared query parameters ${JSON.stringify(compiled.parameters)} do not match its arguments`,
        );
      compiledFor.set(db, compiled);
    }
    const result = await db.executeQuery<Row>(Compiled.raw(compiled.sql, [...args]) as CompiledQuery<Row>);
    return result.rows[0];
  };
}
