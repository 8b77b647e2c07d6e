// The HTTP server app: the dashboard at /, /health, /ready, /metrics, /orchestrator/* and /api/*, with the orchestrator
// in-process. Composition only: settings → startBot (compose + HTTP + autostart) → wait for a signal.
import { join } from 'node:path';
import { loadSettings, runMain, shutdownSignal, startBot } from '@cab/infrastructure';

void runMain('server', async () => {
  const settings = loadSettings();
  // dist/apps/server/main.cjs serves dist/apps/dashboard (built with it: apps/server/project.json).
  const bot = await startBot(settings, { role: 'server', dashboardDir: join(__dirname, '..', 'dashboard') });
  process.stdout.write(`crypto-ai-bot server (${settings.mode}) on ${bot.http.url}\n`);
  await shutdownSignal();
  await bot.stop();
  return 0;
});
