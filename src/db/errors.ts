/**
 * Database errors that mean "busy, try again", not "bug": SQLite's write lock held past
 * busy_timeout by another process, PostgreSQL's serialization failures, deadlocks, lock timeouts
 * and connection limits. The HTTP layer answers these 503 (with Retry-After), never 500.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return (
    code === 'SQLITE_BUSY' ||
    code.startsWith('SQLITE_BUSY_') ||
    code === 'SQLITE_LOCKED' ||
    code.startsWith('SQLITE_LOCKED_') ||
    TRANSIENT_PG_CODES.has(code)
  );
}

const TRANSIENT_PG_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '53300', // too_many_connections
  '57P03', // cannot_connect_now (starting up / shutting down)
]);

/**
 * The column a write left empty though it may not be (SQLite's SQLITE_CONSTRAINT_NOTNULL,
 * PostgreSQL's not_null_violation 23502), or null for any other error. A client that sends an
 * explicit `null` for a setting the schema requires gets a 400 naming it, never a 500.
 */
export function notNullViolationColumn(err: unknown): string | null {
  if (!err || typeof err !== 'object') return null;
  const { code, message, column } = err as { code?: unknown; message?: unknown; column?: unknown };
  if (code === '23502' && typeof column === 'string') return column;
  if (code === 'SQLITE_CONSTRAINT_NOTNULL' && typeof message === 'string') {
    const match = /NOT NULL constraint failed: \w+\.(\w+)/.exec(message);
    return match ? match[1]! : null;
  }
  return null;
}
