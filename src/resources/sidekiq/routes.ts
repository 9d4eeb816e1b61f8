import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { endpoint } from '../../http/endpoint.js';
import { toJobStats, toProcessMetrics, toQueueMetrics } from './entity.js';

/**
 * lib/api/sidekiq_metrics.rb, answered from labforge's own background queue (a database table
 * shared by every process), so clients that poll these to wait for background work still work.
 */
export function sidekiqResource(app: FastifyInstance, deps: Deps): void {
  const metrics = () => deps.jobs.metrics();

  // GET /sidekiq/queue_metrics — doc/api/sidekiq_metrics.md#get-the-current-queue-metrics
  endpoint(app, deps, {
    method: 'GET',
    url: '/sidekiq/queue_metrics',
    auth: 'admin',
    handler: async () => ({ queues: toQueueMetrics(await metrics()) }),
  });

  // GET /sidekiq/process_metrics — doc/api/sidekiq_metrics.md#get-the-current-process-metrics
  endpoint(app, deps, {
    method: 'GET',
    url: '/sidekiq/process_metrics',
    auth: 'admin',
    handler: async () => ({ processes: toProcessMetrics(await metrics(), deps.jobs) }),
  });

  // GET /sidekiq/job_stats — doc/api/sidekiq_metrics.md#get-the-current-job-statistics
  endpoint(app, deps, {
    method: 'GET',
    url: '/sidekiq/job_stats',
    auth: 'admin',
    handler: async () => ({ jobs: toJobStats(await metrics()) }),
  });

  // GET /sidekiq/compound_metrics — doc/api/sidekiq_metrics.md#get-a-compound-response-of-all-the-previously-mentioned-metrics
  endpoint(app, deps, {
    method: 'GET',
    url: '/sidekiq/compound_metrics',
    auth: 'admin',
    handler: async () => {
      const m = await metrics();
      return { queues: toQueueMetrics(m), processes: toProcessMetrics(m, deps.jobs), jobs: toJobStats(m) };
    },
  });
}
