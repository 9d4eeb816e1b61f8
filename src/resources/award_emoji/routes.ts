import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound, recordNotFound, unauthorized } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { can } from '../../permissions/index.js';
import { issueTarget, mergeRequestTarget, type NoteTarget } from '../notes/target.js';
import { type AwardEmoji, toAwardEmoji } from './entity.js';
import { type Awardable, addAward, removeAward } from './service.js';

interface Target {
  note: NoteTarget;
  awardable: Awardable;
}

type Resolve = (deps: Deps, user: User | null, id: string, iid: number) => Promise<NoteTarget>;

/** The awardable of a route: the issue or merge request, or one of its notes the viewer can see (else 404). */
async function target(
  deps: Deps,
  resolve: Resolve,
  user: User | null,
  params: { id: string; iid: number; note_id?: number },
): Promise<Target> {
  const t = await resolve(deps, user, params.id, params.iid);
  if (params.note_id === undefined)
    return { note: t, awardable: { type: t.noteable.type, id: t.noteable.id, awardable: true } };
  const note = await t.notes().where('id', '=', params.note_id).executeTakeFirst();
  if (!note) throw notFound('Note');
  return { note: t, awardable: { type: 'Note', id: note.id, awardable: !note.system } };
}

function awards(deps: Deps, a: Awardable) {
  return deps.db
    .selectFrom('award_emoji')
    .selectAll()
    .where('awardable_type', '=', a.type)
    .where('awardable_id', '=', a.id)
    .orderBy('id', 'asc');
}

async function findAward(deps: Deps, a: Awardable, id: number): Promise<AwardEmoji> {
  const award = await awards(deps, a).where('id', '=', id).executeTakeFirst();
  if (!award) throw recordNotFound();
  return award;
}

export async function presentAwards(deps: Deps, list: readonly AwardEmoji[]) {
  const ids = [...new Set(list.map((a) => a.user_id))];
  const users = ids.length
    ? await deps.db.selectFrom('users').selectAll().where('id', 'in', ids).execute()
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return list.map((a) => toAwardEmoji(deps.config, a, byId.get(a.user_id)));
}

// GET /projects/:id/issues/:issue_iid/award_emoji — doc/api/emoji_reactions.md#list-an-awardables-emoji-reactions
// POST /projects/:id/issues/:issue_iid/award_emoji — doc/api/emoji_reactions.md#add-a-new-emoji-reaction
// GET /projects/:id/issues/:issue_iid/award_emoji/:award_id — doc/api/emoji_reactions.md#get-single-emoji-reaction
// DELETE /projects/:id/issues/:issue_iid/award_emoji/:award_id — doc/api/emoji_reactions.md#delete-an-emoji-reaction
// GET /projects/:id/issues/:issue_iid/notes/:note_id/award_emoji — doc/api/emoji_reactions.md#list-a-comments-emoji-reactions
// POST /projects/:id/issues/:issue_iid/notes/:note_id/award_emoji — doc/api/emoji_reactions.md#add-a-new-emoji-reaction
// GET /projects/:id/issues/:issue_iid/notes/:note_id/award_emoji/:award_id — doc/api/emoji_reactions.md#get-single-emoji-reaction
// DELETE /projects/:id/issues/:issue_iid/notes/:note_id/award_emoji/:award_id — doc/api/emoji_reactions.md#delete-an-emoji-reaction
// GET /projects/:id/merge_requests/:merge_request_iid/award_emoji — doc/api/emoji_reactions.md#list-an-awardables-emoji-reactions
// POST /projects/:id/merge_requests/:merge_request_iid/award_emoji — doc/api/emoji_reactions.md#add-a-new-emoji-reaction
// GET /projects/:id/merge_requests/:merge_request_iid/award_emoji/:award_id — doc/api/emoji_reactions.md#get-single-emoji-reaction
// DELETE /projects/:id/merge_requests/:merge_request_iid/award_emoji/:award_id — doc/api/emoji_reactions.md#delete-an-emoji-reaction
// GET /projects/:id/merge_requests/:merge_request_iid/notes/:note_id/award_emoji — doc/api/emoji_reactions.md#list-a-comments-emoji-reactions
// POST /projects/:id/merge_requests/:merge_request_iid/notes/:note_id/award_emoji — doc/api/emoji_reactions.md#add-a-new-emoji-reaction
// GET /projects/:id/merge_requests/:merge_request_iid/notes/:note_id/award_emoji/:award_id — doc/api/emoji_reactions.md#get-single-emoji-reaction
// DELETE /projects/:id/merge_requests/:merge_request_iid/notes/:note_id/award_emoji/:award_id — doc/api/emoji_reactions.md#delete-an-emoji-reaction
/** Award emoji on issues, merge requests and their notes (doc/api/emoji_reactions.md): one set of routes per awardable. */
export function awardEmojiResource(app: FastifyInstance, deps: Deps): void {
  const kinds = [
    ['issues', 'issue_iid', issueTarget],
    ['merge_requests', 'merge_request_iid', mergeRequestTarget],
  ] as const;
  for (const [segment, iidName, resolve] of kinds)
    for (const suffix of ['/award_emoji', '/notes/:note_id/award_emoji'] as const) {
      const url = `/projects/:id/${segment}/:${iidName}${suffix}`;
      const base = {
        id: p.idOrPath().required(),
        [iidName]: p.integer().required(),
        ...(suffix === '/award_emoji' ? {} : { note_id: p.integer().required() }),
      } as { id: ReturnType<ReturnType<typeof p.idOrPath>['required']> };
      const find = (user: User | null, params: Record<string, unknown>) =>
        target(deps, resolve, user, {
          id: params.id as string,
          iid: params[iidName] as number,
          note_id: params.note_id as number | undefined,
        });

      endpoint(app, deps, {
        method: 'GET',
        url,
        auth: 'public',
        params: { ...base, ...paginationParams },
        async handler(ctx) {
          const t = await find(ctx.user, ctx.params);
          return presentAwards(deps, await paginate(ctx, awards(deps, t.awardable)));
        },
      });

      endpoint(app, deps, {
        method: 'GET',
        url: `${url}/:award_id`,
        auth: 'public',
        params: { ...base, award_id: p.integer().required() },
        async handler(ctx) {
          const t = await find(ctx.user, ctx.params);
          const award = await findAward(deps, t.awardable, ctx.params.award_id);
          return (await presentAwards(deps, [award]))[0];
        },
      });

      endpoint(app, deps, {
        method: 'POST',
        url,
        auth: 'user',
        params: { ...base, name: p.string().required() },
        async handler(ctx) {
          const t = await find(ctx.user, ctx.params);
          if (!t.note.mayAward) throw notFound('Award Emoji');
          const award = await addAward(deps, t.awardable, ctx.user, ctx.params.name);
          ctx.reply.code(201);
          return (await presentAwards(deps, [award]))[0];
        },
      });

      endpoint(app, deps, {
        method: 'DELETE',
        url: `${url}/:award_id`,
        auth: 'user',
        params: { ...base, award_id: p.integer().required() },
        async handler(ctx) {
          const t = await find(ctx.user, ctx.params);
          const award = await findAward(deps, t.awardable, ctx.params.award_id);
          // Only the awarder, or an admin, takes an award back.
          if (!can(ctx.user, 'destroy_award_emoji', award)) throw unauthorized();
          await removeAward(deps, t.awardable, award);
        },
      });
    }
}
