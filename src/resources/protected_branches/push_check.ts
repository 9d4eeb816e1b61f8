/**
 * The pre-receive check of a push (GitLab's Gitlab::Checks::BranchCheck and TagCheck): every ref
 * update is held against the project's protected branches and tags before git receives the pack.
 */
import type { Deps } from '../../deps.js';
import type { PushDecision, PushRequest } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { ACCESS } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import type { ProjectSubject } from '../../permissions/projects.js';
import { loadBranchRules, loadTagRules, matching } from './rules.js';
import { defaultBranchProtection } from './service.js';

export const PUSH_ERRORS = {
  deleteDefault: 'The default branch of a project cannot be deleted.',
  forcePush: 'You are not allowed to force push code to a protected branch on this project.',
  deleteProtected:
    'You are not allowed to delete protected branches from this project. Only a project maintainer or owner can delete a protected branch.',
  deleteProtectedNonWeb: 'You can only delete protected branches using the web interface.',
  pushProtected: 'You are not allowed to push code to protected branches on this project.',
  createProtected: 'You are not allowed to create protected branches on this project.',
  changeTag: 'You are not allowed to change existing tags on this project.',
  createProtectedTag: 'You are not allowed to create this tag as it is protected.',
  deleteProtectedTag:
    'You are not allowed to delete protected tags from this project. Only a project maintainer or owner can delete a protected tag.',
} as const;

const refuse = (message: string): PushDecision => ({ allow: false, message: `GitLab: ${message}` });

/** Decides a push by `user` to `subject`'s repository (the user may already push code at all). */
export async function checkPush(
  deps: Deps,
  subject: ProjectSubject,
  user: User,
  push: PushRequest,
): Promise<PushDecision> {
  const { project } = subject;
  const [branchRules, tagRules] = await Promise.all([
    loadBranchRules(deps.db, project.id),
    loadTagRules(deps.db, project.id),
  ]);
  const initial = project.empty_repo ? await defaultBranchProtection(deps, project) : null;
  const noForcePush: string[] = [];
  for (const cmd of push.commands) {
    if (cmd.ref.startsWith('refs/heads/')) {
      const name = cmd.ref.slice('refs/heads/'.length);
      if (cmd.type === 'delete' && name === project.default_branch && !project.empty_repo)
        return refuse(PUSH_ERRORS.deleteDefault);
      const rules = matching(branchRules, name);
      if (rules.length === 0) {
        // An empty repository's default branch is protected before it exists (the initial push).
        if (initial && name === project.default_branch && cmd.type === 'create') {
          const level = initial.developerCanInitialPush ? ACCESS.DEVELOPER : initial.push;
          const rule = [{ access_level: level, user_id: null, group_id: null }];
          if (!can(user, 'access_protected_ref', { project: subject, rules: rule }))
            return refuse(PUSH_ERRORS.pushProtected);
        }
        continue;
      }
      if (cmd.type === 'delete') {
        return refuse(
          can(user, 'admin_protected_branch', subject)
            ? PUSH_ERRORS.deleteProtectedNonWeb
            : PUSH_ERRORS.deleteProtected,
        );
      }
      const pushRules = rules.flatMap((r) => r.push);
      if (!can(user, 'access_protected_ref', { project: subject, rules: pushRules }))
        return refuse(cmd.type === 'create' ? PUSH_ERRORS.createProtected : PUSH_ERRORS.pushProtected);
      // Whether an update is a force push shows only once the pack is in: the git layer's hook decides.
      if (cmd.type === 'update' && !rules.every((r) => r.allow_force_push)) noForcePush.push(cmd.ref);
    } else if (cmd.ref.startsWith('refs/tags/')) {
      const name = cmd.ref.slice('refs/tags/'.length);
      const rules = matching(tagRules, name);
      if (cmd.type === 'update' && !can(user, 'admin_tag', subject)) return refuse(PUSH_ERRORS.changeTag);
      if (rules.length === 0) continue;
      if (cmd.type === 'update') return refuse(PUSH_ERRORS.changeTag);
      if (cmd.type === 'delete') return refuse(PUSH_ERRORS.deleteProtectedTag);
      const createRules = rules.flatMap((r) => r.create);
      if (!can(user, 'access_protected_ref', { project: subject, rules: createRules }))
        return refuse(PUSH_ERRORS.createProtectedTag);
    }
  }
  return { allow: true, noForcePush: { refs: noForcePush, message: `GitLab: ${PUSH_ERRORS.forcePush}` } };
}
