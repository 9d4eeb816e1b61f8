import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import type { Note } from '../../permissions/issues.js';
import { toUserBasic } from '../users/entity.js';

/** ResolvableNote#resolvable?: thread notes (DiscussionNote, DiffNote) on merge requests, never system notes. */
export const isResolvable = (note: Pick<Note, 'type' | 'system' | 'noteable_type'>) =>
  !note.system &&
  note.noteable_type === 'MergeRequest' &&
  (note.type === 'DiscussionNote' || note.type === 'DiffNote');

function position(note: Note): unknown {
  if (note.position === null) return null;
  try {
    return JSON.parse(note.position);
  } catch {
    return null;
  }
}

/** lib/api/entities/note.rb */
export function toNote(
  config: Pick<Config, 'externalUrl'>,
  note: Note,
  users: { author: User | undefined; resolvedBy?: User | undefined },
  noteableIid: number | null,
) {
  const diffNote = note.type === 'DiffNote';
  const resolvable = isResolvable(note);
  return {
    id: note.id,
    type: note.type,
    body: note.note,
    attachment: null,
    author: users.author ? toUserBasic(config, users.author) : null,
    created_at: note.created_at,
    updated_at: note.updated_at,
    system: Boolean(note.system),
    noteable_id: note.noteable_id,
    noteable_type: note.noteable_type,
    project_id: note.project_id,
    ...(diffNote && note.noteable_type === 'MergeRequest' ? { commit_id: null } : {}),
    ...(diffNote ? { position: position(note) } : {}),
    resolvable,
    ...(resolvable
      ? {
          resolved: note.resolved_at !== null,
          resolved_by: users.resolvedBy ? toUserBasic(config, users.resolvedBy) : null,
          resolved_at: note.resolved_at,
        }
      : {}),
    confidential: Boolean(note.internal),
    internal: Boolean(note.internal),
    noteable_iid: noteableIid,
    commands_changes: {},
  };
}
