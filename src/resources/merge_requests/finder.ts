import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { fuzzySearch } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import { ACCESS, minimumVisibleLevel, VISIBILITY } from '../../permissions/groups.js';
import { projectAccessRows } from '../members/access.js';

/**
 * Which merge requests a viewer may see, as one SQL condition (the rules of
 * projectAbilities.read_merge_request): a visible project whose merge requests feature is open to
 * the viewer, or Reporter+ membership when the feature (or project) is private.
 */
export function mergeRequestVisibility(db: Db, viewer: User | null): RawBuilder<SqlBool> {
  if (viewer?.admin) return sql<SqlBool>`1 = 1`;
  const projectId = sql.ref('merge_requests.project_id');
  if (!viewer) {
    const open = db
      .selectFrom('projects')
      .select('id')
      .where('visibility_level', '>=', VISIBILITY.public)
      .where('merge_requests_access_level', '=', 'enabled');
    return sql<SqlBool>`${projectId} in (${open})`;
  }
  const reporter = db
    .selectFrom(projectAccessRows(db, viewer.id).as('a'))
    .select('a.project_id')
    .where('a.access_level', '>=', ACCESS.REPORTER);
  const readable = db
    .selectFrom('projects')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('visibility_level', '>=', minimumVisibleLevel(viewer)),
          eb('merge_requests_access_level', '=', 'enabled'),
        ]),
        eb.and([eb('id', 'in', reporter), eb('merge_requests_access_level', '!=', 'disabled')]),
      ]),
    );
  return sql<SqlBool>`${projectId} in (${readable})`;
}

export interface MergeRequestFilters {
  project_id?: number;
  group_id?: number;
  state?: string;
  scope?: string;
  author_id?: number;
  author_username?: string;
  assignee_id?: string;
  reviewer_id?: string;
  source_branch?: string;
  target_branch?: string;
  labels?: string[];
  milestone?: string;
  search?: string;
  in?: string;
  created_after?: string;
  created_before?: string;
  updated_after?: string;
  updated_before?: string;
  draft?: boolean;
  iids?: number[];
  order_by: string;
  sort: string;
}

type Q = ReturnType<typeof base>;

const base = (db: Db) => db.selectFrom('merge_requests').selectAll('merge_requests');

const DRAFT_SQL = sql<SqlBool>`(lower(merge_requests.title) like 'draft:%' or lower(merge_requests.title) like '[draft]%' or lower(merge_requests.title) like '(draft)%' or lower(merge_requests.title) like 'draft %' or lower(merge_requests.title) like '[wip]%' or lower(merge_requests.title) like 'wip:%')`;

const byProject = (q: Q, f: MergeRequestFilters) =>
  f.project_id === undefined ? q : q.where('merge_requests.project_id', '=', f.project_id);

const byGroup = (db: Db, q: Q, f: MergeRequestFilters) => {
  if (f.group_id === undefined) return q;
  const groupIds = db
    .selectFrom('namespace_hierarchy')
    .select('descendant_id')
    .where('ancestor_id', '=', f.group_id);
  const projects = db.selectFrom('projects').select('id').where('namespace_id', 'in', groupIds);
  return q.where('merge_requests.project_id', 'in', projects);
};

const byState = (q: Q, f: MergeRequestFilters) =>
  !f.state || f.state === 'all' ? q : q.where('merge_requests.state', '=', f.state);

function byUserLink(db: Db, q: Q, table: 'merge_request_assignees' | 'merge_request_reviewers', v?: string) {
  if (v === undefined) return q;
  const linked = db.selectFrom(table).select('merge_request_id');
  const lower = v.toLowerCase();
  if (lower === 'none') return q.where('merge_requests.id', 'not in', linked);
  if (lower === 'any') return q.where('merge_requests.id', 'in', linked);
  return q.where('merge_requests.id', 'in', linked.where('user_id', '=', Number(v)));
}

function byScope(db: Db, viewer: User | null, q: Q, f: MergeRequestFilters) {
  const scope = f.scope?.replaceAll('-', '_');
  if (!scope || scope === 'all' || !viewer) return q;
  if (scope === 'created_by_me') return q.where('merge_requests.author_id', '=', viewer.id);
  if (scope === 'assigned_to_me') return byUserLink(db, q, 'merge_request_assignees', String(viewer.id));
  return byUserLink(db, q, 'merge_request_reviewers', String(viewer.id));
}

function byAuthor(db: Db, q: Q, f: MergeRequestFilters) {
  if (f.author_id !== undefined) q = q.where('merge_requests.author_id', '=', f.author_id);
  if (f.author_username !== undefined) {
    const u = db
      .selectFrom('users')
      .select('id')
      .where(sql`lower(username)`, '=', f.author_username.toLowerCase());
    q = q.where('merge_requests.author_id', 'in', u);
  }
  return q;
}

const byBranches = (q: Q, f: MergeRequestFilters) =>
  q
    .$if(f.source_branch !== undefined, (qq) =>
      qq.where('merge_requests.source_branch', '=', f.source_branch!),
    )
    .$if(f.target_branch !== undefined, (qq) =>
      qq.where('merge_requests.target_branch', '=', f.target_branch!),
    );

function byLabels(db: Db, q: Q, f: MergeRequestFilters) {
  if (!f.labels || f.labels.length === 0) return q;
  const lower = f.labels.map((l) => l.toLowerCase());
  const linked = db
    .selectFrom('label_links')
    .innerJoin('labels', 'labels.id', 'label_links.label_id')
    .select('label_links.target_id')
    .where('label_links.target_type', '=', 'MergeRequest');
  if (lower.length === 1 && (lower[0] === 'none' || lower[0] === 'any'))
    return q.where('merge_requests.id', lower[0] === 'none' ? 'not in' : 'in', linked);
  for (const l of f.labels) q = q.where('merge_requests.id', 'in', linked.where('labels.title', '=', l));
  return q;
}

function byMilestone(db: Db, q: Q, f: MergeRequestFilters) {
  if (f.milestone === undefined) return q;
  const m = f.milestone.toLowerCase();
  if (m === 'none') return q.where('merge_requests.milestone_id', 'is', null);
  if (m === 'any') return q.where('merge_requests.milestone_id', 'is not', null);
  const ids = db.selectFrom('milestones').select('id').where('title', '=', f.milestone);
  return q.where('merge_requests.milestone_id', 'in', ids);
}

function bySearch(q: Q, f: MergeRequestFilters) {
  if (!f.search) return q;
  const fields = (f.in ?? 'title,description').split(',').map((s) => s.trim());
  const columns = (['title', 'description'] as const)
    .filter((c) => fields.includes(c))
    .map((c) => `merge_requests.${c}`);
  const condition = fuzzySearch(columns, f.search);
  return condition ? q.where(condition) : q;
}

const byDates = (q: Q, f: MergeRequestFilters) =>
  q
    .$if(f.created_after !== undefined, (qq) => qq.where('merge_requests.created_at', '>=', f.created_after!))
    .$if(f.created_before !== undefined, (qq) =>
      qq.where('merge_requests.created_at', '<=', f.created_before!),
    )
    .$if(f.updated_after !== undefined, (qq) => qq.where('merge_requests.updated_at', '>=', f.updated_after!))
    .$if(f.updated_before !== undefined, (qq) =>
      qq.where('merge_requests.updated_at', '<=', f.updated_before!),
    );

const byDraft = (q: Q, f: MergeRequestFilters) =>
  f.draft === undefined ? q : q.where(f.draft ? DRAFT_SQL : sql<SqlBool>`not ${DRAFT_SQL}`);

const byIids = (q: Q, f: MergeRequestFilters) =>
  f.iids === undefined || f.iids.length === 0 ? q : q.where('merge_requests.iid', 'in', f.iids);

function ordered(q: Q, f: MergeRequestFilters) {
  const dir = f.sort === 'asc' ? 'asc' : 'desc';
  const col =
    f.order_by === 'updated_at'
      ? 'merge_requests.updated_at'
      : f.order_by === 'title'
        ? 'merge_requests.title'
        : f.order_by === 'merged_at'
          ? 'merge_requests.merged_at'
          : 'merge_requests.created_at';
  // gitlab-compat: label_priority, milestone_due and popularity fall back to created_at.
  return q.orderBy(col, dir).orderBy('merge_requests.id', dir);
}

/** MergeRequestsFinder: visibility first, then each filter (a no-op when its param is absent). */
export function findMergeRequests(db: Db, viewer: User | null, f: MergeRequestFilters) {
  let q = base(db).where(mergeRequestVisibility(db, viewer));
  q = byProject(q, f);
  q = byGroup(db, q, f);
  q = byState(q, f);
  q = byScope(db, viewer, q, f);
  q = byAuthor(db, q, f);
  q = byUserLink(db, q, 'merge_request_assignees', f.assignee_id);
  q = byUserLink(db, q, 'merge_request_reviewers', f.reviewer_id);
  q = byBranches(q, f);
  q = byLabels(db, q, f);
  q = byMilestone(db, q, f);
  q = bySearch(q, f);
  q = byDates(q, f);
  q = byDraft(q, f);
  q = byIids(q, f);
  return ordered(q, f);
}
