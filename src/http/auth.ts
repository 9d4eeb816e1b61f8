import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import type { Db } from '../db/connection.js';
import { omitColumns, preparedQuery } from '../db/prepared.js';
import { ReadCache } from '../db/read_cache.js';
import type { UsersTable } from '../db/schema.js';
import type { Deps } from '../deps.js';
import {
  type ApplicationSettings,
  SETTINGS_ROW_ID,
  settingsFromData,
} from '../resources/application_settings/settings.js';
import { tokenDigest } from '../security/tokens.js';
import { forbidden, impersonationDisabled, insufficientScope, notFound, unauthorized } from './errors.js';
import type { Params } from './params.js';

export type User = Selectable<UsersTable>;

/** Who is calling, and with what: the token's scopes decide what the call may do (C19). */
export interface Caller {
  user: User;
  /** null: not limited by scopes (e.g. a web session). */
  scopes: readonly string[] | null;
  tokenId: number | null;
  /** The admin who used sudo, when the caller acts as someone else (C17). */
  sudoFrom: User | null;
}

const LAST_USED_THROTTLE_MS = 10 * 60 * 1000;

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function stringParam(params: Params, name: string): string | undefined {
  const v = params[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The token a request carries: PRIVATE-TOKEN, private_token, Authorization: Bearer, access_token (C10, C11). */
export function presentedToken(request: FastifyRequest, params: Params): string | undefined {
  const privateToken = header(request, 'private-token') ?? stringParam(params, 'private_token');
  if (privateToken) return privateToken;
  const authorization = header(request, 'authorization');
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1];
  }
  return stringParam(params, 'access_token');
}

/**
 * The token, its user and the instance settings (rate limits, impersonation) in one query, compiled
 * once: every authenticated request runs it.
 */
const tokenWithUser = preparedQuery(
  (db: Db, digest: string) =>
    db
      .selectFrom('personal_access_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .selectAll('u')
      .select((eb) => [
        't.id as token_id',
        't.scopes as token_scopes',
        't.revoked as token_revoked',
        't.expires_at as token_expires_at',
        't.last_used_at as token_last_used_at',
        't.impersonation as token_impersonation',
        eb
          .selectFrom('application_settings')
          .select('data')
          .where('id', '=', SETTINGS_ROW_ID)
          .as('settings_data'),
      ])
      .where('t.token_digest', '=', digest),
  ['sample-digest'],
);

const withoutTokenColumns = omitColumns([
  'token_id',
  'token_scopes',
  'token_revoked',
  'token_expires_at',
  'token_last_used_at',
  'token_impersonation',
  'settings_data',
]);

/** The caller, and the instance settings when the credentials' query read them too. */
export interface ResolvedCaller {
  caller: Caller | null;
  settings: ApplicationSettings | null;
}

/**
 * Resolves the caller from the request's credentials. No credentials: null (anonymous). Credentials
 * that do not resolve to an active token answer 401 even on public endpoints, as GitLab does.
 */
export async function resolveCaller(
  deps: Deps,
  request: FastifyRequest,
  params: Params,
): Promise<Caller | null> {
  return (await resolveCallerAndSettings(deps, request, params)).caller;
}

/** resolveCaller, also answering the instance settings its query read (null for anonymous callers). */
export async function resolveCallerAndSettings(
  deps: Deps,
  request: FastifyRequest,
  params: Params,
): Promise<ResolvedCaller> {
  const token = presentedToken(request, params);
  if (!token) return { caller: null, settings: null };
  const digest = tokenDigest(token);
  const found = await tokens.read(deps.db, digest, () => tokenByDigest(deps.db, digest));
  if (!found) throw unauthorized();
  const { caller, settings, expiresAt, lastUsedAt, impersonation } = found;
  const now = deps.clock.now();
  if (expiresAt && expiresAt <= now.toISOString().slice(0, 10)) throw unauthorized();
  // Impersonation tokens (C16) stop working the moment the instance switches impersonation off.
  if (impersonation && !settings.impersonation_enabled) throw impersonationDisabled();
  assertMayUseApi(caller.user, deps.config.externalUrl);
  if (!lastUsedAt || now.getTime() - Date.parse(lastUsedAt) > LAST_USED_THROTTLE_MS) {
    await deps.db
      .updateTable('personal_access_tokens')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', caller.tokenId)
      .execute();
  }
  return { caller: await applySudo(deps, request, params, caller), settings };
}

/** What a token's row says, before the checks that depend on the moment (expiry) or the request (sudo). */
interface TokenRecord {
  caller: Caller;
  settings: ApplicationSettings;
  expiresAt: string | null;
  lastUsedAt: string | null;
  impersonation: boolean;
}

/** Tokens by digest, while the database is unchanged: a revoke or any other commit forgets them all. */
const tokens = new ReadCache<TokenRecord | null>();

async function tokenByDigest(db: Db, digest: string): Promise<TokenRecord | null> {
  const row = await tokenWithUser(db, digest);
  if (!row || row.token_revoked) return null;
  return {
    caller: {
      user: withoutTokenColumns(row),
      scopes: JSON.parse(row.token_scopes) as string[],
      tokenId: row.token_id,
      sudoFrom: null,
    },
    settings: settingsFromData(row.settings_data),
    expiresAt: row.token_expires_at,
    lastUsedAt: row.token_last_used_at,
    impersonation: Boolean(row.token_impersonation),
  };
}

/** Blocked, banned, pending and deactivated users cannot use the API even with a valid token: 403 with GitLab's reason. */
function assertMayUseApi(user: User, externalUrl: string): void {
  if (user.state === 'active') return;
  if (user.state === 'blocked_pending_approval')
    throw forbidden('Your account is pending approval from your administrator and hence blocked.');
  if (user.state === 'deactivated') {
    throw forbidden(
      `Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at ${externalUrl}`,
    );
  }
  throw forbidden('Your account has been blocked.');
}

/** Sudo (C17): an admin's token with the `sudo` scope acts as another user, named by id or username. */
async function applySudo(
  deps: Deps,
  request: FastifyRequest,
  params: Params,
  caller: Caller,
): Promise<Caller> {
  const identifier =
    header(request, 'sudo') ??
    (params.sudo === undefined || params.sudo === null ? undefined : String(params.sudo));
  if (identifier === undefined || identifier === '') return caller;
  if (!caller.user.admin) throw forbidden('Must be admin to use sudo');
  if (caller.scopes && !caller.scopes.includes('sudo')) throw insufficientScope(['sudo']);
  const query = deps.db.selectFrom('users').selectAll();
  const target = await (/^\d+$/.test(identifier)
    ? query.where('id', '=', Number(identifier))
    : query.where((eb) => eb(eb.fn('lower', ['username']), '=', identifier.toLowerCase()))
  ).executeTakeFirst();
  if (!target) throw notFound(`User with ID or username '${identifier}'`);
  return { user: target, scopes: caller.scopes, tokenId: caller.tokenId, sudoFrom: caller.user };
}

/**
 * The scopes an endpoint accepts: `api` always; `read_api` for reads (GET/HEAD); plus any the
 * endpoint names (e.g. `read_user` on user reads). A token lacking all of them answers 403 (C19).
 */
export function assertScopes(caller: Caller, method: string, extra: readonly string[]): void {
  if (!caller.scopes) return;
  const read = method === 'GET' || method === 'HEAD';
  const accepted = read ? ['api', 'read_api', ...extra] : ['api', ...extra];
  if (!caller.scopes.some((s) => accepted.includes(s))) throw insufficientScope(accepted);
}
