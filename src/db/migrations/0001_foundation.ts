import type { Kysely } from 'kysely';
import { columnTypes, lowerIndex } from '../columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const text = (name: string) =>
    [name, 'text', (c: import('kysely').ColumnDefinitionBuilder) => c.notNull().defaultTo('')] as const;

  await db.schema
    .createTable('users')
    .addColumn('id', t.idType, t.id)
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('bot', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('user_type', 'text', (c) => c.notNull().defaultTo('human'))
    .addColumn('external', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('locked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('private_profile', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('can_create_group', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('projects_limit', 'integer', (c) => c.notNull().defaultTo(100000))
    .addColumn('password_digest', 'text')
    .addColumn('password_expires_at', t.timestamp)
    .addColumn('public_email', 'text')
    .addColumn('commit_email', 'text')
    .addColumn(...text('bio'))
    .addColumn(...text('location'))
    .addColumn(...text('website_url'))
    .addColumn(...text('skype'))
    .addColumn(...text('linkedin'))
    .addColumn(...text('twitter'))
    .addColumn(...text('discord'))
    .addColumn(...text('github'))
    .addColumn(...text('organization'))
    .addColumn(...text('job_title'))
    .addColumn('pronouns', 'text')
    .addColumn('note', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('theme_id', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('color_scheme_id', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('extern_uid', 'text')
    .addColumn('provider', 'text')
    .addColumn('confirmed_at', t.timestamp)
    .addColumn('last_sign_in_at', t.timestamp)
    .addColumn('current_sign_in_at', t.timestamp)
    .addColumn('last_sign_in_ip', 'text')
    .addColumn('current_sign_in_ip', 'text')
    .addColumn('last_activity_on', t.date)
    .addColumn('created_by_id', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await lowerIndex(db, 'index_users_on_lower_username', 'users', 'username').execute();
  await lowerIndex(db, 'index_users_on_lower_email', 'users', 'email').execute();
  // Keyset and sorted lists: (column, id) so every page is an index range scan.
  await db.schema.createIndex('index_users_on_name_id').on('users').columns(['name', 'id']).execute();
  await db.schema.createIndex('index_users_on_username_id').on('users').columns(['username', 'id']).execute();
  await db.schema
    .createIndex('index_users_on_created_at_id')
    .on('users')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.createIndex('index_users_on_state_id').on('users').columns(['state', 'id']).execute();

  await db.schema
    .createTable('personal_access_tokens')
    .addColumn('id', t.idType, t.id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('revoked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('impersonation', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('expires_at', t.date)
    .addColumn('last_used_at', t.timestamp)
    .addColumn('previous_personal_access_token_id', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_pats_on_user_id_id')
    .on('personal_access_tokens')
    .columns(['user_id', 'id'])
    .execute();

  await db.schema
    .createTable('keys')
    .addColumn('id', t.idType, t.id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('fingerprint_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('usage_type', 'text', (c) => c.notNull().defaultTo('auth_and_signing'))
    .addColumn('expires_at', t.timestamp)
    .addColumn('last_used_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('index_keys_on_user_id_id').on('keys').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('emails')
    .addColumn('id', t.idType, t.id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await lowerIndex(db, 'index_emails_on_lower_email', 'emails', 'email').execute();
  await db.schema.createIndex('index_emails_on_user_id_id').on('emails').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('user_statuses')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('emoji', 'text')
    .addColumn('message', 'text')
    .addColumn('availability', 'text', (c) => c.notNull().defaultTo('not_set'))
    .addColumn('clear_status_at', t.timestamp)
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('application_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('background_jobs')
    .addColumn('id', t.idType, t.id)
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', t.timestamp, (c) => c.notNull())
    .addColumn('locked_at', t.timestamp)
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('index_background_jobs_on_state_run_at')
    .on('background_jobs')
    .columns(['state', 'run_at', 'id'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
