// VirtualScheduler overhead per run, for backtests: prints figures, never fails. From the repo root:
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx libs/application/test/virtual-scheduler.bench.ts [minutes]
import { VirtualScheduler } from '../src/scheduling/virtual-scheduler';

const MINUTES = Number(process.argv[2] ?? 1_051_200); // two years of 1-minute candles, as jesse's figure
const T0 = Date.UTC(2024, 0, 1);

async function main(): Promise<void> {
  const s = new VirtualScheduler({ startMs: T0 });
  let evals = 0;
  let exits = 0;
  let reconciles = 0;
  s.every('eval', 60_000, () => void (evals += 1));
  s.every('exits', 60_000, async () => void (exits += 1));
  s.every('reconcile', 15 * 60_000, () => void (reconciles += 1));
  const t0 = process.hrtime.bigint();
  // One advance per candle, the way a replay drives the pipeline.
  for (let i = 0; i < MINUTES; i++) await s.advance(60_000);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const runs = evals + exits + reconciles;
  console.log(
    JSON.stringify({
      candles: MINUTES,
      runs,
      seconds: secs.toFixed(2),
      candlesPerSec: Math.round(MINUTES / secs),
      runsPerSec: Math.round(runs / secs),
      nsPerRun: Math.round((secs * 1e9) / runs),
    }),
  );
}
void main();
