import type { Selectable } from 'kysely';
import type { PersonalAccessTokensTable } from '../db/schema.js';
import type { User } from '../http/auth.js';

type Token = Pick<Selectable<PersonalAccessTokensTable>, 'user_id' | 'impersonation'>;

const isAdmin = (actor: User | null) => Boolean(actor?.admin);
const isSelf = (actor: User | null, target: Pick<User, 'id'> | null) =>
  Boolean(actor && target && actor.id === target.id);

/** Abilities over personal access tokens (GitLab's UserPolicy and PersonalAccessTokenPolicy). */
export const personalAccessTokenAbilities = {
  /** A user's tokens are visible to that user and to admins; a missing owner is never readable. */
  read_user_personal_access_tokens: (actor: User | null, owner: Pick<User, 'id'> | null) =>
    owner !== null && (isAdmin(actor) || isSelf(actor, owner)),
  /** Create for (admins: anyone; users: only through the self-service endpoint). */
  create_user_personal_access_token: (actor: User | null, owner: Pick<User, 'id'>) =>
    isAdmin(actor) || isSelf(actor, owner),
  /** Rotate a user's tokens: the owner or an admin. */
  manage_user_personal_access_token: (actor: User | null, owner: Pick<User, 'id'> | null) =>
    owner !== null && (isAdmin(actor) || isSelf(actor, owner)),
  /** Revoke one token: admins any; owners their own, but not impersonation tokens made for them. */
  revoke_token: (actor: User | null, token: Token) =>
    isAdmin(actor) || (actor?.id === token.user_id && !token.impersonation),
};
