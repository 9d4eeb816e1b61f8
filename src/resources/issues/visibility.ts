import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { User } from '../../http/auth.js';
import { ACCESS, minimumVisibleLevel, VISIBILITY } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { projectAccessRows } from '../members/access.js';

/**
 * Which issues a viewer may see, as one SQL condition on `issues` (C22): the project is visible,
 * its issues feature is open to the viewer, and a confidential issue is the viewer's own, assigned
 * to them, or in a project where they are Planner or above. Every issue list, count and statistic
 * starts with it, so totals never leak what pages hide. The same rules as permissions/issues.ts.
 */
export function issueVisibility(db: Db, viewer: User | null): RawBuilder<SqlBool> {
  if (viewer?.admin) return sql<SqlBool>`1 = 1`;
  const projectId = sql.ref('issues.project_id');
  if (!viewer)
    return sql<SqlBool>`(${projectId} in (${readableProjects(db, null)}) and ${sql.ref('issues.confidential')} = ${false})`;
  return sql<SqlBool>`(${projectId} in (${readableProjects(db, viewer)}) and (${sql.ref('issues.confidential')} = ${false} or ${sql.ref('issues.author_id')} = ${viewer.id} or ${sql.ref('issues.id')} in (${assignedTo(db, viewer.id)}) or ${projectId} in (${accessAtLeast(db, viewer.id, ACCESS.PLANNER)})))`;
}

/**
 * The same rules for the issues of one project already looked up with the viewer's access
 * (findProject's ProjectSubject), decided once by the policy module with no query, so the list's
 * condition is plain column tests that the issue indexes serve: null (the viewer sees every issue:
 * no condition), `1 = 0` (none: no read_issue), or, below admin_issue (Planner), only the
 * non-confidential ones plus the viewer's own and assigned ones.
 */
export function projectIssueVisibilityOf(
  db: Db,
  viewer: User | null,
  project: ProjectSubject,
): RawBuilder<SqlBool> | null {
  if (!can(viewer, 'read_issue', project)) return sql<SqlBool>`1 = 0`;
  if (can(viewer, 'admin_issue', project)) return null;
  return openOrInvolved(db, viewer);
}

/** Non-confidential issues, and the viewer's own and assigned ones. */
function openOrInvolved(db: Db, viewer: User | null): RawBuilder<SqlBool> {
  const open = sql<SqlBool>`${sql.ref('issues.confidential')} = ${false}`;
  if (!viewer) return open;
  return sql<SqlBool>`(${open} or ${sql.ref('issues.author_id')} = ${viewer.id} or ${sql.ref('issues.id')} in (${assignedTo(db, viewer.id)}))`;
}

/** Projects whose issues the viewer may list (project visible, issues feature open to them). */
function readableProjects(db: Db, viewer: User | null) {
  if (!viewer)
    return db
      .selectFrom('projects')
      .select('id')
      .where('visibility_level', '>=', VISIBILITY.public)
      .where('issues_access_level', '=', 'enabled');
  return db
    .selectFrom('projects')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('visibility_level', '>=', minimumVisibleLevel(viewer)),
          eb('issues_access_level', '=', 'enabled'),
        ]),
        eb.and([
          eb('id', 'in', accessAtLeast(db, viewer.id, ACCESS.GUEST)),
          eb('issues_access_level', '!=', 'disabled'),
        ]),
      ]),
    );
}

const accessAtLeast = (db: Db, userId: number, min: number) =>
  db
    .selectFrom(projectAccessRows(db, userId).as('a'))
    .select('a.project_id')
    .where('a.access_level', '>=', min);

const assignedTo = (db: Db, userId: number) =>
  db.selectFrom('issue_assignees').select('issue_id').where('user_id', '=', userId);
