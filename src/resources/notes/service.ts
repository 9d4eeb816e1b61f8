import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { type Deps, nowIso } from '../../deps.js';
import { validationFailed } from '../../http/errors.js';
import type { Note } from '../../permissions/issues.js';
import { issueTodos, mergeRequestTodos } from '../todos/service.js';
import { isResolvable } from './entity.js';

/** What a note hangs on: noteable_type + noteable_id, so merge requests, snippets and commits reuse notes. */
export interface Noteable {
  type: 'Issue' | 'MergeRequest' | 'Snippet' | 'Commit';
  id: number;
  projectId: number | null;
}

export const newDiscussionId = () => randomBytes(20).toString('hex');

export async function insertNote(
  db: Db,
  now: string,
  noteable: Noteable,
  attrs: {
    body: string;
    authorId: number;
    system?: boolean;
    internal?: boolean;
    discussionId?: string;
    type?: string | null;
    createdAt?: string;
    position?: string | null;
    resolved?: { at: string; byId: number } | null;
  },
): Promise<Note> {
  return db
    .insertInto('notes')
    .values({
      type: attrs.type ?? null,
      note: attrs.body,
      noteable_type: noteable.type,
      noteable_id: noteable.id,
      project_id: noteable.projectId,
      author_id: attrs.authorId,
      system: attrs.system ?? false,
      internal: attrs.internal ?? false,
      discussion_id: attrs.discussionId ?? newDiscussionId(),
      created_at: attrs.createdAt ?? now,
      updated_at: attrs.createdAt ?? now,
      position: attrs.position ?? null,
      resolved_at: attrs.resolved?.at ?? null,
      resolved_by_id: attrs.resolved?.byId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** System notes ("closed", "added ~1 label") are written in the same transaction as the change. */
export async function systemNotes(
  db: Db,
  now: string,
  noteable: Noteable,
  authorId: number,
  bodies: readonly string[],
) {
  for (const body of bodies) await insertNote(db, now, noteable, { body, authorId, system: true });
}

const MAX_NOTE = 1_000_000;

export function checkBody(body: string) {
  if (body.trim() === '') throw validationFailed({ note: ["can't be blank"] });
  if (body.length > MAX_NOTE)
    throw validationFailed({ note: [`is too long (maximum is ${MAX_NOTE} characters)`] });
}

/** A comment on an issue touches updated_at and makes todos for the users it mentions. */
export async function issueNoteHooks(trx: Db, now: string, issueId: number, note: Note) {
  const issue = await trx
    .updateTable('issues')
    .set({ updated_at: now })
    .where('id', '=', issueId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (note.author_id !== null)
    await issueTodos(trx, now, issue, note.author_id, { text: note.note, noteId: note.id });
}

/** A comment on a merge request touches its updated_at and makes todos for the users it mentions. */
export async function mergeRequestNoteHooks(trx: Db, now: string, mrId: number, note: Note) {
  const mr = await trx
    .updateTable('merge_requests')
    .set({ updated_at: now })
    .where('id', '=', mrId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (note.author_id !== null && !note.system)
    await mergeRequestTodos(trx, now, mr, note.author_id, { text: note.note, noteId: note.id });
}

/** After a user note is written: the noteable's own hooks, in the same transaction. */
export async function noteHooks(trx: Db, now: string, noteable: Noteable, note: Note) {
  if (noteable.type === 'Issue') await issueNoteHooks(trx, now, noteable.id, note);
  if (noteable.type === 'MergeRequest') await mergeRequestNoteHooks(trx, now, noteable.id, note);
}

/** POST …/notes and …/discussions: a comment, or a reply in an existing discussion. */
export async function createNote(
  deps: Deps,
  noteable: Noteable,
  author: { id: number },
  attrs: {
    body: string;
    internal?: boolean;
    createdAt?: string;
    discussionId?: string;
    discussion?: boolean;
    /** A DiffNote's position (already validated), as JSON. */
    position?: string;
  },
): Promise<Note> {
  checkBody(attrs.body);
  const now = nowIso(deps);
  return deps.db.transaction().execute(async (trx) => {
    const note = await insertNote(trx, now, noteable, {
      body: attrs.body,
      authorId: author.id,
      internal: attrs.internal,
      discussionId: attrs.discussionId,
      type: attrs.position ? 'DiffNote' : attrs.discussion || attrs.discussionId ? 'DiscussionNote' : null,
      createdAt: attrs.createdAt,
      position: attrs.position ?? null,
    });
    await noteHooks(trx, now, noteable, note);
    return note;
  });
}

export async function updateNote(deps: Deps, note: Note, body: string): Promise<Note> {
  checkBody(body);
  return deps.db
    .updateTable('notes')
    .set({ note: body, updated_at: nowIso(deps) })
    .where('id', '=', note.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteNote(deps: Deps, note: Note): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('award_emoji')
      .where('awardable_type', '=', 'Note')
      .where('awardable_id', '=', note.id)
      .execute();
    await trx.deleteFrom('notes').where('id', '=', note.id).execute();
  });
}

/**
 * Deleting an issue or a merge request: the conversation around it goes in the caller's
 * transaction — award emoji on its notes and on itself, todos pointing at it, its notes and its
 * subscriptions (GitLab's dependent: :destroy on the issuable). The caller deletes the rest.
 */
export async function deleteConversation(trx: Db, target: { type: 'Issue' | 'MergeRequest'; id: number }) {
  const noteIds = trx
    .selectFrom('notes')
    .select('id')
    .where('noteable_type', '=', target.type)
    .where('noteable_id', '=', target.id);
  await trx
    .deleteFrom('award_emoji')
    .where('awardable_type', '=', 'Note')
    .where('awardable_id', 'in', noteIds)
    .execute();
  await trx
    .deleteFrom('award_emoji')
    .where('awardable_type', '=', target.type)
    .where('awardable_id', '=', target.id)
    .execute();
  await trx
    .deleteFrom('todos')
    .where('target_type', '=', target.type)
    .where('target_id', '=', target.id)
    .execute();
  await trx
    .deleteFrom('notes')
    .where('noteable_type', '=', target.type)
    .where('noteable_id', '=', target.id)
    .execute();
  await trx
    .deleteFrom('subscriptions')
    .where('subscribable_type', '=', target.type)
    .where('subscribable_id', '=', target.id)
    .execute();
}

/**
 * Notes::ResolveService / unresolve!: resolvable notes among `notes` take (or drop) the resolver
 * and time; notes already resolved keep who resolved them first.
 */
export async function setResolved(
  deps: Deps,
  notes: readonly Note[],
  user: { id: number },
  resolved: boolean,
): Promise<void> {
  const ids = notes.filter(isResolvable).map((n) => n.id);
  if (ids.length === 0) return;
  const now = nowIso(deps);
  if (resolved)
    await deps.db
      .updateTable('notes')
      .set({ resolved_at: now, resolved_by_id: user.id })
      .where('id', 'in', ids)
      .where('resolved_at', 'is', null)
      .execute();
  else
    await deps.db
      .updateTable('notes')
      .set({ resolved_at: null, resolved_by_id: null })
      .where('id', 'in', ids)
      .execute();
}
