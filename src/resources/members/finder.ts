import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { containsText } from '../../db/text.js';

export interface MemberSource {
  type: 'Project' | 'Namespace';
  id: number;
  /** For projects: the namespace the project lives in. */
  namespaceId: number | null;
}

export interface MemberFilters {
  query?: string;
  user_ids?: number[];
  skip_users?: number[];
}

const least = (a: string, b: string) =>
  sql<number>`case when ${sql.ref(a)} < ${sql.ref(b)} then ${sql.ref(a)} else ${sql.ref(b)} end`;

/** Direct members of a project or group. */
export function directMembers(db: Db, source: MemberSource) {
  return db
    .selectFrom('members as m')
    .select(['m.user_id', 'm.access_level', 'm.expires_at', 'm.created_at', 'm.created_by_id'])
    .where('m.source_type', '=', source.type)
    .where('m.source_id', '=', source.id);
}

/**
 * Everyone with access: direct members, members of every ancestor group, and members of groups
 * the project or group is shared with (capped at the share's level). One row per user, the
 * highest level winning.
 */
export function allMembers(db: Db, source: MemberSource) {
  const groupId = source.type === 'Namespace' ? source.id : source.namespaceId!;
  const ancestors = db
    .selectFrom('namespace_hierarchy')
    .select('ancestor_id')
    .where('descendant_id', '=', groupId);
  // Union members match by position: every part selects the same columns in the same order.
  const cols = ['m.expires_at', 'm.created_at', 'm.created_by_id'] as const;
  const inherited = db
    .selectFrom('members as m')
    .select(['m.user_id', 'm.access_level', 'm.expires_at', 'm.created_at', 'm.created_by_id'])
    .where('m.source_type', '=', 'Namespace')
    .where('m.source_id', 'in', ancestors);
  const groupShares = db
    .selectFrom('group_group_links as gl')
    .innerJoin('namespace_hierarchy as h', 'h.descendant_id', 'gl.shared_with_group_id')
    .innerJoin('members as m', (j) =>
      j.onRef('m.source_id', '=', 'h.ancestor_id').on('m.source_type', '=', 'Namespace'),
    )
    .select(['m.user_id', least('gl.group_access', 'm.access_level').as('access_level'), ...cols])
    .where('gl.shared_group_id', 'in', ancestors);
  let rows = inherited.unionAll(groupShares);
  if (source.type === 'Project') {
    const projectShares = db
      .selectFrom('project_group_links as l')
      .innerJoin('namespace_hierarchy as h', 'h.descendant_id', 'l.group_id')
      .innerJoin('members as m', (j) =>
        j.onRef('m.source_id', '=', 'h.ancestor_id').on('m.source_type', '=', 'Namespace'),
      )
      .select(['m.user_id', least('l.group_access', 'm.access_level').as('access_level'), ...cols])
      .where('l.project_id', '=', source.id);
    rows = rows.unionAll(directMembers(db, source)).unionAll(projectShares);
  }
  return db
    .selectFrom(rows.as('a'))
    .select((eb) => [
      'a.user_id',
      eb.fn.max('a.access_level').as('access_level'),
      eb.fn.max('a.expires_at').as('expires_at'),
      eb.fn.min('a.created_at').as('created_at'),
      eb.fn.min('a.created_by_id').as('created_by_id'),
    ])
    .groupBy('a.user_id');
}

/** Users matching the list filters (query matches name and username). */
export const userMatches = (db: Db, f: MemberFilters) =>
  db
    .selectFrom('users')
    .select('id')
    .$if(Boolean(f.query), (q) =>
      q.where((eb) => eb.or([containsText('name', f.query!), containsText('username', f.query!)])),
    )
    .$if((f.user_ids?.length ?? 0) > 0, (q) => q.where('id', 'in', f.user_ids!))
    .$if((f.skip_users?.length ?? 0) > 0, (q) => q.where('id', 'not in', f.skip_users!));

/** A member list, filtered and ordered; one query whichever the source. */
export function findMembers(db: Db, source: MemberSource, all: boolean, f: MemberFilters) {
  const base = all ? allMembers(db, source) : directMembers(db, source);
  return db
    .selectFrom(base.as('x'))
    .selectAll('x')
    .$if(Boolean(f.query) || (f.user_ids?.length ?? 0) > 0 || (f.skip_users?.length ?? 0) > 0, (q) =>
      q.where('x.user_id', 'in', userMatches(db, f)),
    )
    .orderBy('x.user_id');
}
