import type { JobMetrics } from '../../events/jobs.js';

/** What the metrics need to know about the process answering. */
export interface LocalWorker {
  workerId: string;
  startedAt: Date;
  concurrency: number;
}

/** lib/api/sidekiq_metrics.rb `queue_metrics`: backlog (jobs waiting) and latency (seconds) by queue. */
export function toQueueMetrics(m: JobMetrics) {
  return Object.fromEntries(
    Object.entries(m.queues).map(([name, q]) => [name, { backlog: q.backlog, latency: q.latency }]),
  );
}

/** `job_stats`: Sidekiq's counters, from the queue table. */
export function toJobStats(m: JobMetrics) {
  return { processed: m.jobs.processed, failed: m.jobs.failed, enqueued: m.jobs.enqueued, dead: m.jobs.dead };
}

/**
 * `process_metrics`: this process's worker, then every other process that is running a job now;
 * `busy` is the number of jobs each one is running.
 * gitlab-compat: idle workers of other processes are not listed (no heartbeat table), and their
 * `started_at` is when they claimed their oldest running job.
 */
export function toProcessMetrics(m: JobMetrics, local: LocalWorker) {
  const queues = Object.keys(m.queues).sort();
  const process = (workerId: string, startedAt: string | null, busy: number, concurrency: number) => {
    const cut = workerId.lastIndexOf(':');
    return {
      hostname: cut === -1 ? workerId : workerId.slice(0, cut),
      pid: cut === -1 ? null : Number(workerId.slice(cut + 1)),
      tag: 'labforge',
      started_at: startedAt,
      queues,
      labels: [],
      concurrency,
      busy,
    };
  };
  const list = [
    process(
      local.workerId,
      local.startedAt.toISOString(),
      m.workers[local.workerId]?.busy ?? 0,
      local.concurrency,
    ),
  ];
  for (const [workerId, w] of Object.entries(m.workers))
    if (workerId !== local.workerId) list.push(process(workerId, w.since, w.busy, 1));
  return list;
}
