import type { Note } from '../../permissions/issues.js';

/**
 * lib/api/entities/discussion.rb: a thread is its notes (oldest first); an individual note is a
 * plain comment (type null) that nobody replied to.
 */
export function toDiscussion<N>(discussionId: string, notes: readonly Note[], present: readonly N[]) {
  return {
    id: discussionId,
    individual_note: notes.length > 0 && notes[0].type === null,
    notes: present,
  };
}
