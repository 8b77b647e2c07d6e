// Standalone emulator: `npx nx serve exchange-emulator -- --port 8600 --balance USDT=10000,BTC=0`
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags, USAGE } from './flags';
import { startEmulator } from './server';

const SAMPLE = 'btc_usdt-1m-bybit-2022-12-13.csv';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags === 'help') {
    console.log(USAGE);
    return;
  }
  // Default price path: the bundled candle day (beside the source tree, or copied beside the build).
  const sample = [join(__dirname, '..', 'test-data', SAMPLE), join(__dirname, SAMPLE)].find((p) => existsSync(p));
  const data = flags.data ?? sample;
  const emu = await startEmulator({
    port: flags.port,
    host: flags.host,
    dataFile: data,
    apiKey: flags.apiKey,
    apiSecret: flags.apiSecret,
    balances: flags.balances,
    prices: flags.prices,
    candleStepMs: flags.candleStepMs,
    ...(flags.clockOffsetSec ? { clockOffsetMs: flags.clockOffsetSec * 1000 } : {}),
  });
  // The key is printed (it is a test key for a local toy); the secret never is.
  console.log(
    `exchange-emulator listening on ${emu.url} (key ${flags.apiKey}, balances ${JSON.stringify(flags.balances)}${data ? `, candles ${data}` : ', fixed prices'})`,
  );
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(2);
});
