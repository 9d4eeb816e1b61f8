import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.js';
import { sendJson } from '../../http/endpoint.js';
import { type CheckResult, dbCheck, storageCheck } from './checks.js';

const ALL_OFF = new Set(['', '0', 'false']);

/**
 * Health checks live outside /api/v4 and need no credentials, as on GitLab
 * (doc/administration/monitoring/health_check.md).
 * gitlab-compat: GitLab answers them only to an IP allowlist (localhost by default); labforge
 * answers everyone, and the bodies name no host, path or error text.
 */
export function healthResource(app: FastifyInstance, deps: Deps): void {
  // GET /-/health — doc/administration/monitoring/health_check.md#health
  app.get('/-/health', async (_request, reply) => reply.type('text/plain').send('GitLab OK'));

  // GET /-/liveness — doc/administration/monitoring/health_check.md#liveness
  app.get('/-/liveness', async (_request, reply) => sendJson(reply, { status: 'ok' }));

  // GET /-/readiness — doc/administration/monitoring/health_check.md#readiness
  app.get<{ Querystring: { all?: unknown } }>('/-/readiness', async (request, reply) => {
    const all = request.query.all !== undefined && !ALL_OFF.has(String(request.query.all).toLowerCase());
    // This process can serve only while its database answers, so the instance check queries it.
    const [db, storage] = await Promise.all([dbCheck(deps), all ? storageCheck(deps) : null]);
    const checks: Record<string, CheckResult[]> = {
      master_check: [db.status === 'ok' ? { status: 'ok' } : { status: 'failed', message: db.message }],
    };
    if (all) {
      checks.db_check = [db];
      checks.gitaly_check = [storage!];
    }
    return answer(reply, checks);
  });
}

function answer(reply: FastifyReply, checks: Record<string, CheckResult[]>): FastifyReply {
  const ok = Object.values(checks).every((list) => list.every((c) => c.status === 'ok'));
  reply.code(ok ? 200 : 503);
  return sendJson(reply, { status: ok ? 'ok' : 'failed', ...checks });
}
