import { type Deps, nowIso } from '../../deps.js';
import { badRequest } from '../../http/errors.js';
import type { Note } from '../../permissions/issues.js';
import { isResolvable } from '../notes/entity.js';
import { checkBody, insertNote, type Noteable, noteHooks } from '../notes/service.js';

/**
 * POST …/discussions/:discussion_id/notes: a reply (Notes::BuildService). Replying to an
 * individual note turns it into a discussion first; system notes take no replies. A reply takes
 * the thread's type and position (Discussion#reply_attributes), and a reply in a resolved thread
 * is resolved by its author so the thread stays resolved.
 */
export async function replyToDiscussion(
  deps: Deps,
  noteable: Noteable,
  author: { id: number },
  thread: readonly Note[],
  attrs: { body: string; createdAt?: string },
): Promise<Note> {
  const first = thread[0]!;
  if (first.system) throw badRequest('Discussion can not be replied to.');
  checkBody(attrs.body);
  const now = nowIso(deps);
  const resolvable = thread.filter(isResolvable);
  const resolved = resolvable.length > 0 && resolvable.every((n) => n.resolved_at !== null);
  return deps.db.transaction().execute(async (trx) => {
    if (first.type === null)
      await trx
        .updateTable('notes')
        .set({ type: 'DiscussionNote' })
        .where('discussion_id', '=', first.discussion_id)
        .where('type', 'is', null)
        .execute();
    const note = await insertNote(trx, now, noteable, {
      body: attrs.body,
      authorId: author.id,
      internal: Boolean(first.internal),
      discussionId: first.discussion_id,
      type: first.type === 'DiffNote' ? 'DiffNote' : 'DiscussionNote',
      position: first.type === 'DiffNote' ? first.position : null,
      createdAt: attrs.createdAt,
      resolved: resolved ? { at: now, byId: author.id } : null,
    });
    await noteHooks(trx, now, noteable, note);
    return note;
  });
}
