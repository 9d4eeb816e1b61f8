import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../../../test/factories.js';
import { startTestServer, type TestServer } from '../../../test/server.js';

interface Compound {
  queues: Record<string, { backlog: number; latency: number }>;
  processes: Array<{ busy: number; pid: number | null; hostname: string }>;
  jobs: { processed: number; failed: number; enqueued: number; dead: number };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PATHS = ['queue_metrics', 'process_metrics', 'job_stats', 'compound_metrics'];

describe('Sidekiq metrics', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  const compound = async () => (await s.request('/sidekiq/compound_metrics')).body as Compound;

  /** Polls compound_metrics until `done` holds (as clients waiting for background work do). */
  async function waitFor(done: (m: Compound) => boolean, what: string): Promise<Compound> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const m = await compound();
      if (done(m)) return m;
      if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(m)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('C18/C22: admin only', async () => {
    const user = await createUser(s);
    for (const path of PATHS) {
      assert.equal((await s.request(`/sidekiq/${path}`, { token: null })).status, 401, path);
      const res = await s.request(`/sidekiq/${path}`, { token: user.token });
      assert.equal(res.status, 403, path);
      assert.deepEqual(res.body, { message: '403 Forbidden' });
    }
  });

  test('an idle queue answers GitLab’s exact shapes', async () => {
    const queues = await s.request('/sidekiq/queue_metrics');
    assert.equal(queues.status, 200);
    assert.equal(queues.text, '{"queues":{"default":{"backlog":0,"latency":0}}}');
    const jobs = await s.request('/sidekiq/job_stats');
    assert.equal(jobs.text, '{"jobs":{"processed":0,"failed":0,"enqueued":0,"dead":0}}');
    const processes = await s.request('/sidekiq/process_metrics');
    const body = processes.body as { processes: Array<Record<string, unknown>> };
    assert.equal(body.processes.length, 1);
    const me = body.processes[0]!;
    assert.deepEqual(Object.keys(me), [
      'hostname',
      'pid',
      'tag',
      'started_at',
      'queues',
      'labels',
      'concurrency',
      'busy',
    ]);
    assert.equal(me.hostname, os.hostname());
    assert.equal(me.pid, process.pid);
    assert.match(String(me.started_at), ISO);
    assert.deepEqual(me.queues, ['default']);
    assert.deepEqual(me.labels, []);
    assert.equal(me.concurrency, 1);
    assert.equal(me.busy, 0);
    const all = await s.request('/sidekiq/compound_metrics');
    assert.deepEqual(Object.keys(all.body as object), ['queues', 'processes', 'jobs']);
  });

  test('a slow job shows as busy and its follower as enqueued, then both drain to 0', async () => {
    const { jobs } = s.server.deps;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    jobs.register('test_slow', async () => gate);
    await jobs.enqueue('test_slow', { n: 1 });
    await jobs.enqueue('test_slow', { n: 2 });

    const busy = await waitFor(
      (m) => m.processes[0]!.busy === 1 && m.jobs.enqueued === 1,
      'one job running, one waiting',
    );
    assert.equal(busy.queues.default!.backlog, 1);
    assert.equal(busy.processes.length, 1, 'the busy worker is this process');

    release();
    const drained = await waitFor(
      (m) => m.processes[0]!.busy === 0 && m.jobs.enqueued === 0 && m.queues.default!.backlog === 0,
      'drained',
    );
    assert.equal(drained.jobs.processed, 2);
    assert.equal(drained.jobs.failed, 0);
  });

  test('a job running in another process is counted there, with its pid', async () => {
    const now = new Date().toISOString();
    await s.server.deps.db
      .insertInto('background_jobs')
      .values({
        queue: 'mailers',
        kind: 'elsewhere',
        payload: '{}',
        state: 'running',
        run_at: now,
        locked_at: now,
        locked_by: 'other-host:4242',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const m = await compound();
    assert.deepEqual(m.queues.mailers, { backlog: 0, latency: 0 });
    const other = m.processes.find((p) => p.pid === 4242);
    assert.ok(other, JSON.stringify(m.processes));
    assert.equal(other.hostname, 'other-host');
    assert.equal(other.busy, 1);
    assert.equal(m.processes[0]!.busy, 0);
    await s.server.deps.db.deleteFrom('background_jobs').where('locked_by', '=', 'other-host:4242').execute();
  });

  test('gitbeaker: SidekiqMetrics', async () => {
    const api = s.gitlab();
    assert.deepEqual((await api.SidekiqMetrics.queueMetrics()).queues.default, { backlog: 0, latency: 0 });
    assert.equal((await api.SidekiqMetrics.jobStats()).jobs.enqueued, 0);
    assert.equal((await api.SidekiqMetrics.processMetrics()).processes?.[0]?.pid, process.pid);
    const all = await api.SidekiqMetrics.compoundMetrics();
    assert.equal(all.jobs.dead, 0);
  });
});
