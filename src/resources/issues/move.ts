import type { Db } from '../../db/connection.js';
import { nextIid } from '../../db/internal_ids.js';
import { type Deps, nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { apiMessage } from '../../http/errors.js';
import { can } from '../../permissions/index.js';
import type { Issue, IssueSubject } from '../../permissions/issues.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { findOrCreateLabels } from '../labels/service.js';
import { insertNote, newDiscussionId, systemNotes } from '../notes/service.js';
import { recordLabelEvents, recordStateEvent } from '../resource_events/record.js';

const moveError = (message: string) => apiMessage(400, message);

async function copyLabels(
  trx: Db,
  now: string,
  from: Issue,
  to: Issue,
  target: ProjectSubject,
  actorId: number,
) {
  const titles = await trx
    .selectFrom('label_links')
    .innerJoin('labels', 'labels.id', 'label_links.label_id')
    .select('labels.title')
    .where('label_links.target_type', '=', 'Issue')
    .where('label_links.target_id', '=', from.id)
    .execute();
  // Only labels the target project already has (by title) carry over.
  const scope = { kind: 'project' as const, project: target.project, includeAncestors: true };
  const labels = await findOrCreateLabels(
    trx,
    now,
    scope,
    titles.map((t) => t.title),
    false,
  );
  if (labels.length)
    await trx
      .insertInto('label_links')
      .values(
        labels.map((l) => ({ label_id: l.id, target_type: 'Issue', target_id: to.id, created_at: now })),
      )
      .execute();
  await recordLabelEvents(trx, now, actorId, { issue_id: to.id }, labels, []);
}

async function copyNotes(trx: Db, now: string, from: Issue, to: Issue, actorId: number) {
  const notes = await trx
    .selectFrom('notes')
    .selectAll()
    .where('noteable_type', '=', 'Issue')
    .where('noteable_id', '=', from.id)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  const threads = new Map<string, string>();
  for (const n of notes) {
    let discussionId = threads.get(n.discussion_id);
    if (!discussionId) {
      discussionId = newDiscussionId();
      threads.set(n.discussion_id, discussionId);
    }
    await insertNote(
      trx,
      now,
      { type: 'Issue', id: to.id, projectId: to.project_id },
      {
        body: n.note,
        authorId: n.author_id ?? actorId,
        system: Boolean(n.system),
        internal: Boolean(n.internal),
        discussionId,
        type: n.type,
        createdAt: n.created_at,
      },
    );
  }
}

/**
 * Issues::MoveService: a copy of the issue (title, description, assignees, matching labels and
 * milestone, notes, award emoji) in the target project with a new iid; the original is closed,
 * points at the copy (moved_to_id) and both get a system note. One transaction.
 * gitlab-compat: subscriptions, todos, time logs and resource events stay on the original.
 */
export async function moveIssue(
  deps: Deps,
  actor: User,
  s: IssueSubject,
  target: ProjectSubject,
): Promise<Issue> {
  const from = s.issue;
  if (target.project.id === from.project_id)
    throw moveError('Cannot move issue to project it originates from!');
  if (!can(actor, 'admin_issue', s.project) || !can(actor, 'admin_issue', target))
    throw moveError('Cannot move issue due to insufficient permissions!');
  if (from.moved_to_id !== null) throw moveError('Cannot move issue due to insufficient permissions!');
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const iid = await nextIid(trx, { usage: 'issues', scopeType: 'project', scopeId: target.project.id });
    const oldMilestone = from.milestone_id
      ? await trx
          .selectFrom('milestones')
          .select('title')
          .where('id', '=', from.milestone_id)
          .executeTakeFirst()
      : undefined;
    const milestone = oldMilestone
      ? await trx
          .selectFrom('milestones')
          .select('id')
          .where('project_id', '=', target.project.id)
          .where('title', '=', oldMilestone.title)
          .executeTakeFirst()
      : undefined;
    const to = await trx
      .insertInto('issues')
      .values({
        iid,
        project_id: target.project.id,
        author_id: from.author_id,
        title: from.title,
        description: from.description,
        issue_type: from.issue_type,
        confidential: Boolean(from.confidential),
        discussion_locked: from.discussion_locked,
        milestone_id: milestone?.id ?? null,
        due_date: from.due_date,
        weight: from.weight,
        time_estimate: from.time_estimate,
        upvotes_count: from.upvotes_count,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (s.assigneeIds.length)
      await trx
        .insertInto('issue_assignees')
        .values(s.assigneeIds.map((user_id) => ({ issue_id: to.id, user_id })))
        .execute();
    await copyLabels(trx, now, from, to, target, actor.id);
    await copyNotes(trx, now, from, to, actor.id);
    const awards = await trx
      .selectFrom('award_emoji')
      .selectAll()
      .where('awardable_type', '=', 'Issue')
      .where('awardable_id', '=', from.id)
      .execute();
    if (awards.length)
      await trx
        .insertInto('award_emoji')
        .values(awards.map(({ id: _id, ...a }) => ({ ...a, awardable_id: to.id })))
        .execute();
    const fromRef = `${s.project.project.path_with_namespace}#${from.iid}`;
    const toRef = `${target.project.path_with_namespace}#${to.iid}`;
    await systemNotes(trx, now, { type: 'Issue', id: to.id, projectId: to.project_id }, actor.id, [
      `moved from ${fromRef}`,
    ]);
    await systemNotes(trx, now, { type: 'Issue', id: from.id, projectId: from.project_id }, actor.id, [
      `moved to ${toRef}`,
    ]);
    if (from.state === 'opened') await recordStateEvent(trx, now, actor.id, { issue_id: from.id }, 'closed');
    await trx
      .updateTable('issues')
      .set({
        state: 'closed',
        closed_at: from.state === 'opened' ? now : from.closed_at,
        closed_by_id: from.state === 'opened' ? actor.id : from.closed_by_id,
        moved_to_id: to.id,
        updated_at: now,
      })
      .where('id', '=', from.id)
      .execute();
    return to;
  });
}
