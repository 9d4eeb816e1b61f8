/** Branches::CreateService, DeleteService, DeleteMergedService, and the facts a branch entity shows. */
import type { Deps } from '../../deps.js';
import {
  deleteRef,
  isValidBranchName,
  listBranches,
  mergedBranchNames,
  RefConflictError,
  type RefEntry,
  readRef,
  resolveCommit,
  updateRef,
} from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { apiMessage, badRequest, notFound } from '../../http/errors.js';
import { ACCESS } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { loadBranchRules, matching, type ProtectedBranchRule } from '../protected_branches/rules.js';
import type { RepoContext } from '../repositories/context.js';
import { isSafeRevision } from '../repositories/context.js';
import { afterRefsChanged } from '../repositories/storage.js';
import type { BranchFacts } from './entity.js';

const hasLevel = (rules: ProtectedBranchRule[], kind: 'push' | 'merge', level: number) =>
  rules.some((r) => r[kind].some((l) => l.access_level === level));

/** Gitlab::UserAccess#can_push_to_branch? */
export function canPushToBranch(user: User | null, subject: ProjectSubject, rules: ProtectedBranchRule[]) {
  if (!can(user, 'push_code', subject)) return false;
  if (rules.length === 0) return true;
  return can(user, 'access_protected_ref', { project: subject, rules: rules.flatMap((r) => r.push) });
}

/** Batch facts for a page of branches: one for-each-ref for merged, one query for protections. */
export async function branchFacts(
  deps: Deps,
  ctx: RepoContext,
  user: User | null,
  branches: readonly RefEntry[],
): Promise<BranchFacts[]> {
  const { project } = ctx.subject;
  const rules = await loadBranchRules(deps.db, project.id);
  const defaultOid = project.default_branch
    ? await readRef(ctx.repo, `refs/heads/${project.default_branch}`)
    : null;
  const merged = defaultOid ? await mergedBranchNames(ctx.repo, defaultOid) : new Set<string>();
  return branches.map((b) => {
    const m = matching(rules, b.name);
    return {
      // Repository#merged_to_root_ref?: reachable from the default branch's head, and not that head.
      merged: merged.has(b.name) && b.commit?.id !== defaultOid,
      protected: m.length > 0,
      developersCanPush: hasLevel(m, 'push', ACCESS.DEVELOPER),
      developersCanMerge: hasLevel(m, 'merge', ACCESS.DEVELOPER),
      canPush: canPushToBranch(user, ctx.subject, m),
      isDefault: b.name === project.default_branch,
    };
  });
}

export async function findBranch(repo: string, name: string): Promise<RefEntry> {
  if (!isValidBranchName(name)) throw notFound('Branch');
  const [b] = await listBranches(repo, [name]);
  if (!b) throw notFound('Branch');
  return b;
}

/** POST /projects/:id/repository/branches */
export async function createBranch(
  deps: Deps,
  ctx: RepoContext,
  name: string,
  ref: string,
): Promise<RefEntry> {
  if (!isValidBranchName(name)) throw apiMessage(400, 'Branch name is invalid');
  const target = isSafeRevision(ref) ? await resolveCommit(ctx.repo, ref) : null;
  if (!target) throw apiMessage(400, `Invalid reference name: ${ref}`);
  if (await readRef(ctx.repo, `refs/heads/${name}`)) throw apiMessage(400, 'Branch already exists');
  try {
    await updateRef(ctx.repo, `refs/heads/${name}`, target, null);
  } catch (err) {
    if (err instanceof RefConflictError) throw apiMessage(400, 'Branch already exists');
    throw err;
  }
  await afterRefsChanged(deps, ctx.subject.project, { pushedBranches: [name] });
  return findBranch(ctx.repo, name);
}

/** DELETE /projects/:id/repository/branches/:branch */
export async function deleteBranch(deps: Deps, ctx: RepoContext, user: User, name: string): Promise<void> {
  const branch = await findBranch(ctx.repo, name);
  const { project } = ctx.subject;
  if (project.default_branch === name)
    throw apiMessage(405, 'The default branch of a project cannot be deleted.');
  const rules = matching(await loadBranchRules(deps.db, project.id), name);
  if (rules.length > 0 && !can(user, 'admin_protected_branch', ctx.subject))
    throw apiMessage(405, 'You dont have permission to delete the branch');
  try {
    await deleteRef(ctx.repo, branch.ref, branch.target);
  } catch (err) {
    if (err instanceof RefConflictError) throw badRequest('Failed to remove branch');
    throw err;
  }
  await afterRefsChanged(deps, project);
}

/** DELETE /projects/:id/repository/merged_branches: every branch merged into the default, except protected ones. */
export async function deleteMergedBranches(deps: Deps, ctx: RepoContext): Promise<void> {
  const { project } = ctx.subject;
  if (!project.default_branch) return;
  const defaultOid = await readRef(ctx.repo, `refs/heads/${project.default_branch}`);
  if (!defaultOid) return;
  const merged = await mergedBranchNames(ctx.repo, defaultOid);
  const rules = await loadBranchRules(deps.db, project.id);
  const branches = await listBranches(ctx.repo);
  for (const b of branches) {
    if (b.name === project.default_branch || !merged.has(b.name) || matching(rules, b.name).length > 0)
      continue;
    await deleteRef(ctx.repo, b.ref, b.target).catch((err) => {
      if (!(err instanceof RefConflictError)) throw err;
    });
  }
  await afterRefsChanged(deps, project);
}
