import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';

/** Health checks live outside /api/v4, as on GitLab (doc/administration/monitoring/health_check.md). */
export function healthResource(app: FastifyInstance, _deps: Deps): void {
  app.get('/-/health', async (_request, reply) => reply.type('text/plain').send('GitLab OK'));
}
