// The piscina worker of `cab optimize`: one backtest per task. The CLI bundles it through apps/cli/src/optimize-worker.ts
// (dist/apps/cli/optimize-worker.cjs); running from source, optimize-worker.dev.cjs loads this file through jiti.
import { threadId, workerData } from 'node:worker_threads';
import { createEvaluator, type EvaluatorInit, type OptimizeTask, type TaskResult } from './evaluate-task';

let evaluate: ((task: OptimizeTask) => Promise<TaskResult>) | null = null;

export default function runTask(task: OptimizeTask): Promise<TaskResult> {
  // The candles come once per worker (workerData), not with each task.
  evaluate ??= createEvaluator(workerData as EvaluatorInit, threadId);
  return evaluate(task);
}
