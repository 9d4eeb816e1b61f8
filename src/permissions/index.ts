import type { User } from '../http/auth.js';
import { forbidden } from '../http/errors.js';
import { commitAbilities } from './commits.js';
import { groupAbilities } from './groups.js';
import { issueAbilities } from './issues.js';
import { mergeRequestAbilities } from './merge_requests.js';
import { personalAccessTokenAbilities } from './personal_access_tokens.js';
import { projectAbilities } from './projects.js';
import { repositoryAbilities } from './repositories.js';
import { userAbilities } from './users.js';

/**
 * The one place that answers "may this actor do X to Y". Abilities keep GitLab's names
 * (read_user, admin_all_resources, read_project, …). Each domain adds its abilities in a file
 * beside this one and spreads them in here; nothing checks roles anywhere else.
 */
export const abilities = {
  ...userAbilities,
  ...groupAbilities,
  ...projectAbilities,
  ...repositoryAbilities,
  ...commitAbilities,
  ...issueAbilities,
  ...mergeRequestAbilities,
  ...personalAccessTokenAbilities,
};

export type Ability = keyof typeof abilities;
export type SubjectOf<A extends Ability> = Parameters<(typeof abilities)[A]>[1];

export function can<A extends Ability>(actor: User | null, ability: A, subject: SubjectOf<A>): boolean {
  return (abilities[ability] as (actor: User | null, subject: SubjectOf<A>) => boolean)(actor, subject);
}

/** Throws 403 when the actor may not; routes call it in plain sight. Hidden things are 404 (see http/lookups.ts). */
export function authorize<A extends Ability>(actor: User | null, ability: A, subject: SubjectOf<A>): void {
  if (!can(actor, ability, subject)) throw forbidden();
}
