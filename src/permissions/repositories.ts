import type { User } from '../http/auth.js';
import { ACCESS, isAdmin } from './groups.js';
import { type ProjectSubject, projectAbilities } from './projects.js';

/** GitLab's ProtectedRefAccess levels: 0 No one, 30 Developers + Maintainers, 40 Maintainers, 60 Admins. */
export const PROTECTED_REF_LEVELS = [0, 30, 40, 60] as const;
export const ADMIN_ACCESS = 60;

/** One access rule of a protected branch or tag. */
export interface RefAccessRule {
  access_level: number | null;
  user_id: number | null;
  group_id: number | null;
}

/** A ref action checked against the access rules of every protection that matches the ref. */
export interface ProtectedRefSubject {
  project: ProjectSubject;
  rules: readonly RefAccessRule[];
}

const atLeast = (actor: User | null, s: ProjectSubject, level: number) =>
  actor !== null && (isAdmin(actor) || s.access >= level);

/** ProtectedRefAccess#check_access: any rule lets the actor in; "No one" lets nobody in, not even admins. */
function allowedByRules(actor: User | null, s: ProtectedRefSubject): boolean {
  if (!actor) return false;
  return s.rules.some((r) => {
    if (r.user_id !== null) return r.user_id === actor.id && s.project.access >= ACCESS.DEVELOPER;
    if (r.access_level === null || r.access_level === ACCESS.NO_ACCESS) return false;
    if (isAdmin(actor)) return true;
    if (r.access_level === ADMIN_ACCESS) return false;
    return s.project.access >= r.access_level;
  });
}

/** Abilities over repositories (GitLab's ProjectPolicy and Gitlab::UserAccess). */
export const repositoryAbilities = {
  download_code: projectAbilities.read_code,
  read_protected_branch: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.DEVELOPER),
  admin_protected_branch: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.MAINTAINER),
  /** Tags: developers create and delete unprotected ones (GitLab's admin_tag). */
  admin_tag: (actor: User | null, s: ProjectSubject) =>
    projectAbilities.push_code(actor, s) && atLeast(actor, s, ACCESS.DEVELOPER),
  /** Push, merge or unprotect a protected ref: the actor must reach one of its access rules. */
  access_protected_ref: (actor: User | null, s: ProtectedRefSubject) =>
    projectAbilities.push_code(actor, s.project) && allowedByRules(actor, s),
};
