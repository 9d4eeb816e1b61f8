import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import { generateToken, tokenDigest } from '../../security/tokens.js';

export interface NewToken {
  userId: number;
  name: string;
  scopes: readonly string[];
  expiresAt?: string | null;
  description?: string | null;
  impersonation?: boolean;
  /** A caller-chosen secret (LABFORGE_ROOT_TOKEN); generated when absent. */
  token?: string;
}

/** Tokens that must expire do so within a year (GitLab's default maximum lifetime). */
export const MAX_LIFETIME_DAYS = 365;

/** A date `days` after today (UTC), as YYYY-MM-DD. */
export function daysFromNow(deps: Pick<Deps, 'clock'>, days: number): string {
  const d = deps.clock.now();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days))
    .toISOString()
    .slice(0, 10);
}

/** Creates a token and returns its row with the secret, which is shown this once and stored only as a digest. */
export async function createPersonalAccessToken(deps: Pick<Deps, 'db' | 'clock'>, input: NewToken) {
  const token = input.token ?? generateToken('glpat-');
  const now = nowIso(deps);
  const row = await deps.db
    .insertInto('personal_access_tokens')
    .values({
      user_id: input.userId,
      name: input.name,
      description: input.description ?? null,
      token_digest: tokenDigest(token),
      scopes: JSON.stringify(input.scopes),
      impersonation: input.impersonation ?? false,
      expires_at: input.expiresAt ?? null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, token };
}
