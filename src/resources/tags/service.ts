/** Tags::CreateService and DeleteService. */
import type { Deps } from '../../deps.js';
import {
  deleteRef,
  createTag as gitCreateTag,
  isValidTagName,
  listTags,
  RefConflictError,
  type RefEntry,
  readRef,
  resolveCommit,
} from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { apiMessage, forbidden, notFound } from '../../http/errors.js';
import { can } from '../../permissions/index.js';
import { loadTagRules, matching } from '../protected_branches/rules.js';
import { isSafeRevision, type RepoContext } from '../repositories/context.js';

export async function findTag(repo: string, name: string): Promise<RefEntry> {
  if (!isValidTagName(name)) throw notFound('Tag');
  const [t] = await listTags(repo, [name]);
  if (!t) throw notFound('Tag');
  return t;
}

export async function protectedTagNames(deps: Deps, projectId: number, names: readonly string[]) {
  const rules = await loadTagRules(deps.db, projectId);
  return new Set(names.filter((n) => matching(rules, n).length > 0));
}

/** POST /projects/:id/repository/tags */
export async function createTag(
  deps: Deps,
  ctx: RepoContext,
  user: User,
  a: { tag_name: string; ref: string; message?: string },
): Promise<RefEntry> {
  if (!isValidTagName(a.tag_name)) throw apiMessage(400, 'Tag name invalid');
  const target = isSafeRevision(a.ref) ? await resolveCommit(ctx.repo, a.ref) : null;
  if (!target) throw apiMessage(400, `Target ${a.ref} is invalid`);
  if (a.message?.includes('\0')) throw apiMessage(400, 'Tag message invalid');
  const rules = matching(await loadTagRules(deps.db, ctx.subject.project.id), a.tag_name);
  if (
    rules.length > 0 &&
    !can(user, 'access_protected_ref', { project: ctx.subject, rules: rules.flatMap((r) => r.create) })
  )
    throw forbidden();
  const exists = () => apiMessage(400, `Tag ${a.tag_name} already exists`);
  if (await readRef(ctx.repo, `refs/tags/${a.tag_name}`)) throw exists();
  try {
    await gitCreateTag(ctx.repo, a.tag_name, target, a.message?.trim() ? a.message : null, {
      name: user.name,
      email: user.email,
      date: deps.clock.now(),
    });
  } catch (err) {
    if (err instanceof RefConflictError) throw exists();
    throw err;
  }
  return findTag(ctx.repo, a.tag_name);
}

/** DELETE /projects/:id/repository/tags/:tag_name: protected tags need their create access. */
export async function deleteTag(deps: Deps, ctx: RepoContext, user: User, name: string): Promise<void> {
  const tag = await findTag(ctx.repo, name);
  const rules = matching(await loadTagRules(deps.db, ctx.subject.project.id), name);
  if (rules.length > 0 && !can(user, 'admin_protected_branch', ctx.subject)) throw forbidden();
  await deleteRef(ctx.repo, tag.ref, tag.target).catch((err) => {
    if (err instanceof RefConflictError) throw notFound('Tag');
    throw err;
  });
}
