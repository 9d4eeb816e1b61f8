// Seeds the projects benchmark straight into the database (the server stopped): a member user with
// MEMBER_TOKEN, `groups` public groups of `perGroup` projects each (a third each private, internal
// and public); the member is Developer of the first group and of one private project in the last.
import { openDatabase } from '../src/db/connection.js';
import { tokenDigest } from '../src/security/tokens.js';

export const MEMBER_TOKEN = 'glpat-benchmarkmember00000';
const BATCH = 1000;

export async function seedProjects(
  databaseUrl: string | null,
  dataDir: string,
  { groups: GROUPS, perGroup: PER_GROUP }: { groups: number; perGroup: number },
) {
  const { db, close } = openDatabase({ databaseUrl, dataDir });
  const now = new Date().toISOString();
  const started = Date.now();
  try {
    const member = await db
      .insertInto('users')
      .values({
        username: 'benchmember',
        name: 'Bench Member',
        email: 'benchmember@example.com',
        confirmed_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('personal_access_tokens')
      .values({
        user_id: member.id,
        name: 'bench',
        token_digest: tokenDigest(MEMBER_TOKEN),
        scopes: JSON.stringify(['api']),
        created_at: now,
        updated_at: now,
      })
      .execute();

    const groupIds: number[] = [];
    await db.transaction().execute(async (trx) => {
      for (let start = 0; start < GROUPS; start += BATCH) {
        const rows = [];
        for (let g = start; g < Math.min(GROUPS, start + BATCH); g++)
          rows.push({
            type: 'Group',
            name: `Bench Group ${g}`,
            path: `bench-group-${g}`,
            full_path: `bench-group-${g}`,
            full_name: `Bench Group ${g}`,
            visibility_level: 20,
            created_at: now,
            updated_at: now,
          });
        const ids = await trx.insertInto('namespaces').values(rows).returning('id').execute();
        groupIds.push(...ids.map((r) => r.id));
      }
      for (let start = 0; start < groupIds.length; start += BATCH)
        await trx
          .insertInto('namespace_hierarchy')
          .values(
            groupIds
              .slice(start, start + BATCH)
              .map((id) => ({ ancestor_id: id, descendant_id: id, depth: 0 })),
          )
          .execute();
    });

    // 100 projects per group: a third each private, internal and public.
    let privateProject = 0;
    const levels = [0, 10, 20];
    const all: Array<{ g: number; i: number }> = [];
    for (let g = 0; g < GROUPS; g++) for (let i = 0; i < PER_GROUP; i++) all.push({ g, i });
    for (let start = 0; start < all.length; start += BATCH * 10) {
      await db.transaction().execute(async (trx) => {
        for (let b = start; b < Math.min(all.length, start + BATCH * 10); b += BATCH) {
          const rows = all.slice(b, b + BATCH).map(({ g, i }) => ({
            namespace_id: groupIds[g]!,
            name: `Project ${g}-${i}`,
            path: `project-${i}`,
            path_with_namespace: `bench-group-${g}/project-${i}`,
            description: `Benchmark project ${i} of group ${g}`,
            visibility_level: levels[(g * PER_GROUP + i) % 3]!,
            creator_id: member.id,
            last_activity_at: now,
            created_at: now,
            updated_at: now,
          }));
          const ids = await trx.insertInto('projects').values(rows).returning('id').execute();
          if (!privateProject) privateProject = ids[0]!.id;
        }
      });
    }
    // The member: Developer of the first group and of one private project in another.
    const target = await db
      .selectFrom('projects')
      .select('id')
      .where('visibility_level', '=', 0)
      .where('namespace_id', '=', groupIds[GROUPS - 1]!)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('members')
      .values([
        {
          source_type: 'Namespace',
          source_id: groupIds[0]!,
          user_id: member.id,
          access_level: 30,
          created_at: now,
          updated_at: now,
        },
        {
          source_type: 'Project',
          source_id: target.id,
          user_id: member.id,
          access_level: 30,
          created_at: now,
          updated_at: now,
        },
      ])
      .execute();
    const ids = await db
      .selectFrom('projects')
      .select((eb) => [eb.fn.min('id').as('min'), eb.fn.max('id').as('max')])
      .executeTakeFirstOrThrow();
    return {
      privateProjectId: target.id,
      minId: Number(ids.min),
      maxId: Number(ids.max),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await close();
  }
}
