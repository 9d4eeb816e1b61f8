import type { Kysely, Updateable } from 'kysely';
import type { Database, NamespacesTable } from '../../db/schema.js';
import { type Deps, nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { ApiError, badRequest, notFound, validationFailed } from '../../http/errors.js';
import {
  ACCESS,
  type Namespace,
  VISIBILITY,
  type VisibilityName,
  visibilityName,
} from '../../permissions/groups.js';
import { fullPathTaken, insertNamespace } from '../namespaces/service.js';
import { addError, checkName, checkPath, type Errors } from '../namespaces/validation.js';
import { deleteProjectRows } from '../projects/service.js';
import { removeProjectRepository } from '../repositories/storage.js';

type Executor = Kysely<Database>;

export interface GroupAttrs {
  name?: string;
  path?: string;
  description?: string;
  visibility?: string;
  share_with_group_lock?: boolean;
  require_two_factor_authentication?: boolean;
  two_factor_grace_period?: number;
  project_creation_level?: string;
  subgroup_creation_level?: string;
  auto_devops_enabled?: boolean;
  emails_disabled?: boolean;
  emails_enabled?: boolean;
  mentions_disabled?: boolean;
  lfs_enabled?: boolean;
  request_access_enabled?: boolean;
  default_branch?: string;
  default_branch_protection?: number;
  prevent_sharing_groups_outside_hierarchy?: boolean;
}

/** `Failed to save group {:path=>["has already been taken"]}`: how POST /groups reports model errors. */
function failedToSave(errors: Errors): ApiError {
  const inner = Object.entries(errors)
    .map(([k, v]) => `:${k}=>[${v.map((m) => JSON.stringify(m)).join(', ')}]`)
    .join(', ');
  return new ApiError(400, { message: `Failed to save group {${inner}}` });
}

// An explicit null for a setting (go-gitlab sends `"default_branch_protection": null`) is no
// change: GitLab falls back to the inherited or instance value.
function settingValues(a: GroupAttrs): Updateable<NamespacesTable> {
  const v: Updateable<NamespacesTable> = {};
  if (a.description !== undefined) v.description = a.description ?? '';
  if (a.share_with_group_lock != null) v.share_with_group_lock = a.share_with_group_lock;
  if (a.require_two_factor_authentication != null)
    v.require_two_factor_authentication = a.require_two_factor_authentication;
  if (a.two_factor_grace_period != null) v.two_factor_grace_period = a.two_factor_grace_period;
  if (a.project_creation_level != null) v.project_creation_level = a.project_creation_level;
  if (a.subgroup_creation_level != null) v.subgroup_creation_level = a.subgroup_creation_level;
  if (a.auto_devops_enabled != null) v.auto_devops_enabled = a.auto_devops_enabled;
  if (a.emails_disabled != null) v.emails_enabled = !a.emails_disabled;
  if (a.emails_enabled != null) v.emails_enabled = a.emails_enabled;
  if (a.mentions_disabled != null) v.mentions_disabled = a.mentions_disabled;
  if (a.lfs_enabled != null) v.lfs_enabled = a.lfs_enabled;
  if (a.request_access_enabled != null) v.request_access_enabled = a.request_access_enabled;
  if (a.default_branch !== undefined) v.default_branch = a.default_branch || null;
  if (a.default_branch_protection != null) v.default_branch_protection = a.default_branch_protection;
  if (a.prevent_sharing_groups_outside_hierarchy != null)
    v.prevent_sharing_groups_outside_hierarchy = a.prevent_sharing_groups_outside_hierarchy;
  return v;
}

const visibilityError = (level: number, parent: Namespace) =>
  `${visibilityName(level)} is not allowed since the parent group has a ${visibilityName(parent.visibility_level)} visibility.`;

/** POST /groups: the creator becomes its Owner. */
export async function createGroup(
  deps: Deps,
  creator: User,
  parent: Namespace | null,
  attrs: GroupAttrs & { name: string; path: string },
): Promise<Namespace> {
  const errors: Errors = {};
  checkName(errors, attrs.name, 'group');
  checkPath(errors, attrs.path, { topLevel: parent === null });
  // gitlab-compat: the instance default (default_group_visibility) is private.
  const level = VISIBILITY[(attrs.visibility ?? 'private') as VisibilityName];
  if (parent && level > parent.visibility_level)
    addError(errors, 'visibility_level', visibilityError(level, parent));
  const fullPath = parent ? `${parent.full_path}/${attrs.path}` : attrs.path;
  if (!errors.path && (await fullPathTaken(deps.db, fullPath)))
    addError(errors, 'path', 'has already been taken');
  if (Object.keys(errors).length > 0) throw failedToSave(errors);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const group = await insertNamespace(trx, {
      type: 'Group',
      name: attrs.name,
      path: attrs.path,
      full_path: fullPath,
      full_name: parent ? `${parent.full_name} / ${attrs.name}` : attrs.name,
      parent_id: parent?.id ?? null,
      visibility_level: level,
      created_at: now,
      updated_at: now,
      ...settingValues(attrs),
    });
    await trx
      .insertInto('members')
      .values({
        source_type: 'Namespace',
        source_id: group.id,
        user_id: creator.id,
        access_level: ACCESS.OWNER,
        created_by_id: creator.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return group;
  });
}

/**
 * Rewrites full paths and names below a namespace after a rename or move: every descendant
 * namespace and every project in the subtree, and records the old paths as redirects.
 */
export async function rewriteSubtreePaths(
  trx: Executor,
  root: Namespace,
  newFullPath: string,
  newFullName: string,
  now: string,
): Promise<void> {
  const oldPath = root.full_path;
  const oldName = root.full_name;
  const namespaces = await trx
    .selectFrom('namespace_hierarchy as h')
    .innerJoin('namespaces as n', 'n.id', 'h.descendant_id')
    .select(['n.id', 'n.full_path', 'n.full_name'])
    .where('h.ancestor_id', '=', root.id)
    .execute();
  for (const n of namespaces) {
    const fp = newFullPath + n.full_path.slice(oldPath.length);
    const fnm = newFullName + n.full_name.slice(oldName.length);
    await trx
      .updateTable('namespaces')
      .set({ full_path: fp, full_name: fnm })
      .where('id', '=', n.id)
      .execute();
  }
  // Every namespace in the subtree keeps its old path as a redirect (the root's included).
  await trx
    .insertInto('redirect_routes')
    .values(
      namespaces.map((n) => ({
        source_type: 'Namespace',
        source_id: n.id,
        path: n.full_path,
        created_at: now,
      })),
    )
    .execute();
  const projects = await trx
    .selectFrom('projects')
    .select(['id', 'path_with_namespace'])
    .where('namespace_id', 'in', (eb) =>
      eb.selectFrom('namespace_hierarchy').select('descendant_id').where('ancestor_id', '=', root.id),
    )
    .execute();
  for (const p of projects) {
    await trx
      .updateTable('projects')
      .set({ path_with_namespace: newFullPath + p.path_with_namespace.slice(oldPath.length) })
      .where('id', '=', p.id)
      .execute();
    await trx
      .insertInto('redirect_routes')
      .values({ source_type: 'Project', source_id: p.id, path: p.path_with_namespace, created_at: now })
      .execute();
  }
}

/** The highest visibility below a group (subgroups and projects), which caps lowering it. */
async function highestDescendantVisibility(db: Executor, group: Namespace) {
  const [sub, proj] = await Promise.all([
    db
      .selectFrom('namespace_hierarchy as h')
      .innerJoin('namespaces as n', 'n.id', 'h.descendant_id')
      .select((eb) => eb.fn.max('n.visibility_level').as('v'))
      .where('h.ancestor_id', '=', group.id)
      .where('h.depth', '>', 0)
      .executeTakeFirst(),
    db
      .selectFrom('projects as p')
      .innerJoin('namespace_hierarchy as h', 'h.descendant_id', 'p.namespace_id')
      .select((eb) => eb.fn.max('p.visibility_level').as('v'))
      .where('h.ancestor_id', '=', group.id)
      .executeTakeFirst(),
  ]);
  return { groups: Number(sub?.v ?? 0), projects: Number(proj?.v ?? 0) };
}

/** PUT /groups/:id */
export async function updateGroup(deps: Deps, group: Namespace, attrs: GroupAttrs): Promise<Namespace> {
  const errors: Errors = {};
  if (attrs.name !== undefined) checkName(errors, attrs.name, 'group');
  if (attrs.path !== undefined) checkPath(errors, attrs.path, { topLevel: group.parent_id === null });
  let parent: Namespace | undefined;
  if (group.parent_id !== null)
    parent = await deps.db
      .selectFrom('namespaces')
      .selectAll()
      .where('id', '=', group.parent_id)
      .executeTakeFirst();
  let level: number | undefined;
  if (attrs.visibility !== undefined) {
    level = VISIBILITY[attrs.visibility as VisibilityName];
    if (parent && level > parent.visibility_level)
      addError(errors, 'visibility_level', visibilityError(level, parent));
    const below = await highestDescendantVisibility(deps.db, group);
    if (below.projects > level)
      addError(
        errors,
        'visibility_level',
        `${visibilityName(level)} is not allowed since this group contains projects with higher visibility.`,
      );
    if (below.groups > level)
      addError(
        errors,
        'visibility_level',
        `${visibilityName(level)} is not allowed since there are sub-groups with higher visibility.`,
      );
  }
  const newPath = attrs.path ?? group.path;
  const prefix = parent ? `${parent.full_path}/` : '';
  const newFullPath = `${prefix}${newPath}`;
  if (!errors.path && newPath !== group.path && (await fullPathTaken(deps.db, newFullPath, group.id)))
    addError(errors, 'path', 'has already been taken');
  if (Object.keys(errors).length > 0) throw validationFailed(errors);
  const newName = attrs.name ?? group.name;
  const newFullName = parent ? `${parent.full_name} / ${newName}` : newName;
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    if (newFullPath !== group.full_path || newFullName !== group.full_name)
      await rewriteSubtreePaths(trx, group, newFullPath, newFullName, now);
    return trx
      .updateTable('namespaces')
      .set({
        ...settingValues(attrs),
        name: newName,
        path: newPath,
        ...(level !== undefined ? { visibility_level: level } : {}),
        updated_at: now,
      })
      .where('id', '=', group.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** DELETE /groups/:id: marks the group and removes it in the background (202). */
export async function scheduleGroupDeletion(deps: Deps, group: Namespace, user: User): Promise<void> {
  await deps.db
    .updateTable('namespaces')
    .set({ pending_delete: true, updated_at: nowIso(deps) })
    .where('id', '=', group.id)
    .execute();
  await deps.jobs.enqueue('delete_group', { groupId: group.id, userId: user.id });
}

/** The background half of a group deletion: projects, subgroups, memberships and shares below it. */
export async function deleteGroupNow(deps: Pick<Deps, 'db' | 'git'>, payload: unknown): Promise<void> {
  const { groupId } = payload as { groupId: number };
  const nsIds = (
    await deps.db
      .selectFrom('namespace_hierarchy')
      .select('descendant_id')
      .where('ancestor_id', '=', groupId)
      .execute()
  ).map((r) => r.descendant_id);
  if (nsIds.length === 0) return;
  const projectIds = (
    await deps.db.selectFrom('projects').select('id').where('namespace_id', 'in', nsIds).execute()
  ).map((r) => r.id);
  // Repositories first, as a project deletion does: rows without a repository are harmless, a
  // repository without its row would stay on disk for ever.
  for (const id of projectIds) await removeProjectRepository(deps, id);
  await deps.db.transaction().execute(async (trx) => {
    await deleteProjectRows(trx, projectIds);
    await trx
      .deleteFrom('members')
      .where('source_type', '=', 'Namespace')
      .where('source_id', 'in', nsIds)
      .execute();
    await trx
      .deleteFrom('redirect_routes')
      .where('source_type', '=', 'Namespace')
      .where('source_id', 'in', nsIds)
      .execute();
    // Deepest first, so parent_id references never dangle.
    const ordered = await trx
      .selectFrom('namespace_hierarchy')
      .select('descendant_id')
      .where('ancestor_id', '=', groupId)
      .orderBy('depth', 'desc')
      .execute();
    for (const r of ordered) await trx.deleteFrom('namespaces').where('id', '=', r.descendant_id).execute();
  });
}

/** POST /groups/:id/share */
export async function shareGroup(
  deps: Deps,
  group: Namespace,
  withGroup: Namespace,
  attrs: { group_access: number; expires_at?: string },
): Promise<void> {
  if (withGroup.id === group.id) throw badRequest();
  const existing = await deps.db
    .selectFrom('group_group_links')
    .select('id')
    .where('shared_group_id', '=', group.id)
    .where('shared_with_group_id', '=', withGroup.id)
    .executeTakeFirst();
  if (existing) throw validationFailed({ shared_with_group_id: ['has already been taken'] });
  const now = nowIso(deps);
  await deps.db
    .insertInto('group_group_links')
    .values({
      shared_group_id: group.id,
      shared_with_group_id: withGroup.id,
      group_access: attrs.group_access,
      expires_at: attrs.expires_at ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** DELETE /groups/:id/share/:group_id */
export async function unshareGroup(deps: Deps, group: Namespace, withGroupId: number): Promise<void> {
  const res = await deps.db
    .deleteFrom('group_group_links')
    .where('shared_group_id', '=', group.id)
    .where('shared_with_group_id', '=', withGroupId)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound('Group Link');
}
