import { sql } from 'kysely';
import { type Deps, nowIso } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { apiMessage } from '../../http/errors.js';
import { ACCESS, type GroupSubject, type Namespace } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import { fullPathTaken } from '../namespaces/service.js';
import { rewriteSubtreePaths } from './service.js';

/** Groups::TransferService's refusals, answered as `400 {"message":"Transfer failed: …"}`. */
const REFUSALS = {
  already_root: 'Group is already a root group.',
  same_parent: 'Group is already associated to the parent group.',
  permissions: "You don't have enough permissions.",
  same_path: 'The parent group already has a subgroup or a project with the same path.',
  into_subgroup: 'Cannot transfer group to one of its subgroup.',
} as const;

const refuse = (reason: keyof typeof REFUSALS) => apiMessage(400, `Transfer failed: ${REFUSALS[reason]}`);

/** The group and every group below it (the closure table holds a depth-0 row for each node). */
async function subtreeIds(deps: Deps, group: Namespace): Promise<number[]> {
  const rows = await deps.db
    .selectFrom('namespace_hierarchy')
    .select('descendant_id')
    .where('ancestor_id', '=', group.id)
    .execute();
  return rows.map((r) => r.descendant_id);
}

/**
 * POST /groups/:id/transfer (Groups::TransferService): moves a group under `parent`, or makes it
 * top-level when `parent` is null. Cycles are refused. In one transaction: the parent link, the
 * closure table, every full path below (old paths kept as redirects), visibility capped at the new
 * parent's, and an owner for a new top-level group that has none.
 */
export async function transferGroup(
  deps: Deps,
  actor: User,
  subject: GroupSubject,
  parent: GroupSubject | null,
): Promise<Namespace> {
  const group = subject.group;
  const target = parent?.group ?? null;
  if (!target && group.parent_id === null) throw refuse('already_root');
  if (target && target.id === group.parent_id) throw refuse('same_parent');
  const allowed =
    can(actor, 'admin_group', subject) &&
    (parent ? can(actor, 'create_subgroup', parent) : can(actor, 'create_group', null));
  if (!allowed) throw refuse('permissions');
  const newFullPath = target ? `${target.full_path}/${group.path}` : group.path;
  if (await fullPathTaken(deps.db, newFullPath, group.id)) throw refuse('same_path');
  const subtree = await subtreeIds(deps, group);
  if (target && subtree.includes(target.id)) throw refuse('into_subgroup');

  const newFullName = target ? `${target.full_name} / ${group.name}` : group.name;
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    // Unlink the subtree from its old ancestors, then link it below the new parent's.
    await trx
      .deleteFrom('namespace_hierarchy')
      .where('descendant_id', 'in', subtree)
      .where('ancestor_id', 'not in', subtree)
      .execute();
    if (target) {
      await trx
        .insertInto('namespace_hierarchy')
        .columns(['ancestor_id', 'descendant_id', 'depth'])
        .expression(
          trx
            .selectFrom('namespace_hierarchy as a')
            .innerJoin('namespace_hierarchy as d', (j) => j.on('d.ancestor_id', '=', group.id))
            .select(['a.ancestor_id', 'd.descendant_id', sql<number>`a.depth + d.depth + 1`.as('depth')])
            .where('a.descendant_id', '=', target.id),
        )
        .execute();
      // Nothing below may be more visible than the new parent.
      const cap = target.visibility_level;
      await trx
        .updateTable('namespaces')
        .set({ visibility_level: cap, updated_at: now })
        .where('id', 'in', subtree)
        .where('visibility_level', '>', cap)
        .execute();
      await trx
        .updateTable('projects')
        .set({ visibility_level: cap, updated_at: now })
        .where('namespace_id', 'in', subtree)
        .where('visibility_level', '>', cap)
        .execute();
    }
    await rewriteSubtreePaths(trx, group, newFullPath, newFullName, now);
    if (!target) await ensureOwner(trx, group.id, actor, now);
    return trx
      .updateTable('namespaces')
      .set({ parent_id: target?.id ?? null, updated_at: now })
      .where('id', '=', group.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** ensure_ownership: a group that becomes top-level without a direct owner gets the actor as one. */
async function ensureOwner(trx: Deps['db'], groupId: number, actor: User, now: string): Promise<void> {
  const owner = await trx
    .selectFrom('members')
    .select('id')
    .where('source_type', '=', 'Namespace')
    .where('source_id', '=', groupId)
    .where('access_level', '=', ACCESS.OWNER)
    .executeTakeFirst();
  if (owner) return;
  await trx
    .deleteFrom('members')
    .where('source_type', '=', 'Namespace')
    .where('source_id', '=', groupId)
    .where('user_id', '=', actor.id)
    .execute();
  await trx
    .insertInto('members')
    .values({
      source_type: 'Namespace',
      source_id: groupId,
      user_id: actor.id,
      access_level: ACCESS.OWNER,
      created_by_id: actor.id,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
