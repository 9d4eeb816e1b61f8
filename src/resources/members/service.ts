import type { Deps } from '../../deps.js';
import { nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { conflict, forbidden, notFound, validationFailed } from '../../http/errors.js';
import { ACCESS } from '../../permissions/groups.js';
import { activeOn } from './access.js';
import type { MemberSource } from './finder.js';

async function ownerCount(deps: Deps, source: MemberSource): Promise<number> {
  const row = await deps.db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('access_level', '=', ACCESS.OWNER)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Gitlab::Access.human_access: the role names GitLab prints in messages. */
const ROLE_NAMES: Record<number, string> = {
  [ACCESS.MINIMAL_ACCESS]: 'Minimal Access',
  [ACCESS.GUEST]: 'Guest',
  [ACCESS.PLANNER]: 'Planner',
  [ACCESS.REPORTER]: 'Reporter',
  [ACCESS.DEVELOPER]: 'Developer',
  [ACCESS.MAINTAINER]: 'Maintainer',
  [ACCESS.OWNER]: 'Owner',
};

/**
 * Member#higher_access_level_than_group: a direct membership may not grant less than the user's
 * highest membership in an ancestor group (a project's groups, a subgroup's parents). 400 with
 * GitLab's model error otherwise.
 */
async function checkNotBelowInherited(deps: Deps, source: MemberSource, userId: number, level: number) {
  const groupId = source.type === 'Project' ? source.namespaceId : source.id;
  if (groupId === null) return;
  const highest = await deps.db
    .selectFrom('namespace_hierarchy as h')
    .innerJoin('namespaces as n', 'n.id', 'h.ancestor_id')
    .innerJoin('members as m', (j) =>
      j
        .onRef('m.source_id', '=', 'h.ancestor_id')
        .on('m.source_type', '=', 'Namespace')
        .on('m.user_id', '=', userId),
    )
    .select(['m.access_level', 'n.name'])
    .where('h.descendant_id', '=', groupId)
    .where('n.type', '=', 'Group')
    .$if(source.type === 'Namespace', (q) => q.where('h.ancestor_id', '!=', source.id))
    // An expired membership grants nothing here (GitLab deletes expired members).
    .where(activeOn(nowIso(deps).slice(0, 10))('m.expires_at'))
    .orderBy('m.access_level', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (highest && Number(highest.access_level) > level)
    throw validationFailed({
      access_level: [
        `should be greater than or equal to ${ROLE_NAMES[Number(highest.access_level)]} inherited membership from group ${highest.name}`,
      ],
    });
}

/** POST …/members: 409 when the user is already a direct member. */
export async function addMember(
  deps: Deps,
  source: MemberSource,
  user: User,
  by: User,
  attrs: { access_level: number; expires_at?: string },
) {
  const existing = await deps.db
    .selectFrom('members')
    .select('id')
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (existing) throw conflict('Member already exists');
  await checkNotBelowInherited(deps, source, user.id, attrs.access_level);
  const now = nowIso(deps);
  return deps.db
    .insertInto('members')
    .values(newMember(source, user, by, attrs, now))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The members row for a user added to `source` by `by`. */
function newMember(
  source: MemberSource,
  user: User,
  by: User,
  attrs: { access_level: number; expires_at?: string | null },
  now: string,
) {
  return {
    source_type: source.type,
    source_id: source.id,
    user_id: user.id,
    access_level: attrs.access_level,
    expires_at: attrs.expires_at ?? null,
    created_by_id: by.id,
    created_at: now,
    updated_at: now,
  };
}

/** How many users one bulk add may name (Members::CreateService's DEFAULT_INVITE_LIMIT). */
export const BULK_ADD_LIMIT = 100;

/**
 * POST …/members with several users (Members::CreateService): each becomes a member at the level
 * given, an existing direct member is set to it; users that do not exist are skipped, as GitLab
 * skips them. One transaction, so a failure leaves no member half-added.
 */
export async function addMembers(
  deps: Deps,
  source: MemberSource,
  users: readonly User[],
  by: User,
  attrs: { access_level: number; expires_at?: string },
): Promise<void> {
  const now = nowIso(deps);
  if (users.length === 0) return;
  // Three statements whatever the count: which users are members already, one update, one insert.
  await deps.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('members')
      .select(['id', 'user_id'])
      .where('source_type', '=', source.type)
      .where('source_id', '=', source.id)
      .where(
        'user_id',
        'in',
        users.map((u) => u.id),
      )
      .execute();
    if (existing.length > 0) {
      await trx
        .updateTable('members')
        .set({ access_level: attrs.access_level, expires_at: attrs.expires_at ?? null, updated_at: now })
        .where(
          'id',
          'in',
          existing.map((m) => m.id),
        )
        .execute();
    }
    const memberIds = new Set(existing.map((m) => m.user_id));
    const added = users.filter((u) => !memberIds.has(u.id));
    if (added.length > 0) {
      await trx
        .insertInto('members')
        .values(added.map((u) => newMember(source, u, by, attrs, now)))
        .execute();
    }
  });
}

async function directMember(deps: Deps, source: MemberSource, userId: number) {
  const row = await deps.db
    .selectFrom('members')
    .selectAll()
    .where('source_type', '=', source.type)
    .where('source_id', '=', source.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound('Member');
  return row;
}

/** PUT …/members/:user_id. A group keeps at least one owner. */
export async function updateMember(
  deps: Deps,
  source: MemberSource,
  userId: number,
  attrs: { access_level?: number; expires_at?: string | null },
) {
  const row = await directMember(deps, source, userId);
  if (
    source.type === 'Namespace' &&
    row.access_level === ACCESS.OWNER &&
    attrs.access_level !== undefined &&
    attrs.access_level !== ACCESS.OWNER &&
    (await ownerCount(deps, source)) <= 1
  )
    throw forbidden();
  if (attrs.access_level !== undefined)
    await checkNotBelowInherited(deps, source, userId, attrs.access_level);
  return deps.db
    .updateTable('members')
    .set({
      ...(attrs.access_level !== undefined ? { access_level: attrs.access_level } : {}),
      ...(attrs.expires_at !== undefined ? { expires_at: attrs.expires_at } : {}),
      updated_at: nowIso(deps),
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** DELETE …/members/:user_id. The last owner of a group cannot leave it. */
export async function removeMember(
  deps: Deps,
  source: MemberSource,
  userId: number,
): Promise<{ access_level: number }> {
  const row = await directMember(deps, source, userId);
  if (
    source.type === 'Namespace' &&
    row.access_level === ACCESS.OWNER &&
    (await ownerCount(deps, source)) <= 1
  )
    throw forbidden();
  await deps.db.deleteFrom('members').where('id', '=', row.id).execute();
  return row;
}
