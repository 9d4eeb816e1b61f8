import { invalidParams } from '../../http/errors.js';
import { paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { SELF_SERVICE_SCOPES, TOKEN_SCOPES } from './scopes.js';

/** Grape's `Array[String]` with CommaSeparatedToArray and `values:` a scope list. */
const scopes = (allowed: readonly string[]) =>
  p.array(p.string(), { commaSeparated: true }).check((list) => list.every((s) => allowed.includes(s)));

/** POST /users/:user_id/personal_access_tokens */
export const CreateForUser = {
  user_id: p.integer().required(),
  name: p.string().required(),
  description: p.string(),
  scopes: scopes(TOKEN_SCOPES).required(),
  expires_at: p.date(),
};

/** POST /user/personal_access_tokens: only the scopes a token may safely mint for itself. */
export const CreateForSelf = {
  name: p.string().required(),
  description: p.string(),
  scopes: scopes(SELF_SERVICE_SCOPES).required(),
  expires_at: p.date(),
};

/** GET /personal_access_tokens (lib/api/helpers/personal_access_tokens_helpers.rb `access_token_params`). */
export const ListTokens = {
  // Declared as text: Grape reads a blank integer as nil, which admins get a 404 for.
  user_id: p.string(),
  revoked: p.boolean(),
  state: p.string().values(['active', 'inactive']),
  created_before: p.datetime(),
  created_after: p.datetime(),
  last_used_before: p.datetime(),
  last_used_after: p.datetime(),
  expires_before: p.date(),
  expires_after: p.date(),
  search: p.string(),
  sort: p.string(),
  ...paginationParams,
};

export const TokenId = { id: p.integer().required() };

export const Rotate = { id: p.integer().required(), expires_at: p.date() };
export const RotateSelf = { expires_at: p.date() };

/** A user_id as Grape's Integer reads it: blank is nil, digits an id, anything else invalid. */
export function userIdParam(raw: unknown): number | null {
  if (raw === undefined || raw === null) return null;
  const s = String(raw).trim();
  if (s === '') return null;
  if (!/^[-+]?\d{1,15}$/.test(s)) throw invalidParams(['user_id is invalid']);
  return Number.parseInt(s, 10);
}
