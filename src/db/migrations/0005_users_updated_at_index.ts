import type { Kysely } from 'kysely';

/** GitLab offers keyset pagination of users by updated_at too: an index on (updated_at, id) keeps its pages cheap. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('index_users_on_updated_at_id')
    .on('users')
    .columns(['updated_at', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
