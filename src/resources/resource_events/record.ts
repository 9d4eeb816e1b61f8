import type { Db } from '../../db/connection.js';

/** The resource an event belongs to: an issue or a merge request. */
export type Eventable = { issue_id: number } | { merge_request_id: number };

const owner = (e: Eventable) => ({
  issue_id: 'issue_id' in e ? e.issue_id : null,
  merge_request_id: 'merge_request_id' in e ? e.merge_request_id : null,
});

/** ResourceEvents::ChangeLabelsService: one row per label added or removed, in the caller's transaction. */
export async function recordLabelEvents(
  trx: Db,
  now: string,
  userId: number,
  on: Eventable,
  added: readonly { id: number }[],
  removed: readonly { id: number }[],
) {
  const rows = [
    ...added.map((l) => ({ label_id: l.id, action: 'add' })),
    ...removed.map((l) => ({ label_id: l.id, action: 'remove' })),
  ];
  if (rows.length === 0) return;
  await trx
    .insertInto('resource_label_events')
    .values(rows.map((r) => ({ ...r, ...owner(on), user_id: userId, created_at: now })))
    .execute();
}

/** ResourceEvents::ChangeMilestoneService: `add` with the new milestone, or `remove` with the old one. */
export async function recordMilestoneEvent(
  trx: Db,
  now: string,
  userId: number,
  on: Eventable,
  change: { milestoneId: number | null; previousId: number | null; state: string },
) {
  const action = change.milestoneId === null ? 'remove' : 'add';
  const milestoneId = change.milestoneId ?? change.previousId;
  await trx
    .insertInto('resource_milestone_events')
    .values({
      ...owner(on),
      user_id: userId,
      milestone_id: milestoneId,
      action,
      state: change.state,
      created_at: now,
    })
    .execute();
}

/** ResourceEvents::ChangeStateService: closed, reopened, merged… */
export async function recordStateEvent(trx: Db, now: string, userId: number, on: Eventable, state: string) {
  await trx
    .insertInto('resource_state_events')
    .values({ ...owner(on), user_id: userId, state, created_at: now })
    .execute();
}
