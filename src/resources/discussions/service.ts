import { type Deps, nowIso } from '../../deps.js';
import { badRequest, validationFailed } from '../../http/errors.js';
import type { Note } from '../../permissions/issues.js';
import { insertNote, issueNoteHooks, type Noteable } from '../notes/service.js';

const MAX_NOTE = 1_000_000;

/**
 * POST …/discussions/:discussion_id/notes: a reply. Replying to an individual note turns it into
 * a discussion first (issues allow that); system notes take no replies.
 */
export async function replyToDiscussion(
  deps: Deps,
  noteable: Noteable,
  author: { id: number },
  first: Note,
  attrs: { body: string; createdAt?: string },
): Promise<Note> {
  if (first.system) throw badRequest('Discussion can not be replied to.');
  if (attrs.body.trim() === '') throw validationFailed({ note: ["can't be blank"] });
  if (attrs.body.length > MAX_NOTE)
    throw validationFailed({ note: [`is too long (maximum is ${MAX_NOTE} characters)`] });
  const now = nowIso(deps);
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
      type: 'DiscussionNote',
      createdAt: attrs.createdAt,
    });
    if (noteable.type === 'Issue') await issueNoteHooks(trx, now, noteable.id, note);
    return note;
  });
}
