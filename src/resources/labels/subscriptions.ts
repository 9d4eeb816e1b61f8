import type { Db } from '../../db/connection.js';
import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';

/** Subscriptions to any subscribable (Label, Issue, MergeRequest): who gets notified. */
export type SubscribableType = 'Label' | 'Issue' | 'MergeRequest';

/** The ids among `ids` the user subscribed to (one query for a page). */
export async function subscribedIds(
  db: Db,
  userId: number | null,
  type: SubscribableType,
  ids: readonly number[],
): Promise<Set<number>> {
  if (userId === null || ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('subscriptions')
    .select('subscribable_id')
    .where('subscribable_type', '=', type)
    .where('subscribable_id', 'in', [...new Set(ids)])
    .where('user_id', '=', userId)
    .where('subscribed', '=', true)
    .execute();
  return new Set(rows.map((r) => r.subscribable_id));
}

/** Sets the user's subscription; answers false when it already was in that state (GitLab's 304). */
export async function setSubscription(
  deps: Deps,
  userId: number,
  type: SubscribableType,
  id: number,
  subscribed: boolean,
): Promise<boolean> {
  const current = await subscribedIds(deps.db, userId, type, [id]);
  if (current.has(id) === subscribed) return false;
  const now = nowIso(deps);
  await deps.db
    .insertInto('subscriptions')
    .values({
      user_id: userId,
      subscribable_type: type,
      subscribable_id: id,
      subscribed,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['subscribable_type', 'subscribable_id', 'user_id'])
        .doUpdateSet({ subscribed, updated_at: now }),
    )
    .execute();
  return true;
}
