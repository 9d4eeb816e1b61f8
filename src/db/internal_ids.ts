import { sql } from 'kysely';
import type { Db } from './connection.js';

/** Which counter: e.g. { usage: 'issues', scopeType: 'project', scopeId: 42 }. */
export interface IidScope {
  usage: string;
  scopeType: string;
  scopeId: number;
}

/**
 * The next iid in a scope (1, 2, 3, …), allocated atomically on both databases with one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING`: concurrent callers (other requests, other
 * processes, other machines) never get the same value. Call it inside the transaction that
 * inserts the row; on PostgreSQL the counter row stays locked until that transaction ends, so a
 * rolled-back insert gives its iid back instead of leaving a gap.
 */
export async function nextIid(db: Db, scope: IidScope): Promise<number> {
  const row = await db
    .insertInto('internal_ids')
    .values({ usage: scope.usage, scope_type: scope.scopeType, scope_id: scope.scopeId, last_value: 1 })
    .onConflict((oc) =>
      oc
        .columns(['usage', 'scope_type', 'scope_id'])
        .doUpdateSet({ last_value: sql<number>`internal_ids.last_value + 1` }),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return Number(row.last_value);
}

/**
 * Records that `value` is taken (an import, or an iid given explicitly by an admin), so later
 * nextIid() calls continue after it. Never moves the counter backwards.
 */
export async function trackGreatestIid(db: Db, scope: IidScope, value: number): Promise<void> {
  await db
    .insertInto('internal_ids')
    .values({ usage: scope.usage, scope_type: scope.scopeType, scope_id: scope.scopeId, last_value: value })
    .onConflict((oc) =>
      oc.columns(['usage', 'scope_type', 'scope_id']).doUpdateSet({
        last_value: sql<number>`case when internal_ids.last_value > ${value} then internal_ids.last_value else ${value} end`,
      }),
    )
    .execute();
}
