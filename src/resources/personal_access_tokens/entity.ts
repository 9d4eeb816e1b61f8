import type { Selectable } from 'kysely';
import type { PersonalAccessTokensTable } from '../../db/schema.js';

export type PersonalAccessTokenRow = Selectable<PersonalAccessTokensTable>;

/** Not revoked and not past its expiry date (the token stops working on its expiry day). */
export function isActive(row: PersonalAccessTokenRow, now: Date): boolean {
  if (row.revoked) return false;
  return !row.expires_at || row.expires_at > now.toISOString().slice(0, 10);
}

/** lib/api/entities/personal_access_token.rb */
export function toPersonalAccessToken(row: PersonalAccessTokenRow, now: Date) {
  return {
    id: row.id,
    name: row.name,
    revoked: Boolean(row.revoked),
    created_at: row.created_at,
    description: row.description,
    scopes: JSON.parse(row.scopes) as string[],
    user_id: row.user_id,
    last_used_at: row.last_used_at,
    active: isActive(row, now),
    expires_at: row.expires_at,
  };
}

/** lib/api/entities/personal_access_token_with_token.rb: the secret, shown this once. */
export function toPersonalAccessTokenWithToken(row: PersonalAccessTokenRow & { token: string }, now: Date) {
  return { ...toPersonalAccessToken(row, now), token: row.token };
}
