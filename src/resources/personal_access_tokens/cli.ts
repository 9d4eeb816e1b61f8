import { type Config, ConfigError } from '../../config.js';
import { openDatabase } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { equalsIgnoringCase } from '../../db/text.js';
import { systemClock } from '../../deps.js';
import { TOKEN_SCOPES, unknownScopes } from './scopes.js';
import { createPersonalAccessToken } from './service.js';

export interface TokenCreateRequest {
  username?: string;
  /** Comma-separated, as typed: `api,read_api`. */
  scopes?: string;
  name?: string;
  expiresAt?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDate = (s: string) =>
  DATE.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** Checks what the operator typed; mistakes are ConfigErrors (exit status 2, message on stderr). */
function validate(req: TokenCreateRequest) {
  if (!req.username || !req.scopes) throw new ConfigError('token create needs --user and --scopes');
  const scopes = [
    ...new Set(
      req.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (scopes.length === 0) throw new ConfigError('--scopes needs at least one scope');
  const unknown = unknownScopes(scopes);
  if (unknown.length > 0)
    throw new ConfigError(
      `unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${TOKEN_SCOPES.join(', ')})`,
    );
  if (req.expiresAt !== undefined && !isCalendarDate(req.expiresAt))
    throw new ConfigError('--expires-at must be a date, YYYY-MM-DD');
  return {
    username: req.username,
    scopes,
    name: req.name || 'labforge cli token',
    expiresAt: req.expiresAt ?? null,
  };
}

/**
 * `labforge token create`: makes a personal access token for an existing user straight in the
 * database (no server needed) and prints only the secret on stdout, so scripts can capture it.
 * Unknown users exit 1. Without --expires-at the token does not expire, as root's first token.
 */
export async function tokenCreateCommand(req: TokenCreateRequest, config: Config): Promise<number> {
  const input = validate(req);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    await migrateToLatest(database.db);
    const user = await database.db
      .selectFrom('users')
      .select(['id', 'admin'])
      .where(equalsIgnoringCase('username', input.username))
      .executeTakeFirst();
    if (!user) {
      console.error(`labforge: no user named ${input.username}`);
      return 1;
    }
    const adminOnly = input.scopes.filter((s) => s === 'sudo' || s === 'admin_mode');
    if (adminOnly.length > 0 && !user.admin) {
      console.error(`labforge: ${adminOnly.join(' and ')} can only be given to administrators`);
      return 1;
    }
    const created = await createPersonalAccessToken(
      { db: database.db, clock: systemClock },
      { userId: user.id, name: input.name, scopes: input.scopes, expiresAt: input.expiresAt },
    );
    console.log(created.token);
    return 0;
  } finally {
    await database.close();
  }
}
