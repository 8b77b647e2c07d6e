// The headless worker app: the orchestrator without the control API (issue "Apps").
// For now it loads and validates the settings and prints its version and their summary.
import { APP_VERSION, formatSummary, loadSettings, runMain, settingsSummary } from '@cab/infrastructure';

void runMain('worker', async () => {
  const settings = loadSettings();
  process.stdout.write(`crypto-ai-bot worker ${APP_VERSION}\n${formatSummary(settingsSummary(settings))}\n`);
  process.stdout.write('The trading loops are not built yet: this build only validates settings.\n');
});
