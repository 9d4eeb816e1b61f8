import type { PersonalAccessTokenRow } from '../personal_access_tokens/entity.js';
import { toPersonalAccessToken } from '../personal_access_tokens/entity.js';

/** lib/api/entities/impersonation_token.rb: a personal access token, flagged. */
export function toImpersonationToken(row: PersonalAccessTokenRow, now: Date) {
  return { ...toPersonalAccessToken(row, now), impersonation: Boolean(row.impersonation) };
}

/** lib/api/entities/impersonation_token_with_token.rb: the secret, shown this once. */
export function toImpersonationTokenWithToken(row: PersonalAccessTokenRow & { token: string }, now: Date) {
  return { ...toImpersonationToken(row, now), token: row.token };
}
