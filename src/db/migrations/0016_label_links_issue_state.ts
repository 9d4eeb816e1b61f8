import { type Kysely, sql } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * The project and state on each of its label links, so a list filtered by labels and a
 * state finds and counts its matches from the label index alone (issue 6: `labels=a,b&state=opened`
 * in a project intersects that project's opened links of a and b, instead of testing every opened
 * issue of the project against all links of a and b, or looking up every linked issue). Kept by
 * triggers rather than by the services, so every writer — closing an issue, a merge request closing
 * it, a move, a label promotion, a direct SQL fix — keeps them right:
 * - a link to an issue takes the project and state when it is written (or re-pointed);
 * - an issue's state (or project) change is copied to its links.
 * Links to anything else (merge requests) keep nulls.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { postgres } = columnTypes(db);
  await db.schema.alterTable('label_links').addColumn('issue_project_id', 'integer').execute();
  await db.schema.alterTable('label_links').addColumn('issue_state', 'text').execute();
  await sql`update label_links set (issue_project_id, issue_state) = (select project_id, state from issues where issues.id = label_links.target_id) where target_type = 'Issue'`.execute(
    db,
  );
  await db.schema
    .createIndex('index_label_links_on_label_id_issue_project_state')
    .on('label_links')
    .columns(['label_id', 'target_type', 'issue_project_id', 'issue_state', 'target_id'])
    .execute();
  const statements = postgres ? postgresTriggers : sqliteTriggers;
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const sqliteTriggers = [
  `create trigger label_links_issue_state_on_insert after insert on label_links
   for each row when new.target_type = 'Issue'
   begin
     update label_links set (issue_project_id, issue_state) = (select project_id, state from issues where issues.id = new.target_id)
       where id = new.id;
   end`,
  `create trigger label_links_issue_state_on_retarget after update of target_type, target_id on label_links
   for each row
   begin
     update label_links set (issue_project_id, issue_state) = (select project_id, state from issues where issues.id = new.target_id)
       where id = new.id and new.target_type = 'Issue';
     update label_links set issue_project_id = null, issue_state = null where id = new.id and new.target_type <> 'Issue';
   end`,
  `create trigger issues_state_to_label_links after update of state, project_id on issues
   for each row when new.state is not old.state or new.project_id is not old.project_id
   begin
     update label_links set issue_project_id = new.project_id, issue_state = new.state
       where target_type = 'Issue' and target_id = new.id;
   end`,
];

const postgresTriggers = [
  `create function label_links_issue_state() returns trigger language plpgsql as $$
   begin
     if new.target_type = 'Issue' then
       select project_id, state into new.issue_project_id, new.issue_state from issues where issues.id = new.target_id;
     else
       new.issue_project_id := null;
       new.issue_state := null;
     end if;
     return new;
   end $$`,
  `create trigger label_links_issue_state before insert or update of target_type, target_id on label_links
   for each row execute function label_links_issue_state()`,
  `create function issues_state_to_label_links() returns trigger language plpgsql as $$
   begin
     update label_links set issue_project_id = new.project_id, issue_state = new.state
       where target_type = 'Issue' and target_id = new.id;
     return null;
   end $$`,
  `create trigger issues_state_to_label_links after update of state, project_id on issues
   for each row when (new.state is distinct from old.state or new.project_id is distinct from old.project_id)
   execute function issues_state_to_label_links()`,
];

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}
