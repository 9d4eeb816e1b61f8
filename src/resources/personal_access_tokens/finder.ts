import type { SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { containsText } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import type { PersonalAccessTokenRow } from './entity.js';

type Query = SelectQueryBuilder<Database, 'personal_access_tokens', PersonalAccessTokenRow>;

export const TOKEN_SORTS = [
  'created_asc',
  'created_desc',
  'expires_asc',
  'expires_desc',
  'last_used_asc',
  'last_used_desc',
  'name_asc',
  'name_desc',
] as const;

export interface TokenFilters {
  /** The owner; undefined lists every user's tokens (admins only). */
  userId?: number;
  /** false hides impersonation tokens (what non-admins see). */
  impersonation?: boolean;
  revoked?: boolean;
  state?: 'active' | 'inactive';
  createdBefore?: string;
  createdAfter?: string;
  lastUsedBefore?: string;
  lastUsedAfter?: string;
  expiresBefore?: string;
  expiresAfter?: string;
  search?: string;
  sort?: string;
  /** Today (YYYY-MM-DD): a token is expired from its expiry date on. */
  today: string;
}

const byUser = (id: number | undefined) => (q: Query) => (id === undefined ? q : q.where('user_id', '=', id));
const byImpersonation = (v: boolean | undefined) => (q: Query) =>
  v === undefined ? q : q.where('impersonation', '=', v);
const byRevoked = (v: boolean | undefined) => (q: Query) =>
  v === undefined ? q : q.where('revoked', '=', v);

const byState = (state: TokenFilters['state'], today: string) => (q: Query) => {
  if (state === 'active')
    return q
      .where('revoked', '=', false)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', today)]));
  if (state === 'inactive')
    return q.where((eb) => eb.or([eb('revoked', '=', true), eb('expires_at', '<=', today)]));
  return q;
};

const byRange =
  (column: 'created_at' | 'last_used_at' | 'expires_at', op: '<=' | '>=' | '<', value: string | undefined) =>
  (q: Query) =>
    value === undefined ? q : q.where(column, op, value);

const bySearch = (term: string | undefined) => (q: Query) => (term ? q.where(containsText('name', term)) : q);

/** Unknown sort values are ignored, as GitLab ignores them; ties (and the default) go by id. */
const sorted = (sort: string | undefined) => (q: Query) => {
  const [field, dir] = (() => {
    switch (sort) {
      case 'created_asc':
      case 'created_desc':
        return ['created_at', sort.endsWith('asc') ? 'asc' : 'desc'] as const;
      case 'expires_asc':
      case 'expires_desc':
        return ['expires_at', sort.endsWith('asc') ? 'asc' : 'desc'] as const;
      case 'last_used_asc':
      case 'last_used_desc':
        return ['last_used_at', sort.endsWith('asc') ? 'asc' : 'desc'] as const;
      case 'name_asc':
      case 'name_desc':
        return ['name', sort.endsWith('asc') ? 'asc' : 'desc'] as const;
      default:
        return [null, 'asc'] as const;
    }
  })();
  if (!field) return q.orderBy('id', 'asc');
  // PostgreSQL's null placement (last ascending, first descending) on both dialects.
  return q
    .orderBy(field, (ob) => (dir === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsFirst()))
    .orderBy('id', dir);
};

/** PersonalAccessTokensFinder: a chain of filters that leave the query alone when their option is absent. */
export function findPersonalAccessTokens(db: Db, f: TokenFilters): Query {
  return db
    .selectFrom('personal_access_tokens')
    .selectAll()
    .$call(byUser(f.userId))
    .$call(byImpersonation(f.impersonation))
    .$call(byRevoked(f.revoked))
    .$call(byState(f.state, f.today))
    .$call(byRange('created_at', '<=', f.createdBefore))
    .$call(byRange('created_at', '>=', f.createdAfter))
    .$call(byRange('last_used_at', '<=', f.lastUsedBefore))
    .$call(byRange('last_used_at', '>=', f.lastUsedAfter))
    .$call(byRange('expires_at', '<', f.expiresBefore))
    .$call(byRange('expires_at', '>=', f.expiresAfter))
    .$call(bySearch(f.search))
    .$call(sorted(f.sort));
}

export function findPersonalAccessToken(db: Db, id: number): Promise<PersonalAccessTokenRow | undefined> {
  return db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A token's owner, or a user named by id in a parameter. */
export function findUserById(db: Db, id: number | null): Promise<User | undefined> {
  if (id === null) return Promise.resolve(undefined);
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}
