import type { Insertable, Kysely } from 'kysely';
import type { Database, NamespacesTable } from '../../db/schema.js';
import type { Namespace } from '../../permissions/groups.js';

type Executor = Kysely<Database>;

/**
 * Inserts a namespace and its closure rows: (itself, depth 0) and one per ancestor of its parent,
 * so subtree and ancestor queries stay single indexed lookups.
 */
export async function insertNamespace(
  trx: Executor,
  values: Insertable<NamespacesTable>,
): Promise<Namespace> {
  const ns = await trx.insertInto('namespaces').values(values).returningAll().executeTakeFirstOrThrow();
  await trx
    .insertInto('namespace_hierarchy')
    .values({ ancestor_id: ns.id, descendant_id: ns.id, depth: 0 })
    .execute();
  if (ns.parent_id !== null) {
    const ancestors = await trx
      .selectFrom('namespace_hierarchy')
      .select(['ancestor_id', 'depth'])
      .where('descendant_id', '=', ns.parent_id)
      .execute();
    if (ancestors.length > 0)
      await trx
        .insertInto('namespace_hierarchy')
        .values(
          ancestors.map((a) => ({ ancestor_id: a.ancestor_id, descendant_id: ns.id, depth: a.depth + 1 })),
        )
        .execute();
  }
  return ns;
}

/**
 * Every user has a personal namespace named after them (path = username). Called when a user is
 * created, and lazily for users that predate this table (root on first start).
 */
export async function ensureUserNamespace(
  trx: Executor,
  user: { id: number; username: string; name: string },
  now: string = new Date().toISOString(),
): Promise<Namespace> {
  const existing = await trx
    .selectFrom('namespaces')
    .selectAll()
    .where('type', '=', 'User')
    .where('owner_id', '=', user.id)
    .executeTakeFirst();
  if (existing) return existing;
  return insertNamespace(trx, {
    type: 'User',
    name: user.name,
    path: user.username,
    full_path: user.username,
    full_name: user.name,
    owner_id: user.id,
    visibility_level: 20,
    created_at: now,
    updated_at: now,
  });
}

/** Ids of a namespace and everything below it. */
export function descendantIds(db: Executor, namespaceId: number) {
  return db.selectFrom('namespace_hierarchy').select('descendant_id').where('ancestor_id', '=', namespaceId);
}

/** A namespace's ancestors from the root down (itself last). */
export async function ancestorsOf(db: Executor, namespaceId: number): Promise<Namespace[]> {
  return db
    .selectFrom('namespace_hierarchy as h')
    .innerJoin('namespaces as n', 'n.id', 'h.ancestor_id')
    .selectAll('n')
    .where('h.descendant_id', '=', namespaceId)
    .orderBy('h.depth', 'desc')
    .execute();
}

/** Is `path` free at this level (no namespace or project with that full path)? */
export async function fullPathTaken(
  db: Executor,
  fullPath: string,
  exceptNamespaceId?: number,
): Promise<boolean> {
  const lower = fullPath.toLowerCase();
  const [ns, project] = await Promise.all([
    db
      .selectFrom('namespaces')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['full_path']), '=', lower))
      .$if(exceptNamespaceId !== undefined, (q) => q.where('id', '!=', exceptNamespaceId!))
      .executeTakeFirst(),
    db
      .selectFrom('projects')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['path_with_namespace']), '=', lower))
      .executeTakeFirst(),
  ]);
  return Boolean(ns || project);
}
