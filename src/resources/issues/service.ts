import type { Db } from '../../db/connection.js';
import { nextIid, trackGreatestIid } from '../../db/internal_ids.js';
import { type Deps, nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { validationFailed } from '../../http/errors.js';
import { can } from '../../permissions/index.js';
import type { Issue } from '../../permissions/issues.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import type { Label } from '../labels/entity.js';
import { findOrCreateLabels } from '../labels/service.js';
import type { Milestone } from '../milestones/entity.js';
import { findMilestones } from '../milestones/finder.js';
import { deleteConversation, systemNotes } from '../notes/service.js';
import { recordLabelEvents, recordMilestoneEvent, recordStateEvent } from '../resource_events/record.js';
import { issueTodos } from '../todos/service.js';
import * as notes from './system_notes.js';

export interface IssueAttrs {
  title?: string;
  description?: string | null;
  labels?: string[];
  add_labels?: string[];
  remove_labels?: string[];
  assignee_ids?: number[];
  assignee_id?: number | null;
  milestone_id?: number | null;
  due_date?: string | null;
  confidential?: boolean;
  discussion_locked?: boolean;
  issue_type?: string;
  weight?: number | null;
  created_at?: string;
  updated_at?: string;
  iid?: number;
  state_event?: string;
}

type Errors = Record<string, string[]>;

function checkTitle(errors: Errors, title: string | undefined) {
  if (title === undefined) return;
  if (title.trim() === '') errors.title = ["can't be blank"];
  else if (title.length > 255) errors.title = ['is too long (maximum is 255 characters)'];
}

/** Without admin_issue (Planner+), metadata params are dropped silently, as GitLab's filter_params does. */
function filterParams(actor: User, s: ProjectSubject, attrs: IssueAttrs): IssueAttrs {
  if (can(actor, 'admin_issue', s)) return attrs;
  const {
    labels,
    add_labels,
    remove_labels,
    assignee_ids,
    assignee_id,
    milestone_id,
    due_date,
    discussion_locked,
    ...rest
  } = attrs;
  return rest;
}

/** The milestone must be the project's or one of its groups'. */
async function availableMilestone(db: Db, s: ProjectSubject, id: number): Promise<Milestone> {
  const m = await findMilestones(db, {
    kind: 'project',
    projectId: s.project.id,
    namespaceId: s.project.namespace_id,
    includeAncestors: true,
  })
    .where('milestones.id', '=', id)
    .executeTakeFirst();
  if (!m) throw validationFailed({ milestone_id: ['is invalid'] });
  return m;
}

const assigneeList = (attrs: IssueAttrs): number[] | undefined =>
  attrs.assignee_ids !== undefined
    ? attrs.assignee_ids.filter((id) => id > 0)
    : attrs.assignee_id !== undefined
      ? attrs.assignee_id && attrs.assignee_id > 0
        ? [attrs.assignee_id]
        : []
      : undefined;

async function existingUsers(db: Db, ids: readonly number[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .execute();
}

async function linkLabels(db: Db, now: string, issueId: number, labels: readonly Label[]) {
  if (labels.length)
    await db
      .insertInto('label_links')
      .values(
        labels.map((l) => ({ label_id: l.id, target_type: 'Issue', target_id: issueId, created_at: now })),
      )
      .onConflict((oc) => oc.columns(['target_type', 'target_id', 'label_id']).doNothing())
      .execute();
}

/** POST /projects/:id/issues: iid from the project's counter in the same transaction (no gaps, no repeats). */
export async function createIssue(
  deps: Deps,
  s: ProjectSubject,
  author: User,
  input: IssueAttrs,
): Promise<Issue> {
  const attrs = filterParams(author, s, input);
  const errors: Errors = {};
  checkTitle(errors, attrs.title ?? '');
  if (attrs.weight !== undefined && attrs.weight !== null && attrs.weight < 0)
    errors.weight = ['must be greater than or equal to 0'];
  if (Object.keys(errors).length) throw validationFailed(errors);
  const milestone = attrs.milestone_id ? await availableMilestone(deps.db, s, attrs.milestone_id) : null;
  const assignees = await existingUsers(deps.db, assigneeList(attrs) ?? []);
  const now = nowIso(deps);
  const createdAt = attrs.created_at && can(author, 'set_issue_created_at', s) ? attrs.created_at : now;
  const scope = { usage: 'issues', scopeType: 'project', scopeId: s.project.id };
  return deps.db.transaction().execute(async (trx) => {
    let iid: number;
    if (attrs.iid !== undefined && can(author, 'set_issue_iid', s)) {
      const taken = await trx
        .selectFrom('issues')
        .select('id')
        .where('project_id', '=', s.project.id)
        .where('iid', '=', attrs.iid)
        .executeTakeFirst();
      if (taken) throw validationFailed({ iid: ['has already been taken'] });
      iid = attrs.iid;
      await trackGreatestIid(trx, scope, iid);
    } else iid = await nextIid(trx, scope);
    const issue = await trx
      .insertInto('issues')
      .values({
        iid,
        project_id: s.project.id,
        author_id: author.id,
        title: attrs.title!.trim(),
        description: attrs.description ?? null,
        issue_type: attrs.issue_type ?? 'issue',
        confidential: attrs.confidential ?? false,
        discussion_locked: attrs.discussion_locked ?? null,
        milestone_id: milestone?.id ?? null,
        due_date: attrs.due_date ?? null,
        weight: attrs.weight ?? null,
        created_at: createdAt,
        updated_at: createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const labels = await findOrCreateLabels(
      trx,
      now,
      { kind: 'project', project: s.project, includeAncestors: true },
      attrs.labels ?? [],
      can(author, 'admin_label', s),
    );
    await linkLabels(trx, now, issue.id, labels);
    await recordLabelEvents(trx, now, author.id, { issue_id: issue.id }, labels, []);
    if (issue.milestone_id !== null)
      await recordMilestoneEvent(
        trx,
        now,
        author.id,
        { issue_id: issue.id },
        {
          milestoneId: issue.milestone_id,
          previousId: null,
          state: issue.state,
        },
      );
    if (assignees.length)
      await trx
        .insertInto('issue_assignees')
        .values(assignees.map((u) => ({ issue_id: issue.id, user_id: u.id })))
        .execute();
    await issueTodos(trx, now, issue, author.id, {
      assigned: assignees.map((u) => u.id),
      text: issue.description,
    });
    return issue;
  });
}

/** PUT /projects/:id/issues/:issue_iid: the changes, their system notes, and updated_at, in one transaction. */
export async function updateIssue(
  deps: Deps,
  s: ProjectSubject,
  actor: User,
  issue: Issue,
  input: IssueAttrs,
) {
  const attrs = filterParams(actor, s, input);
  const errors: Errors = {};
  checkTitle(errors, attrs.title);
  if (Object.keys(errors).length) throw validationFailed(errors);
  let milestone: Milestone | null | undefined;
  if (attrs.milestone_id !== undefined)
    milestone = attrs.milestone_id ? await availableMilestone(deps.db, s, attrs.milestone_id) : null;
  const wantedAssignees = assigneeList(attrs);
  const assignees = wantedAssignees === undefined ? undefined : await existingUsers(deps.db, wantedAssignees);
  const now = nowIso(deps);
  const updatedAt = attrs.updated_at && can(actor, 'set_issue_created_at', s) ? attrs.updated_at : now;
  const noteable = { type: 'Issue' as const, id: issue.id, projectId: issue.project_id };
  return deps.db.transaction().execute(async (trx) => {
    const bodies: string[] = [];
    const newAssignees: number[] = [];
    const set: Record<string, unknown> = {};
    if (attrs.title !== undefined && attrs.title.trim() !== issue.title) {
      set.title = attrs.title.trim();
      bodies.push(notes.titleNote(issue.title, attrs.title.trim()));
    }
    if (attrs.description !== undefined && attrs.description !== issue.description) {
      set.description = attrs.description;
      bodies.push(notes.descriptionNote());
    }
    if (attrs.confidential !== undefined && attrs.confidential !== Boolean(issue.confidential)) {
      set.confidential = attrs.confidential;
      bodies.push(notes.confidentialNote(attrs.confidential));
    }
    if (
      attrs.discussion_locked !== undefined &&
      attrs.discussion_locked !== Boolean(issue.discussion_locked)
    ) {
      set.discussion_locked = attrs.discussion_locked;
      bodies.push(notes.lockNote(attrs.discussion_locked));
    }
    if (attrs.due_date !== undefined && attrs.due_date !== issue.due_date) {
      set.due_date = attrs.due_date;
      bodies.push(notes.dueDateNote(attrs.due_date));
    }
    if (milestone !== undefined && (milestone?.id ?? null) !== issue.milestone_id) {
      set.milestone_id = milestone?.id ?? null;
      const previous = issue.milestone_id
        ? await trx
            .selectFrom('milestones')
            .selectAll()
            .where('id', '=', issue.milestone_id)
            .executeTakeFirst()
        : undefined;
      bodies.push(notes.milestoneNote(milestone, previous ?? null));
      await recordMilestoneEvent(
        trx,
        now,
        actor.id,
        { issue_id: issue.id },
        {
          milestoneId: milestone?.id ?? null,
          previousId: issue.milestone_id,
          state: issue.state,
        },
      );
    }
    if (attrs.issue_type !== undefined) set.issue_type = attrs.issue_type;
    if (attrs.weight !== undefined) set.weight = attrs.weight;
    if (attrs.state_event === 'close' && issue.state === 'opened') {
      Object.assign(set, { state: 'closed', closed_at: now, closed_by_id: actor.id });
      bodies.push(notes.stateNote('closed'));
      await recordStateEvent(trx, now, actor.id, { issue_id: issue.id }, 'closed');
    } else if (attrs.state_event === 'reopen' && issue.state === 'closed') {
      Object.assign(set, { state: 'opened', closed_at: null, closed_by_id: null });
      bodies.push(notes.stateNote('reopened'));
      await recordStateEvent(trx, now, actor.id, { issue_id: issue.id }, 'reopened');
    }
    bodies.push(...(await changeLabels(trx, now, s, actor, issue, attrs)));
    if (assignees !== undefined) {
      const current = await trx
        .selectFrom('issue_assignees')
        .innerJoin('users', 'users.id', 'issue_assignees.user_id')
        .select(['users.id', 'users.username'])
        .where('issue_id', '=', issue.id)
        .execute();
      const added = assignees.filter((u) => !current.some((c) => c.id === u.id));
      const removed = current.filter((c) => !assignees.some((u) => u.id === c.id));
      if (removed.length)
        await trx
          .deleteFrom('issue_assignees')
          .where('issue_id', '=', issue.id)
          .where(
            'user_id',
            'in',
            removed.map((u) => u.id),
          )
          .execute();
      if (added.length)
        await trx
          .insertInto('issue_assignees')
          .values(added.map((u) => ({ issue_id: issue.id, user_id: u.id })))
          .execute();
      newAssignees.push(...added.map((u) => u.id));
      const body = notes.assigneesNote(
        added.map((u) => u.username),
        removed.map((u) => u.username),
      );
      if (body) bodies.push(body);
    }
    await systemNotes(trx, now, noteable, actor.id, bodies);
    await issueTodos(trx, now, issue, actor.id, {
      assigned: newAssignees,
      text: set.description === undefined ? undefined : attrs.description,
      previousText: issue.description,
    });
    return trx
      .updateTable('issues')
      .set({ ...set, updated_at: bodies.length || Object.keys(set).length ? updatedAt : issue.updated_at })
      .where('id', '=', issue.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** labels= replaces the set; add_labels / remove_labels adjust it. Returns the system note, if any. */
async function changeLabels(
  trx: Db,
  now: string,
  s: ProjectSubject,
  actor: User,
  issue: Issue,
  attrs: IssueAttrs,
) {
  if (attrs.labels === undefined && attrs.add_labels === undefined && attrs.remove_labels === undefined)
    return [];
  const current = await trx
    .selectFrom('label_links')
    .innerJoin('labels', 'labels.id', 'label_links.label_id')
    .selectAll('labels')
    .where('label_links.target_type', '=', 'Issue')
    .where('label_links.target_id', '=', issue.id)
    .execute();
  const scope = { kind: 'project' as const, project: s.project, includeAncestors: true };
  const mayCreate = can(actor, 'admin_label', s);
  let wanted: Label[] =
    attrs.labels !== undefined ? await findOrCreateLabels(trx, now, scope, attrs.labels, mayCreate) : current;
  if (attrs.add_labels?.length) {
    const extra = await findOrCreateLabels(trx, now, scope, attrs.add_labels, mayCreate);
    wanted = [...wanted, ...extra.filter((l) => !wanted.some((w) => w.id === l.id))];
  }
  if (attrs.remove_labels?.length) {
    const drop = new Set(attrs.remove_labels.map((t) => t.trim()));
    wanted = wanted.filter((l) => !drop.has(l.title));
  }
  const added = wanted.filter((l) => !current.some((c) => c.id === l.id));
  const removed = current.filter((c) => !wanted.some((l) => l.id === c.id));
  if (removed.length)
    await trx
      .deleteFrom('label_links')
      .where('target_type', '=', 'Issue')
      .where('target_id', '=', issue.id)
      .where(
        'label_id',
        'in',
        removed.map((l) => l.id),
      )
      .execute();
  await linkLabels(trx, now, issue.id, added);
  await recordLabelEvents(trx, now, actor.id, { issue_id: issue.id }, added, removed);
  const body = notes.labelsNote(added, removed);
  return body ? [body] : [];
}

/** DELETE /projects/:id/issues/:issue_iid: the issue and everything hanging on it. */
export async function deleteIssue(deps: Deps, issue: Issue): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await deleteConversation(trx, { type: 'Issue', id: issue.id });
    for (const table of [
      'resource_label_events',
      'resource_milestone_events',
      'resource_state_events',
    ] as const)
      await trx.deleteFrom(table).where('issue_id', '=', issue.id).execute();
    await trx
      .deleteFrom('label_links')
      .where('target_type', '=', 'Issue')
      .where('target_id', '=', issue.id)
      .execute();
    await trx.deleteFrom('issues').where('id', '=', issue.id).execute();
  });
}

/** Time tracking: estimate and spent time, in seconds. */
export async function setTime(
  deps: Deps,
  issue: Issue,
  set: { time_estimate?: number; total_time_spent?: number },
) {
  return deps.db
    .updateTable('issues')
    .set({ ...set, updated_at: nowIso(deps) })
    .where('id', '=', issue.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
