import type { User } from '../http/auth.js';

const isAdmin = (actor: User | null) => Boolean(actor?.admin);

/** Abilities over users (GitLab's UserPolicy / GlobalPolicy). */
export const userAbilities = {
  admin_all_resources: (actor: User | null, _subject: null) => isAdmin(actor),
  /** A user's own record, or any for admins. */
  update_user: (actor: User | null, target: User) => isAdmin(actor) || actor?.id === target.id,
};
