import type { Selectable } from 'kysely';
import type { NamespacesTable } from '../db/schema.js';
import type { User } from '../http/auth.js';

export type Namespace = Selectable<NamespacesTable>;

/** GitLab's access levels (Gitlab::Access). */
export const ACCESS = {
  NO_ACCESS: 0,
  MINIMAL_ACCESS: 5,
  GUEST: 10,
  PLANNER: 15,
  REPORTER: 20,
  DEVELOPER: 30,
  MAINTAINER: 40,
  OWNER: 50,
} as const;
export const MEMBER_ACCESS_LEVELS = [10, 15, 20, 30, 40, 50] as const;

/** Gitlab::VisibilityLevel. */
export const VISIBILITY = { private: 0, internal: 10, public: 20 } as const;
export type VisibilityName = keyof typeof VISIBILITY;
export const VISIBILITY_NAMES = ['private', 'internal', 'public'] as const;
export const visibilityName = (level: number): VisibilityName =>
  level >= 20 ? 'public' : level >= 10 ? 'internal' : 'private';

export const isAdmin = (actor: User | null) => Boolean(actor?.admin);

/** The lowest visibility level an actor sees without membership: anonymous sees public only. */
export const minimumVisibleLevel = (actor: User | null) =>
  actor ? (actor.external ? VISIBILITY.public : VISIBILITY.internal) : VISIBILITY.public;

/** True when the visibility level alone lets the actor in. */
export const visibleByLevel = (actor: User | null, level: number) => level >= minimumVisibleLevel(actor);

/**
 * A group as one actor sees it: `access` is the actor's highest level on it (direct, inherited
 * from ancestors, or via a group share); `descendantAccess` is true when the actor can reach a
 * subgroup or project below it (which lets them see a private group's name, as GitLab does).
 */
export interface GroupSubject {
  group: Namespace;
  access: number;
  descendantAccess: boolean;
}

const canRead = (actor: User | null, g: GroupSubject) =>
  isAdmin(actor) || visibleByLevel(actor, g.group.visibility_level) || g.access > 0 || g.descendantAccess;
const atLeast = (actor: User | null, g: GroupSubject, level: number) =>
  actor !== null && (isAdmin(actor) || g.access >= level);

const creationLevel: Record<string, number> = {
  noone: Number.POSITIVE_INFINITY,
  owner: ACCESS.OWNER,
  maintainer: ACCESS.MAINTAINER,
  developer: ACCESS.DEVELOPER,
};

/** Abilities over groups (GitLab's GroupPolicy). */
export const groupAbilities = {
  create_group: (actor: User | null, _subject: null) =>
    actor !== null && (isAdmin(actor) || Boolean(actor.can_create_group)),
  read_group: canRead,
  read_group_member: canRead,
  create_subgroup: (actor: User | null, g: GroupSubject) =>
    atLeast(actor, g, creationLevel[g.group.subgroup_creation_level] ?? ACCESS.MAINTAINER),
  create_projects: (actor: User | null, g: GroupSubject) =>
    actor !== null &&
    (isAdmin(actor) ||
      (g.group.type === 'User'
        ? g.group.owner_id === actor.id
        : g.access >= (creationLevel[g.group.project_creation_level] ?? ACCESS.DEVELOPER))),
  admin_group: (actor: User | null, g: GroupSubject) => atLeast(actor, g, ACCESS.OWNER),
  admin_group_member: (actor: User | null, g: GroupSubject) => atLeast(actor, g, ACCESS.OWNER),
  remove_group: (actor: User | null, g: GroupSubject) => atLeast(actor, g, ACCESS.OWNER),
  /** Sharing a project or group with this group needs at least Guest in it. */
  read_group_for_share: (actor: User | null, g: GroupSubject) => atLeast(actor, g, ACCESS.GUEST),
};
