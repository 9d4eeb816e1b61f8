/**
 * What a change to a merge request leaves behind, as GitLab writes it (Issuable::CommonSystemNotesService,
 * MergeRequests::UpdateService, TodoService): system notes, resource events and todos, in the
 * caller's transaction. service.ts takes a snapshot before a change and hands it back after.
 */
import type { Db } from '../../db/connection.js';
import type { User } from '../../http/auth.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import * as notes from '../issues/system_notes.js';
import type { Label } from '../labels/entity.js';
import { systemNotes } from '../notes/service.js';
import { recordLabelEvents, recordMilestoneEvent, recordStateEvent } from '../resource_events/record.js';
import { mergeRequestTodos, resolveTodosForTarget } from '../todos/service.js';
import { DRAFT, isDraft } from './entity.js';

export interface MergeRequestSnapshot {
  mr: MergeRequest;
  labels: Label[];
  assignees: { id: number; username: string }[];
  reviewers: { id: number; username: string }[];
}

const people = (trx: Db, table: 'merge_request_assignees' | 'merge_request_reviewers', mrId: number) =>
  trx
    .selectFrom(table)
    .innerJoin('users', 'users.id', `${table}.user_id`)
    .select(['users.id', 'users.username'])
    .where(`${table}.merge_request_id`, '=', mrId)
    .orderBy('users.id')
    .execute();

/** Labels, assignees and reviewers of a merge request as they are now. */
export async function snapshotMergeRequest(trx: Db, mr: MergeRequest): Promise<MergeRequestSnapshot> {
  const [labels, assignees, reviewers] = await Promise.all([
    trx
      .selectFrom('label_links')
      .innerJoin('labels', 'labels.id', 'label_links.label_id')
      .selectAll('labels')
      .where('label_links.target_type', '=', 'MergeRequest')
      .where('label_links.target_id', '=', mr.id)
      .orderBy('labels.id')
      .execute(),
    people(trx, 'merge_request_assignees', mr.id),
    people(trx, 'merge_request_reviewers', mr.id),
  ]);
  return { mr, labels, assignees, reviewers };
}

const minus = <T extends { id: number }>(a: readonly T[], b: readonly T[]) =>
  a.filter((x) => !b.some((y) => y.id === x.id));

const draftless = (title: string) => title.replace(DRAFT, '').trim();

/** SystemNotes::IssuablesService#change_issuable_reviewers. */
function reviewersNote(added: readonly string[], removed: readonly string[]): string | null {
  const list = (names: readonly string[]) =>
    names.length <= 1
      ? names.map((n) => `@${n}`).join('')
      : `${names
          .slice(0, -1)
          .map((n) => `@${n}`)
          .join(', ')} and @${names[names.length - 1]}`;
  const parts: string[] = [];
  if (added.length) parts.push(`requested review from ${list(added)}`);
  if (removed.length) parts.push(`removed review request for ${list(removed)}`);
  return parts.length ? parts.join(' and ') : null;
}

const owner = (mr: MergeRequest) => ({ merge_request_id: mr.id });
const noteable = (mr: MergeRequest) => ({
  type: 'MergeRequest' as const,
  id: mr.id,
  projectId: mr.project_id,
});

/** MergeRequests::CreateService: label and milestone events; todos for assignees, reviewers and mentions. */
export async function recordMergeRequestCreated(trx: Db, now: string, author: User, mr: MergeRequest) {
  const after = await snapshotMergeRequest(trx, mr);
  await recordLabelEvents(trx, now, author.id, owner(mr), after.labels, []);
  if (mr.milestone_id !== null)
    await recordMilestoneEvent(trx, now, author.id, owner(mr), {
      milestoneId: mr.milestone_id,
      previousId: null,
      state: mr.state,
    });
  await mergeRequestTodos(trx, now, mr, author.id, {
    assigned: after.assignees.map((u) => u.id),
    reviewers: after.reviewers.map((u) => u.id),
    text: mr.description,
  });
}

/** MergeRequests::UpdateService: the system notes, events and todos of what changed between two snapshots. */
export async function recordMergeRequestUpdated(
  trx: Db,
  now: string,
  actor: User,
  before: MergeRequestSnapshot,
  mr: MergeRequest,
) {
  const after = await snapshotMergeRequest(trx, mr);
  const old = before.mr;
  const bodies: string[] = [];
  if (old.title !== mr.title) {
    if (isDraft(old.title) !== isDraft(mr.title))
      bodies.push(`marked this merge request as **${isDraft(mr.title) ? 'draft' : 'ready'}**`);
    if (draftless(old.title) !== draftless(mr.title)) bodies.push(notes.titleNote(old.title, mr.title));
  }
  if ((old.description ?? '') !== (mr.description ?? '')) bodies.push(notes.descriptionNote());
  if (Boolean(old.discussion_locked) !== Boolean(mr.discussion_locked))
    bodies.push(notes.lockNote(Boolean(mr.discussion_locked), 'merge request'));
  if (old.milestone_id !== mr.milestone_id) {
    const ids = [old.milestone_id, mr.milestone_id].filter((x): x is number => x !== null);
    const rows = await trx.selectFrom('milestones').selectAll().where('id', 'in', ids).execute();
    const find = (id: number | null) => rows.find((m) => m.id === id) ?? null;
    bodies.push(notes.milestoneNote(find(mr.milestone_id), find(old.milestone_id)));
    await recordMilestoneEvent(trx, now, actor.id, owner(mr), {
      milestoneId: mr.milestone_id,
      previousId: old.milestone_id,
      state: mr.state,
    });
  }
  const addedLabels = minus(after.labels, before.labels);
  const removedLabels = minus(before.labels, after.labels);
  const labels = notes.labelsNote(addedLabels, removedLabels);
  if (labels) bodies.push(labels);
  await recordLabelEvents(trx, now, actor.id, owner(mr), addedLabels, removedLabels);
  const addedAssignees = minus(after.assignees, before.assignees);
  const assignees = notes.assigneesNote(
    addedAssignees.map((u) => u.username),
    minus(before.assignees, after.assignees).map((u) => u.username),
  );
  if (assignees) bodies.push(assignees);
  const addedReviewers = minus(after.reviewers, before.reviewers);
  const reviewers = reviewersNote(
    addedReviewers.map((u) => u.username),
    minus(before.reviewers, after.reviewers).map((u) => u.username),
  );
  if (reviewers) bodies.push(reviewers);
  if (
    old.state !== mr.state &&
    (mr.state === 'closed' || (mr.state === 'opened' && old.state === 'closed'))
  ) {
    const state = mr.state === 'closed' ? 'closed' : 'reopened';
    bodies.push(notes.stateNote(state));
    await recordStateEvent(trx, now, actor.id, owner(mr), state);
    if (state === 'closed')
      await resolveTodosForTarget(trx, now, { type: 'MergeRequest', id: mr.id }, actor.id);
  }
  await systemNotes(trx, now, noteable(mr), actor.id, bodies);
  await mergeRequestTodos(trx, now, mr, actor.id, {
    assigned: addedAssignees.map((u) => u.id),
    reviewers: addedReviewers.map((u) => u.id),
    text: (old.description ?? '') !== (mr.description ?? '') ? mr.description : undefined,
    previousText: old.description,
  });
}

/** MergeRequests::PostMergeService: the "merged" note and state event; the merger's todos on it are done. */
export async function recordMergeRequestMerged(trx: Db, now: string, actor: User, mr: MergeRequest) {
  await systemNotes(trx, now, noteable(mr), actor.id, ['merged']);
  await recordStateEvent(trx, now, actor.id, owner(mr), 'merged');
  await resolveTodosForTarget(trx, now, { type: 'MergeRequest', id: mr.id }, actor.id);
}
