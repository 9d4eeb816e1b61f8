import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, ProjectsTable } from '../../db/schema.js';
import { type Deps, nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { ApiError, apiMessage, conflict, notFound, validationFailed } from '../../http/errors.js';
import {
  ACCESS,
  type Namespace,
  VISIBILITY,
  type VisibilityName,
  visibilityName,
} from '../../permissions/groups.js';
import type { Project } from '../../permissions/projects.js';
import { addError, checkName, checkPath, type Errors, pathFromName } from '../namespaces/validation.js';
import {
  createProjectRepository,
  forkProjectRepository,
  removeProjectRepository,
} from '../repositories/storage.js';
import { featureChanges, readSettings, settingChanges } from './settings.js';

type Executor = Kysely<Database>;

export interface ProjectAttrs extends Record<string, unknown> {
  name?: string;
  path?: string;
  description?: string;
  visibility?: string;
  default_branch?: string;
  topics?: string[];
  tag_list?: string[];
  merge_method?: string;
  squash_option?: string;
}

/** A project may not be more visible than its group ("public is not allowed in a private group."). */
function checkVisibility(errors: Errors, level: number, ns: Namespace): void {
  if (ns.type === 'Group' && level > ns.visibility_level)
    addError(
      errors,
      'visibility_level',
      `${visibilityName(level)} is not allowed in a ${visibilityName(ns.visibility_level)} group.`,
    );
}

async function checkUnique(
  db: Executor,
  errors: Errors,
  ns: Namespace,
  name: string,
  path: string,
  exceptId?: number,
) {
  const [byName, byPath] = await Promise.all([
    db
      .selectFrom('projects')
      .select('id')
      .where('namespace_id', '=', ns.id)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
      .executeTakeFirst(),
    db
      .selectFrom('projects')
      .select('id')
      .where((eb) =>
        eb(eb.fn('lower', ['path_with_namespace']), '=', `${ns.full_path}/${path}`.toLowerCase()),
      )
      .$if(exceptId !== undefined, (q) => q.where('id', '!=', exceptId!))
      .executeTakeFirst(),
  ]);
  if (byName) addError(errors, 'name', 'has already been taken');
  const groupThere = await db
    .selectFrom('namespaces')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['full_path']), '=', `${ns.full_path}/${path}`.toLowerCase()))
    .executeTakeFirst();
  if (byPath || groupThere) addError(errors, 'path', 'has already been taken');
}

const normalizeTopics = (topics: string[]) => [...new Set(topics.map((t) => t.trim()).filter(Boolean))];

async function writeTopics(trx: Executor, projectId: number, topics: string[] | undefined): Promise<void> {
  if (topics === undefined) return;
  await trx.deleteFrom('project_topics').where('project_id', '=', projectId).execute();
  const list = normalizeTopics(topics);
  if (list.length)
    await trx
      .insertInto('project_topics')
      .values(list.map((name) => ({ project_id: projectId, name })))
      .execute();
}

function columnChanges(attrs: ProjectAttrs): Updateable<ProjectsTable> {
  const v: Updateable<ProjectsTable> = { ...featureChanges(attrs) };
  if (attrs.description !== undefined) v.description = attrs.description;
  if (attrs.default_branch !== undefined) v.default_branch = attrs.default_branch || null;
  if (attrs.merge_method !== undefined) v.merge_method = attrs.merge_method;
  if (attrs.squash_option !== undefined) v.squash_option = attrs.squash_option;
  return v;
}

/** Projects::CreateService: validation, the record, topics, and the creator's membership. */
export async function createProject(
  deps: Deps,
  creator: User,
  ns: Namespace,
  creatorHasGroupAccess: boolean,
  attrs: ProjectAttrs,
  extra: { forked_from_project_id?: number } = {},
): Promise<Project> {
  const name = attrs.name ?? attrs.path!;
  const path = attrs.path ?? pathFromName(name);
  const errors: Errors = {};
  checkName(errors, name, 'project');
  checkPath(errors, path, { topLevel: false });
  // gitlab-compat: the instance default (default_project_visibility) is private.
  const level = VISIBILITY[(attrs.visibility ?? 'private') as VisibilityName];
  checkVisibility(errors, level, ns);
  await checkUnique(deps.db, errors, ns, name, path);
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const now = nowIso(deps);
  const project = await deps.db.transaction().execute(async (trx) => {
    const project = await trx
      .insertInto('projects')
      .values({
        namespace_id: ns.id,
        name,
        path,
        path_with_namespace: `${ns.full_path}/${path}`,
        description: attrs.description ?? '',
        visibility_level: level,
        default_branch: attrs.default_branch || null,
        ...columnChanges(attrs),
        settings: JSON.stringify(settingChanges(attrs)),
        creator_id: creator.id,
        forked_from_project_id: extra.forked_from_project_id ?? null,
        last_activity_at: now,
        created_at: now,
        updated_at: now,
      } as never)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeTopics(trx, project.id, attrs.topics ?? attrs.tag_list);
    // The namespace owner owns personal projects; a creator with no access through the group
    // (an admin) becomes the project's Owner, as GitLab does.
    const ownerId = ns.type === 'User' ? ns.owner_id : creatorHasGroupAccess ? null : creator.id;
    if (ownerId !== null)
      await trx
        .insertInto('members')
        .values({
          source_type: 'Project',
          source_id: project.id,
          user_id: ownerId,
          access_level: ACCESS.OWNER,
          created_by_id: creator.id,
          created_at: now,
          updated_at: now,
        })
        .execute();
    return project;
  });
  // The repository comes after the record (it is named by the id); a failure removes both.
  try {
    if (extra.forked_from_project_id !== undefined) return project;
    return await createProjectRepository(deps, project, creator, {
      initializeWithReadme: attrs.initialize_with_readme === true,
    });
  } catch (err) {
    await removeProjectRepository(deps, project.id);
    await deleteProjectNow(deps, { projectId: project.id });
    throw err;
  }
}

/** PUT /projects/:id */
export async function updateProject(
  deps: Deps,
  project: Project,
  ns: Namespace,
  attrs: ProjectAttrs,
): Promise<Project> {
  const errors: Errors = {};
  const name = attrs.name ?? project.name;
  const path = attrs.path ?? project.path;
  if (attrs.name !== undefined) checkName(errors, name, 'project');
  if (attrs.path !== undefined) checkPath(errors, path, { topLevel: false });
  let level: number | undefined;
  if (attrs.visibility !== undefined) {
    level = VISIBILITY[attrs.visibility as VisibilityName];
    checkVisibility(errors, level, ns);
  }
  if (name !== project.name || path !== project.path)
    await checkUnique(deps.db, errors, ns, name, path, project.id);
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const newFullPath = `${ns.full_path}/${path}`;
    if (newFullPath !== project.path_with_namespace)
      await trx
        .insertInto('redirect_routes')
        .values({
          source_type: 'Project',
          source_id: project.id,
          path: project.path_with_namespace,
          created_at: now,
        })
        .execute();
    await writeTopics(trx, project.id, attrs.topics ?? attrs.tag_list);
    return trx
      .updateTable('projects')
      .set({
        ...columnChanges(attrs),
        name,
        path,
        path_with_namespace: newFullPath,
        ...(level !== undefined ? { visibility_level: level } : {}),
        settings: JSON.stringify({ ...readSettings(project.settings), ...settingChanges(attrs) }),
        updated_at: now,
      })
      .where('id', '=', project.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function setArchived(deps: Deps, project: Project, archived: boolean): Promise<Project> {
  return deps.db
    .updateTable('projects')
    .set({ archived, updated_at: nowIso(deps) })
    .where('id', '=', project.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** POST /projects/:id/star: 304 when already starred. */
export async function starProject(deps: Deps, project: Project, user: User, star: boolean): Promise<Project> {
  return deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('users_star_projects')
      .select('project_id')
      .where('project_id', '=', project.id)
      .where('user_id', '=', user.id)
      .executeTakeFirst();
    if (Boolean(existing) === star) throw new ApiError(304, {});
    if (star)
      await trx
        .insertInto('users_star_projects')
        .values({ project_id: project.id, user_id: user.id, created_at: nowIso(deps) })
        .execute();
    else
      await trx
        .deleteFrom('users_star_projects')
        .where('project_id', '=', project.id)
        .where('user_id', '=', user.id)
        .execute();
    const count = await trx
      .selectFrom('users_star_projects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', project.id)
      .executeTakeFirstOrThrow();
    return trx
      .updateTable('projects')
      .set({ star_count: Number(count.n) })
      .where('id', '=', project.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** POST /projects/:id/fork: a new project recording its source; errors answer 409 as GitLab's fork does. */
export async function forkProject(
  deps: Deps,
  user: User,
  source: Project,
  target: Namespace,
  creatorHasGroupAccess: boolean,
  attrs: { name?: string; path?: string; description?: string; visibility?: string },
): Promise<Project> {
  const level = Math.min(
    attrs.visibility ? VISIBILITY[attrs.visibility as VisibilityName] : source.visibility_level,
    source.visibility_level,
    target.type === 'Group' ? target.visibility_level : VISIBILITY.public,
  );
  const sourceSettings = readSettings(source.settings);
  let fork: Project;
  try {
    fork = await createProject(
      deps,
      user,
      target,
      creatorHasGroupAccess,
      {
        name: attrs.name ?? source.name,
        path: attrs.path ?? source.path,
        description: attrs.description ?? source.description ?? '',
        visibility: visibilityName(level),
        default_branch: source.default_branch ?? undefined,
        merge_method: source.merge_method,
        squash_option: source.squash_option,
        ...sourceSettings,
      },
      { forked_from_project_id: source.id },
    );
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) throw apiMessage(409, err.body.message);
    throw err;
  }
  try {
    return await forkProjectRepository(deps, source, fork);
  } catch (err) {
    await removeProjectRepository(deps, fork.id);
    await deleteProjectNow(deps, { projectId: fork.id });
    throw err;
  }
}

/** PUT /projects/:id/transfer */
export async function transferProject(
  deps: Deps,
  project: Project,
  from: Namespace,
  to: Namespace,
): Promise<Project> {
  if (from.id === to.id) throw badTransfer('Project is already in this namespace.');
  const errors: Errors = {};
  checkVisibility(errors, project.visibility_level, to);
  await checkUnique(deps.db, errors, to, project.name, project.path);
  if (errors.name || errors.path)
    throw badTransfer('Project with same name or path in target namespace already exists');
  if (errors.visibility_level) throw badTransfer(errors.visibility_level[0]!);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('redirect_routes')
      .values({
        source_type: 'Project',
        source_id: project.id,
        path: project.path_with_namespace,
        created_at: now,
      })
      .execute();
    return trx
      .updateTable('projects')
      .set({ namespace_id: to.id, path_with_namespace: `${to.full_path}/${project.path}`, updated_at: now })
      .where('id', '=', project.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

const badTransfer = (reason: string) => new ApiError(400, { message: `400 Bad request - ${reason}` });

/** POST /projects/:id/share */
export async function shareProject(
  deps: Deps,
  project: Project,
  group: Namespace,
  attrs: { group_access: number; expires_at?: string },
) {
  const existing = await deps.db
    .selectFrom('project_group_links')
    .select('id')
    .where('project_id', '=', project.id)
    .where('group_id', '=', group.id)
    .executeTakeFirst();
  if (existing) throw conflict('Group already shared with this group');
  const now = nowIso(deps);
  return deps.db
    .insertInto('project_group_links')
    .values({
      project_id: project.id,
      group_id: group.id,
      group_access: attrs.group_access,
      expires_at: attrs.expires_at ?? null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function unshareProject(deps: Deps, project: Project, groupId: number): Promise<void> {
  const res = await deps.db
    .deleteFrom('project_group_links')
    .where('project_id', '=', project.id)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound('Group Link');
}

/** DELETE /projects/:id: hidden at once, removed in the background (202). */
export async function scheduleProjectDeletion(deps: Deps, project: Project, user: User): Promise<void> {
  await deps.db
    .updateTable('projects')
    .set({ pending_delete: true, updated_at: nowIso(deps) })
    .where('id', '=', project.id)
    .execute();
  await deps.jobs.enqueue('delete_project', { projectId: project.id, userId: user.id });
}

export async function deleteProjectNow(deps: Pick<Deps, 'db' | 'git'>, payload: unknown): Promise<void> {
  const { projectId } = payload as { projectId: number };
  await removeProjectRepository(deps, projectId);
  await deps.db.transaction().execute((trx) => deleteProjectRows(trx, [projectId]));
}

/**
 * The rows of projects being removed (one project, or every project under a deleted group) that
 * no foreign key cascades: polymorphic memberships and redirects, and forks' links to them.
 */
export async function deleteProjectRows(
  trx: Transaction<Database>,
  projectIds: readonly number[],
): Promise<void> {
  if (projectIds.length === 0) return;
  for (const table of ['members', 'redirect_routes'] as const)
    await trx
      .deleteFrom(table)
      .where('source_type', '=', 'Project')
      .where('source_id', 'in', projectIds)
      .execute();
  await trx
    .updateTable('projects')
    .set({ forked_from_project_id: null })
    .where('forked_from_project_id', 'in', projectIds)
    .execute();
  await trx.deleteFrom('projects').where('id', 'in', projectIds).execute();
}
