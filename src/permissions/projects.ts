import type { Selectable } from 'kysely';
import type { ProjectsTable } from '../db/schema.js';
import type { User } from '../http/auth.js';
import {
  ACCESS,
  type GroupSubject,
  groupAbilities,
  isAdmin,
  type Namespace,
  visibleByLevel,
} from './groups.js';

export type Project = Selectable<ProjectsTable>;

/**
 * A project as one actor sees it. `access` is the actor's highest level from every source (direct
 * membership, membership inherited down the group tree, group shares, personal namespace owner);
 * `direct` and `group` are the parts the `permissions` entity reports.
 */
export interface ProjectSubject {
  project: Project;
  namespace: Namespace;
  access: number;
  direct: number;
  group: number;
}

const canRead = (actor: User | null, s: ProjectSubject) =>
  isAdmin(actor) || s.access >= ACCESS.GUEST || visibleByLevel(actor, s.project.visibility_level);
const atLeast = (actor: User | null, s: ProjectSubject, level: number) =>
  actor !== null && (isAdmin(actor) || s.access >= level);

/** A feature set to `private` is for members only; `disabled` for nobody; `enabled` follows the project. */
function featureReadable(actor: User | null, s: ProjectSubject, feature: string, minMember: number): boolean {
  if (!canRead(actor, s)) return false;
  if (feature === 'disabled') return false;
  if (isAdmin(actor)) return true;
  if (feature === 'private' || s.project.visibility_level === 0) return s.access >= minMember;
  return true;
}

/** Abilities over projects (GitLab's ProjectPolicy). */
export const projectAbilities = {
  read_project: canRead,
  read_project_member: canRead,
  read_code: (actor: User | null, s: ProjectSubject) =>
    featureReadable(actor, s, s.project.repository_access_level, ACCESS.REPORTER),
  read_issue: (actor: User | null, s: ProjectSubject) =>
    featureReadable(actor, s, s.project.issues_access_level, ACCESS.GUEST),
  read_merge_request: (actor: User | null, s: ProjectSubject) =>
    featureReadable(actor, s, s.project.merge_requests_access_level, ACCESS.REPORTER),
  fork_project: (actor: User | null, s: ProjectSubject) =>
    actor !== null && featureReadable(actor, s, s.project.forking_access_level, ACCESS.REPORTER),
  create_merge_request_in: (actor: User | null, s: ProjectSubject) =>
    atLeast(actor, s, ACCESS.DEVELOPER) && s.project.merge_requests_access_level !== 'disabled',
  push_code: (actor: User | null, s: ProjectSubject) =>
    atLeast(actor, s, ACCESS.DEVELOPER) && !s.project.archived,
  admin_project: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.MAINTAINER),
  admin_project_member: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.MAINTAINER),
  admin_owner_member: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.OWNER),
  change_visibility_level: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.MAINTAINER),
  archive_project: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.OWNER),
  remove_project: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.OWNER),
  change_namespace: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.OWNER),
  rename_project: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.OWNER),
  share_project: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.MAINTAINER),
  read_statistics: (actor: User | null, s: ProjectSubject) => atLeast(actor, s, ACCESS.REPORTER),
  /** Project (Maintainer+) and group (Owner) access tokens (C13): see, revoke. */
  read_resource_access_tokens: canManageTokens,
  destroy_resource_access_tokens: canManageTokens,
  /** Create and rotate: the same, but a bot may not mint tokens for other bots. */
  create_resource_access_tokens: (actor: User | null, s: ProjectSubject | GroupSubject) =>
    canManageTokens(actor, s) && actor?.user_type !== 'project_bot',
};

function canManageTokens(actor: User | null, s: ProjectSubject | GroupSubject): boolean {
  return 'project' in s ? atLeast(actor, s, ACCESS.MAINTAINER) : groupAbilities.admin_group(actor, s);
}
