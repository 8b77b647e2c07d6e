// Prints what one GateVenue call costs against the emulator on loopback (ccxt signing, HTTP,
// parsing), with ccxt's rate limiter on (production) and off. Figures only; never fails.
// Run: npx nx bench exchange-emulator
import { dec } from '@cab/domain';
import { GateVenue } from '@cab/infrastructure';
import { startEmulator } from '../src';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function run(enableRateLimit: boolean, n: number): Promise<void> {
  const emu = await startEmulator({ prices: { BTC_USDT: '50000' }, balances: { USDT: '100000000' }, candleStepMs: 0 });
  const broker = new GateVenue({
    apiKey: 'testkey',
    apiSecret: 'testsecret',
    apiUrl: emu.url,
    timeoutMs: 10_000,
    retry: { attempts: 1, baseMs: 1, maxMs: 1 },
    breaker: { failures: 1_000, cooldownMs: 1 },
    enableRateLimit,
  });
  const t0 = process.hrtime.bigint();
  const inst = await broker.instrument('BTC/USDT');
  if (!inst.ok) throw new Error(inst.error.message);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const time = async (f: () => Promise<{ ok: boolean }>): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      const r = await f();
      if (!r.ok) throw new Error('call failed');
      out.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    return out;
  };
  const bal = await time(() => broker.fetchBalance('BTC/USDT'));
  let i = 0;
  const buy = await time(() => broker.createMarketBuyQuote('BTC/USDT', dec('100'), `t-bench-${i++}`));
  const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms`;
  console.log(
    `rate limiter ${enableRateLimit ? 'on ' : 'off'}: first call (ccxt load + loadMarkets) ${firstMs.toFixed(0)} ms; fetchBalance ${f(bal)}; market buy ${f(buy)} (n=${n})`,
  );
  await broker.close();
  await emu.close();
}

async function main(): Promise<void> {
  await run(true, 100);
  await run(false, 300);
}

void main();
