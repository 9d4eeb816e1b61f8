import type { Updateable } from 'kysely';
import type { Db } from '../../db/connection.js';
import { nextIid } from '../../db/internal_ids.js';
import type { MergeRequestsTable } from '../../db/schema.js';
import { type Deps, nowIso } from '../../deps.js';
import { deleteRef, mergeBase, readRef } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { apiMessage, validationFailed } from '../../http/errors.js';
import { can } from '../../permissions/index.js';
import type { MergeRequest } from '../../permissions/merge_requests.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { findOrCreateLabels } from '../labels/service.js';
import { findMilestones } from '../milestones/finder.js';
import { deleteConversation } from '../notes/service.js';
import { recordMergeRequestCreated, recordMergeRequestUpdated, snapshotMergeRequest } from './activity.js';
import { headRef, syncHeadRef } from './git_state.js';
import { recordVersion } from './versions.js';

export interface MergeRequestAttrs {
  title?: string;
  description?: string | null;
  source_branch?: string;
  target_branch?: string;
  labels?: string[];
  add_labels?: string[];
  remove_labels?: string[];
  assignee_id?: number | null;
  assignee_ids?: number[];
  reviewer_ids?: number[];
  milestone_id?: number | null;
  remove_source_branch?: boolean;
  squash?: boolean;
  allow_collaboration?: boolean;
  allow_maintainer_to_push?: boolean;
  discussion_locked?: boolean;
  state_event?: string;
}

const unprocessable = (message: string) => apiMessage(422, [message]);

function checkTitle(title: string | undefined) {
  if (title === undefined) return;
  if (title.trim() === '') throw validationFailed({ title: ["can't be blank"] });
  if (title.length > 255) throw validationFailed({ title: ['is too long (maximum is 255 characters)'] });
}

/** Without admin_merge_request (Reporter+), metadata params are dropped, as GitLab's filter_params does. */
function filterParams(actor: User, s: ProjectSubject, attrs: MergeRequestAttrs): MergeRequestAttrs {
  if (can(actor, 'admin_merge_request', s)) return attrs;
  const {
    labels,
    add_labels,
    remove_labels,
    assignee_id,
    assignee_ids,
    reviewer_ids,
    milestone_id,
    ...rest
  } = attrs;
  return rest;
}

async function availableMilestone(db: Db, s: ProjectSubject, id: number) {
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

async function existingUserIds(db: Db, ids: readonly number[] | undefined): Promise<number[] | undefined> {
  if (ids === undefined) return undefined;
  const wanted = [...new Set(ids.filter((i) => i > 0))];
  if (!wanted.length) return [];
  const rows = await db.selectFrom('users').select('id').where('id', 'in', wanted).orderBy('id').execute();
  return rows.map((r) => r.id);
}

const assigneeList = (a: MergeRequestAttrs) =>
  a.assignee_ids ?? (a.assignee_id === undefined ? undefined : a.assignee_id ? [a.assignee_id] : []);

/** The root of a project's fork network (forked_from_project_id followed up). */
async function forkNetworkRoot(db: Db, projectId: number): Promise<number> {
  let id = projectId;
  for (let depth = 0; depth < 100; depth++) {
    const row = await db
      .selectFrom('projects')
      .select('forked_from_project_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row?.forked_from_project_id) return id;
    id = row.forked_from_project_id;
  }
  return id;
}

/** MergeRequest#validate_fork: the source must be in the target's fork network (422). */
async function validateFork(db: Db, source: ProjectSubject, target: ProjectSubject) {
  if (source.project.id === target.project.id) return;
  const [a, b] = await Promise.all([
    forkNetworkRoot(db, source.project.id),
    forkNetworkRoot(db, target.project.id),
  ]);
  if (a !== b) throw unprocessable('Source project is not a fork of the target project');
}

/** MergeRequest#validate_branches: GitLab's 422 and 409 answers. */
async function validateBranches(
  deps: Deps,
  s: ProjectSubject,
  source: string,
  target: string,
  exceptId?: number,
  sourceProjectId = s.project.id,
) {
  if (sourceProjectId === s.project.id && source === target)
    throw unprocessable('You must select different branches');
  if (!(await readRef(deps.git.projectRepo(sourceProjectId), `refs/heads/${source}`)))
    throw unprocessable(`Source branch "${source}" does not exist`);
  if (!(await readRef(deps.git.projectRepo(s.project.id), `refs/heads/${target}`)))
    throw unprocessable(`Target branch "${target}" does not exist`);
  await checkNoOtherOpen(deps.db, s.project.id, source, target, exceptId, sourceProjectId);
}

async function checkNoOtherOpen(
  db: Db,
  projectId: number,
  source: string,
  target: string,
  exceptId?: number,
  sourceProjectId = projectId,
) {
  const other = await db
    .selectFrom('merge_requests')
    .select('iid')
    .where('project_id', '=', projectId)
    .where('source_project_id', '=', sourceProjectId)
    .where('source_branch', '=', source)
    .where('target_branch', '=', target)
    .where('state', 'in', ['opened', 'locked'])
    .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
    .orderBy('id')
    .executeTakeFirst();
  if (other)
    throw apiMessage(409, [
      `Another open merge request already exists for this source branch: !${other.iid}`,
    ]);
}

/** A unique index refused the row: another request opened the same merge request meanwhile. */
const isUniqueViolation = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
};

/**
 * Replaces the assignees or reviewers. People already there keep their row, so a reviewer's
 * created_at stays the time they were first asked, as GitLab's merge_request_reviewers rows do.
 */
async function setUsers(
  db: Db,
  now: string,
  table: 'merge_request_assignees' | 'merge_request_reviewers',
  mrId: number,
  ids: readonly number[] | undefined,
) {
  if (ids === undefined) return;
  const current = (
    await db.selectFrom(table).select('user_id').where('merge_request_id', '=', mrId).execute()
  ).map((r) => r.user_id);
  const gone = current.filter((id) => !ids.includes(id));
  if (gone.length)
    await db.deleteFrom(table).where('merge_request_id', '=', mrId).where('user_id', 'in', gone).execute();
  const added = [...new Set(ids)].filter((id) => !current.includes(id));
  if (!added.length) return;
  const rows = added.map((user_id) => ({ merge_request_id: mrId, user_id }));
  if (table === 'merge_request_reviewers')
    await db
      .insertInto(table)
      .values(rows.map((r) => ({ ...r, created_at: now })))
      .execute();
  else await db.insertInto(table).values(rows).execute();
}

async function setLabels(
  db: Db,
  now: string,
  s: ProjectSubject,
  actor: User,
  mrId: number,
  attrs: MergeRequestAttrs,
) {
  if (attrs.labels === undefined && attrs.add_labels === undefined && attrs.remove_labels === undefined)
    return;
  const scope = { kind: 'project' as const, project: s.project, includeAncestors: true };
  const mayCreate = can(actor, 'admin_label', s);
  const current = await db
    .selectFrom('label_links')
    .innerJoin('labels', 'labels.id', 'label_links.label_id')
    .select(['labels.id', 'labels.title'])
    .where('target_type', '=', 'MergeRequest')
    .where('target_id', '=', mrId)
    .execute();
  let titles = attrs.labels ?? current.map((l) => l.title);
  if (attrs.add_labels) titles = [...titles, ...attrs.add_labels];
  if (attrs.remove_labels) {
    const drop = new Set(attrs.remove_labels);
    titles = titles.filter((t) => !drop.has(t));
  }
  const labels = await findOrCreateLabels(db, now, scope, titles, mayCreate);
  await db
    .deleteFrom('label_links')
    .where('target_type', '=', 'MergeRequest')
    .where('target_id', '=', mrId)
    .execute();
  if (labels.length)
    await db
      .insertInto('label_links')
      .values(
        labels.map((l) => ({
          label_id: l.id,
          target_type: 'MergeRequest',
          target_id: mrId,
          created_at: now,
        })),
      )
      .execute();
}

/**
 * POST /projects/:id/merge_requests: branches checked against git, iid from the target project's
 * counter. `s` is the target project; `source` differs from it for a merge request from a fork.
 */
export async function createMergeRequest(
  deps: Deps,
  s: ProjectSubject,
  author: User,
  input: MergeRequestAttrs & { title: string; source_branch: string; target_branch: string },
  source: ProjectSubject = s,
): Promise<MergeRequest> {
  const attrs = filterParams(author, s, input);
  checkTitle(attrs.title);
  await validateFork(deps.db, source, s);
  await validateBranches(deps, s, input.source_branch, input.target_branch, undefined, source.project.id);
  const milestone = attrs.milestone_id ? await availableMilestone(deps.db, s, attrs.milestone_id) : null;
  const assignees = await existingUserIds(deps.db, assigneeList(attrs));
  const reviewers = await existingUserIds(deps.db, attrs.reviewer_ids);
  const now = nowIso(deps);
  const forFork = source.project.id !== s.project.id;
  let mr: MergeRequest;
  try {
    mr = await deps.db.transaction().execute(async (trx) => {
      const iid = await nextIid(trx, {
        usage: 'merge_requests',
        scopeType: 'project',
        scopeId: s.project.id,
      });
      const row = await trx
        .insertInto('merge_requests')
        .values({
          iid,
          project_id: s.project.id,
          source_project_id: source.project.id,
          source_branch: input.source_branch,
          target_branch: input.target_branch,
          author_id: author.id,
          title: input.title.trim(),
          description: attrs.description ?? null,
          milestone_id: milestone?.id ?? null,
          squash: attrs.squash ?? false,
          force_remove_source_branch: attrs.remove_source_branch ?? null,
          discussion_locked: attrs.discussion_locked ?? null,
          allow_collaboration: forFork ? (attrs.allow_collaboration ?? false) : null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await setLabels(trx, now, s, author, row.id, attrs);
      await setUsers(trx, now, 'merge_request_assignees', row.id, assignees);
      await setUsers(trx, now, 'merge_request_reviewers', row.id, reviewers);
      await recordMergeRequestCreated(trx, now, author, row);
      return row;
    });
  } catch (err) {
    // The partial unique index on open merge requests: the other create won the race.
    if (!isUniqueViolation(err)) throw err;
    await checkNoOtherOpen(
      deps.db,
      s.project.id,
      input.source_branch,
      input.target_branch,
      undefined,
      source.project.id,
    );
    throw err;
  }
  await startTracking(deps, mr);
  return mr;
}

/** The head ref (after copying a fork's commits) and the first version, right after creation. */
async function startTracking(deps: Deps, mr: MergeRequest) {
  const head = await readRef(deps.git.projectRepo(mr.source_project_id), `refs/heads/${mr.source_branch}`);
  const target = await readRef(deps.git.projectRepo(mr.project_id), `refs/heads/${mr.target_branch}`);
  if (!head) return;
  await syncHeadRef(deps, mr.project_id, mr.iid, head, mr.source_project_id);
  const base = target ? await mergeBase(deps.git.projectRepo(mr.project_id), target, head) : null;
  await recordVersion(deps, mr, { head, base, start: target });
}

/** PUT /projects/:id/merge_requests/:merge_request_iid */
export async function updateMergeRequest(
  deps: Deps,
  s: ProjectSubject,
  actor: User,
  mr: MergeRequest,
  input: MergeRequestAttrs,
): Promise<MergeRequest> {
  const attrs = filterParams(actor, s, input);
  checkTitle(attrs.title);
  const reopening = attrs.state_event === 'reopen' && mr.state === 'closed';
  const target = attrs.target_branch ?? mr.target_branch;
  if (attrs.target_branch !== undefined && attrs.target_branch !== mr.target_branch)
    await validateBranches(deps, s, mr.source_branch, target, mr.id, mr.source_project_id);
  else if (reopening)
    await checkNoOtherOpen(deps.db, s.project.id, mr.source_branch, target, mr.id, mr.source_project_id);
  let milestoneId: number | null | undefined;
  if (attrs.milestone_id !== undefined)
    milestoneId = attrs.milestone_id ? (await availableMilestone(deps.db, s, attrs.milestone_id)).id : null;
  const assignees = await existingUserIds(deps.db, assigneeList(attrs));
  const reviewers = await existingUserIds(deps.db, attrs.reviewer_ids);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const before = await snapshotMergeRequest(trx, mr);
    const set: Updateable<MergeRequestsTable> = { updated_at: now };
    if (attrs.title !== undefined) set.title = attrs.title.trim();
    if (attrs.description !== undefined) set.description = attrs.description;
    if (attrs.target_branch !== undefined) set.target_branch = attrs.target_branch;
    if (milestoneId !== undefined) set.milestone_id = milestoneId;
    if (attrs.squash !== undefined) set.squash = attrs.squash;
    if (attrs.remove_source_branch !== undefined) set.force_remove_source_branch = attrs.remove_source_branch;
    if (attrs.discussion_locked !== undefined) set.discussion_locked = attrs.discussion_locked;
    const collaboration = attrs.allow_collaboration ?? attrs.allow_maintainer_to_push;
    if (collaboration !== undefined && mr.source_project_id !== mr.project_id)
      set.allow_collaboration = collaboration;
    if (attrs.state_event === 'close' && mr.state === 'opened')
      Object.assign(set, { state: 'closed', closed_at: now, closed_by_id: actor.id });
    if (reopening) Object.assign(set, { state: 'opened', closed_at: null, closed_by_id: null });
    const row = await trx
      .updateTable('merge_requests')
      .set(set)
      .where('id', '=', mr.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await setLabels(trx, now, s, actor, mr.id, attrs);
    await setUsers(trx, now, 'merge_request_assignees', mr.id, assignees);
    await setUsers(trx, now, 'merge_request_reviewers', mr.id, reviewers);
    await recordMergeRequestUpdated(trx, now, actor, before, row);
    return row;
  });
}

/** DELETE …/merge_requests/:iid: the row with its links, labels, notes and award emoji; the head ref goes too. */
export async function deleteMergeRequest(deps: Deps, mr: MergeRequest): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await deleteConversation(trx, { type: 'MergeRequest', id: mr.id });
    await trx
      .deleteFrom('label_links')
      .where('target_type', '=', 'MergeRequest')
      .where('target_id', '=', mr.id)
      .execute();
    await trx.deleteFrom('merge_requests').where('id', '=', mr.id).execute();
  });
  const repo = deps.git.projectRepo(mr.project_id);
  const ref = headRef(mr.iid);
  const current = await readRef(repo, ref);
  if (current) await deleteRef(repo, ref, current).catch(() => undefined);
}
