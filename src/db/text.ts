import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * Text matching that behaves the same on SQLite and PostgreSQL. Plain `like` does not: SQLite's
 * is case-insensitive (ASCII), PostgreSQL's is case-sensitive, and neither escapes `%` or `_` in
 * user input. Resource code uses these instead of writing `like` itself.
 */

/** Escapes LIKE's wildcards (`%`, `_`) and the escape character itself (`\`) in user input. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

type Operand = string | Expression<unknown>;

const operand = (column: Operand) => (typeof column === 'string' ? sql.ref(column) : column);

/**
 * `lower(col) LIKE lower(pattern) ESCAPE '\'`: a case-insensitive LIKE with an explicit escape
 * character. `pattern` is a LIKE pattern: escape user input with likeEscape() first.
 */
export function ilike(column: Operand, pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${operand(column)}) like lower(${pattern}) escape '\\'`;
}

/** Case-insensitive substring match of user input (GitLab's `search=`). */
export function containsText(column: Operand, term: string): RawBuilder<SqlBool> {
  return ilike(column, `%${likeEscape(term)}%`);
}

/** Case-insensitive prefix match of user input. */
export function startsWithText(column: Operand, term: string): RawBuilder<SqlBool> {
  return ilike(column, `${likeEscape(term)}%`);
}

/** Case-insensitive equality (usernames, emails, paths), matching the lower() indexes. */
export function equalsIgnoringCase(column: Operand, value: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${operand(column)}) = lower(${value})`;
}
