// The headless worker: the orchestrator with /health and /metrics on WORKER_PORT (no control API).
// Composition only: settings → startBot (compose + HTTP + autostart) → wait for a signal.
import { loadSettings, runMain, shutdownSignal, startBot } from '@cab/infrastructure';

void runMain('worker', async () => {
  const settings = loadSettings();
  const bot = await startBot(settings, { role: 'worker' });
  process.stdout.write(`crypto-ai-bot worker (${settings.mode}) on ${bot.http.url}\n`);
  await shutdownSignal();
  await bot.stop();
  return 0;
});
