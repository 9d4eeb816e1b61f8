import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { User } from '../../http/auth.js';
import { ACCESS, minimumVisibleLevel, VISIBILITY } from '../../permissions/groups.js';
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
  if (!viewer) {
    const open = db
      .selectFrom('projects')
      .select('id')
      .where('visibility_level', '>=', VISIBILITY.public)
      .where('issues_access_level', '=', 'enabled');
    return sql<SqlBool>`(${projectId} in (${open}) and ${sql.ref('issues.confidential')} = ${false})`;
  }
  const access = (min: number) =>
    db
      .selectFrom(projectAccessRows(db, viewer.id).as('a'))
      .select('a.project_id')
      .where('a.access_level', '>=', min);
  const readable = db
    .selectFrom('projects')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('visibility_level', '>=', minimumVisibleLevel(viewer)),
          eb('issues_access_level', '=', 'enabled'),
        ]),
        eb.and([eb('id', 'in', access(ACCESS.GUEST)), eb('issues_access_level', '!=', 'disabled')]),
      ]),
    );
  const assigned = db.selectFrom('issue_assignees').select('issue_id').where('user_id', '=', viewer.id);
  return sql<SqlBool>`(${projectId} in (${readable}) and (${sql.ref('issues.confidential')} = ${false} or ${sql.ref('issues.author_id')} = ${viewer.id} or ${sql.ref('issues.id')} in (${assigned}) or ${projectId} in (${access(ACCESS.PLANNER)})))`;
}
