/** Protecting and unprotecting branches (ProtectedBranches::CreateService & co.), and the default branch's protection. */
import type { Db } from '../../db/connection.js';
import { type Deps, nowIso } from '../../deps.js';
import { apiMessage, conflict, recordNotFound } from '../../http/errors.js';
import { ACCESS } from '../../permissions/groups.js';
import type { Project } from '../../permissions/projects.js';
import { readSettings } from '../application_settings/settings.js';
import { loadBranchRules, type ProtectedBranchRule } from './rules.js';

export interface ProtectAttrs {
  name: string;
  push_access_level?: number;
  merge_access_level?: number;
  unprotect_access_level?: number;
  allow_force_push?: boolean;
  code_owner_approval_required?: boolean;
}

/** What a project's default branch gets: null when the instance or group leaves it unprotected. */
export interface DefaultProtection {
  push: number;
  merge: number;
  allowForcePush: boolean;
  developerCanInitialPush: boolean;
}

/** Gitlab::Access::BranchProtection levels as the group setting stores them. */
const GROUP_LEVELS: Record<number, DefaultProtection | null> = {
  0: null,
  1: { push: 30, merge: 40, allowForcePush: false, developerCanInitialPush: false },
  2: { push: 40, merge: 40, allowForcePush: false, developerCanInitialPush: false },
  3: { push: 40, merge: 30, allowForcePush: false, developerCanInitialPush: false },
  4: { push: 40, merge: 40, allowForcePush: false, developerCanInitialPush: true },
};

function levelOf(list: unknown, fallback: number): number {
  if (!Array.isArray(list) || list.length === 0) return fallback;
  const levels = list
    .map((x) =>
      x && typeof x === 'object' ? Number((x as { access_level?: unknown }).access_level) : Number.NaN,
    )
    .filter((n) => Number.isFinite(n));
  return levels.length > 0 ? Math.min(...levels) : fallback;
}

/** The group's setting for group projects, else the instance's default_branch_protection_defaults. */
export async function defaultBranchProtection(
  deps: Pick<Deps, 'db'>,
  project: Project,
): Promise<DefaultProtection | null> {
  const ns = await deps.db
    .selectFrom('namespaces')
    .select(['type', 'default_branch_protection'])
    .where('id', '=', project.namespace_id)
    .executeTakeFirst();
  if (ns?.type === 'Group') return GROUP_LEVELS[ns.default_branch_protection] ?? GROUP_LEVELS[2]!;
  const d = (await readSettings(deps)).default_branch_protection_defaults as Record<string, unknown>;
  const p: DefaultProtection = {
    push: levelOf(d.allowed_to_push, ACCESS.MAINTAINER),
    merge: levelOf(d.allowed_to_merge, ACCESS.MAINTAINER),
    allowForcePush: d.allow_force_push === true,
    developerCanInitialPush: d.developer_can_initial_push === true,
  };
  // Developers may push, merge and force push: GitLab's "not protected".
  if (p.allowForcePush && p.push <= ACCESS.DEVELOPER && p.merge <= ACCESS.DEVELOPER) return null;
  return p;
}

async function insertLevels(db: Db, branchId: number, levels: Array<[string, number]>, now: string) {
  if (levels.length === 0) return;
  await db
    .insertInto('protected_ref_access_levels')
    .values(
      levels.map(([kind, access_level]) => ({
        protected_branch_id: branchId,
        protected_tag_id: null,
        kind,
        access_level,
        user_id: null,
        group_id: null,
        created_at: now,
      })),
    )
    .execute();
}

/** POST /projects/:id/protected_branches: 409 when the name is already protected. */
export async function protectBranch(
  deps: Deps,
  project: Project,
  a: ProtectAttrs,
): Promise<ProtectedBranchRule> {
  if (a.name.trim() === '') throw apiMessage(422, ["Name can't be blank"]);
  const now = nowIso(deps);
  const id = await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('protected_branches')
      .select('id')
      .where('project_id', '=', project.id)
      .where('name', '=', a.name)
      .executeTakeFirst();
    if (existing) throw conflict(`Protected branch '${a.name}' already exists`);
    const row = await trx
      .insertInto('protected_branches')
      .values({
        project_id: project.id,
        name: a.name,
        allow_force_push: a.allow_force_push ?? false,
        code_owner_approval_required: a.code_owner_approval_required ?? false,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertLevels(
      trx,
      row.id,
      [
        ['push', a.push_access_level ?? ACCESS.MAINTAINER],
        ['merge', a.merge_access_level ?? ACCESS.MAINTAINER],
        ['unprotect', a.unprotect_access_level ?? ACCESS.MAINTAINER],
      ],
      now,
    );
    return row.id;
  });
  return (await loadBranchRules(deps.db, project.id)).find((r) => r.id === id)!;
}

/** PATCH /projects/:id/protected_branches/:name */
export async function updateProtectedBranch(
  deps: Deps,
  project: Project,
  rule: ProtectedBranchRule,
  a: Omit<ProtectAttrs, 'name'>,
): Promise<ProtectedBranchRule> {
  const now = nowIso(deps);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('protected_branches')
      .set({
        ...(a.allow_force_push !== undefined ? { allow_force_push: a.allow_force_push } : {}),
        ...(a.code_owner_approval_required !== undefined
          ? { code_owner_approval_required: a.code_owner_approval_required }
          : {}),
        updated_at: now,
      })
      .where('id', '=', rule.id)
      .execute();
    const changes: Array<[string, number]> = [];
    if (a.push_access_level !== undefined) changes.push(['push', a.push_access_level]);
    if (a.merge_access_level !== undefined) changes.push(['merge', a.merge_access_level]);
    if (a.unprotect_access_level !== undefined) changes.push(['unprotect', a.unprotect_access_level]);
    for (const [kind] of changes)
      await trx
        .deleteFrom('protected_ref_access_levels')
        .where('protected_branch_id', '=', rule.id)
        .where('kind', '=', kind)
        .where('user_id', 'is', null)
        .where('group_id', 'is', null)
        .execute();
    await insertLevels(trx, rule.id, changes, now);
  });
  return (await loadBranchRules(deps.db, project.id, { name: rule.name }))[0]!;
}

/** DELETE /projects/:id/protected_branches/:name */
export async function unprotectBranch(deps: Pick<Deps, 'db'>, project: Project, name: string): Promise<void> {
  const res = await deps.db
    .deleteFrom('protected_branches')
    .where('project_id', '=', project.id)
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw recordNotFound();
}

/** Projects::ProtectDefaultBranchService: protects the default branch once it exists, unless already protected. */
export async function protectDefaultBranch(deps: Deps, project: Project): Promise<void> {
  if (!project.default_branch) return;
  const protection = await defaultBranchProtection(deps, project);
  if (!protection) return;
  const existing = await deps.db
    .selectFrom('protected_branches')
    .select('id')
    .where('project_id', '=', project.id)
    .where('name', '=', project.default_branch)
    .executeTakeFirst();
  if (existing) return;
  try {
    await protectBranch(deps, project, {
      name: project.default_branch,
      push_access_level: protection.push,
      merge_access_level: protection.merge,
      allow_force_push: protection.allowForcePush,
    });
  } catch (err) {
    // A concurrent push may have protected it first (409 or the unique index).
    const now = await deps.db
      .selectFrom('protected_branches')
      .select('id')
      .where('project_id', '=', project.id)
      .where('name', '=', project.default_branch)
      .executeTakeFirst();
    if (!now) throw err;
  }
}
