import type { User } from '../http/auth.js';
import { ACCESS, isAdmin } from './groups.js';
import { type ProjectSubject, projectAbilities } from './projects.js';

/** Abilities over commit statuses and commit comments (GitLab's ProjectPolicy). */
export const commitAbilities = {
  read_commit_status: projectAbilities.read_code,
  /** Developers report statuses (`create_commit_status`). */
  create_commit_status: (actor: User | null, s: ProjectSubject) =>
    actor !== null && (isAdmin(actor) || s.access >= ACCESS.DEVELOPER),
  /** Anyone signed in who can read the code may comment on a commit. */
  create_commit_note: (actor: User | null, s: ProjectSubject) =>
    actor !== null && projectAbilities.read_code(actor, s),
};
