import type { SelectQueryBuilder } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { containsText } from '../../db/text.js';
import type { User } from '../../http/auth.js';
import type { Namespace } from '../../permissions/groups.js';
import { groupAccessRows } from '../members/access.js';

type NamespaceQuery = SelectQueryBuilder<Database, 'namespaces', Namespace>;

export interface NamespaceFilters {
  search?: string;
  owned_only?: boolean;
  top_level_only?: boolean;
}

/** Visibility first: admins see every namespace; others their own and the groups they belong to. */
const visibleTo = (db: Db, viewer: User) => (q: NamespaceQuery) =>
  viewer.admin
    ? q
    : q.where((eb) =>
        eb.or([
          eb.and([eb('namespaces.type', '=', 'User'), eb('namespaces.owner_id', '=', viewer.id)]),
          eb(
            'namespaces.id',
            'in',
            db.selectFrom(groupAccessRows(db, viewer.id).as('a')).select('a.namespace_id'),
          ),
        ]),
      );

const ownedOnly = (db: Db, viewer: User, on: boolean | undefined) => (q: NamespaceQuery) =>
  !on
    ? q
    : q.where((eb) =>
        eb.or([
          eb.and([eb('namespaces.type', '=', 'User'), eb('namespaces.owner_id', '=', viewer.id)]),
          eb(
            'namespaces.id',
            'in',
            db
              .selectFrom(groupAccessRows(db, viewer.id).as('a'))
              .select('a.namespace_id')
              .where('a.access_level', '>=', 50),
          ),
        ]),
      );

export function findNamespaces(db: Db, viewer: User, f: NamespaceFilters): NamespaceQuery {
  return db
    .selectFrom('namespaces')
    .selectAll('namespaces')
    .$call(visibleTo(db, viewer))
    .$call(ownedOnly(db, viewer, f.owned_only))
    .$if(Boolean(f.search), (q) =>
      q.where((eb) =>
        eb.or([containsText('namespaces.name', f.search!), containsText('namespaces.path', f.search!)]),
      ),
    )
    .$if(Boolean(f.top_level_only), (q) => q.where('namespaces.parent_id', 'is', null))
    .orderBy('namespaces.id');
}
