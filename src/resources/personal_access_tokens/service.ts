import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import { generateToken, tokenDigest } from '../../security/tokens.js';
import type { PersonalAccessTokenRow } from './entity.js';

export interface NewToken {
  userId: number;
  name: string;
  scopes: readonly string[];
  expiresAt?: string | null;
  description?: string | null;
  impersonation?: boolean;
  /** A caller-chosen secret (LABFORGE_ROOT_TOKEN); generated when absent. */
  token?: string;
  previousTokenId?: number | null;
}

export type CreatedToken = PersonalAccessTokenRow & { token: string };
export type TokenResult = { ok: true; token: CreatedToken } | { ok: false; message: string };

/** Tokens that must expire do so within a year (GitLab's default maximum lifetime). */
export const MAX_LIFETIME_DAYS = 365;
/** A rotated token lives a week unless the caller names a date (PersonalAccessTokens::RotateService). */
export const ROTATION_DAYS = 7;

/** A date `days` after today (UTC), as YYYY-MM-DD. */
export function daysFromNow(deps: Pick<Deps, 'clock'>, days: number): string {
  const d = deps.clock.now();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days))
    .toISOString()
    .slice(0, 10);
}

/** The model validation on expires_at: no later than the maximum lifetime from today. */
export function expiryError(deps: Pick<Deps, 'clock'>, expiresAt: string | null | undefined): string | null {
  if (!expiresAt) return null;
  const max = daysFromNow(deps, MAX_LIFETIME_DAYS);
  return expiresAt > max ? `Expires at must be before ${max}` : null;
}

/** Rails' Array#to_sentence: "a", "a and b", "a, b, and c". */
function toSentence(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

/** Creates a token and returns its row with the secret, which is shown this once and stored only as a digest. */
export async function createPersonalAccessToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: NewToken,
): Promise<CreatedToken> {
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
      previous_personal_access_token_id: input.previousTokenId ?? null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, token };
}

/**
 * PersonalAccessTokens::CreateService as the API calls it: the expiry defaults to the maximum
 * lifetime (GitLab requires tokens to expire by default) and may not exceed it.
 */
export async function createExpiringToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: NewToken,
): Promise<TokenResult> {
  const expiresAt = input.expiresAt ?? daysFromNow(deps, MAX_LIFETIME_DAYS);
  const errors = [
    input.name.trim() === '' ? "Name can't be blank" : null,
    (input.description ?? '').length > 255 ? 'Description is too long (maximum is 255 characters)' : null,
    expiryError(deps, expiresAt),
  ].filter((e): e is string => e !== null);
  if (errors.length > 0) return { ok: false, message: toSentence(errors) };
  return { ok: true, token: await createPersonalAccessToken(deps, { ...input, expiresAt }) };
}

/** Revocation takes effect at once: auth refuses revoked tokens on the next request. */
export async function revokePersonalAccessToken(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<void> {
  await deps.db
    .updateTable('personal_access_tokens')
    .set({ revoked: true, updated_at: nowIso(deps) })
    .where('id', '=', id)
    .execute();
}

/**
 * Revokes every token rotated from `id`, directly or not (GitLab's token family): rotating a token
 * that was already revoked means someone holds a leaked secret.
 */
async function revokeTokenFamily(deps: Pick<Deps, 'db' | 'clock'>, id: number): Promise<void> {
  let frontier = [id];
  const seen = new Set(frontier);
  while (frontier.length > 0) {
    const children = await deps.db
      .selectFrom('personal_access_tokens')
      .select('id')
      .where('previous_personal_access_token_id', 'in', frontier)
      .execute();
    frontier = children.map((c) => c.id).filter((c) => !seen.has(c));
    for (const c of frontier) seen.add(c);
  }
  seen.delete(id);
  if (seen.size === 0) return;
  await deps.db
    .updateTable('personal_access_tokens')
    .set({ revoked: true, updated_at: nowIso(deps) })
    .where('id', 'in', [...seen])
    .where('revoked', '=', false)
    .execute();
}

/**
 * PersonalAccessTokens::RotateService: revokes `old` and issues a token with the same name, scopes
 * and description, expiring in a week unless `expiresAt` is given, in one transaction.
 */
export async function rotatePersonalAccessToken(
  deps: Pick<Deps, 'db' | 'clock'>,
  old: PersonalAccessTokenRow,
  expiresAt: string | undefined,
): Promise<TokenResult> {
  if (old.revoked) {
    await revokeTokenFamily(deps, old.id);
    return { ok: false, message: 'Token already revoked' };
  }
  const expiry = expiresAt ?? daysFromNow(deps, ROTATION_DAYS);
  const invalid = expiryError(deps, expiry);
  if (invalid) return { ok: false, message: invalid };
  return deps.db.transaction().execute(async (trx) => {
    const tx = { db: trx, clock: deps.clock };
    // Only one concurrent rotation wins: the update matches while the token is still live.
    const revoked = await trx
      .updateTable('personal_access_tokens')
      .set({ revoked: true, updated_at: nowIso(deps) })
      .where('id', '=', old.id)
      .where('revoked', '=', false)
      .executeTakeFirst();
    if (Number(revoked.numUpdatedRows) === 0) return { ok: false, message: 'Token already revoked' };
    const token = await createPersonalAccessToken(tx, {
      userId: old.user_id,
      name: old.name,
      description: old.description,
      scopes: JSON.parse(old.scopes) as string[],
      impersonation: Boolean(old.impersonation),
      expiresAt: expiry,
      previousTokenId: old.id,
    });
    return { ok: true, token };
  });
}
