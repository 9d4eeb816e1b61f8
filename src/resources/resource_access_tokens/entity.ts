import type { PersonalAccessTokenRow } from '../personal_access_tokens/entity.js';
import { toPersonalAccessToken } from '../personal_access_tokens/entity.js';

export interface TokenResource {
  type: 'project' | 'group';
  id: number;
}

/**
 * lib/api/entities/resource_access_token.rb (PersonalAccessTokenWithLastUsedIps + the bot's role).
 * gitlab-compat: last_used_ips are not recorded, so the list is always empty.
 */
export function toResourceAccessToken(
  row: PersonalAccessTokenRow,
  now: Date,
  resource: TokenResource,
  accessLevel: number | undefined,
) {
  return {
    ...toPersonalAccessToken(row, now),
    last_used_ips: [] as string[],
    access_level: accessLevel ?? null,
    resource_type: resource.type,
    resource_id: resource.id,
  };
}

/** lib/api/entities/resource_access_token_with_token.rb: the secret, shown this once. */
export function toResourceAccessTokenWithToken(
  row: PersonalAccessTokenRow & { token: string },
  now: Date,
  resource: TokenResource,
  accessLevel: number | undefined,
) {
  return { ...toResourceAccessToken(row, now, resource, accessLevel), token: row.token };
}
