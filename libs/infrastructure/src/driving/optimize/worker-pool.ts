import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type { EvaluatorInit, OptimizeTask, TaskResult } from './evaluate-task';

/**
 * The worker's file: plain JS next to the CLI's bundle (dist/apps/cli/optimize-worker.cjs, an extra
 * entry point in apps/cli/project.json), or — running from source, as the specs do — a shim that
 * compiles the TypeScript worker with jiti.
 */
export function optimizeWorkerFile(): string {
  const bundled = path.join(__dirname, 'optimize-worker.cjs');
  return fs.existsSync(bundled) ? bundled : path.join(__dirname, 'optimize-worker.dev.cjs');
}

export interface TaskPool {
  run(task: OptimizeTask): Promise<TaskResult>;
  /** Resolves when every worker has loaded its code, so the first tasks are shared out rather than taken by the first worker up. */
  ready(): Promise<void>;
  readonly threads: number;
  close(): Promise<void>;
}

/** How long to wait for every worker to load before sharing out tasks anyway. */
const READY_CEILING_MS = 60_000;

/** Threads by default: one per core the process may use. */
export const defaultThreads = (): number => availableParallelism();

/**
 * A fixed pool of `threads` workers (piscina), each given the candles once through workerData.
 * All of them start at once (minThreads = maxThreads): a run queues far more tasks than threads.
 */
export function openWorkerPool(init: EvaluatorInit, threads: number): TaskPool {
  const pool = new Piscina<OptimizeTask, TaskResult>({ filename: optimizeWorkerFile(), workerData: init, minThreads: threads, maxThreads: threads });
  return {
    threads,
    run: (task) => pool.run(task),
    ready: async () => {
      // Polled: piscina has no event for "all workers up". Past the ceiling the tasks go anyway (to those ready).
      const until = Date.now() + READY_CEILING_MS;
      while (pool.idleThreads < threads && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    },
    close: () => pool.destroy(),
  };
}
