import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { containsText } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import { minimumVisibleLevel, VISIBILITY, type VisibilityName } from '../../permissions/groups.js';
import type { Project } from '../../permissions/projects.js';
import { projectAccessRows } from '../members/access.js';

type ProjectQuery = SelectQueryBuilder<Database, 'projects', Project>;

export interface ProjectFilters {
  namespace_ids?: number[];
  /** Projects in a namespace's whole subtree. */
  subtree_of?: number;
  /** With subtree_of/namespace_ids: also projects shared with these groups. */
  shared_with_groups?: number[];
  forked_from?: number;
  archived?: boolean;
  visibility?: string;
  search?: string;
  search_namespaces?: boolean;
  owned?: boolean;
  starred?: boolean;
  membership?: boolean;
  with_issues_enabled?: boolean;
  with_merge_requests_enabled?: boolean;
  min_access_level?: number;
  topic?: string[];
  last_activity_after?: string;
  last_activity_before?: string;
  id_after?: number;
  id_before?: number;
  order_by?: string;
  sort?: string;
}

const accessIds = (db: Db, viewer: User, min?: number) => {
  const q = db.selectFrom(projectAccessRows(db, viewer.id).as('a')).select('a.project_id');
  return min === undefined ? q : q.where('a.access_level', '>=', min);
};

/** Visibility first (C22): anonymous sees public; signed-in adds internal and their own; admins all. */
export const visibleTo =
  (db: Db, viewer: User | null) =>
  (q: ProjectQuery): ProjectQuery => {
    if (viewer?.admin) return q;
    if (!viewer) return q.where('projects.visibility_level', '>=', VISIBILITY.public);
    return q.where((eb) =>
      eb.or([
        eb('projects.visibility_level', '>=', minimumVisibleLevel(viewer)),
        eb('projects.id', 'in', accessIds(db, viewer)),
      ]),
    );
  };

const none = (q: ProjectQuery) => q.where(sql<boolean>`1 = 0`);

const byScope = (db: Db, f: ProjectFilters) => (q: ProjectQuery) => {
  if (f.subtree_of === undefined && f.namespace_ids === undefined) return q;
  return q.where((eb) => {
    const ors = [];
    if (f.subtree_of !== undefined)
      ors.push(
        eb(
          'projects.namespace_id',
          'in',
          db
            .selectFrom('namespace_hierarchy')
            .select('descendant_id')
            .where('ancestor_id', '=', f.subtree_of),
        ),
      );
    if (f.namespace_ids !== undefined)
      ors.push(eb('projects.namespace_id', 'in', f.namespace_ids.length ? f.namespace_ids : [-1]));
    if (f.shared_with_groups?.length)
      ors.push(
        eb(
          'projects.id',
          'in',
          db
            .selectFrom('project_group_links')
            .select('project_id')
            .where('group_id', 'in', f.shared_with_groups),
        ),
      );
    return eb.or(ors);
  });
};

const byUser = (db: Db, viewer: User | null, f: ProjectFilters) => (q: ProjectQuery) => {
  let out = q;
  if (f.owned) out = viewer ? out.where('projects.id', 'in', accessIds(db, viewer, 50)) : none(out);
  if (f.membership) out = viewer ? out.where('projects.id', 'in', accessIds(db, viewer)) : none(out);
  if (f.min_access_level !== undefined)
    out = viewer ? out.where('projects.id', 'in', accessIds(db, viewer, f.min_access_level)) : none(out);
  if (f.starred)
    out = viewer
      ? out.where(
          'projects.id',
          'in',
          db.selectFrom('users_star_projects').select('project_id').where('user_id', '=', viewer.id),
        )
      : none(out);
  return out;
};

const bySearch = (f: ProjectFilters) => (q: ProjectQuery) =>
  !f.search
    ? q
    : q.where((eb) =>
        eb.or([
          containsText('projects.name', f.search!),
          containsText('projects.path', f.search!),
          containsText('projects.description', f.search!),
          ...(f.search_namespaces ? [containsText('projects.path_with_namespace', f.search!)] : []),
        ]),
      );

const byTopics = (db: Db, topics: string[] | undefined) => (q: ProjectQuery) => {
  let out = q;
  for (const t of topics ?? [])
    out = out.where(
      'projects.id',
      'in',
      db
        .selectFrom('project_topics')
        .select('project_id')
        .where((eb) => eb(eb.fn('lower', ['name']), '=', t.toLowerCase())),
    );
  return out;
};

const ORDER_COLUMNS: Record<string, string> = {
  id: 'projects.id',
  name: 'projects.name',
  path: 'projects.path',
  // GitLab orders created_at by id (order_options_with_tie_breaker): the same order, served by the primary key.
  created_at: 'projects.id',
  updated_at: 'projects.updated_at',
  last_activity_at: 'projects.last_activity_at',
  star_count: 'projects.star_count',
  similarity: 'projects.id',
};

const sorted = (orderBy: string | undefined, sort: string | undefined) => (q: ProjectQuery) => {
  const dir = sort === 'asc' ? 'asc' : 'desc';
  const col = ORDER_COLUMNS[orderBy ?? 'created_at'] ?? 'projects.id';
  const ordered = q.orderBy(sql.ref(col), dir);
  return col === 'projects.id' ? ordered : ordered.orderBy('projects.id', dir);
};

export function findProjects(db: Db, viewer: User | null, f: ProjectFilters): ProjectQuery {
  return db
    .selectFrom('projects')
    .selectAll('projects')
    .$call(visibleTo(db, viewer))
    .where('projects.pending_delete', '=', false)
    .$call(byScope(db, f))
    .$if(f.forked_from !== undefined, (q) => q.where('projects.forked_from_project_id', '=', f.forked_from!))
    .$call(byUser(db, viewer, f))
    .$if(f.archived !== undefined, (q) => q.where('projects.archived', '=', f.archived!))
    .$if(f.visibility !== undefined, (q) =>
      q.where('projects.visibility_level', '=', VISIBILITY[f.visibility as VisibilityName]),
    )
    .$call(bySearch(f))
    .$call(byTopics(db, f.topic))
    .$if(Boolean(f.with_issues_enabled), (q) => q.where('projects.issues_access_level', '!=', 'disabled'))
    .$if(Boolean(f.with_merge_requests_enabled), (q) =>
      q.where('projects.merge_requests_access_level', '!=', 'disabled'),
    )
    .$if(f.last_activity_after !== undefined, (q) =>
      q.where('projects.last_activity_at', '>', f.last_activity_after!),
    )
    .$if(f.last_activity_before !== undefined, (q) =>
      q.where('projects.last_activity_at', '<', f.last_activity_before!),
    )
    .$if(f.id_after !== undefined, (q) => q.where('projects.id', '>', f.id_after!))
    .$if(f.id_before !== undefined, (q) => q.where('projects.id', '<', f.id_before!))
    .$call(sorted(f.order_by, f.sort));
}
