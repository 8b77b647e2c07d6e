export { optimizeCommand, optimizeJson, type OptimizeCommandArgs, type OptimizeIo } from './optimize-command';
export { OptimizeArgsError } from './optimize-errors';
export { runOptimize, type OptimizeOptions, type OptimizeResult } from './optimize-run';
export { default as optimizeWorkerTask } from './optimize-worker';
export { OBJECTIVES, type Objective } from './objectives';
