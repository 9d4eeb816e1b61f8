import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { containsText, equalsIgnoringCase } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import type { UserRelations } from './entity.js';

type UsersQuery = SelectQueryBuilder<Database, 'users', User>;
type Filter = (q: UsersQuery) => UsersQuery;

/** User types GitLab creates for itself (User::INTERNAL_USER_TYPES); they are never people. */
export const INTERNAL_USER_TYPES = [
  'ghost',
  'alert_bot',
  'support_bot',
  'visual_review_bot',
  'migration_bot',
  'security_bot',
  'automation_bot',
  'admin_bot',
  'suggested_reviewers_bot',
  'security_policy_bot',
  'llm_bot',
  'duo_code_review_bot',
  'import_user',
  'placeholder',
] as const;

/** States hidden from everyone but admins (User::FORBIDDEN_SEARCH_STATES). */
const FORBIDDEN_SEARCH_STATES = ['blocked', 'banned', 'ldap_blocked'];

export const isInternal = (user: User) => (INTERNAL_USER_TYPES as readonly string[]).includes(user.user_type);

/** Ids fit a 32-bit integer column: anything larger names no user (GitLab answers 404, not 400). */
export function parseUserId(raw: string): number | null {
  if (!/^\d{1,10}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}

export async function findUserById(db: Db, id: number | null): Promise<User | undefined> {
  if (id === null) return undefined;
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** UserFinder#find_by_id_or_username: digits are an id, anything else a username (any case). */
export async function findUserByIdOrUsername(db: Db, idOrUsername: string): Promise<User | undefined> {
  if (/^\d+$/.test(idOrUsername)) return findUserById(db, parseUserId(idOrUsername));
  return db
    .selectFrom('users')
    .selectAll()
    .where(equalsIgnoringCase('username', idOrUsername))
    .executeTakeFirst();
}

export type UserOrderBy = 'id' | 'name' | 'username' | 'created_at' | 'updated_at';

export interface UserFilters {
  /** Admins see every state and may use the admin-only filters; others never see blocked or banned users. */
  admin: boolean;
  username?: string;
  search?: string;
  extern_uid?: string;
  provider?: string;
  active?: boolean;
  blocked?: boolean;
  external?: boolean;
  humans?: boolean;
  without_active?: boolean;
  non_external?: boolean;
  without_humans?: boolean;
  non_internal?: boolean;
  without_project_bots?: boolean;
  admins?: boolean;
  two_factor?: string;
  without_projects?: boolean;
  created_after?: string;
  created_before?: string;
}

const when =
  (cond: unknown, f: Filter): Filter =>
  (q) =>
    cond ? f(q) : q;

const visibleStates = (admin: boolean): Filter =>
  when(!admin, (q) => q.where('users.state', 'not in', FORBIDDEN_SEARCH_STATES));

const byUsername = (username: string | undefined): Filter =>
  when(username !== undefined, (q) => q.where(equalsIgnoringCase('users.username', username!)));

const byExternUid = (uid: string | undefined, provider: string | undefined): Filter =>
  when(uid !== undefined && provider !== undefined, (q) =>
    q.where('users.extern_uid', '=', uid!).where(equalsIgnoringCase('users.provider', provider!)),
  );

/**
 * User.search: a substring of the name or username, or the exact public email; admins also match
 * the exact primary or secondary email.
 */
const bySearch = (term: string | undefined, admin: boolean): Filter =>
  when(term !== undefined && term !== '', (q) =>
    q.where((eb) =>
      eb.or([
        containsText('users.name', term!),
        containsText('users.username', term!),
        equalsIgnoringCase('users.public_email', term!),
        ...(admin
          ? [
              equalsIgnoringCase('users.email', term!),
              eb.exists(
                eb
                  .selectFrom('emails')
                  .select('emails.id')
                  .whereRef('emails.user_id', '=', 'users.id')
                  .where(equalsIgnoringCase('emails.email', term!)),
              ),
            ]
          : []),
      ]),
    ),
  );

const byState =
  (f: UserFilters): Filter =>
  (q) => {
    let r = q;
    if (f.active) r = r.where('users.state', '=', 'active').where('users.user_type', '!=', 'ghost');
    if (f.without_active) r = r.where('users.state', '!=', 'active');
    if (f.blocked) r = r.where('users.state', 'in', ['blocked', 'ldap_blocked']);
    return r;
  };

const byType =
  (f: UserFilters): Filter =>
  (q) => {
    let r = q;
    if (f.external) r = r.where('users.external', '=', true);
    if (f.non_external) r = r.where('users.external', '=', false);
    if (f.humans) r = r.where('users.user_type', '=', 'human');
    if (f.without_humans) r = r.where('users.user_type', '!=', 'human');
    if (f.non_internal) r = r.where('users.user_type', 'not in', INTERNAL_USER_TYPES);
    if (f.without_project_bots) r = r.where('users.user_type', '!=', 'project_bot');
    return r;
  };

/** Filters GitLab only honours for admins (the route drops them for everyone else). */
const adminOnly = (f: UserFilters): Filter =>
  when(f.admin, (q) => {
    let r = q;
    if (f.admins) r = r.where('users.admin', '=', true);
    // gitlab-compat: two-factor authentication is not implemented: nobody has it enabled.
    if (f.two_factor === 'enabled') r = r.where(sql<boolean>`1 = 0`);
    if (f.created_after) r = r.where('users.created_at', '>=', f.created_after);
    if (f.created_before) r = r.where('users.created_at', '<=', f.created_before);
    if (f.without_projects) {
      r = r
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('members')
                .select('members.id')
                .whereRef('members.user_id', '=', 'users.id')
                .where('members.source_type', '=', 'Project'),
            ),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('projects')
                .innerJoin('namespaces', 'namespaces.id', 'projects.namespace_id')
                .select('projects.id')
                .whereRef('namespaces.owner_id', '=', 'users.id')
                .where('namespaces.type', '=', 'User'),
            ),
          ),
        );
    }
    return r;
  });

/** UsersFinder: visibility first, then each filter (a no-op when its option is absent). */
export function findUsers(db: Db, f: UserFilters): UsersQuery {
  return db
    .selectFrom('users')
    .selectAll('users')
    .$call(visibleStates(f.admin))
    .$call(byUsername(f.username))
    .$call(byExternUid(f.extern_uid, f.provider))
    .$call(bySearch(f.search, f.admin))
    .$call(byState(f))
    .$call(byType(f))
    .$call(adminOnly(f));
}

/** order_by/sort with the id as tie breaker (order_options_with_tie_breaker). */
export function sortUsers(q: UsersQuery, orderBy: UserOrderBy, sort: 'asc' | 'desc'): UsersQuery {
  const ordered = q.orderBy(`users.${orderBy}`, sort);
  return orderBy === 'id' ? ordered : ordered.orderBy('users.id', sort);
}

/** User.search's relevance order: exact public email, then username, then name, then by name. */
export function sortBySearchRelevance(q: UsersQuery, term: string): UsersQuery {
  const t = term.toLowerCase();
  return q
    .orderBy(
      sql`case when lower(users.public_email) = ${t} then 0 when lower(users.username) = ${t} then 1 when lower(users.name) = ${t} then 2 else 3 end`,
    )
    .orderBy('users.name', 'asc')
    .orderBy('users.id', 'asc');
}

/** Batch-loads what the admin entities show for a page of users: two queries, whatever the page size. */
export async function loadUserRelations(db: Db, users: readonly User[]): Promise<UserRelations> {
  const ids = users.map((u) => u.id);
  const creatorIds = [
    ...new Set(users.map((u) => u.created_by_id).filter((id): id is number => id !== null)),
  ];
  const [namespaces, creators] = await Promise.all([
    ids.length === 0
      ? []
      : db
          .selectFrom('namespaces')
          .select(['id', 'owner_id'])
          .where('type', '=', 'User')
          .where('owner_id', 'in', ids)
          .execute(),
    creatorIds.length === 0 ? [] : db.selectFrom('users').selectAll().where('id', 'in', creatorIds).execute(),
  ]);
  return {
    namespaceIds: new Map(namespaces.map((n) => [n.owner_id!, n.id])),
    creators: new Map(creators.map((c) => [c.id, c])),
  };
}

/** The user's highest membership access level anywhere (0 without memberships). */
export async function highestRole(db: Db, userId: number): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.max('access_level').as('level'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.level ?? 0);
}
