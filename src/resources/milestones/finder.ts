import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { containsText } from '../../db/text.js';
import type { Milestone } from './entity.js';

/** Milestones of a project (and, with include_ancestors, of its groups) or of a group. */
export type MilestoneScope =
  | { kind: 'project'; projectId: number; namespaceId: number; includeAncestors: boolean }
  | { kind: 'group'; groupId: number; includeAncestors: boolean; includeDescendants?: boolean };

export interface MilestoneFilters {
  iids?: number[];
  state?: string;
  title?: string;
  search?: string;
  search_title?: string;
  updated_before?: string;
  updated_after?: string;
}

const ancestors = (db: Db, id: number) =>
  db.selectFrom('namespace_hierarchy').select('ancestor_id').where('descendant_id', '=', id);
const descendants = (db: Db, id: number) =>
  db.selectFrom('namespace_hierarchy').select('descendant_id').where('ancestor_id', '=', id);

/** GitLab's MilestonesFinder: due date ascending (no due date last), ties by id. */
export function findMilestones(db: Db, scope: MilestoneScope, f: MilestoneFilters = {}) {
  return db
    .selectFrom('milestones')
    .selectAll('milestones')
    .where((eb) => {
      if (scope.kind === 'project') {
        const ors = [eb('milestones.project_id', '=', scope.projectId)];
        if (scope.includeAncestors)
          ors.push(eb('milestones.group_id', 'in', ancestors(db, scope.namespaceId)));
        return eb.or(ors);
      }
      const ors = [eb('milestones.group_id', '=', scope.groupId)];
      if (scope.includeAncestors) ors.push(eb('milestones.group_id', 'in', ancestors(db, scope.groupId)));
      if (scope.includeDescendants) {
        ors.push(eb('milestones.group_id', 'in', descendants(db, scope.groupId)));
        ors.push(
          eb(
            'milestones.project_id',
            'in',
            db
              .selectFrom('projects')
              .select('id')
              .where('namespace_id', 'in', descendants(db, scope.groupId)),
          ),
        );
      }
      return eb.or(ors);
    })
    .$if(f.iids !== undefined && f.iids.length > 0, (q) => q.where('milestones.iid', 'in', f.iids!))
    .$if(f.state === 'active' || f.state === 'closed', (q) => q.where('milestones.state', '=', f.state!))
    .$if(f.title !== undefined, (q) => q.where('milestones.title', '=', f.title!))
    .$if(Boolean(f.search), (q) =>
      q.where((eb) =>
        eb.or([
          containsText('milestones.title', f.search!),
          containsText('milestones.description', f.search!),
        ]),
      ),
    )
    .$if(Boolean(f.search_title), (q) => q.where(containsText('milestones.title', f.search_title!)))
    .$if(f.updated_before !== undefined, (q) => q.where('milestones.updated_at', '<', f.updated_before!))
    .$if(f.updated_after !== undefined, (q) => q.where('milestones.updated_at', '>', f.updated_after!))
    .orderBy(sql`case when ${sql.ref('milestones.due_date')} is null then 1 else 0 end`)
    .orderBy('milestones.due_date', 'asc')
    .orderBy('milestones.id', 'asc');
}

/** Paths (project path_with_namespace or group full_path) for a page of milestones, one query each. */
export async function milestoneOwnerPaths(db: Db, rows: readonly Milestone[]) {
  const projectIds = [...new Set(rows.flatMap((m) => (m.project_id !== null ? [m.project_id] : [])))];
  const groupIds = [...new Set(rows.flatMap((m) => (m.group_id !== null ? [m.group_id] : [])))];
  const [projects, groups] = await Promise.all([
    projectIds.length
      ? db
          .selectFrom('projects')
          .select(['id', 'path_with_namespace as path'])
          .where('id', 'in', projectIds)
          .execute()
      : Promise.resolve([]),
    groupIds.length
      ? db.selectFrom('namespaces').select(['id', 'full_path as path']).where('id', 'in', groupIds).execute()
      : Promise.resolve([]),
  ]);
  const p = new Map(projects.map((r) => [r.id, r.path]));
  const g = new Map(groups.map((r) => [r.id, r.path]));
  return (m: Milestone) => (m.project_id !== null ? p.get(m.project_id) : g.get(m.group_id!)) ?? '';
}
