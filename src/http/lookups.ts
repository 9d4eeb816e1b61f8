import type { Db } from '../db/connection.js';
import { inOneSnapshot, omitColumns, preparedQuery } from '../db/prepared.js';
import { DerivedCache, ReadCache } from '../db/read_cache.js';
import { type GroupSubject, type Namespace, visibleByLevel } from '../permissions/groups.js';
import { can } from '../permissions/index.js';
import type { Project, ProjectSubject } from '../permissions/projects.js';
import { readSettings } from '../resources/application_settings/settings.js';
import {
  directProjectAccessRows,
  inheritedProjectAccessRows,
  loadGroupAccess,
  loadProjectAccess,
  projectAccessRows,
} from '../resources/members/access.js';
import { ensureUserNamespace } from '../resources/namespaces/service.js';
import type { User } from './auth.js';
import { notFound } from './errors.js';

/**
 * Finds a project, group or namespace by id or URL-encoded full path (C52). Missing and hidden
 * answer the same 404 (C22): a private project is never confirmed to exist.
 */

const isId = (v: string) => /^\d+$/.test(v);
const decode = (v: string) => {
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

async function redirectedId(db: Db, type: 'Project' | 'Namespace', path: string): Promise<number | null> {
  const row = await db
    .selectFrom('redirect_routes')
    .select('source_id')
    .where('source_type', '=', type)
    .where((eb) => eb(eb.fn('lower', ['path']), '=', path.toLowerCase()))
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.source_id ?? null;
}

/**
 * A project addressed by a path it has moved away from, while the instance redirects moved
 * projects (C27): endpoint() answers it with 301 and the project's id-based URL (405 for writes).
 */
export class ProjectMoved extends Error {
  constructor(
    readonly idOrPath: string,
    readonly projectId: number,
  ) {
    super('project moved');
  }
}

async function projectRow(db: Db, idOrPath: string): Promise<{ row?: Project; moved: boolean }> {
  const q = db.selectFrom('projects').selectAll().where('pending_delete', '=', false);
  if (isId(idOrPath))
    return { row: await q.where('id', '=', Number(idOrPath)).executeTakeFirst(), moved: false };
  const path = decode(idOrPath);
  const row = await q
    .where((eb) => eb(eb.fn('lower', ['path_with_namespace']), '=', path.toLowerCase()))
    .executeTakeFirst();
  if (row) return { row, moved: false };
  const moved = await redirectedId(db, 'Project', path);
  if (moved === null) return { moved: false };
  return { row: await q.where('id', '=', moved).executeTakeFirst(), moved: true };
}

/** The subject the permission model decides on, for projects already loaded. */
export async function projectSubjects(
  db: Db,
  user: User | null,
  projects: readonly Project[],
): Promise<ProjectSubject[]> {
  if (projects.length === 0) return [];
  const nsIds = [...new Set(projects.map((p) => p.namespace_id))];
  const [namespaces, access] = await Promise.all([
    db.selectFrom('namespaces').selectAll().where('id', 'in', nsIds).execute(),
    loadProjectAccess(
      db,
      user?.id ?? null,
      projects.map((p) => p.id),
    ),
  ]);
  const byId = new Map(namespaces.map((n) => [n.id, n]));
  return projects.map((project) => ({
    project,
    namespace: byId.get(project.namespace_id)!,
    ...access.get(project.id)!,
  }));
}

/** A project by id, compiled once: anonymous callers have no levels to load. */
const projectById = preparedQuery(
  (db: Db, id: number) =>
    db.selectFrom('projects').selectAll().where('id', '=', id).where('pending_delete', '=', false),
  [-90_001],
);

/**
 * A project by id with the caller's levels (the same sources as loadProjectAccess: the highest of
 * all, the direct membership, the highest inherited from groups) in one statement, compiled once:
 * every `/projects/:id/...` route starts with it.
 */
const projectByIdWithAccess = preparedQuery(
  (db: Db, id: number, userId: number, today: string) =>
    db
      .selectFrom('projects as p')
      .selectAll('p')
      .select((eb) => [
        eb
          .selectFrom(projectAccessRows(db, userId, today).as('a'))
          .select((e) => e.fn.max('a.access_level').as('level'))
          .where('a.project_id', '=', id)
          .as('lf_access'),
        eb
          .selectFrom(directProjectAccessRows(db, userId, today).as('d'))
          .select('d.access_level')
          .where('d.project_id', '=', id)
          .as('lf_direct'),
        eb
          .selectFrom(inheritedProjectAccessRows(db, userId, today).as('i'))
          .select((e) => e.fn.max('i.access_level').as('level'))
          .where('i.project_id', '=', id)
          .as('lf_group'),
      ])
      .where('p.id', '=', id)
      .where('p.pending_delete', '=', false),
  [-90_001, -90_002, '0000-01-01'],
);

const withoutLevels = omitColumns(['lf_access', 'lf_direct', 'lf_group']);

/** The namespace of a project by the project's id: read beside the project, in the same snapshot. */
const namespaceOfProject = preparedQuery(
  (db: Db, projectId: number) =>
    db
      .selectFrom('namespaces as n')
      .innerJoin('projects as p', 'p.namespace_id', 'n.id')
      .selectAll('n')
      .where('p.id', '=', projectId),
  [-90_001],
);

/**
 * Projects by id with a caller's levels, while the database is unchanged: every `/projects/:id/...`
 * route starts here. Remembered on the caller's user when it came from the token cache (no second
 * version read), else by the caller's id. Keyed by the day too: memberships expire at a date.
 */
const projectsOfUser = new DerivedCache<ProjectSubject | null>();
const projectsById = new ReadCache<ProjectSubject | null>();

/** findProject's common case, a numeric id: two prepared statements in one snapshot, no query building. */
function projectSubjectById(db: Db, user: User | null, id: number): Promise<ProjectSubject | null> {
  const today = new Date().toISOString().slice(0, 10);
  const load = () => loadProjectSubject(db, user, id, today);
  if (user) return projectsOfUser.read(user, `${id}:${today}`, load);
  return projectsById.read(db, `${id}:${today}`, load);
}

async function loadProjectSubject(
  db: Db,
  user: User | null,
  id: number,
  today: string,
): Promise<ProjectSubject | null> {
  if (user) {
    const [row, namespace] = await Promise.all(
      inOneSnapshot(
        db,
        () => [projectByIdWithAccess(db, id, user.id, today), namespaceOfProject(db, id)] as const,
      ),
    );
    if (!row || !namespace) return null;
    return {
      project: withoutLevels(row),
      namespace,
      access: Number(row.lf_access ?? 0),
      direct: Number(row.lf_direct ?? 0),
      group: Number(row.lf_group ?? 0),
    };
  }
  const [project, namespace] = await Promise.all(
    inOneSnapshot(db, () => [projectById(db, id), namespaceOfProject(db, id)] as const),
  );
  if (!project || !namespace) return null;
  return { project, namespace, access: 0, direct: 0, group: 0 };
}

export async function findProject(db: Db, user: User | null, idOrPath: string): Promise<ProjectSubject> {
  if (isId(idOrPath)) {
    const subject = await projectSubjectById(db, user, Number(idOrPath));
    if (!subject || !can(user, 'read_project', subject)) throw notFound('Project');
    return subject;
  }
  const { row, moved } = await projectRow(db, idOrPath);
  if (!row) throw notFound('Project');
  const [subject] = await projectSubjects(db, user, [row]);
  if (!subject || !can(user, 'read_project', subject)) throw notFound('Project');
  // Off: the old path keeps answering as the project itself (GitLab before 16.7).
  if (moved && (await readSettings({ db })).api_redirect_moved_projects)
    throw new ProjectMoved(idOrPath, row.id);
  return subject;
}

async function namespaceRow(db: Db, idOrPath: string, type?: 'Group'): Promise<Namespace | undefined> {
  let q = db.selectFrom('namespaces').selectAll();
  if (type) q = q.where('type', '=', type);
  if (isId(idOrPath)) return q.where('id', '=', Number(idOrPath)).executeTakeFirst();
  const path = decode(idOrPath);
  const row = await q
    .where((eb) => eb(eb.fn('lower', ['full_path']), '=', path.toLowerCase()))
    .executeTakeFirst();
  if (row) return row;
  const moved = await redirectedId(db, 'Namespace', path);
  return moved === null ? undefined : q.where('id', '=', moved).executeTakeFirst();
}

export async function groupSubjects(
  db: Db,
  user: User | null,
  groups: readonly Namespace[],
): Promise<GroupSubject[]> {
  const access = await loadGroupAccess(
    db,
    user?.id ?? null,
    groups.filter((g) => !visibleByLevel(user, g.visibility_level) || user).map((g) => g.id),
  );
  return groups.map((group) => ({
    group,
    ...(access.get(group.id) ?? { access: 0, descendantAccess: false }),
  }));
}

export async function findGroup(db: Db, user: User | null, idOrPath: string): Promise<GroupSubject> {
  const row = await namespaceRow(db, idOrPath, 'Group');
  if (!row) throw notFound('Group');
  const [subject] = await groupSubjects(db, user, [row]);
  if (!subject || !can(user, 'read_group', subject)) throw notFound('Group');
  return subject;
}

/** A user's or a group's namespace. A user namespace is visible to its owner (and admins) only. */
export async function findNamespace(db: Db, user: User | null, idOrPath: string): Promise<GroupSubject> {
  let row = await namespaceRow(db, idOrPath);
  if (!row && !isId(idOrPath)) {
    // Users that predate their namespace (root on first start) get it on first use.
    const owner = await db
      .selectFrom('users')
      .select(['id', 'username', 'name'])
      .where((eb) => eb(eb.fn('lower', ['username']), '=', decode(idOrPath).toLowerCase()))
      .executeTakeFirst();
    if (owner) row = await ensureUserNamespace(db, owner);
  }
  if (!row) throw notFound('Namespace');
  if (row.type === 'User') {
    if (!user || !(user.admin || row.owner_id === user.id)) throw notFound('Namespace');
    return { group: row, access: row.owner_id === user.id ? 50 : 0, descendantAccess: false };
  }
  const [subject] = await groupSubjects(db, user, [row]);
  if (!subject || !can(user, 'read_group', subject)) throw notFound('Namespace');
  return subject;
}

/** The caller's own namespace, created on first use. */
export function userNamespace(db: Db, user: User): Promise<Namespace> {
  return ensureUserNamespace(db, user);
}
