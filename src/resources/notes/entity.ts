import type { Config } from '../../config.js';
import type { User } from '../../http/auth.js';
import type { Note } from '../../permissions/issues.js';
import { toUserBasic } from '../users/entity.js';

/** lib/api/entities/note.rb */
export function toNote(
  config: Pick<Config, 'externalUrl'>,
  note: Note,
  author: User | undefined,
  noteableIid: number | null,
) {
  return {
    id: note.id,
    type: note.type,
    body: note.note,
    attachment: null,
    author: author ? toUserBasic(config, author) : null,
    created_at: note.created_at,
    updated_at: note.updated_at,
    system: Boolean(note.system),
    noteable_id: note.noteable_id,
    noteable_type: note.noteable_type,
    project_id: note.project_id,
    resolvable: false,
    confidential: Boolean(note.internal),
    internal: Boolean(note.internal),
    noteable_iid: noteableIid,
    commands_changes: {},
  };
}
