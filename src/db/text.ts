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

/** Gitlab::SQL::Pattern's minimum length for a word to be matched anywhere in the text. */
const MIN_CHARS_FOR_PARTIAL_MATCHING = 3;

/** Gitlab::SQL::Pattern.split_query_to_search_terms: words, and "quoted phrases" kept whole. */
export function searchTerms(query: string): string[] {
  const quoted: string[] = [];
  const rest = query.replace(/(?<=^| )"[^"]+"(?= |$)/g, (phrase) => {
    quoted.push(phrase.slice(1, -1));
    return '';
  });
  return [...rest.split(/\s+/).filter(Boolean), ...quoted];
}

/** The query as fuzzy search reads it: squished, and its words long enough to match anywhere. */
function fuzzyWords(query: string): { squished: string; words: string[] } {
  const squished = query.trim().replace(/\s+/g, ' ');
  const words = searchTerms(squished).filter((w) => w.length >= MIN_CHARS_FOR_PARTIAL_MATCHING);
  return { squished, words };
}

/**
 * GitLab's fuzzy_search (issues, merge requests… `search=`): a column matches when it contains
 * every word of 3 or more characters, in any order; with no such word, when it equals the whole
 * query (ignoring case). Columns are alternatives. Null when the query is blank (no filter).
 */
export function fuzzySearch(columns: readonly Operand[], query: string): RawBuilder<SqlBool> | null {
  const { squished, words } = fuzzyWords(query);
  if (squished === '' || columns.length === 0) return columns.length === 0 ? sql<SqlBool>`1 = 0` : null;
  const perColumn = columns.map((column) =>
    words.length > 0
      ? sql<SqlBool>`(${sql.join(
          words.map((w) => containsText(column, w)),
          sql` and `,
        )})`
      : ilike(column, likeEscape(squished)),
  );
  return sql<SqlBool>`(${sql.join(perColumn, sql` or `)})`;
}

/**
 * fuzzySearch's words as an FTS5 query over a trigram index of `columns` (SQLite): the rows that
 * may match. A superset: the index folds case beyond ASCII, so fuzzySearch must still decide.
 * Null when no word has a trigram (the index cannot help).
 */
export function trigramCandidates(columns: readonly string[], query: string): string | null {
  const { words } = fuzzyWords(query);
  if (words.length === 0 || columns.length === 0) return null;
  const all = words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
  return columns.map((c) => `(${c} : (${all}))`).join(' OR ');
}

/** Case-insensitive prefix match of user input. */
export function startsWithText(column: Operand, term: string): RawBuilder<SqlBool> {
  return ilike(column, `${likeEscape(term)}%`);
}

/** Case-insensitive equality (usernames, emails, paths), matching the lower() indexes. */
export function equalsIgnoringCase(column: Operand, value: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${operand(column)}) = lower(${value})`;
}
