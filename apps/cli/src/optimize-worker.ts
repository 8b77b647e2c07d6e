// The worker thread of `cab optimize`, bundled beside main.cjs as dist/apps/cli/optimize-worker.cjs
// (an extra entry point in project.json): plain JS that piscina loads in each worker.
import { optimizeWorkerTask } from '@cab/infrastructure';

export default optimizeWorkerTask;
