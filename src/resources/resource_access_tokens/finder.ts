import type { Db } from '../../db/connection.js';
import type { MemberSource } from '../members/finder.js';
import type { PersonalAccessTokenRow } from '../personal_access_tokens/entity.js';
import { findPersonalAccessTokens, type TokenFilters } from '../personal_access_tokens/finder.js';

/** `resource.bots`: the project_bot users that are direct members of the project or group. */
const botIds = (db: Db, source: MemberSource) =>
  db
    .selectFrom('members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.source_type', '=', source.type)
    .where('m.source_id', '=', source.id)
    .where('u.user_type', '=', 'project_bot');

/** PersonalAccessTokensFinder with `user: resource.bots, impersonation: false`. */
export function findResourceTokens(db: Db, source: MemberSource, f: Omit<TokenFilters, 'userId'>) {
  return findPersonalAccessTokens(db, { ...f, impersonation: false }).where(
    'user_id',
    'in',
    botIds(db, source),
  );
}

/** find_token: one of the resource's bots' tokens, by id; anything else (or not an id) is not found. */
export async function findResourceToken(
  db: Db,
  source: MemberSource,
  tokenId: string,
): Promise<PersonalAccessTokenRow | undefined> {
  if (!/^\d{1,15}$/.test(tokenId)) return undefined;
  return db
    .selectFrom('personal_access_tokens')
    .selectAll()
    .where('id', '=', Number(tokenId))
    .where('impersonation', '=', false)
    .where('user_id', 'in', botIds(db, source))
    .executeTakeFirst();
}

/** The bots' access levels in the resource, batch-loaded for a page of tokens. */
export async function botAccessLevels(
  db: Db,
  source: MemberSource,
  userIds: readonly number[],
): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('members')
    .select(['user_id', 'access_level'])
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('user_id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.user_id, r.access_level]));
}
