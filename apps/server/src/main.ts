// The HTTP server app: /health, /ready, /metrics and orchestrator control (issue "Apps").
// For now it loads and validates the settings and prints its version and their summary.
import { APP_VERSION, formatSummary, loadSettings, runMain, settingsSummary } from '@cab/infrastructure';

void runMain('server', async () => {
  const settings = loadSettings();
  process.stdout.write(`crypto-ai-bot server ${APP_VERSION}\n${formatSummary(settingsSummary(settings))}\n`);
  process.stdout.write('The HTTP server and the trading loops are not built yet: this build only validates settings.\n');
});
