import type { User } from '../http/auth.js';

const isAdmin = (actor: User | null) => Boolean(actor?.admin);
const isSelf = (actor: User | null, target: User) => actor !== null && actor.id === target.id;

/** Abilities over users (GitLab's UserPolicy / GlobalPolicy). */
export const userAbilities = {
  admin_all_resources: (actor: User | null, _subject: null) => isAdmin(actor),
  /** Create, edit, delete, block… any user (the admin-only user endpoints). */
  admin_user: (actor: User | null, _target: User | null) => isAdmin(actor),
  /** A user's own record, or any for admins. */
  update_user: (actor: User | null, target: User) => isAdmin(actor) || isSelf(actor, target),
  // gitlab-compat: restricted visibility levels are not implemented, so the list and every user are readable by anyone.
  read_users_list: (_actor: User | null, _subject: null) => true,
  read_user: (_actor: User | null, _target: User) => true,
  /** Profile details (created_at, followers…) are hidden when the profile is private. */
  read_user_profile: (actor: User | null, target: User) =>
    !target.private_profile || isAdmin(actor) || isSelf(actor, target),
  /** Admin-only list fields (email, identities, …) and admin-only list filters. */
  read_all_resources: (actor: User | null, _subject: null) => isAdmin(actor),
  update_user_status: (actor: User | null, target: User) =>
    isSelf(actor, target) && target.state === 'active',
};
