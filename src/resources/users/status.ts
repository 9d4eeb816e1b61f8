import type { Db } from '../../db/connection.js';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { validationFailed } from '../../http/errors.js';
import type { UserStatusRow } from './entity.js';
import { addError, type Errors } from './validation.js';

/** UserStatus::CLEAR_STATUS_QUICK_OPTIONS, in minutes. */
export const CLEAR_STATUS_AFTER: Record<string, number> = {
  '30_minutes': 30,
  '3_hours': 180,
  '8_hours': 480,
  '1_day': 1440,
  '3_days': 4320,
  '7_days': 10_080,
  '30_days': 43_200,
};

const DEFAULT_EMOJI = 'speech_balloon';
const AVAILABILITIES = ['not_set', 'busy'];

/** The user's status, unless it was set to clear itself and that time has passed. */
export async function findStatus(deps: Deps, userId: number): Promise<UserStatusRow | undefined> {
  const row = await deps.db
    .selectFrom('user_statuses')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row?.clear_status_at && row.clear_status_at <= nowIso(deps)) return undefined;
  return row;
}

export interface StatusChanges {
  emoji?: string | null;
  message?: string | null;
  availability?: string | null;
  clear_status_after?: string | null;
}

async function removeStatus(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('user_statuses').where('user_id', '=', userId).execute();
}

/**
 * Users::SetStatusService. Only the keys present change (PUT passes every key, absent ones as
 * null); when emoji, message and availability all end up empty the status is removed.
 */
export async function setStatus(
  deps: Deps,
  user: User,
  changes: StatusChanges,
): Promise<UserStatusRow | undefined> {
  const current = await findStatus(deps, user.id);
  const has = (k: keyof StatusChanges) => changes[k] !== undefined;
  if (!changes.emoji && !changes.message && !changes.availability) {
    await removeStatus(deps.db, user.id);
    return undefined;
  }
  const errors: Errors = {};
  const emoji = has('emoji') ? changes.emoji || DEFAULT_EMOJI : (current?.emoji ?? DEFAULT_EMOJI);
  // gitlab-compat: emoji names are checked for shape only, not against GitLab's emoji list.
  if (!/^[a-z0-9_+-]+$/.test(emoji)) addError(errors, 'emoji', 'does not exist');
  const message = has('message') ? (changes.message ?? null) : (current?.message ?? null);
  if (message && message.length > 100) addError(errors, 'message', 'is too long (maximum is 100 characters)');
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  // An unknown availability falls back to not_set, as GitLab's service does.
  const availability = has('availability')
    ? AVAILABILITIES.includes(changes.availability ?? '')
      ? changes.availability!
      : 'not_set'
    : (current?.availability ?? 'not_set');
  const now = deps.clock.now();
  const minutes = changes.clear_status_after ? CLEAR_STATUS_AFTER[changes.clear_status_after] : undefined;
  const clearStatusAt = has('clear_status_after')
    ? minutes === undefined
      ? null
      : new Date(now.getTime() + minutes * 60_000).toISOString()
    : (current?.clear_status_at ?? null);
  const values = {
    emoji,
    message,
    availability,
    clear_status_at: clearStatusAt,
    updated_at: now.toISOString(),
  };
  return deps.db.transaction().execute(async (trx) => {
    await removeStatus(trx, user.id);
    return trx
      .insertInto('user_statuses')
      .values({ user_id: user.id, ...values })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
