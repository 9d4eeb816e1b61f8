import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.js';

export interface Supervisor {
  /** Resolves with the exit code once every worker has stopped after stop(). */
  stopped: Promise<number>;
  stop(signal: string): void;
}

const STOP_GRACE_MS = 30_000;
const MAX_RESTART_DELAY_MS = 10_000;

/**
 * The primary of `labforge serve --workers N`: forks N server processes that share the port
 * (each accepts from the shared socket; see SCHED_NONE below), restarts any that dies, and on SIGTERM
 * asks each to drain (they finish in-flight requests, then exit) before exiting 0.
 * Everything the workers share lives in the database; the primary holds no state and no
 * database connection while it supervises.
 */
export function superviseWorkers(
  config: Config,
  log: (msg: string) => void,
  forkEnv: Record<string, string> = {},
): Supervisor {
  let stopping = false;
  let finish: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    finish = resolve;
  });
  // Slot → how often its worker died soon after starting, for a backoff on crash loops.
  const quickDeaths = new Map<number, number>();
  const slots = new Map<number, { worker: Worker; startedAt: number }>();

  const fork = (slot: number) => {
    const worker = cluster.fork({ ...forkEnv, LABFORGE_WORKER_SLOT: String(slot) });
    slots.set(slot, { worker, startedAt: Date.now() });
    worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const onExit = (slot: number, worker: Worker, code: number | null, signal: string | null) => {
    const entry = slots.get(slot);
    if (entry?.worker !== worker) return;
    slots.delete(slot);
    if (stopping) {
      if (slots.size === 0) finish(0);
      return;
    }
    const lived = Date.now() - entry.startedAt;
    const deaths = lived < 5_000 ? (quickDeaths.get(slot) ?? 0) + 1 : 0;
    quickDeaths.set(slot, deaths);
    const delay = deaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** (deaths - 1));
    log(
      `worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another${delay ? ` in ${delay} ms` : ''}`,
    );
    setTimeout(() => {
      if (!stopping) fork(slot);
    }, delay).unref();
  };

  // Workers accept connections themselves from the shared socket. With round-robin the primary
  // accepts and hands each connection over, and one in flight to a worker that dies (kill -9) stays
  // open in the primary forever: the client hangs instead of seeing a reset.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let slot = 0; slot < config.workers; slot++) fork(slot);

  return {
    stopped,
    stop(signal: string) {
      if (stopping) return;
      stopping = true;
      if (slots.size === 0) {
        finish(0);
        return;
      }
      log(`${signal}: draining ${slots.size} worker${slots.size === 1 ? '' : 's'}`);
      for (const { worker } of slots.values()) worker.process.kill('SIGTERM');
      // A worker stuck past the grace period is killed; the exit code then says so.
      setTimeout(() => {
        if (slots.size === 0) return;
        for (const { worker } of slots.values()) worker.process.kill('SIGKILL');
        finish(1);
      }, STOP_GRACE_MS).unref();
    },
  };
}

/** True in a process forked by superviseWorkers. */
export const isClusterWorker = () => cluster.isWorker;
