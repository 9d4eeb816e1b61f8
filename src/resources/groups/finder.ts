import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { containsText } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import {
  minimumVisibleLevel,
  type Namespace,
  VISIBILITY,
  type VisibilityName,
} from '../../permissions/groups.js';
import { groupAccessRows, groupsWithReachableDescendants } from '../members/access.js';

type GroupQuery = SelectQueryBuilder<Database, 'namespaces', Namespace>;

export interface GroupFilters {
  /** Only groups the user belongs to (directly, inherited or via a share); else every visible group. */
  membership?: boolean;
  search?: string;
  owned?: boolean;
  min_access_level?: number;
  top_level_only?: boolean;
  skip_groups?: number[];
  visibility?: string;
  parent_id?: number;
  descendants_of?: number;
  order_by?: string;
  sort?: string;
}

/** Visibility first: what this viewer may see at all (admins: everything). */
export const visibleTo =
  (db: Db, viewer: User | null) =>
  (q: GroupQuery): GroupQuery => {
    if (viewer?.admin) return q;
    if (!viewer) return q.where('namespaces.visibility_level', '>=', VISIBILITY.public);
    return q.where((eb) =>
      eb.or([
        eb('namespaces.visibility_level', '>=', minimumVisibleLevel(viewer)),
        eb(
          'namespaces.id',
          'in',
          db.selectFrom(groupAccessRows(db, viewer.id).as('a')).select('a.namespace_id'),
        ),
        eb('namespaces.id', 'in', groupsWithReachableDescendants(db, viewer.id)),
      ]),
    );
  };

const byMembership = (db: Db, viewer: User | null, on: boolean | undefined) => (q: GroupQuery) =>
  !on || !viewer
    ? q
    : q.where(
        'namespaces.id',
        'in',
        db.selectFrom(groupAccessRows(db, viewer.id).as('a')).select('a.namespace_id'),
      );

const byMinAccess = (db: Db, viewer: User | null, level: number | undefined) => (q: GroupQuery) => {
  if (level === undefined) return q;
  if (!viewer) return q.where(sql<boolean>`1 = 0`);
  return q.where(
    'namespaces.id',
    'in',
    db
      .selectFrom(groupAccessRows(db, viewer.id).as('a'))
      .select('a.namespace_id')
      .where('a.access_level', '>=', level),
  );
};

const bySearch = (term: string | undefined) => (q: GroupQuery) =>
  !term
    ? q
    : q.where((eb) => eb.or([containsText('namespaces.name', term), containsText('namespaces.path', term)]));

const byVisibility = (v: string | undefined) => (q: GroupQuery) =>
  v === undefined ? q : q.where('namespaces.visibility_level', '=', VISIBILITY[v as VisibilityName]);

const byParent = (id: number | undefined) => (q: GroupQuery) =>
  id === undefined ? q : q.where('namespaces.parent_id', '=', id);

const byDescendantsOf = (db: Db, id: number | undefined) => (q: GroupQuery) =>
  id === undefined
    ? q
    : q.where(
        'namespaces.id',
        'in',
        db
          .selectFrom('namespace_hierarchy')
          .select('descendant_id')
          .where('ancestor_id', '=', id)
          .where('depth', '>', 0),
      );

const sorted = (orderBy: string | undefined, sort: string | undefined) => (q: GroupQuery) => {
  const dir = sort === 'desc' ? 'desc' : 'asc';
  const col = orderBy === 'path' ? 'namespaces.path' : orderBy === 'id' ? 'namespaces.id' : 'namespaces.name';
  return col === 'namespaces.id' ? q.orderBy(col, dir) : q.orderBy(col, dir).orderBy('namespaces.id', dir);
};

export function findGroups(db: Db, viewer: User | null, f: GroupFilters): GroupQuery {
  return db
    .selectFrom('namespaces')
    .selectAll('namespaces')
    .where('namespaces.type', '=', 'Group')
    .$call(visibleTo(db, viewer))
    .$call(byMembership(db, viewer, f.membership))
    .$call(byMinAccess(db, viewer, f.owned ? 50 : f.min_access_level))
    .$call(bySearch(f.search))
    .$call(byVisibility(f.visibility))
    .$call(byParent(f.parent_id))
    .$call(byDescendantsOf(db, f.descendants_of))
    .$if(Boolean(f.top_level_only), (q) => q.where('namespaces.parent_id', 'is', null))
    .$if((f.skip_groups?.length ?? 0) > 0, (q) => q.where('namespaces.id', 'not in', f.skip_groups!))
    .$call(sorted(f.order_by, f.sort));
}
