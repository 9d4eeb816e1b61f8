import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connection.js';
import type { Deps } from '../../deps.js';
import type { User } from '../../http/auth.js';
import { endpoint } from '../../http/endpoint.js';
import { findNamespace, groupSubjects, userNamespace } from '../../http/lookups.js';
import { paginate } from '../../http/pagination.js';
import { p } from '../../http/params.js';
import type { Namespace } from '../../permissions/groups.js';
import { can } from '../../permissions/index.js';
import { toNamespace } from './entity.js';
import { findNamespaces } from './finder.js';

/** Member counts (users in the group or below it) for the groups the viewer administers: one query. */
async function presentNamespaces(db: Db, deps: Deps, user: User, rows: Namespace[]) {
  const groups = rows.filter((n) => n.type === 'Group');
  const subjects = await groupSubjects(db, user, groups);
  const adminIds = subjects.filter((s) => can(user, 'admin_group', s)).map((s) => s.group.id);
  const counts = new Map<number, number>();
  if (adminIds.length > 0) {
    const res = await db
      .selectFrom('namespace_hierarchy as h')
      .innerJoin('members as m', (j) =>
        j.onRef('m.source_id', '=', 'h.descendant_id').on('m.source_type', '=', 'Namespace'),
      )
      .select(['h.ancestor_id', (eb) => eb.fn.count<number>('m.user_id').distinct().as('n')])
      .where('h.ancestor_id', 'in', adminIds)
      .groupBy('h.ancestor_id')
      .execute();
    for (const r of res) counts.set(r.ancestor_id, Number(r.n));
  }
  const adminSet = new Set(adminIds);
  return rows.map((n) =>
    toNamespace(deps.config, n, adminSet.has(n.id) ? (counts.get(n.id) ?? 0) : undefined),
  );
}

export function namespacesResource(app: FastifyInstance, deps: Deps): void {
  // GET /namespaces — doc/api/namespaces.md#list-all-namespaces
  endpoint(app, deps, {
    method: 'GET',
    url: '/namespaces',
    auth: 'user',
    params: { search: p.string(), owned_only: p.boolean(), top_level_only: p.boolean() },
    async handler(ctx) {
      await userNamespace(deps.db, ctx.user);
      const rows = await paginate(ctx, findNamespaces(deps.db, ctx.user, ctx.params));
      return presentNamespaces(deps.db, deps, ctx.user, rows);
    },
  });

  // GET /namespaces/:id — doc/api/namespaces.md#get-details-on-a-namespace
  endpoint(app, deps, {
    method: 'GET',
    url: '/namespaces/:id',
    auth: 'user',
    params: { id: p.idOrPath().required() },
    async handler({ user, params }) {
      const subject = await findNamespace(deps.db, user, params.id);
      const [out] = await presentNamespaces(deps.db, deps, user, [subject.group]);
      return out;
    },
  });

  // GET /namespaces/:id/exists — doc/api/namespaces.md#verify-namespace-availability
  endpoint(app, deps, {
    method: 'GET',
    url: '/namespaces/:id/exists',
    auth: 'user',
    params: { id: p.string().required(), parent_id: p.integer() },
    async handler({ params }) {
      let prefix = '';
      if (params.parent_id !== undefined && params.parent_id !== null) {
        const parent = await deps.db
          .selectFrom('namespaces')
          .select('full_path')
          .where('id', '=', params.parent_id)
          .executeTakeFirst();
        prefix = parent ? `${parent.full_path}/` : '';
      }
      const taken = async (path: string) =>
        Boolean(
          await deps.db
            .selectFrom('namespaces')
            .select('id')
            .where((eb) => eb(eb.fn('lower', ['full_path']), '=', `${prefix}${path}`.toLowerCase()))
            .executeTakeFirst(),
        );
      const exists = await taken(params.id);
      const suggests: string[] = [];
      if (exists) {
        for (let i = 1; i < 1000; i++) {
          if (!(await taken(`${params.id}${i}`))) {
            suggests.push(`${params.id}${i}`);
            break;
          }
        }
      }
      return { exists, suggests };
    },
  });
}
