import os from 'node:os';
import type { Db } from '../db/connection.js';

const RECLAIM_AFTER_MS = 10 * 60 * 1000;
const RECLAIM_EVERY_MS = 30 * 1000;

export type JobHandler = (payload: unknown) => Promise<void>;

export interface JobMetrics {
  queues: Record<string, { backlog: number; latency: number; busy: number }>;
  jobs: { processed: number; failed: number; enqueued: number; busy: number; dead: number };
  /** Jobs running now, by the worker (`host:pid`) running them, and when the oldest was claimed. */
  workers: Record<string, { busy: number; since: string | null }>;
}

/**
 * The background queue: a table in the database, so jobs survive restarts and every process
 * (--workers, or several machines on PostgreSQL) shares one queue. A job is claimed by a
 * compare-and-swap update (state queued → running), so exactly one process runs it.
 */
export class JobQueue {
  readonly #handlers = new Map<string, JobHandler>();
  readonly #worker = `${os.hostname()}:${process.pid}`;
  /** When this process's worker started, for the Sidekiq process metrics. */
  readonly startedAt = new Date();
  #timer: NodeJS.Timeout | null = null;
  /** One tick at a time: a kick during a tick (an enqueue) is remembered and runs right after it. */
  #ticking = false;
  #kickedWhileTicking = false;
  #running = 0;
  #stopped = false;
  #drained: Array<() => void> = [];
  #lastReclaim = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly pollMs = 250,
  ) {}

  /** This process's worker id, `host:pid`, as stored in `locked_by`. */
  get workerId(): string {
    return this.#worker;
  }

  /** Jobs this process runs at once. */
  get concurrency(): number {
    return 1;
  }

  register(kind: string, handler: JobHandler): void {
    this.#handlers.set(kind, handler);
  }

  async enqueue(kind: string, payload: unknown, opts: { queue?: string; runAt?: Date } = {}): Promise<void> {
    const now = this.now().toISOString();
    await this.db
      .insertInto('background_jobs')
      .values({
        queue: opts.queue ?? 'default',
        kind,
        payload: JSON.stringify(payload),
        run_at: (opts.runAt ?? this.now()).toISOString(),
        created_at: now,
        updated_at: now,
      })
      .execute();
    this.#kick();
  }

  start(): void {
    this.#stopped = false;
    this.#kick();
  }

  /** Stops taking jobs and waits for the running ones. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#running > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  #kick(delay = 0): void {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#kickedWhileTicking = true;
      return;
    }
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#tick();
    }, delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    this.#ticking = true;
    this.#kickedWhileTicking = false;
    let worked = false;
    try {
      await this.#reclaimAbandoned();
      worked = await this.#runOne();
    } catch {
      // The database may be closing; try again later.
    } finally {
      this.#ticking = false;
    }
    this.#kick(worked || this.#kickedWhileTicking ? 0 : this.pollMs);
  }

  /**
   * A process that died mid-job (kill -9, a lost machine) leaves its job `running` forever, and
   * clients that poll the Sidekiq metrics for the queue to drain would wait forever. Jobs locked
   * longer than RECLAIM_AFTER_MS go back to the queue (handlers are written to be re-runnable).
   */
  async #reclaimAbandoned(): Promise<void> {
    const nowMs = this.now().getTime();
    if (nowMs - this.#lastReclaim < RECLAIM_EVERY_MS) return;
    this.#lastReclaim = nowMs;
    await this.db
      .updateTable('background_jobs')
      .set({ state: 'queued', locked_at: null, locked_by: null, updated_at: new Date(nowMs).toISOString() })
      .where('state', '=', 'running')
      .where('locked_at', '<', new Date(nowMs - RECLAIM_AFTER_MS).toISOString())
      .execute();
  }

  async #runOne(): Promise<boolean> {
    const now = this.now().toISOString();
    const next = await this.db
      .selectFrom('background_jobs')
      .select(['id', 'kind', 'payload', 'attempts'])
      .where('state', '=', 'queued')
      .where('run_at', '<=', now)
      .orderBy('run_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) return false;
    const claimed = await this.db
      .updateTable('background_jobs')
      .set({
        state: 'running',
        locked_at: now,
        locked_by: this.#worker,
        attempts: next.attempts + 1,
        updated_at: now,
      })
      .where('id', '=', next.id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return true;
    this.#running++;
    try {
      const handler = this.#handlers.get(next.kind);
      if (!handler) throw new Error(`no handler for job kind ${next.kind}`);
      await handler(JSON.parse(next.payload));
      await this.db
        .updateTable('background_jobs')
        .set({ state: 'done', updated_at: this.now().toISOString() })
        .where('id', '=', next.id)
        .execute();
    } catch (err) {
      const dead = next.attempts + 1 >= 5;
      const retryAt = new Date(this.now().getTime() + 2 ** next.attempts * 1000).toISOString();
      await this.db
        .updateTable('background_jobs')
        .set({
          state: dead ? 'dead' : 'queued',
          run_at: retryAt,
          locked_at: null,
          locked_by: null,
          last_error: String(err instanceof Error ? err.message : err),
          updated_at: this.now().toISOString(),
        })
        .where('id', '=', next.id)
        .execute();
    } finally {
      this.#running--;
      if (this.#running === 0) for (const resolve of this.#drained.splice(0)) resolve();
    }
    return true;
  }

  /** Counts for the Sidekiq metrics endpoints: `busy` is jobs running now, in any process. */
  async metrics(): Promise<JobMetrics> {
    const rows = await this.db
      .selectFrom('background_jobs')
      .select(['queue', 'state'])
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('run_at').as('oldest')])
      .groupBy(['queue', 'state'])
      .execute();
    const queues: JobMetrics['queues'] = { default: { backlog: 0, latency: 0, busy: 0 } };
    const jobs = { processed: 0, failed: 0, enqueued: 0, busy: 0, dead: 0 };
    const now = this.now().getTime();
    for (const r of rows) {
      queues[r.queue] ??= { backlog: 0, latency: 0, busy: 0 };
      const q = queues[r.queue]!;
      const n = Number(r.n);
      if (r.state === 'queued') {
        q.backlog += n;
        jobs.enqueued += n;
        if (r.oldest)
          q.latency = Math.max(
            q.latency,
            Math.max(0, Math.round((now - Date.parse(String(r.oldest))) / 1000)),
          );
      } else if (r.state === 'running') {
        q.busy += n;
        jobs.busy += n;
      } else if (r.state === 'done') jobs.processed += n;
      else if (r.state === 'dead') {
        jobs.dead += n;
        jobs.failed += n;
      }
    }
    const workers: JobMetrics['workers'] = {};
    if (jobs.busy > 0) {
      const running = await this.db
        .selectFrom('background_jobs')
        .select('locked_by')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('locked_at').as('since')])
        .where('state', '=', 'running')
        .groupBy('locked_by')
        .execute();
      for (const r of running) workers[r.locked_by ?? ''] = { busy: Number(r.n), since: toIso(r.since) };
    }
    return { queues, jobs, workers };
  }
}

/** A timestamp as read back from either dialect, as an ISO string. */
const toIso = (v: unknown): string | null =>
  v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v);
