/**
 * A test-only bot process for the Telegram commands' SIGTERM spec: the worker as apps/worker runs
 * it (settings from the environment, startBot, wait for a signal, stop), plus the TradingControl
 * factory the apps do not compose yet (an in-test one that records, its status the real
 * orchestrator's). It tells the spec over IPC when it is up and when stop() returned, and then
 * must exit by itself: a poll, a timer or a socket left behind would keep it alive.
 */
import { loadSettings, shutdownSignal, startBot } from '@cab/infrastructure';
import { RecordingControl } from '../../src/driving/telegram-commands/testing/recording-control';

const send = (m: unknown): void => {
  process.send?.(m);
};

void (async () => {
  const settings = loadSettings();
  const bot = await startBot(settings, {
    role: 'worker',
    control: (app) => new RecordingControl([...settings.symbols], () => app.orchestrator.status()),
  });
  send({ kind: 'ready' });
  await shutdownSignal();
  await bot.stop();
  send({ kind: 'stopped' });
  process.disconnect?.();
})();
