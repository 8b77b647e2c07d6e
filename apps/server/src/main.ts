// The HTTP server app: /health, /ready, /metrics, /orchestrator/* and /api/*, with the orchestrator
// in-process. Composition only: settings → startBot (compose + HTTP + autostart) → wait for a signal.
import { loadSettings, runMain, shutdownSignal, startBot } from '@cab/infrastructure';

void runMain('server', async () => {
  const settings = loadSettings();
  const bot = await startBot(settings, { role: 'server' });
  process.stdout.write(`crypto-ai-bot server (${settings.mode}) on ${bot.http.url}\n`);
  await shutdownSignal();
  await bot.stop();
  return 0;
});
