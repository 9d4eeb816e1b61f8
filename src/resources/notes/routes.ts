import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { forbidden, notFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import type { Note } from '../../permissions/issues.js';
import { toNote } from './entity.js';
import { createNote, deleteNote, updateNote } from './service.js';
import { issueTarget, type NoteTarget } from './target.js';

const NoteableParams = { id: p.idOrPath().required(), noteable_id: p.integer().required() };

export async function presentNotes(deps: Deps, notes: readonly Note[], iid: number | null) {
  const ids = [
    ...new Set(notes.flatMap((n) => [n.author_id, n.resolved_by_id]).filter((x): x is number => x !== null)),
  ];
  const users = ids.length
    ? await deps.db.selectFrom('users').selectAll().where('id', 'in', ids).execute()
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  const user = (id: number | null) => (id === null ? undefined : byId.get(id));
  return notes.map((n) =>
    toNote(deps.config, n, { author: user(n.author_id), resolvedBy: user(n.resolved_by_id) }, iid),
  );
}

async function findNote(t: NoteTarget, noteId: number): Promise<Note> {
  const note = await t.notes().where('id', '=', noteId).executeTakeFirst();
  if (!note) throw notFound('Note');
  return note;
}

type Resolve = (deps: Deps, user: User | null, id: string, iid: number) => Promise<NoteTarget>;

/** Notes (doc/api/notes.md) of one kind of noteable: the same routes serve issues and merge requests. */
export function noteRoutes(app: FastifyInstance, deps: Deps, segment: string, resolve: Resolve): void {
  const base = `/projects/:id/${segment}/:noteable_id/notes`;
  const target = (user: User | null, params: { id: string; noteable_id: number }) =>
    resolve(deps, user, params.id, params.noteable_id);

  endpoint(app, deps, {
    method: 'GET',
    url: base,
    auth: 'public',
    params: {
      ...NoteableParams,
      order_by: p.string().values(['created_at', 'updated_at']).default('created_at'),
      sort: p.string().values(['asc', 'desc']).default('desc'),
      activity_filter: p
        .string()
        .values(['all_notes', 'only_comments', 'only_activity'])
        .default('all_notes'),
      ...paginationParams,
    },
    async handler(ctx) {
      const { params } = ctx;
      const t = await target(ctx.user, params);
      const dir = params.sort === 'asc' ? 'asc' : 'desc';
      const q = t
        .notes()
        .$if(params.activity_filter === 'only_comments', (x) => x.where('system', '=', false))
        .$if(params.activity_filter === 'only_activity', (x) => x.where('system', '=', true))
        .orderBy(params.order_by === 'updated_at' ? 'updated_at' : 'created_at', dir)
        .orderBy('id', dir);
      return presentNotes(deps, await paginate(ctx, q), t.iid);
    },
  });

  endpoint(app, deps, {
    method: 'GET',
    url: `${base}/:note_id`,
    auth: 'public',
    params: { ...NoteableParams, note_id: p.integer().required() },
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const note = await findNote(t, ctx.params.note_id);
      return (await presentNotes(deps, [note], t.iid))[0];
    },
  });

  endpoint(app, deps, {
    method: 'POST',
    url: base,
    auth: 'user',
    params: {
      ...NoteableParams,
      body: p.string().required(),
      confidential: p.boolean(),
      internal: p.boolean(),
      created_at: p.datetime(),
      merge_request_diff_head_sha: p.string(),
    },
    async handler(ctx) {
      const { params } = ctx;
      const t = await target(ctx.user, params);
      if (!t.mayCreateNote) throw forbidden();
      const note = await createNote(deps, t.noteable, ctx.user, {
        body: params.body,
        // gitlab-compat: internal notes are offered on issues only (GitLab also has them on epics).
        internal: t.noteable.type === 'Issue' ? (params.internal ?? params.confidential) : undefined,
        createdAt: params.created_at && t.maySetCreatedAt ? params.created_at : undefined,
      });
      ctx.reply.code(201);
      return (await presentNotes(deps, [note], t.iid))[0];
    },
  });

  endpoint(app, deps, {
    method: 'PUT',
    url: `${base}/:note_id`,
    auth: 'user',
    params: { ...NoteableParams, note_id: p.integer().required(), body: p.string().required() },
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const note = await findNote(t, ctx.params.note_id);
      if (!t.mayUpdateNote(note)) throw forbidden();
      const updated = await updateNote(deps, note, ctx.params.body);
      return (await presentNotes(deps, [updated], t.iid))[0];
    },
  });

  endpoint(app, deps, {
    method: 'DELETE',
    url: `${base}/:note_id`,
    auth: 'user',
    params: { ...NoteableParams, note_id: p.integer().required() },
    async handler(ctx) {
      const t = await target(ctx.user, ctx.params);
      const note = await findNote(t, ctx.params.note_id);
      if (!t.mayDestroyNote(note)) throw forbidden();
      await deleteNote(deps, note);
    },
  });
}

// GET /projects/:id/issues/:noteable_id/notes — doc/api/notes.md#list-project-issue-notes
// GET /projects/:id/issues/:noteable_id/notes/:note_id — doc/api/notes.md#get-single-issue-note
// POST /projects/:id/issues/:noteable_id/notes — doc/api/notes.md#create-new-issue-note
// PUT /projects/:id/issues/:noteable_id/notes/:note_id — doc/api/notes.md#modify-existing-issue-note
// DELETE /projects/:id/issues/:noteable_id/notes/:note_id — doc/api/notes.md#delete-an-issue-note
export function notesResource(app: FastifyInstance, deps: Deps): void {
  noteRoutes(app, deps, 'issues', issueTarget);
}
