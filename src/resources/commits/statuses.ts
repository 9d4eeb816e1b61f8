/** Commit statuses (lib/api/commit_statuses.rb) and commit comments (lib/api/commits.rb comments). */
import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { Config } from '../../config.js';
import type { CommitNotesTable, CommitStatusesTable } from '../../db/schema.js';
import { type Deps, nowIso } from '../../deps.js';
import { type Commit, readCommit } from '../../git/index.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { invalidParams, notFound } from '../../http/errors.js';
import { paginate, paginationParams } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import { authorize } from '../../permissions/index.js';
import { isSafeRevision, type RepoContext, readableRepository } from '../repositories/context.js';
import { toUserBasic } from '../users/entity.js';

type StatusRow = Selectable<CommitStatusesTable>;
type NoteRow = Selectable<CommitNotesTable>;

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;

async function authors(deps: Deps, ids: Array<number | null>): Promise<Map<number, User>> {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await deps.db.selectFrom('users').selectAll().where('id', 'in', wanted).execute();
  return new Map(rows.map((u) => [u.id, u as User]));
}

/** lib/api/entities/commit_status.rb */
function toCommitStatus(config: Pick<Config, 'externalUrl'>, s: StatusRow, author: User | undefined) {
  return {
    id: s.id,
    sha: s.sha,
    ref: s.ref,
    status: s.status,
    name: s.name,
    target_url: s.target_url,
    description: s.description,
    created_at: s.created_at,
    started_at: s.started_at,
    finished_at: s.finished_at,
    allow_failure: Boolean(s.allow_failure),
    coverage: s.coverage,
    pipeline_id: null,
    author: author ? toUserBasic(config, author) : null,
  };
}

/** lib/api/entities/commit_note.rb */
function toCommitNote(config: Pick<Config, 'externalUrl'>, n: NoteRow, author: User | undefined) {
  return {
    note: n.note,
    path: n.path,
    line: n.line,
    line_type: n.line_type,
    author: author ? toUserBasic(config, author) : null,
    created_at: n.created_at,
  };
}

export function commitStatusesResource(app: FastifyInstance, deps: Deps): void {
  const findCommit = async (ctx: RepoContext, sha: string): Promise<Commit> => {
    const c = isSafeRevision(sha) ? await readCommit(deps.git.pool, ctx.repo, sha) : null;
    if (!c) throw notFound('Commit');
    return c;
  };

  // GET /projects/:id/repository/commits/:sha/statuses — doc/api/commits.md#list-the-statuses-of-a-commit
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits/:sha/statuses',
    auth: 'public',
    params: {
      id: p.idOrPath().required(),
      sha: p.string().required(),
      ref: p.string(),
      name: p.string(),
      all: p.boolean().default(false),
      ...paginationParams,
    },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      authorize(c.user, 'read_commit_status', ctx.subject);
      // gitlab-compat: stage and pipeline_id filters are not taken (there are no pipelines); `all`
      // is accepted, and every status is the latest of its name since a repeat updates it.
      const rows = await paginate(
        c,
        deps.db
          .selectFrom('commit_statuses')
          .selectAll()
          .where('project_id', '=', ctx.subject.project.id)
          .where('sha', '=', c.params.sha)
          .$if(c.params.ref !== undefined, (q) => q.where('ref', '=', c.params.ref!))
          .$if(c.params.name !== undefined, (q) => q.where('name', '=', c.params.name!))
          .orderBy('id'),
      );
      const users = await authors(
        deps,
        rows.map((r) => r.author_id),
      );
      return rows.map((r) => toCommitStatus(deps.config, r, users.get(r.author_id ?? -1)));
    },
  });

  // POST /projects/:id/statuses/:sha — doc/api/commits.md#set-the-pipeline-status-of-a-commit
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/statuses/:sha',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      sha: p.string().required(),
      state: p
        .string()
        .required()
        .values([...STATES]),
      ref: p.string(),
      target_url: p.string(),
      description: p.string(),
      name: p.string(),
      context: p.string(),
      coverage: p.string(),
      pipeline_id: p.integer(),
    },
    async handler({ user, params, reply }) {
      const ctx = await readableRepository(deps, user, params.id);
      authorize(user, 'create_commit_status', ctx.subject);
      const coverage = params.coverage === undefined ? undefined : Number(params.coverage);
      if (coverage !== undefined && !Number.isFinite(coverage)) throw invalidParams(['coverage is invalid']);
      const commit = await findCommit(ctx, params.sha);
      const name = params.name ?? params.context ?? 'default';
      const ref = params.ref ?? ctx.subject.project.default_branch ?? null;
      const now = nowIso(deps);
      const running = params.state === 'running';
      const finished = !['pending', 'running'].includes(params.state);
      // gitlab-compat: GitLab's state machine refuses some transitions (e.g. pending → pending);
      // here a repeat of the same sha, ref and name always updates the one status.
      const id = await deps.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('commit_statuses')
          .select(['id', 'started_at'])
          .where('project_id', '=', ctx.subject.project.id)
          .where('sha', '=', commit.id)
          .where('name', '=', name)
          .$if(ref === null, (q) => q.where('ref', 'is', null))
          .$if(ref !== null, (q) => q.where('ref', '=', ref!))
          .executeTakeFirst();
        const values = {
          status: params.state,
          ...(params.target_url !== undefined ? { target_url: params.target_url } : {}),
          ...(params.description !== undefined ? { description: params.description } : {}),
          ...(coverage !== undefined ? { coverage } : {}),
          updated_at: now,
          ...(running || finished ? { started_at: existing?.started_at ?? now } : {}),
          finished_at: finished ? now : null,
        };
        if (existing) {
          await trx.updateTable('commit_statuses').set(values).where('id', '=', existing.id).execute();
          return existing.id;
        }
        const row = await trx
          .insertInto('commit_statuses')
          .values({
            project_id: ctx.subject.project.id,
            sha: commit.id,
            ref,
            name,
            author_id: user.id,
            created_at: now,
            allow_failure: false,
            target_url: null,
            description: null,
            coverage: null,
            started_at: null,
            ...values,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return row.id;
      });
      const row = await deps.db
        .selectFrom('commit_statuses')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const users = await authors(deps, [row.author_id]);
      reply.code(201);
      return toCommitStatus(deps.config, row, users.get(row.author_id ?? -1));
    },
  });

  // GET /projects/:id/repository/commits/:sha/comments — doc/api/commits.md#get-the-comments-of-a-commit
  endpoint(app, deps, {
    method: 'GET',
    url: '/projects/:id/repository/commits/:sha/comments',
    auth: 'public',
    params: { id: p.idOrPath().required(), sha: p.string().required(), ...paginationParams },
    async handler(c) {
      const ctx = await readableRepository(deps, c.user, c.params.id);
      const commit = await findCommit(ctx, c.params.sha);
      const rows = await paginate(
        c,
        deps.db
          .selectFrom('commit_notes')
          .selectAll()
          .where('project_id', '=', ctx.subject.project.id)
          .where('commit_id', '=', commit.id)
          .orderBy('id'),
      );
      const users = await authors(
        deps,
        rows.map((r) => r.author_id),
      );
      return rows.map((r) => toCommitNote(deps.config, r, users.get(r.author_id ?? -1)));
    },
  });

  // POST /projects/:id/repository/commits/:sha/comments — doc/api/commits.md#post-comment-to-commit
  endpoint(app, deps, {
    method: 'POST',
    url: '/projects/:id/repository/commits/:sha/comments',
    auth: 'user',
    params: {
      id: p.idOrPath().required(),
      sha: p.string().required(),
      note: p.string().required(),
      path: p.string(),
      line: p.integer(),
      line_type: p.string().values(['new', 'old']).default('new'),
    },
    async handler({ user, params, reply }) {
      const ctx = await readableRepository(deps, user, params.id);
      authorize(user, 'create_commit_note', ctx.subject);
      const commit = await findCommit(ctx, params.sha);
      // gitlab-compat: a line comment is kept when sha is the full id and path and line are given;
      // GitLab also checks the line against the commit's diff.
      const onLine = params.sha === commit.id && params.path !== undefined && params.line !== undefined;
      const now = nowIso(deps);
      const row = await deps.db
        .insertInto('commit_notes')
        .values({
          project_id: ctx.subject.project.id,
          commit_id: commit.id,
          note: params.note,
          path: onLine ? params.path! : null,
          line: onLine ? params.line! : null,
          line_type: onLine ? params.line_type : null,
          author_id: user.id,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      reply.code(201);
      return toCommitNote(deps.config, row, user);
    },
  });
}
