import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/connection.js';

/**
 * Where a user's access comes from, as SQL, so finders filter visibility in the query (counts and
 * pages agree) and lookups batch-load levels for a page (one query per relation, never per row).
 *
 * Sources, as GitLab computes project authorizations: direct project membership; membership of any
 * ancestor group (inherited down the tree); a group share (project → group, or group → group) to a
 * group the user belongs to, capped at the share's level; the owner of a personal namespace.
 * Expired memberships and shares grant nothing.
 */

const least = (a: Expression<number>, b: Expression<number>) =>
  sql<number>`case when ${a} < ${b} then ${a} else ${b} end`;

const today = () => new Date().toISOString().slice(0, 10);

/** The membership or share in `col` (its expires_at) has not expired on day `d`. */
export const activeOn = (d: string) => (col: string) =>
  sql<SqlBool>`(${sql.ref(col)} is null or ${sql.ref(col)} > ${d})`;

/** (project_id, access_level): the user's direct project memberships. `d` is today (YYYY-MM-DD). */
export function directProjectAccessRows(db: Db, userId: number, d = today()) {
  return db
    .selectFrom('members as m')
    .select(['m.source_id as project_id', 'm.access_level as access_level'])
    .where('m.source_type', '=', 'Project')
    .where('m.user_id', '=', userId)
    .where(activeOn(d)('m.expires_at'));
}

/** (project_id, access_level): memberships of the groups above each project, inherited down the tree. */
export function inheritedProjectAccessRows(db: Db, userId: number, d = today()) {
  return db
    .selectFrom('projects as p')
    .innerJoin('namespace_hierarchy as h', 'h.descendant_id', 'p.namespace_id')
    .innerJoin('members as m', (j) =>
      j
        .onRef('m.source_id', '=', 'h.ancestor_id')
        .on('m.source_type', '=', 'Namespace')
        .on('m.user_id', '=', userId),
    )
    .select(['p.id as project_id', 'm.access_level as access_level'])
    .where(activeOn(d)('m.expires_at'));
}

/** (project_id, access_level) rows: one per source granting the user access; take the max. */
export function projectAccessRows(db: Db, userId: number, d = today()) {
  const memberActive = activeOn(d);
  const direct = directProjectAccessRows(db, userId, d);
  const inherited = inheritedProjectAccessRows(db, userId, d);
  const projectShares = db
    .selectFrom('project_group_links as l')
    .innerJoin('namespace_hierarchy as h', 'h.descendant_id', 'l.group_id')
    .innerJoin('members as m', (j) =>
      j
        .onRef('m.source_id', '=', 'h.ancestor_id')
        .on('m.source_type', '=', 'Namespace')
        .on('m.user_id', '=', userId),
    )
    .select((eb) => [
      'l.project_id as project_id',
      least(eb.ref('l.group_access'), eb.ref('m.access_level')).as('access_level'),
    ])
    .where(memberActive('m.expires_at'))
    .where(memberActive('l.expires_at'));
  const groupShares = db
    .selectFrom('projects as p')
    .innerJoin('namespace_hierarchy as h1', 'h1.descendant_id', 'p.namespace_id')
    .innerJoin('group_group_links as gl', 'gl.shared_group_id', 'h1.ancestor_id')
    .innerJoin('namespace_hierarchy as h2', 'h2.descendant_id', 'gl.shared_with_group_id')
    .innerJoin('members as m', (j) =>
      j
        .onRef('m.source_id', '=', 'h2.ancestor_id')
        .on('m.source_type', '=', 'Namespace')
        .on('m.user_id', '=', userId),
    )
    .select((eb) => [
      'p.id as project_id',
      least(eb.ref('gl.group_access'), eb.ref('m.access_level')).as('access_level'),
    ])
    .where(memberActive('m.expires_at'))
    .where(memberActive('gl.expires_at'));
  const personal = db
    .selectFrom('projects as p')
    .innerJoin('namespaces as n', 'n.id', 'p.namespace_id')
    .select(['p.id as project_id', sql<number>`50`.as('access_level')])
    .where('n.type', '=', 'User')
    .where('n.owner_id', '=', userId);
  return direct.unionAll(inherited).unionAll(projectShares).unionAll(groupShares).unionAll(personal);
}

/** (namespace_id, access_level) rows for groups: membership inherited down the tree, and group shares. */
export function groupAccessRows(db: Db, userId: number) {
  const d = today();
  const active = (col: string) => sql<SqlBool>`(${sql.ref(col)} is null or ${sql.ref(col)} > ${d})`;
  const inherited = db
    .selectFrom('namespace_hierarchy as h')
    .innerJoin('members as m', (j) =>
      j
        .onRef('m.source_id', '=', 'h.ancestor_id')
        .on('m.source_type', '=', 'Namespace')
        .on('m.user_id', '=', userId),
    )
    .select(['h.descendant_id as namespace_id', 'm.access_level as access_level'])
    .where(active('m.expires_at'));
  const shares = db
    .selectFrom('group_group_links as gl')
    .innerJoin('namespace_hierarchy as h1', 'h1.ancestor_id', 'gl.shared_group_id')
    .innerJoin('namespace_hierarchy as h2', 'h2.descendant_id', 'gl.shared_with_group_id')
    .innerJoin('members as m', (j) =>
      j
        .onRef('m.source_id', '=', 'h2.ancestor_id')
        .on('m.source_type', '=', 'Namespace')
        .on('m.user_id', '=', userId),
    )
    .select((eb) => [
      'h1.descendant_id as namespace_id',
      least(eb.ref('gl.group_access'), eb.ref('m.access_level')).as('access_level'),
    ])
    .where(active('m.expires_at'))
    .where(active('gl.expires_at'));
  return inherited.unionAll(shares);
}

/** Group ids whose name the user may see because they reach something at or below them. */
export function groupsWithReachableDescendants(db: Db, userId: number) {
  const groups = db.selectFrom(groupAccessRows(db, userId).as('g')).select('g.namespace_id as id');
  const projectNamespaces = db
    .selectFrom('projects as p')
    .select('p.namespace_id as id')
    .where('p.id', 'in', db.selectFrom(projectAccessRows(db, userId).as('a')).select('a.project_id'));
  return db
    .selectFrom('namespace_hierarchy as h')
    .select('h.ancestor_id')
    .where((eb) =>
      eb.or([eb('h.descendant_id', 'in', groups), eb('h.descendant_id', 'in', projectNamespaces)]),
    );
}

export interface ProjectAccess {
  access: number;
  direct: number;
  group: number;
}

/** The user's levels on a batch of projects: one query for direct membership, one for the rest. */
export async function loadProjectAccess(
  db: Db,
  userId: number | null,
  projectIds: readonly number[],
): Promise<Map<number, ProjectAccess>> {
  const out = new Map<number, ProjectAccess>();
  for (const id of projectIds) out.set(id, { access: 0, direct: 0, group: 0 });
  if (userId === null || projectIds.length === 0) return out;
  const ids = [...new Set(projectIds)];
  const d = today();
  const [all, direct, inherited] = await Promise.all([
    db
      .selectFrom(projectAccessRows(db, userId, d).as('a'))
      .select(['a.project_id', (eb) => eb.fn.max('a.access_level').as('level')])
      .where('a.project_id', 'in', ids)
      .groupBy('a.project_id')
      .execute(),
    directProjectAccessRows(db, userId, d).where('m.source_id', 'in', ids).execute(),
    db
      .selectFrom(inheritedProjectAccessRows(db, userId, d).as('i'))
      .select(['i.project_id', (eb) => eb.fn.max('i.access_level').as('level')])
      .where('i.project_id', 'in', ids)
      .groupBy('i.project_id')
      .execute(),
  ]);
  for (const r of all) out.get(r.project_id)!.access = Number(r.level);
  for (const r of direct) out.get(r.project_id)!.direct = r.access_level;
  for (const r of inherited) out.get(r.project_id)!.group = Number(r.level);
  return out;
}

/** The user's levels on a batch of groups, and whether they reach something below each. */
export async function loadGroupAccess(
  db: Db,
  userId: number | null,
  groupIds: readonly number[],
): Promise<Map<number, { access: number; descendantAccess: boolean }>> {
  const out = new Map<number, { access: number; descendantAccess: boolean }>();
  for (const id of groupIds) out.set(id, { access: 0, descendantAccess: false });
  if (userId === null || groupIds.length === 0) return out;
  const ids = [...new Set(groupIds)];
  const [levels, reachable] = await Promise.all([
    db
      .selectFrom(groupAccessRows(db, userId).as('a'))
      .select(['a.namespace_id', (eb) => eb.fn.max('a.access_level').as('level')])
      .where('a.namespace_id', 'in', ids)
      .groupBy('a.namespace_id')
      .execute(),
    groupsWithReachableDescendants(db, userId).where('h.ancestor_id', 'in', ids).distinct().execute(),
  ]);
  for (const r of levels) out.get(r.namespace_id)!.access = Number(r.level);
  for (const r of reachable) out.get(r.ancestor_id)!.descendantAccess = true;
  return out;
}
