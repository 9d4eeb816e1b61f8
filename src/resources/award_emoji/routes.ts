import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { notFound, recordNotFound, unauthorized } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { can } from '../../permissions/index.js';
import type { IssueSubject } from '../../permissions/issues.js';
import { projectIssue } from '../issues/routes.js';
import { findIssueNote } from '../notes/routes.js';
import { type AwardEmoji, toAwardEmoji } from './entity.js';
import { type Awardable, addAward, removeAward } from './service.js';

const IssueParams = { id: p.idOrPath().required(), issue_iid: p.integer().required() };
const NoteParams = { ...IssueParams, note_id: p.integer().required() };

interface Target {
  subject: IssueSubject;
  awardable: Awardable;
}

/** The awardable of a route: the issue, or one of its notes the viewer can see (else 404). */
async function target(
  deps: Deps,
  user: User | null,
  params: { id: string; issue_iid: number; note_id?: number },
): Promise<Target> {
  const subject = await projectIssue(deps, user, params.id, params.issue_iid);
  if (params.note_id === undefined)
    return { subject, awardable: { type: 'Issue', id: subject.issue.id, awardable: true } };
  const note = await findIssueNote(deps, user, subject, params.note_id);
  return { subject, awardable: { type: 'Note', id: note.id, awardable: !note.system } };
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

/** Award emoji on issues and on issue notes (doc/api/emoji_reactions.md). */
export function awardEmojiResource(app: FastifyInstance, deps: Deps): void {
  for (const [suffix, base] of [
    ['/award_emoji', IssueParams],
    ['/notes/:note_id/award_emoji', NoteParams],
  ] as const) {
    const url = `/projects/:id/issues/:issue_iid${suffix}`;

    // GET /projects/:id/issues/:issue_iid[/notes/:note_id]/award_emoji — doc/api/emoji_reactions.md#list-an-awardables-emoji-reactions
    endpoint(app, deps, {
      method: 'GET',
      url,
      auth: 'public',
      params: { ...base, ...paginationParams },
      async handler(ctx) {
        const t = await target(deps, ctx.user, ctx.params);
        return presentAwards(deps, await paginate(ctx, awards(deps, t.awardable)));
      },
    });

    // GET …/award_emoji/:award_id — doc/api/emoji_reactions.md#get-single-emoji-reaction
    endpoint(app, deps, {
      method: 'GET',
      url: `${url}/:award_id`,
      auth: 'public',
      params: { ...base, award_id: p.integer().required() },
      async handler(ctx) {
        const t = await target(deps, ctx.user, ctx.params);
        const award = await findAward(deps, t.awardable, ctx.params.award_id);
        return (await presentAwards(deps, [award]))[0];
      },
    });

    // POST …/award_emoji — doc/api/emoji_reactions.md#add-a-new-emoji-reaction
    endpoint(app, deps, {
      method: 'POST',
      url,
      auth: 'user',
      params: { ...base, name: p.string().required() },
      async handler(ctx) {
        const t = await target(deps, ctx.user, ctx.params);
        if (!can(ctx.user, 'award_emoji', t.subject)) throw notFound('Award Emoji');
        const award = await addAward(deps, t.awardable, ctx.user, ctx.params.name);
        ctx.reply.code(201);
        return (await presentAwards(deps, [award]))[0];
      },
    });

    // DELETE …/award_emoji/:award_id — doc/api/emoji_reactions.md#delete-an-emoji-reaction
    endpoint(app, deps, {
      method: 'DELETE',
      url: `${url}/:award_id`,
      auth: 'user',
      params: { ...base, award_id: p.integer().required() },
      async handler(ctx) {
        const t = await target(deps, ctx.user, ctx.params);
        const award = await findAward(deps, t.awardable, ctx.params.award_id);
        // Only the awarder, or an admin, takes an award back.
        if (!can(ctx.user, 'destroy_award_emoji', award)) throw unauthorized();
        await removeAward(deps, t.awardable, award);
      },
    });
  }
}
